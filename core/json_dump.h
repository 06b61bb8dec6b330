/*
 * json_dump.h — jansson's json_dumps, byte for byte, at a fraction of its
 * cost for large documents (a run's report.json is several megabytes).
 *
 * jansson writes every token through a callback into a growing buffer,
 * decodes every string as UTF-8 codepoint by codepoint, and keeps a hash
 * set of the containers on the current path to refuse cycles; then copies
 * the whole text once more. This writes straight into one buffer and copies
 * plain ASCII runs of a string whole.
 *
 * The same bytes as json_dumps(json, flags) for the flags it takes
 * (JSON_INDENT(n), JSON_COMPACT, JSON_ENSURE_ASCII, JSON_SORT_KEYS,
 * JSON_ESCAPE_SLASH, JSON_ENCODE_ANY, JSON_REAL_PRECISION(n)); a real is
 * written by jansson itself. On anything else — another flag, a string that
 * is not valid UTF-8, nesting deeper than it follows (a cycle among them) —
 * it hands the whole document to json_dumps, so every failure stays
 * jansson's own.
 */
#ifndef FSIM_JSON_DUMP_H
#define FSIM_JSON_DUMP_H

#include <stddef.h>

#include <jansson.h>

/*
 * The text of json as json_dumps(json, flags) writes it, NUL-terminated, to
 * be freed with free(); its length in *len when len is not NULL. NULL when
 * json_dumps would return NULL (an allocation failure, a cycle, a value
 * jansson refuses).
 */
char *fsim_json_dumps(const json_t *json, size_t flags, size_t *len);

/*
 * The same text (flags must include JSON_ENSURE_ASCII) and, from the same
 * pass, what report.html embeds: the text compact, with <, > and & inside
 * strings written \u003c, \u003e and \u0026 (the only places they can be),
 * so it can never close the script element nor open a comment. Both
 * NUL-terminated, for free(). -1 (nothing made) without memory or when the
 * document is one this writer hands to jansson: the caller then makes the
 * text with fsim_json_dumps and the other from it.
 */
int fsim_json_dumps_html(const json_t *json, size_t flags, char **text, size_t *len,
    char **html, size_t *hlen);

#endif /* !FSIM_JSON_DUMP_H */
