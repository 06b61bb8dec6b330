/*
 * xml.c — XML escaping (see xml.h).
 */
#include "harness/xml.h"

void
fsim_xml_text(FILE *f, const char *s)
{
	for (; s != NULL && *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '<')
			fputs("&lt;", f);
		else if (c == '>')
			fputs("&gt;", f);
		else if (c == '&')
			fputs("&amp;", f);
		else if (c == '"')
			fputs("&quot;", f);
		else if (c < 0x20 && c != '\n' && c != '\t')
			fputc('?', f);   /* not allowed in XML 1.0 */
		else
			fputc(c, f);
	}
}
