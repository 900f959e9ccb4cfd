/*
 * demo.c: loads the demo round from assets/demo/demo.ini (inih).
 * [round] keys mirror `sayso-admin round create`; [projects] has one line per
 * project: "NUMBER = COST | TITLE | DESCRIPTION" with COST in major units.
 */
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/codes.h"
#include "sayso/demo.h"
#include "sayso/identity.h"
#include "sayso/round.h"

#define DEMO_MAX_PROJECTS 64
#define DEMO_MAX_CODES 16

struct demo {
	struct sayso_round round;
	struct sayso_project projects[DEMO_MAX_PROJECTS];
	size_t n;
	char codes[DEMO_MAX_CODES][SAYSO_VOTER_CODE_MAX];
	size_t ncodes;
	char err[256];
	FILE *f;
	int lineno;
};

static char *read_line(char *buf, int max, void *stream)
{
	struct demo *d = stream;
	if (!fgets(buf, max, d->f))
		return NULL;
	d->lineno++;
	return buf;
}

static void trim(char *s)
{
	size_t n = strlen(s);
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		s[--n] = '\0';
	size_t k = 0;
	while (s[k] == ' ' || s[k] == '\t')
		k++;
	memmove(s, s + k, n - k + 1);
}

static int on_entry(void *user, const char *section, const char *name,
		    const char *value)
{
	struct demo *d = user;
	struct sayso_round *r = &d->round;
	const char *why = NULL;
	char *end;
	if (strcmp(section, "round") == 0) {
		if (strcmp(name, "code") == 0)
			snprintf(r->code, sizeof r->code, "%s", value);
		else if (strcmp(name, "title") == 0)
			snprintf(r->title, sizeof r->title, "%s", value);
		else if (strcmp(name, "currency") == 0)
			snprintf(r->currency, sizeof r->currency, "%s", value);
		else if (strcmp(name, "budget") == 0) {
			if (sayso_money_parse(
				value, r->currency[0] ? r->currency : "GBP",
				&r->budget, &why) != SAYSO_OK)
				goto bad;
		} else if (strcmp(name, "ballot") == 0) {
			if (sayso_ballot_kind_parse(value, &r->kind) !=
			    SAYSO_OK) {
				why = "expected approval or knapsack";
				goto bad;
			}
		} else if (strcmp(name, "revote") == 0) {
			if (sayso_revote_parse(value, &r->revote) != SAYSO_OK) {
				why = "expected first or last";
				goto bad;
			}
		} else if (strcmp(name, "min_picks") == 0 ||
			   strcmp(name, "max_picks") == 0) {
			errno = 0;
			long v = strtol(value, &end, 10);
			if (errno || *end || v < 0 || v > 999) {
				why = "expected a whole number";
				goto bad;
			}
			if (name[1] == 'i')
				r->min_picks = (int)v;
			else
				r->max_picks = (int)v;
		} else {
			why = "unknown key";
			goto bad;
		}
		return 1;
	}
	if (strcmp(section, "projects") == 0) {
		if (d->n >= DEMO_MAX_PROJECTS) {
			why = "too many projects";
			goto bad;
		}
		struct sayso_project *p = &d->projects[d->n];
		memset(p, 0, sizeof *p);
		errno = 0;
		long num = strtol(name, &end, 10);
		if (errno || *end || !sayso_project_number_valid(num)) {
			why = "the key must be the project number";
			goto bad;
		}
		p->number = (int)num;
		char buf[SAYSO_TITLE_MAX + SAYSO_DESC_MAX + 64];
		snprintf(buf, sizeof buf, "%s", value);
		char *bar1 = strchr(buf, '|');
		char *bar2 = bar1 ? strchr(bar1 + 1, '|') : NULL;
		if (!bar1) {
			why = "expected COST | TITLE | DESCRIPTION";
			goto bad;
		}
		*bar1 = '\0';
		if (bar2)
			*bar2 = '\0';
		trim(buf);
		if (sayso_money_parse(buf, r->currency[0] ? r->currency : "GBP",
				      &p->cost, &why) != SAYSO_OK)
			goto bad;
		char *title = bar1 + 1;
		trim(title);
		snprintf(p->title, sizeof p->title, "%s", title);
		if (bar2) {
			char *desc = bar2 + 1;
			trim(desc);
			snprintf(p->description, sizeof p->description, "%s",
				 desc);
		}
		d->n++;
		return 1;
	}
	if (strcmp(section, "codes") == 0) {
		/* Voter codes issued with the demo round (one a line: any
		 * name = the code), so a demo can vote with a code. */
		if (d->ncodes >= DEMO_MAX_CODES) {
			why = "too many codes";
			goto bad;
		}
		if (sayso_code_normalise(value, d->codes[d->ncodes],
					 sizeof d->codes[0], &why) != SAYSO_OK)
			goto bad;
		d->ncodes++;
		return 1;
	}
	why = "unknown section";
bad:
	snprintf(d->err, sizeof d->err, "line %d: [%s] %s: %s", d->lineno,
		 section, name, why ? why : "bad value");
	return 0;
}

enum sayso_err sayso_demo_load(struct sayso_store *st, const char *assets_dir,
			       const char *actor, bool *created)
{
	*created = false;
	char path[SAYSO_ERRMSG_MAX];
	snprintf(path, sizeof path, "%s/demo/demo.ini", assets_dir);
	struct demo *d = calloc(1, sizeof *d);
	if (!d)
		return Sayso_store_fail(st, SAYSO_ERR_NOMEM, "out of memory");
	enum sayso_err e = SAYSO_OK;
	d->f = fopen(path, "r");
	if (!d->f) {
		e = Sayso_store_fail(st, SAYSO_ERR_IO, "%s: cannot read: %s",
				     path, strerror(errno));
		goto out;
	}
	snprintf(d->round.currency, sizeof d->round.currency, "GBP");
	d->round.min_picks = 1;
	int rc = ini_parse_stream(read_line, d, on_entry, d);
	fclose(d->f);
	if (rc != 0 || d->err[0]) {
		e = Sayso_store_fail(st, SAYSO_ERR_PARSE, "%s: %s", path,
				     d->err[0] ? d->err : "not an ini file");
		goto out;
	}
	struct sayso_round existing;
	e = sayso_round_get(st, d->round.code, &existing);
	if (e == SAYSO_OK)
		goto out; /* already loaded */
	if (e != SAYSO_ERR_NOTFOUND)
		goto out;
	if ((e = sayso_store_begin(st)) != SAYSO_OK)
		goto out;
	/* Projects go into a draft; then the round opens. */
	d->round.state = SAYSO_ROUND_DRAFT;
	if ((e = sayso_round_create(st, &d->round, actor)) != SAYSO_OK)
		goto fail;
	for (size_t i = 0; i < d->n; i++)
		if ((e = sayso_project_add(st, d->round.id, &d->projects[i],
					   actor)) != SAYSO_OK)
			goto fail;
	for (size_t i = 0; i < d->ncodes; i++)
		if ((e = sayso_codes_issue(st, d->round.id, d->codes[i],
					   SAYSO_CODE_ISSUED, "import")) !=
		    SAYSO_OK)
			goto fail;
	if ((e = sayso_round_set_state(st, d->round.code, SAYSO_ROUND_OPEN,
				       actor)) != SAYSO_OK)
		goto fail;
	d->round.state = SAYSO_ROUND_OPEN;
	if ((e = sayso_store_commit(st)) != SAYSO_OK)
		goto out;
	*created = true;
	goto out;
fail:
	sayso_store_rollback(st);
out:
	free(d);
	return e;
}
