/*
 * cxf_doc.c — a CXF document as the checker leaves it: the rule table (the
 * catalog's CXF-* family, rp-sim/rules.def), how findings are recorded, the
 * JSON helpers the reading shares, and the accessors and the freeing (with
 * its wiping) of what was read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "authenticator/cxf_int.h"

static const fsim_cxf_rule_t rules[CXF_R__COUNT] = {
	{ "CXF-01", FSIM_SEV_ERROR }, { "CXF-02", FSIM_SEV_ERROR },
	{ "CXF-03", FSIM_SEV_ERROR }, { "CXF-04", FSIM_SEV_ERROR },
	{ "CXF-05", FSIM_SEV_ERROR }, { "CXF-06", FSIM_SEV_ERROR },
	{ "CXF-07", FSIM_SEV_ERROR }, { "CXF-08", FSIM_SEV_ERROR },
	{ "CXF-09", FSIM_SEV_ERROR }, { "CXF-10", FSIM_SEV_WARNING },
	{ "CXF-11", FSIM_SEV_ERROR }, { "CXF-12", FSIM_SEV_ERROR },
	{ "CXF-13", FSIM_SEV_ERROR }, { "CXF-14", FSIM_SEV_ERROR },
	{ "CXF-15", FSIM_SEV_ERROR }, { "CXF-16", FSIM_SEV_ERROR },
	{ "CXF-17", FSIM_SEV_ERROR }, { "CXF-18", FSIM_SEV_ERROR },
	{ "CXF-19", FSIM_SEV_ERROR }, { "CXF-20", FSIM_SEV_ERROR },
	{ "CXF-21", FSIM_SEV_INFO },
};

size_t
fsim_cxf_rule_count(void)
{
	return CXF_R__COUNT;
}

const fsim_cxf_rule_t *
fsim_cxf_rule_at(size_t i)
{
	return i < CXF_R__COUNT ? &rules[i] : NULL;
}

void
fsim_cxf_mark(cxf_ctx_t *c, int r)
{
	if (r >= 0 && r < CXF_R__COUNT)
		c->doc->checked[r] = true;
}

void
fsim_cxf_report(cxf_ctx_t *c, int r, fsim_sev_t sev, const char *field, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	fsim_cxf_mark(c, r);
	if (sev == FSIM_SEV_ERROR)
		c->nerr++;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fsim_diags_add(c->d, sev, rules[r].id, field, FSIM_NO_OFFSET, "%s", msg);
	if (c->d != NULL && c->d->oom)
		c->err = FSIM_ERR_NOMEM;
}

const char *
fsim_cxf_type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT: return "an object";
	case JSON_ARRAY: return "an array";
	case JSON_STRING: return "a string";
	case JSON_INTEGER: return "an integer";
	case JSON_REAL: return "a number with a fraction";
	case JSON_TRUE: case JSON_FALSE: return "a boolean";
	case JSON_NULL: return "null";
	}
	return "?";
}

static void
wipe_tree(json_t *j)
{
	const char *k;
	json_t *v;
	size_t i;

	if (json_is_string(j))
		fsim_wipe((char *)(uintptr_t)json_string_value(j), json_string_length(j));
	else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			wipe_tree(v);
	} else if (json_is_object(j)) {
		json_object_foreach(j, k, v)
			wipe_tree(v);
	}
}

void
fsim_cxf_free_tree(json_t **j)
{
	if (j == NULL || *j == NULL)
		return;
	wipe_tree(*j);
	json_decref(*j);
	*j = NULL;
}

void
fsim_cxf_unknown_members(cxf_ctx_t *c, const json_t *obj, const char *path,
    const char *const *known)
{
	const char *k;
	json_t *v;
	size_t i;
	bool found;

	if (!json_is_object(obj))
		return;
	fsim_cxf_mark(c, CXF_R21);
	json_object_foreach((json_t *)(uintptr_t)obj, k, v) {
		found = false;
		for (i = 0; known[i] != NULL && !found; i++)
			found = strcmp(k, known[i]) == 0;
		if (!found)
			fsim_cxf_report(c, CXF_R21, FSIM_SEV_INFO, path, "member \"%.60s\" is not "
			    "one %s defines: kept and ignored", k, FSIM_CXF_DRAFT);
	}
}

static void
passkey_reset(fsim_cxf_passkey_t *p)
{
	fsim_blob_reset(&p->id);
	free(p->rp_id);
	free(p->username);
	free(p->display_name);
	fsim_blob_reset(&p->user_handle);
	fsim_blob_reset(&p->key);
	fsim_blob_reset(&p->cred_blob);
	fsim_wipe(p, sizeof(*p));
}

void
fsim_cxf_doc_free(fsim_cxf_doc_t **dp)
{
	fsim_cxf_doc_t *doc;
	size_t i;

	if (dp == NULL || (doc = *dp) == NULL)
		return;
	for (i = 0; i < doc->npk; i++)
		passkey_reset(&doc->pk[i]);
	free(doc->pk);
	for (i = 0; i < doc->ntypes; i++)
		free(doc->types[i].type);
	free(doc->types);
	free(doc->others);
	fsim_cxf_free_tree(&doc->root);
	free(doc);
	*dp = NULL;
}

bool
fsim_cxf_doc_checked(const fsim_cxf_doc_t *doc, size_t i)
{
	return doc != NULL && i < CXF_R__COUNT && doc->checked[i];
}

const char *
fsim_cxf_doc_exporter(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->exporter : NULL;
}

const char *
fsim_cxf_doc_exporter_name(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->exporter_name : NULL;
}

void
fsim_cxf_doc_version(const fsim_cxf_doc_t *doc, int *major, int *minor)
{
	*major = doc != NULL ? doc->major : -1;
	*minor = doc != NULL ? doc->minor : -1;
}

uint64_t
fsim_cxf_doc_timestamp(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->timestamp : 0;
}

size_t
fsim_cxf_doc_accounts(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->accounts : 0;
}

size_t
fsim_cxf_doc_items(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->items : 0;
}

size_t
fsim_cxf_doc_other_types(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->ntypes : 0;
}

const char *
fsim_cxf_doc_other_type(const fsim_cxf_doc_t *doc, size_t i, size_t *count)
{
	if (doc == NULL || i >= doc->ntypes) {
		if (count != NULL)
			*count = 0;
		return NULL;
	}
	if (count != NULL)
		*count = doc->types[i].n;
	return doc->types[i].type;
}

size_t
fsim_cxf_doc_passkey_count(const fsim_cxf_doc_t *doc)
{
	return doc != NULL ? doc->npk : 0;
}

const fsim_cxf_passkey_t *
fsim_cxf_doc_passkey(const fsim_cxf_doc_t *doc, size_t i)
{
	return doc != NULL && i < doc->npk ? &doc->pk[i] : NULL;
}
