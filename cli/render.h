/*
 * render.h — print a JSON display model for people: "key: value" lines,
 * nesting by indentation, flag objects on one line, long hex shortened.
 */
#ifndef FSIM_RENDER_H
#define FSIM_RENDER_H

#include <stdio.h>
#include <jansson.h>

void fsim_render_text(FILE *f, const json_t *model, int indent);

#endif /* !FSIM_RENDER_H */
