/*
 * status.c — AuthenticatorStatus (MDS 3.1.4), report dates (3.1.3) and
 * which report is in effect when.
 */
#include <stdio.h>
#include <string.h>

#include "mds/internal.h"

static const char *const names[FSIM_MDS_ST__COUNT] = {
	[FSIM_MDS_ST_UNKNOWN] = "UNKNOWN",
	[FSIM_MDS_ST_NOT_FIDO_CERTIFIED] = "NOT_FIDO_CERTIFIED",
	[FSIM_MDS_ST_FIDO_CERTIFIED] = "FIDO_CERTIFIED",
	[FSIM_MDS_ST_USER_VERIFICATION_BYPASS] = "USER_VERIFICATION_BYPASS",
	[FSIM_MDS_ST_ATTESTATION_KEY_COMPROMISE] = "ATTESTATION_KEY_COMPROMISE",
	[FSIM_MDS_ST_USER_KEY_REMOTE_COMPROMISE] = "USER_KEY_REMOTE_COMPROMISE",
	[FSIM_MDS_ST_USER_KEY_PHYSICAL_COMPROMISE] = "USER_KEY_PHYSICAL_COMPROMISE",
	[FSIM_MDS_ST_UPDATE_AVAILABLE] = "UPDATE_AVAILABLE",
	[FSIM_MDS_ST_REVOKED] = "REVOKED",
	[FSIM_MDS_ST_SELF_ASSERTION_SUBMITTED] = "SELF_ASSERTION_SUBMITTED",
	[FSIM_MDS_ST_FIDO_CERTIFIED_L1] = "FIDO_CERTIFIED_L1",
	[FSIM_MDS_ST_FIDO_CERTIFIED_L1plus] = "FIDO_CERTIFIED_L1plus",
	[FSIM_MDS_ST_FIDO_CERTIFIED_L2] = "FIDO_CERTIFIED_L2",
	[FSIM_MDS_ST_FIDO_CERTIFIED_L2plus] = "FIDO_CERTIFIED_L2plus",
	[FSIM_MDS_ST_FIDO_CERTIFIED_L3] = "FIDO_CERTIFIED_L3",
	[FSIM_MDS_ST_FIDO_CERTIFIED_L3plus] = "FIDO_CERTIFIED_L3plus",
	[FSIM_MDS_ST_RETIRED] = "RETIRED",
	[FSIM_MDS_ST_FIPS140_CERTIFIED_L1] = "FIPS140_CERTIFIED_L1",
	[FSIM_MDS_ST_FIPS140_CERTIFIED_L2] = "FIPS140_CERTIFIED_L2",
	[FSIM_MDS_ST_FIPS140_CERTIFIED_L3] = "FIPS140_CERTIFIED_L3",
	[FSIM_MDS_ST_FIPS140_CERTIFIED_L4] = "FIPS140_CERTIFIED_L4",
};

const char *
fsim_mds_status_name(fsim_mds_status_t s)
{
	return (unsigned)s < FSIM_MDS_ST__COUNT ? names[s] : names[0];
}

fsim_mds_status_t
fsim_mds_status_from_name(const char *name)
{
	unsigned i;

	if (name == NULL)
		return FSIM_MDS_ST_UNKNOWN;
	for (i = 1; i < FSIM_MDS_ST__COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return (fsim_mds_status_t)i;
	return FSIM_MDS_ST_UNKNOWN;
}

int
fsim_mds_cert_rank(fsim_mds_status_t s)
{
	switch (s) {
	case FSIM_MDS_ST_FIDO_CERTIFIED: return 1;
	case FSIM_MDS_ST_FIDO_CERTIFIED_L1: return 2;
	case FSIM_MDS_ST_FIDO_CERTIFIED_L1plus: return 3;
	case FSIM_MDS_ST_FIDO_CERTIFIED_L2: return 4;
	case FSIM_MDS_ST_FIDO_CERTIFIED_L2plus: return 5;
	case FSIM_MDS_ST_FIDO_CERTIFIED_L3: return 6;
	case FSIM_MDS_ST_FIDO_CERTIFIED_L3plus: return 7;
	default: return 0;
	}
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
static int64_t
days_from_civil(int64_t y, unsigned m, unsigned d)
{
	int64_t era;
	unsigned yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = (unsigned)(y - era * 400);
	doy = (153 * (m + (m > 2 ? (unsigned)-3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + (int64_t)doe - 719468;
}

static bool
is_leap(unsigned y)
{
	return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int
fsim_mds_parse_date(const char *s, time_t *out)
{
	static const unsigned mdays[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	unsigned y = 0, m = 0, d = 0, i;

	if (s == NULL || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
		return FSIM_ERR_FORMAT;
	for (i = 0; i < 10; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return FSIM_ERR_FORMAT;
	for (i = 0; i < 4; i++)
		y = y * 10 + (unsigned)(s[i] - '0');
	m = (unsigned)(s[5] - '0') * 10 + (unsigned)(s[6] - '0');
	d = (unsigned)(s[8] - '0') * 10 + (unsigned)(s[9] - '0');
	if (y < 1970 || m < 1 || m > 12 || d < 1 ||
	    d > mdays[m - 1] + (m == 2 && is_leap(y) ? 1u : 0u))
		return FSIM_ERR_FORMAT;
	*out = (time_t)(days_from_civil(y, m, d) * 86400);
	return FSIM_OK;
}

void
fsim_mds_format_date(time_t t, char out[11])
{
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || tm.tm_year + 1900 > 9999 || tm.tm_year + 1900 < 0) {
		snprintf(out, 11, "0000-00-00");
		return;
	}
	snprintf(out, 11, "%04u-%02u-%02u", (unsigned)(tm.tm_year + 1900) % 10000u,
	    (unsigned)(tm.tm_mon + 1) % 100u, (unsigned)tm.tm_mday % 100u);
}

bool
fsim_mds_report_in_effect(const fsim_mds_report_t *r, time_t t)
{
	if (r->has_effective && r->effective > t)
		return false;
	if (r->has_sunset && r->sunset <= t)
		return false;
	return true;
}

const fsim_mds_report_t *
fsim_mds_current(const fsim_mds_entry_t *e, time_t t)
{
	const fsim_mds_report_t *cur = NULL;
	size_t i;

	/* reports are sorted by date with ties in BLOB order: the last in effect wins. */
	for (i = 0; i < e->n_reports; i++)
		if (fsim_mds_report_in_effect(&e->reports[i], t))
			cur = &e->reports[i];
	return cur;
}

const fsim_mds_report_t *
fsim_mds_last_listed(const fsim_mds_entry_t *e)
{
	size_t i;

	for (i = 0; i < e->n_reports; i++)
		if (e->reports[i].position + 1 == e->n_reports)
			return &e->reports[i];
	return NULL;
}

fsim_mds_status_t
fsim_mds_certification(const fsim_mds_entry_t *e, time_t t)
{
	fsim_mds_status_t best = FSIM_MDS_ST_UNKNOWN, other = FSIM_MDS_ST_UNKNOWN;
	size_t i;

	for (i = 0; i < e->n_reports; i++) {
		const fsim_mds_report_t *r = &e->reports[i];

		if (!fsim_mds_report_in_effect(r, t))
			continue;
		if (fsim_mds_cert_rank(r->status) > fsim_mds_cert_rank(best))
			best = r->status;
		else if (r->status == FSIM_MDS_ST_NOT_FIDO_CERTIFIED ||
		    r->status == FSIM_MDS_ST_SELF_ASSERTION_SUBMITTED)
			other = r->status;   /* the latest of them, the reports being in date order */
	}
	return best != FSIM_MDS_ST_UNKNOWN ? best : other;
}

void
fsim_mds_note_unknown(const json_t *o, const char *const *known, const char *where,
    json_t *unknown)
{
	const char *k;
	json_t *v;
	char key[200];
	size_t i;

	if (unknown == NULL)
		return;
	json_object_foreach((json_t *)o, k, v) {
		(void)v;
		for (i = 0; known[i] != NULL; i++)
			if (strcmp(known[i], k) == 0)
				break;
		if (known[i] != NULL)
			continue;
		snprintf(key, sizeof(key), "%s%s%.120s", where, where[0] ? "." : "", k);
		json_object_set_new(unknown, key, json_integer(
		    json_integer_value(json_object_get(unknown, key)) + 1));
	}
}
