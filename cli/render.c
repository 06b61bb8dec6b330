/*
 * render.c — the people's view of a display model.
 */
#include <string.h>

#include "cli/render.h"

#define SHORT_MAX 100   /* longer strings are shortened in text output */

static void
pad(FILE *f, int indent)
{
	fprintf(f, "%*s", indent, "");
}

static int
all_booleans(const json_t *o)
{
	const char *k;
	json_t *v;

	if (!json_is_object(o) || json_object_size(o) == 0)
		return 0;
	json_object_foreach((json_t *)o, k, v)
		if (!json_is_boolean(v))
			return 0;
	return 1;
}

static int
is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static void
print_scalar(FILE *f, const json_t *v)
{
	const char *s;
	size_t n;

	switch (json_typeof(v)) {
	case JSON_STRING:
		s = json_string_value(v);
		n = json_string_length(v);
		if (n > SHORT_MAX)
			fprintf(f, "%.*s… (%zu chars)", 64, s, n);
		else
			fputs(s, f);
		break;
	case JSON_INTEGER:
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		break;
	case JSON_REAL:
		fprintf(f, "%g", json_real_value(v));
		break;
	case JSON_TRUE:
		fputs("yes", f);
		break;
	case JSON_FALSE:
		fputs("no", f);
		break;
	default:
		fputs("null", f);
		break;
	}
}

/* Flags and similar: the set names upper-case, then the clear ones. */
static void
print_bool_set(FILE *f, const json_t *o)
{
	const char *k;
	json_t *v;
	int any = 0;

	json_object_foreach((json_t *)o, k, v) {
		if (json_is_true(v)) {
			for (const char *c = k; *c; c++)
				fputc((*c >= 'a' && *c <= 'z') ? *c - 32 : *c, f);
			fputc(' ', f);
			any = 1;
		}
	}
	if (!any)
		fputs("(none set) ", f);
	fputs("[clear:", f);
	json_object_foreach((json_t *)o, k, v)
		if (json_is_false(v))
			fprintf(f, " %s", k);
	fputs("]", f);
}

static void render_value(FILE *f, const char *label, const json_t *v, int indent);

static void
render_array(FILE *f, const char *label, const json_t *a, int indent)
{
	size_t i;
	json_t *e;
	int scalars = 1;

	json_array_foreach((json_t *)a, i, e)
		if (!is_scalar(e))
			scalars = 0;
	if (scalars) {
		pad(f, indent);
		fprintf(f, "%s: [", label);
		json_array_foreach((json_t *)a, i, e) {
			if (i > 0)
				fputs(", ", f);
			print_scalar(f, e);
		}
		fputs("]\n", f);
		return;
	}
	json_array_foreach((json_t *)a, i, e) {
		char sub[160];
		snprintf(sub, sizeof(sub), "%s[%zu]", label, i);
		render_value(f, sub, e, indent);
	}
}

static void
render_value(FILE *f, const char *label, const json_t *v, int indent)
{
	if (json_is_array(v)) {
		render_array(f, label, v, indent);
		return;
	}
	pad(f, indent);
	fprintf(f, "%s:", label);
	if (all_booleans(v)) {
		fputc(' ', f);
		print_bool_set(f, v);
		fputc('\n', f);
	} else if (json_is_object(v) && json_object_size(v) == 0) {
		fputs(" {}\n", f);
	} else if (json_is_object(v)) {
		fputc('\n', f);
		fsim_render_text(f, v, indent + 2);
	} else {
		fputc(' ', f);
		print_scalar(f, v);
		fputc('\n', f);
	}
}

void
fsim_render_text(FILE *f, const json_t *model, int indent)
{
	const char *k;
	json_t *v;

	if (!json_is_object(model)) {
		render_value(f, "value", model, indent);
		return;
	}
	json_object_foreach((json_t *)model, k, v)
		render_value(f, k, v, indent);
}
