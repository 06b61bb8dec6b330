/*
 * preset_int.h — what preset.c (the parser) and preset_load.c (finding a
 * preset) share; not for other modules.
 */
#ifndef FSIM_PRESET_INT_H
#define FSIM_PRESET_INT_H

#include <stdbool.h>
#include <stddef.h>

/* A preset name: [a-z0-9][a-z0-9._-]*, 1..FSIM_PRESET_MAX_NAME bytes. */
bool fsim_preset_valid_name(const char *s, size_t len);
/* printf into err (when err is not NULL and errlen not 0). */
void fsim_preset_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
