/*
 * report_merge.c — joining the reports of the shards of one run
 * (`fidosim run --merge`), and the digests that let it tell whether they
 * are shards of one run: each shard's report.json carries run.shardIndex,
 * shardCount, seed, optionsDigest (the resolved options), matrixDigest (every
 * unit of the whole matrix) and the fidosim version. A merge of shards that
 * do not make up exactly one run — a shard given twice, one missing, another
 * seed, options, matrix or version — is refused with every problem named: a
 * CI job that lost a shard must not go green on a partial report.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "harness/matrix_int.h"
#include "core/json_dump.h"

int
fsim_report_digest_bytes(const uint8_t *p, size_t n, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0, i;

	hex[0] = '\0';
	if (EVP_Digest(p, n, md, &len, EVP_sha256(), NULL) != 1 || len != 32)
		return FSIM_ERR_INTERNAL;
	for (i = 0; i < len; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	return FSIM_OK;
}

int
fsim_report_digest(const json_t *v, char hex[65])
{
	size_t n;
	char *s = fsim_json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENSURE_ASCII |
	    JSON_ENCODE_ANY, &n);
	int r;

	hex[0] = '\0';
	if (s == NULL)
		return FSIM_ERR_NOMEM;
	r = fsim_report_digest_bytes((const uint8_t *)s, n, hex);
	free(s);
	return r;
}

static bool
is_str(const json_t *o, const char *key, const char *v)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL && strcmp(s, v) == 0;
}

static const char *
str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "?";
}

static void
union_axis(json_t *dst, const json_t *src)
{
	const json_t *v, *w;
	size_t i, j;

	json_array_foreach(src, i, v) {
		bool seen = false;

		json_array_foreach(dst, j, w)
			seen = seen || json_equal(v, w);
		if (!seen)
			json_array_append(dst, (json_t *)v);
	}
}

/* One more line of err (problems are listed one a line; a full buffer ends in "..."). */
static void
say(char *err, size_t errlen, size_t *n, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static void
say(char *err, size_t errlen, size_t *n, const char *fmt, ...)
{
	size_t used = strlen(err);
	va_list ap;

	(*n)++;
	if (used + 1 >= errlen)
		return;
	if (used > 0) {
		err[used++] = '\n';
		err[used] = '\0';
	}
	va_start(ap, fmt);
	vsnprintf(err + used, errlen - used, fmt, ap);
	va_end(ap);
	if (strlen(err) + 1 >= errlen && errlen > 4)
		memcpy(err + errlen - 4, "...", 4);
}

/* The members of run.options whose values differ, as "quirks, platforms". */
static void
options_differing(const json_t *a, const json_t *b, char *buf, size_t cap)
{
	const char *k;
	const json_t *v;

	buf[0] = '\0';
	json_object_foreach((json_t *)a, k, v)
		if (!json_equal(v, json_object_get(b, k)))
			snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? ", " : "", k);
	json_object_foreach((json_t *)b, k, v)
		if (json_object_get(a, k) == NULL)
			snprintf(buf + strlen(buf), cap - strlen(buf), "%s%s", buf[0] ? ", " : "", k);
}

static json_int_t
shard_index(const json_t *report)
{
	return json_integer_value(json_object_get(json_object_get(report, "run"), "shardIndex"));
}

/*
 * Do reports[0..n) make up exactly the shards of one run? Every problem
 * goes to err, one a line; returns how many there are.
 */
static size_t
check_shards(json_t *const *reports, const char *const *labels, size_t n, char *err,
    size_t errlen)
{
	const json_t *run0 = json_object_get(reports[0], "run");
	const char *l0 = labels[0];
	json_int_t count = json_integer_value(json_object_get(run0, "shardCount"));
	size_t i, bad = 0;
	json_int_t k;

	for (i = 0; i < n; i++) {
		const json_t *run = json_object_get(reports[i], "run");

		if (is_str(run, "shard", "merged")) {
			say(err, errlen, &bad, "%s is a merged report, not a shard: merge the shard "
			    "directories themselves", labels[i]);
			return bad;
		}
		if (!json_is_integer(json_object_get(run, "shardIndex")) ||
		    !json_is_integer(json_object_get(run, "shardCount")) ||
		    !json_is_string(json_object_get(run, "optionsDigest")) ||
		    !json_is_string(json_object_get(run, "matrixDigest"))) {
			say(err, errlen, &bad, "%s has no shard metadata (run.shardIndex, shardCount, "
			    "optionsDigest, matrixDigest): it was written by fidosim %s; run its "
			    "shards again with this version", labels[i], str(reports[i], "fidosim"));
			return bad;
		}
	}
	if (count < 1 || count > 10000) {
		say(err, errlen, &bad, "%s: run.shardCount %lld is not a shard count", l0,
		    (long long)count);
		return bad;
	}
	for (i = 1; i < n; i++) {
		const json_t *run = json_object_get(reports[i], "run");

		if (!json_equal(json_object_get(reports[i], "fidosim"),
		    json_object_get(reports[0], "fidosim")))
			say(err, errlen, &bad, "different fidosim versions: %s was written by %s, "
			    "%s by %s", labels[i], str(reports[i], "fidosim"), l0,
			    str(reports[0], "fidosim"));
		if (!json_equal(json_object_get(run, "seed"), json_object_get(run0, "seed")))
			say(err, errlen, &bad, "different seeds: %s ran with --seed %s, %s with %s",
			    labels[i], str(run, "seed"), l0, str(run0, "seed"));
		if (!json_equal(json_object_get(run, "optionsDigest"),
		    json_object_get(run0, "optionsDigest"))) {
			char which[300];

			options_differing(json_object_get(run, "options"),
			    json_object_get(run0, "options"), which, sizeof(which));
			say(err, errlen, &bad, "different options: %s and %s differ in %s", labels[i],
			    l0, which[0] ? which : "their options");
		} else if (!json_equal(json_object_get(run, "matrixDigest"),
		    json_object_get(run0, "matrixDigest")))
			say(err, errlen, &bad, "different matrices: %s has %lld units, %s %lld "
			    "(another data folder or version?)", labels[i],
			    (long long)json_integer_value(json_object_get(run, "units")), l0,
			    (long long)json_integer_value(json_object_get(run0, "units")));
		if (json_integer_value(json_object_get(run, "shardCount")) != count)
			say(err, errlen, &bad, "different shard counts: %s is shard %s, %s is shard %s",
			    labels[i], str(run, "shard"), l0, str(run0, "shard"));
	}
	if (bad > 0)
		return bad;
	for (i = 0; i < n; i++) {
		json_int_t idx = shard_index(reports[i]);
		size_t j;

		if (idx < 1 || idx > count) {
			say(err, errlen, &bad, "%s: shard index %lld is not in 1..%lld", labels[i],
			    (long long)idx, (long long)count);
			continue;
		}
		for (j = 0; j < i && shard_index(reports[j]) != idx; j++)
			;
		if (j < i)
			say(err, errlen, &bad, "shard %lld/%lld is given twice: %s and %s%s",
			    (long long)idx, (long long)count, labels[j], labels[i],
			    strcmp(labels[j], labels[i]) == 0 ? " (the same directory)" : "");
	}
	for (k = 1; k <= count; k++) {
		for (i = 0; i < n && shard_index(reports[i]) != k; i++)
			;
		if (i == n)
			say(err, errlen, &bad, "shard %lld/%lld is missing", (long long)k,
			    (long long)count);
	}
	return bad;
}

/* A cell ID twice: a backstop for reports whose metadata was edited. */
static size_t
check_cells(const json_t *cells, char *err, size_t errlen)
{
	json_t *ids = json_object();
	const json_t *c;
	size_t i, bad = 0;

	if (ids == NULL)
		return 1;
	json_array_foreach(cells, i, c) {
		const char *id = json_string_value(json_object_get(c, "id"));

		if (id == NULL)
			continue;
		if (json_object_get(ids, id) != NULL) {
			say(err, errlen, &bad, "cell %s is in more than one shard", id);
			break;
		}
		json_object_set_new(ids, id, json_true());
	}
	json_decref(ids);
	return bad;
}

int
fsim_report_merge_named(json_t *const *reports, const char *const *labels, size_t n,
    json_t **out, char *err, size_t errlen)
{
	json_t *m = NULL, *cells = NULL, *axes = NULL;
	const char *lv[64] = { NULL };
	char lbuf[64][24];
	const json_t *run0;
	double secs = 0;
	size_t i;
	int r = FSIM_ERR_NOMEM;

	*out = NULL;
	if (errlen > 0)
		err[0] = '\0';
	if (n == 0 || n > 64) {
		snprintf(err, errlen, n == 0 ? "nothing to merge" : "at most 64 shards");
		return FSIM_ERR_ARG;
	}
	for (i = 0; i < n; i++) {
		if (labels != NULL && labels[i] != NULL)
			lv[i] = labels[i];
		else {
			snprintf(lbuf[i], sizeof(lbuf[i]), "report %zu", i + 1);
			lv[i] = lbuf[i];
		}
		if (!is_str(reports[i], "schema", FSIM_REPORT_SCHEMA) ||
		    !json_is_array(json_object_get(reports[i], "cells"))) {
			snprintf(err, errlen, "%s is not a %s report", lv[i], FSIM_REPORT_SCHEMA);
			return FSIM_ERR_FORMAT;
		}
	}
	if (check_shards(reports, lv, n, err, errlen) > 0)
		return FSIM_ERR_FORMAT;
	if ((cells = json_array()) == NULL || (axes = json_pack("{s:[], s:[], s:[]}", "presets",
	    "platforms", "policies")) == NULL)
		goto fail;
	for (i = 0; i < n; i++) {
		const json_t *ax = json_object_get(reports[i], "axes");

		union_axis(json_object_get(axes, "presets"), json_object_get(ax, "presets"));
		union_axis(json_object_get(axes, "platforms"), json_object_get(ax, "platforms"));
		union_axis(json_object_get(axes, "policies"), json_object_get(ax, "policies"));
		json_array_extend(cells, json_object_get(reports[i], "cells"));
		secs += json_number_value(json_object_get(json_object_get(reports[i], "run"),
		    "seconds"));
	}
	if (check_cells(cells, err, errlen) > 0) {
		r = FSIM_ERR_FORMAT;
		goto fail;
	}
	run0 = json_object_get(reports[0], "run");
	m = json_pack("{s:s, s:s, s:{s:O, s:s, s:f, s:i, s:O, s:O, s:O, s:O, s:O}, s:o, s:o}",
	    "schema", FSIM_REPORT_SCHEMA, "fidosim", str(reports[0], "fidosim"),
	    "run", "seed", json_object_get(run0, "seed"), "shard", "merged", "seconds", secs,
	    "jobs", (json_int_t)0, "shardCount", json_object_get(run0, "shardCount"),
	    "optionsDigest", json_object_get(run0, "optionsDigest"),
	    "matrixDigest", json_object_get(run0, "matrixDigest"),
	    "units", json_object_get(run0, "units"), "options", json_object_get(run0, "options"),
	    "axes", axes, "cells", cells);
	axes = cells = NULL;
	if (m == NULL || fsim_report_summarise(m) != FSIM_OK)
		goto fail;
	*out = m;
	return FSIM_OK;
fail:
	json_decref(m);
	json_decref(cells);
	json_decref(axes);
	if (r == FSIM_ERR_NOMEM)
		snprintf(err, errlen, "out of memory");
	return r;
}

int
fsim_report_merge(json_t *const *reports, size_t n, json_t **out, char *err, size_t errlen)
{
	return fsim_report_merge_named(reports, NULL, n, out, err, errlen);
}
