/*
 * policy_preset.c — the shipped RP policy presets (policy_preset.h): read
 * once from data/policies/NAME.policy, or from their compiled-in copy when
 * the data folder cannot be found, and kept for the life of the process
 * (the conformance run reads them from several threads).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/kvfile.h"
#include "rp-sim/policy_preset.h"

struct fsim_policy_builtin {
	const char *name;
	const unsigned char *text;
	unsigned long len;
};
extern const struct fsim_policy_builtin fsim_policy_builtins[];
extern const unsigned long fsim_policy_builtins_n;

/* The shipped presets, in the order every table and report shows them. */
static const char *const shipped[] = {
	"spec", "py_webauthn", "simplewebauthn", "java-webauthn-server", "go-webauthn",
	"webauthn-rs", "fido2-net-lib", "libfido2", "python-fido2", "fido2-lib",
};
#define NSHIPPED (sizeof(shipped) / sizeof(shipped[0]))

static fsim_rp_preset_t *cache[NSHIPPED];
static size_t n_cache;
static char warning[600];
static pthread_once_t once = PTHREAD_ONCE_INIT;

/* Presets loaded from a path (fsim_rp_preset_get), kept like the shipped ones. */
struct loaded {
	struct loaded *next;
	char *path;
	fsim_rp_preset_t *ps;
};
static struct loaded *loaded;
static pthread_mutex_t loaded_lock = PTHREAD_MUTEX_INITIALIZER;

static const struct fsim_policy_builtin *
builtin(const char *name)
{
	unsigned long i;

	for (i = 0; i < fsim_policy_builtins_n; i++)
		if (strcmp(fsim_policy_builtins[i].name, name) == 0)
			return &fsim_policy_builtins[i];
	return NULL;
}

/* Append "a b; " to the warning (cut when it is full). */
static void
note_warning(const char *a, const char *b)
{
	size_t o = strlen(warning), n;

	n = strlen(a) + strlen(b) + 3;
	if (o + n >= sizeof(warning))
		return;
	memcpy(warning + o, a, strlen(a));
	o += strlen(a);
	memcpy(warning + o, b, strlen(b));
	o += strlen(b);
	memcpy(warning + o, "; ", 3);
}

/* One shipped preset: its data file when one can be read and holds it, else the built-in copy. */
static fsim_rp_preset_t *
load_shipped(const char *name)
{
	const struct fsim_policy_builtin *bi = builtin(name);
	fsim_rp_preset_t *ps = NULL;
	fsim_blob_t text = { 0 };
	char path[4200], err[400];

	if (fsim_kvfile_slurp(name, "policies", "policy", path, sizeof(path), &text, err,
	    sizeof(err)) == 0) {
		if (fsim_rp_preset_parse(text.ptr, text.len, path, &ps, err, sizeof(err)) != 0)
			note_warning(err, "");
		else if (strcmp(ps->name, name) != 0) {
			note_warning(path, ": the file names another preset");
			fsim_rp_preset_free(&ps);
		}
		fsim_blob_reset(&text);
		if (ps != NULL)
			return ps;
	}
	if (bi == NULL) {
		note_warning("no built-in copy of policy preset ", name);
		return NULL;
	}
	if (fsim_rp_preset_parse(bi->text, bi->len, name, &ps, err, sizeof(err)) != 0) {
		note_warning("a built-in policy preset does not load: ", err);
		return NULL;
	}
	return ps;
}

static void
load_all(void)
{
	size_t i;

	for (i = 0; i < NSHIPPED; i++)
		if ((cache[n_cache] = load_shipped(shipped[i])) != NULL)
			n_cache++;
}

static void
init(void)
{
	pthread_once(&once, load_all);
}

size_t
fsim_rp_preset_count(void)
{
	init();
	return n_cache;
}

const fsim_rp_preset_t *
fsim_rp_preset_at(size_t i)
{
	init();
	return i < n_cache ? cache[i] : NULL;
}

const fsim_rp_preset_t *
fsim_rp_preset_find(const char *name)
{
	size_t i;

	init();
	for (i = 0; name != NULL && i < n_cache; i++)
		if (strcmp(cache[i]->name, name) == 0)
			return cache[i];
	return NULL;
}

const char *
fsim_rp_presets_warning(void)
{
	init();
	return warning[0] != '\0' ? warning : NULL;
}

const fsim_rp_preset_t *
fsim_rp_preset_get(const char *name_or_path, char *err, size_t errlen)
{
	const fsim_rp_preset_t *ps;
	struct loaded *l;
	fsim_blob_t text = { 0 };
	fsim_rp_preset_t *np = NULL;
	char path[4200];
	size_t n;

	if (name_or_path == NULL) {
		snprintf(err, errlen, "no policy preset named");
		return NULL;
	}
	if ((ps = fsim_rp_preset_find(name_or_path)) != NULL)
		return ps;
	n = strlen(name_or_path);
	if (strchr(name_or_path, '/') == NULL && (n < 7 ||
	    strcmp(name_or_path + n - 7, ".policy") != 0)) {
		char known[400];
		size_t i, k = 0;

		known[0] = '\0';
		for (i = 0; i < fsim_rp_preset_count() && k < sizeof(known); i++)
			k += (size_t)snprintf(known + k, sizeof(known) - k, "%s%s", i ? ", " : "",
			    fsim_rp_preset_at(i)->name);
		snprintf(err, errlen, "unknown policy preset '%s' (known: %s; or a "
		    "NAME.policy file)", name_or_path, known);
		return NULL;
	}
	pthread_mutex_lock(&loaded_lock);
	for (l = loaded; l != NULL; l = l->next)
		if (strcmp(l->path, name_or_path) == 0)
			break;
	if (l != NULL) {
		pthread_mutex_unlock(&loaded_lock);
		return l->ps;
	}
	if (fsim_kvfile_slurp(name_or_path, "policies", "policy", path, sizeof(path), &text,
	    err, errlen) != 0 ||
	    fsim_rp_preset_parse(text.ptr, text.len, path, &np, err, errlen) != 0 ||
	    (l = calloc(1, sizeof(*l))) == NULL || (l->path = strdup(name_or_path)) == NULL) {
		if (l != NULL && np != NULL)
			snprintf(err, errlen, "out of memory");
		free(l);
		fsim_rp_preset_free(&np);
		fsim_blob_reset(&text);
		pthread_mutex_unlock(&loaded_lock);
		return NULL;
	}
	fsim_blob_reset(&text);
	l->ps = np;
	l->next = loaded;
	loaded = l;
	pthread_mutex_unlock(&loaded_lock);
	return np;
}

void
fsim_rp_preset_apply(const fsim_rp_preset_t *ps, fsim_rp_policy_t *p)
{
	if (ps == NULL || p == NULL)
		return;
	fsim_rp_knobs_copy(p, &ps->pol);
	p->preset = ps;
}

const char *
fsim_rp_preset_error_text(const fsim_rp_preset_t *ps, const char *rule_id)
{
	const fsim_rp_preset_text_t *t;

	if (ps == NULL || rule_id == NULL || ps->texts == NULL)
		return NULL;
	for (t = ps->texts; t->rule != NULL; t++)
		if (strcmp(t->rule, rule_id) == 0)
			return t->text;
	return NULL;
}

const char *
fsim_rp_preset_evidence(const fsim_rp_preset_t *ps, const char *key)
{
	size_t i;

	for (i = 0; ps != NULL && key != NULL && i < ps->n_ev; i++)
		if (strcmp(ps->ev[i].key, key) == 0)
			return ps->ev[i].text;
	return NULL;
}

const char *
fsim_pol_name(fsim_pol_t v)
{
	return v == FSIM_POL_ERROR ? "error" : v == FSIM_POL_WARN ? "warn" : "ignore";
}

const char *
fsim_be_pol_name(fsim_be_pol_t v)
{
	return v == FSIM_BE_ERROR ? "error" : v == FSIM_BE_ALLOW_UPGRADE ? "allow-upgrade" :
	    "ignore";
}

const char *
fsim_be_unknown_name(fsim_be_unknown_t v)
{
	return v == FSIM_BE_UNKNOWN_FALSE ? "false" : "skip";
}

const char *
fsim_uv_rule_name(fsim_uv_rule_t v)
{
	return v == FSIM_UVR_ALWAYS ? "always" : v == FSIM_UVR_STICKY ? "sticky" :
	    v == FSIM_UVR_NEVER ? "never" : "spec";
}

const char *
fsim_chain_pol_name(fsim_chain_pol_t v)
{
	return v == FSIM_CHAIN_BUILTIN_ONLY ? "builtin-only" : v == FSIM_CHAIN_NEVER ?
	    "never" : v == FSIM_CHAIN_ANCHORS_ONLY ? "anchors-only" : "spec";
}
