/*
 * xml.h — the little XML the harness writes (JUnit reports): text and
 * attribute values escaped, and characters XML 1.0 forbids replaced.
 */
#ifndef FSIM_HARNESS_XML_H
#define FSIM_HARNESS_XML_H

#include <stdio.h>

/* s (NULL: nothing) as XML character data or attribute value. */
void fsim_xml_text(FILE *f, const char *s);

#endif /* !FSIM_HARNESS_XML_H */
