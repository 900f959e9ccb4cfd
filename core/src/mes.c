/*
 * mes.c: the Method of Equal Shares with the add1 completion
 * (sayso_tally_mes, sayso_tally_mes_once).
 *
 * MES is run many times by add1 (hundreds of runs on real files), so each
 * run is made cheap: voters with the same approval set are merged into one
 * weighted "type" (they always hold the same money); each project keeps the
 * list of its supporter types, from which types left with nothing are
 * dropped for the rest of the run; projects are evaluated lazily in order of
 * their last rho/cost (which never falls within a run); and rho is found by
 * water filling over the supporters still paying a share, sorting only as a
 * last resort. Arithmetic is in doubles on minor units; ties and
 * affordability use a relative tolerance of 1e-9, far below any real
 * difference and far above rounding error (the reference results in
 * ../shared/pb/expected.jsonl, computed with exact fractions, are
 * reproduced exactly).
 */
#include "sayso/tally.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "sayso/hash.h"

#define REL_EPS 1e-9

/* ---- Method of Equal Shares ---- */

/*
 * Voters grouped by approval set. Type t has weight w[t] (voters), its
 * projects tp[ts[t] .. ts[t+1]-1]; project p's supporter types are
 * ps[pst[p] .. pst[p+1]-1].
 */
struct mes_ctx {
	const struct sayso_election *e;
	size_t m, ntypes;
	double *w;
	uint32_t *ts, *tp;
	uint32_t *pst, *ps;
	uint32_t *psr;	/* per run: ps with the empty-handed dropped */
	uint32_t *pend; /* per run: end of project p's list in psr */
	double *pw;	/* weighted supporters per project */
	/* per-run state */
	double *bud;	      /* per type: what each of its voters has left */
	double *prev;	      /* per project: last rho (lower bound) */
	unsigned char *state; /* 0 candidate, 1 selected, 2 dead */
	uint32_t *cand;
	double *tpaid; /* per type pick: paid (record run only) */
	struct {
		double b, w;
	} * scratch;
	unsigned char *sel; /* outcome of the run */
	uint32_t *seq;	    /* selected projects in selection order */
	size_t nseq;
	uint32_t *tie; /* record run (may be NULL): per funded project, 1 + a
			  candidate with the same rho/cost it beat on the
			  tie-break at its step; 0 none */
};

static void mes_ctx_free(struct mes_ctx *c)
{
	free(c->w);
	free(c->ts);
	free(c->tp);
	free(c->pst);
	free(c->ps);
	free(c->psr);
	free(c->pend);
	free(c->pw);
	free(c->bud);
	free(c->prev);
	free(c->state);
	free(c->cand);
	free(c->tpaid);
	free(c->scratch);
	free(c->sel);
	free(c->seq);
	free(c->tie);
}

static uint64_t hash_picks(const uint32_t *p, size_t n)
{
	return sayso_hash(p, n * sizeof *p);
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Builds voter types and supporter lists. vtype (may be NULL) receives each
 * voter's type. */
static enum sayso_err
mes_prepare(struct mes_ctx *c, const struct sayso_election *e, uint32_t *vtype)
{
	size_t n = e->nvoters, m = e->nprojects, npk = 0, i, j;
	size_t hcap = 16;
	uint32_t *htab = NULL, *tmp = NULL;
	uint64_t *thash = NULL;
	size_t maxlen = 0, capt = 0;
	enum sayso_err err = SAYSO_ERR_NOMEM;

	memset(c, 0, sizeof *c);
	c->e = e;
	c->m = m;
	while (hcap < 2 * n + 16)
		hcap *= 2;
	for (i = 0; i < n; i++) {
		size_t len = e->voter_start[i + 1] - e->voter_start[i];
		if (len > maxlen)
			maxlen = len;
	}
	htab = malloc(hcap * sizeof *htab);
	tmp = malloc((maxlen + 1) * sizeof *tmp);
	capt = 1024;
	c->w = malloc(capt * sizeof *c->w);
	c->ts = malloc((capt + 1) * sizeof *c->ts);
	thash = malloc(capt * sizeof *thash);
	c->tp = malloc((e->voter_start[n] + 1) * sizeof *c->tp);
	if (!htab || !tmp || !c->w || !c->ts || !thash || !c->tp)
		goto out;
	memset(htab, 0xff, hcap * sizeof *htab);
	c->ts[0] = 0;
	for (i = 0; i < n; i++) {
		size_t s = e->voter_start[i], len = e->voter_start[i + 1] - s;
		uint64_t h;
		size_t slot;
		uint32_t t;

		memcpy(tmp, &e->pick_project[s], len * sizeof *tmp);
		if (len > 1)
			qsort(tmp, len, sizeof *tmp, u32_cmp);
		h = hash_picks(tmp, len);
		slot = (size_t)h & (hcap - 1);
		for (;;) {
			t = htab[slot];
			if (t == UINT32_MAX)
				break;
			if (thash[t] == h && c->ts[t + 1] - c->ts[t] == len &&
			    memcmp(&c->tp[c->ts[t]], tmp, len * sizeof *tmp) ==
				0)
				break;
			slot = (slot + 1) & (hcap - 1);
		}
		if (t == UINT32_MAX) {
			if (c->ntypes == capt) {
				size_t ncap = capt * 2;
				double *nw = realloc(c->w, ncap * sizeof *nw);
				uint32_t *nts;
				uint64_t *nth;
				if (!nw)
					goto out;
				c->w = nw;
				nts = realloc(c->ts, (ncap + 1) * sizeof *nts);
				if (!nts)
					goto out;
				c->ts = nts;
				nth = realloc(thash, ncap * sizeof *nth);
				if (!nth)
					goto out;
				thash = nth;
				capt = ncap;
			}
			t = (uint32_t)c->ntypes++;
			htab[slot] = t;
			thash[t] = h;
			c->w[t] = 0;
			memcpy(&c->tp[npk], tmp, len * sizeof *tmp);
			npk += len;
			c->ts[t + 1] = (uint32_t)npk;
		}
		c->w[t] += 1.0;
		if (vtype)
			vtype[i] = t;
	}
	/* Supporter lists per project. */
	c->pst = calloc(m + 1, sizeof *c->pst);
	c->ps = malloc((npk + 1) * sizeof *c->ps);
	c->psr = malloc((npk + 1) * sizeof *c->psr);
	c->pend = malloc((m ? m : 1) * sizeof *c->pend);
	c->pw = calloc(m ? m : 1, sizeof *c->pw);
	if (!c->pst || !c->ps || !c->pw || !c->psr || !c->pend)
		goto out;
	for (j = 0; j < npk; j++)
		c->pst[c->tp[j] + 1]++;
	for (j = 0; j < m; j++)
		c->pst[j + 1] += c->pst[j];
	{
		uint32_t *fill = malloc((m ? m : 1) * sizeof *fill);
		if (!fill)
			goto out;
		memcpy(fill, c->pst, (m ? m : 1) * sizeof *fill);
		for (i = 0; i < c->ntypes; i++)
			for (j = c->ts[i]; j < c->ts[i + 1]; j++) {
				uint32_t p = c->tp[j];
				c->ps[fill[p]++] = (uint32_t)i;
				c->pw[p] += c->w[i];
			}
		free(fill);
	}
	c->bud = malloc((c->ntypes ? c->ntypes : 1) * sizeof *c->bud);
	c->prev = malloc((m ? m : 1) * sizeof *c->prev);
	c->state = malloc(m ? m : 1);
	c->sel = malloc(m ? m : 1);
	c->cand = malloc((m ? m : 1) * sizeof *c->cand);
	c->seq = malloc((m ? m : 1) * sizeof *c->seq);
	c->tpaid = malloc((npk ? npk : 1) * sizeof *c->tpaid);
	{
		size_t maxs = 1;
		for (j = 0; j < m; j++)
			if (c->pst[j + 1] - c->pst[j] > maxs)
				maxs = c->pst[j + 1] - c->pst[j];
		c->scratch = malloc(maxs * sizeof *c->scratch);
	}
	if (!c->bud || !c->prev || !c->state || !c->sel || !c->cand ||
	    !c->seq || !c->tpaid || !c->scratch)
		goto out;
	err = SAYSO_OK;
out:
	free(htab);
	free(tmp);
	free(thash);
	if (err != SAYSO_OK)
		mes_ctx_free(c);
	return err;
}

static int scratch_cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static bool near(double a, double b)
{
	double m = fabs(a) > fabs(b) ? fabs(a) : fabs(b);
	return fabs(a - b) <= REL_EPS * m;
}

/*
 * The smallest rho such that the supporters of p, each paying min(budget,
 * rho), pay cost(p). Returns false when they cannot afford it.
 */
static bool mes_rho(struct mes_ctx *c, size_t p, double *rho)
{
	double cost = (double)c->e->projects[p].cost;
	double total = 0, minb = INFINITY, W = 0, r, wl, left;
	uint32_t j, s = c->pst[p], end;
	size_t k = 0, i, iter;

	/* One pass: the supporters who still hold money, kept compactly for
	 * the steps below. The empty-handed pay nothing and never get money
	 * back within a run: drop them from p's list for good. */
	end = c->pend[p];
	for (j = s; j < end;) {
		uint32_t t = c->psr[j];
		double b = c->bud[t];
		if (b <= 0) {
			c->psr[j] = c->psr[--end];
			continue;
		}
		j++;
		total += b * c->w[t];
		W += c->w[t];
		if (b < minb)
			minb = b;
		c->scratch[k].b = b;
		c->scratch[k].w = c->w[t];
		k++;
	}
	c->pend[p] = end;
	if (total < cost - REL_EPS * cost)
		return false;
	if (k == 0) {
		*rho = 0; /* cost 0 */
		return true;
	}
	r = cost / W;
	if (r <= minb) {
		*rho = r;
		return true;
	}
	/*
	 * Water filling: at a lower bound r, those holding less than r pay
	 * all they have (moved to the front, for good: r only grows) and the
	 * rest share what is left equally, which gives the next r. When
	 * nobody else falls below r, r is the answer. Each pass looks only
	 * at those still paying a share; usually a few passes, and a sort
	 * settles the rest.
	 */
	{
		size_t lo = 0;
		double spoor = 0, wrich = W;

		for (iter = 0; iter < 16; iter++) {
			size_t moved = 0;

			for (i = lo; i < k; i++) {
				double b = c->scratch[i].b;
				if (b < r && !near(b, r)) {
					double w = c->scratch[i].w;
					spoor += b * w;
					wrich -= w;
					c->scratch[i] = c->scratch[lo];
					c->scratch[lo].b = b;
					c->scratch[lo].w = w;
					lo++;
					moved++;
				}
			}
			if (moved == 0) {
				*rho = r;
				return true;
			}
			if (wrich <= 0)
				break;
			r = (cost - spoor) / wrich;
		}
	}
	qsort(c->scratch, k, sizeof *c->scratch, scratch_cmp);
	left = cost;
	wl = W;
	for (i = 0; i < k; i++) {
		double b = c->scratch[i].b;
		if (b * wl >= left) {
			*rho = left / wl;
			return true;
		}
		left -= b * c->scratch[i].w;
		wl -= c->scratch[i].w;
	}
	/* Affordable within the tolerance: everyone pays all. */
	*rho = c->scratch[k - 1].b;
	return true;
}

/* Whether project a beats project b at equal rho: lower cost, more
 * approvals, then id as text. */
static bool mes_tie_better(const struct sayso_election *e, size_t a, size_t b)
{
	const struct sayso_eproject *x = &e->projects[a], *y = &e->projects[b];

	if (x->cost != y->cost)
		return x->cost < y->cost;
	if (x->votes != y->votes)
		return x->votes > y->votes;
	return strcmp(x->id, y->id) < 0;
}

/*
 * One MES run with every voter starting with b0. Fills c->sel, returns the
 * total cost. When record, c->tpaid gets each type's payment per pick and
 * rhos (may be NULL) each selected project's rho.
 */
static int64_t mes_run(struct mes_ctx *c, double b0, bool record, double *rhos)
{
	const struct sayso_election *e = c->e;
	size_t m = c->m, i, j, ncand = 0;
	int64_t spent = 0;

	c->nseq = 0;
	memcpy(c->psr, c->ps, c->ts[c->ntypes] * sizeof *c->psr);
	for (i = 0; i < m; i++)
		c->pend[i] = c->pst[i + 1];
	for (i = 0; i < c->ntypes; i++)
		c->bud[i] = b0;
	if (record)
		for (i = 0; i < c->ts[c->ntypes]; i++)
			c->tpaid[i] = 0;
	for (i = 0; i < m; i++) {
		double cost = (double)e->projects[i].cost;
		c->sel[i] = 0;
		if (c->pw[i] <= 0 || c->pw[i] * b0 < cost - REL_EPS * cost) {
			c->state[i] = 2;
			continue;
		}
		c->state[i] = 0;
		c->prev[i] = cost > 0 ? 1.0 / c->pw[i] : 0;
		c->cand[ncand++] = (uint32_t)i;
	}
	for (;;) {
		long best = -1, tied = -1;
		double best_rho = 0, best_key = 0;
		size_t k, keep;

		/* Candidates by last rho, ascending (nearly sorted already:
		 * insertion sort). */
		for (k = 1; k < ncand; k++) {
			uint32_t x = c->cand[k];
			double px = c->prev[x];
			for (j = k; j > 0 && c->prev[c->cand[j - 1]] > px; j--)
				c->cand[j] = c->cand[j - 1];
			c->cand[j] = x;
		}
		for (k = 0; k < ncand; k++) {
			uint32_t p = c->cand[k];
			double rho;
			double cost = (double)e->projects[p].cost;

			double key;

			if (best >= 0 && c->prev[p] > best_key &&
			    !near(c->prev[p], best_key))
				break;
			if (!mes_rho(c, p, &rho)) {
				c->state[p] = 2;
				continue;
			}
			/* Cost utilities: rank by the largest payment per
			 * unit of utility, rho / cost (the inverse of the
			 * "effective vote count"). */
			key = cost > 0 ? rho / cost : 0;
			c->prev[p] = key;
			if (best >= 0 && near(key, best_key)) {
				/* A tie: the tie-break decides, the loser
				 * is remembered. */
				if (!mes_tie_better(e, p, (size_t)best)) {
					if (tied < 0)
						tied = (long)p;
					continue;
				}
				tied = best;
			} else if (best >= 0 && key >= best_key) {
				continue;
			} else {
				tied = -1;
			}
			best = (long)p;
			best_rho = rho;
			best_key = key;
		}
		/* Drop the dead. */
		for (k = 0, keep = 0; k < ncand; k++)
			if (c->state[c->cand[k]] == 0)
				c->cand[keep++] = c->cand[k];
		ncand = keep;
		if (best < 0)
			break;
		/* Fund best: each supporter pays min(budget, rho). */
		c->state[best] = 1;
		c->sel[best] = 1;
		c->seq[c->nseq++] = (uint32_t)best;
		if (c->tie && record)
			c->tie[best] = tied >= 0 ? (uint32_t)tied + 1 : 0;
		if (rhos)
			rhos[best] = best_rho;
		spent += e->projects[best].cost;
		for (j = c->pst[best]; j < c->pend[best]; j++) {
			uint32_t t = c->psr[j];
			double b = c->bud[t], pay;
			uint32_t q;

			if (b <= best_rho || near(b, best_rho)) {
				pay = b;
				c->bud[t] = 0;
			} else {
				pay = best_rho;
				c->bud[t] = b - best_rho;
			}
			if (pay <= 0)
				continue;
			if (!record)
				continue;
			for (q = c->ts[t]; q < c->ts[t + 1]; q++)
				if (c->tp[q] == (uint32_t)best)
					c->tpaid[q] = pay;
		}
		for (k = 0, keep = 0; k < ncand; k++)
			if (c->cand[k] != (uint32_t)best)
				c->cand[keep++] = c->cand[k];
		ncand = keep;
	}
	return spent;
}

static enum sayso_err mes_check_kind(const struct sayso_election *e,
				     char *errbuf, size_t errsz)
{
	if (e->counts_only) {
		Sayso_errbuf_set(
		    errbuf, errsz,
		    "the Method of Equal Shares needs every ballot "
		    "(sayso_election_load), not just the counts");
		return SAYSO_ERR_INVAL;
	}
	switch (e->kind) {
	case SAYSO_BALLOT_APPROVAL:
	case SAYSO_BALLOT_KNAPSACK:
		return SAYSO_OK;
	case SAYSO_BALLOT_CUMULATIVE:
	case SAYSO_BALLOT_ORDINAL:
		break;
	}
	Sayso_errbuf_set(
	    errbuf, errsz,
	    "the Method of Equal Shares applies to approval ballots; "
	    "this round has %s ballots (use greedy)",
	    sayso_ballot_kind_name(e->kind));
	return SAYSO_ERR_UNSUPPORTED;
}

/* Runs MES with b0 recording payments and fills out (already initialised). */
static enum sayso_err mes_finish(struct mes_ctx *c, const uint32_t *vtype,
				 int64_t b0, struct sayso_tally *out)
{
	const struct sayso_election *e = c->e;
	double *rhos;
	size_t i, j, q;

	rhos = calloc(e->nprojects ? e->nprojects : 1, sizeof *rhos);
	c->tie = calloc(e->nprojects ? e->nprojects : 1, sizeof *c->tie);
	out->pick_paid =
	    calloc(e->voter_start[e->nvoters] + 1, sizeof *out->pick_paid);
	if (!rhos || !c->tie || !out->pick_paid) {
		free(rhos);
		return SAYSO_ERR_NOMEM;
	}
	(void)mes_run(c, (double)b0, true, rhos);
	for (i = 0; i < c->nseq; i++) {
		Sayso_tally_select(e, out, c->seq[i]);
		out->projects[c->seq[i]].rho = rhos[c->seq[i]];
	}
	/* Ties the tie-break settled against a project left unfunded. */
	for (i = 0; i < c->nseq; i++) {
		uint32_t p = c->seq[i], lost;
		struct sayso_tally_project *tp = &out->projects[p];

		if (c->tie[p] == 0 || c->sel[lost = c->tie[p] - 1])
			continue;
		tp->tie_with = (size_t)lost + 1;
		tp->tie_by_cost = e->projects[p].cost != e->projects[lost].cost;
		tp->tie_by_votes =
		    !tp->tie_by_cost &&
		    e->projects[p].votes != e->projects[lost].votes;
	}
	/* Map type payments back to each voter's picks. */
	for (i = 0; i < e->nvoters; i++) {
		uint32_t t = vtype[i];
		for (j = e->voter_start[i]; j < e->voter_start[i + 1]; j++)
			for (q = c->ts[t]; q < c->ts[t + 1]; q++)
				if (c->tp[q] == e->pick_project[j]) {
					out->pick_paid[j] = c->tpaid[q];
					break;
				}
	}
	out->per_voter = b0;
	free(rhos);
	return SAYSO_OK;
}

enum sayso_err sayso_tally_mes_once(const struct sayso_election *e,
				    int64_t per_voter, struct sayso_tally *out,
				    char *errbuf, size_t errsz)
{
	struct mes_ctx c;
	uint32_t *vtype;
	enum sayso_err err;

	if (!e || !out || per_voter < 0)
		return SAYSO_ERR_INVAL;
	if ((err = Sayso_tally_init(e, SAYSO_RULE_MES, out)) != SAYSO_OK)
		return err;
	if ((err = mes_check_kind(e, errbuf, errsz)) != SAYSO_OK)
		return err;
	vtype = malloc((e->nvoters ? e->nvoters : 1) * sizeof *vtype);
	if (!vtype)
		return SAYSO_ERR_NOMEM;
	if ((err = mes_prepare(&c, e, vtype)) != SAYSO_OK) {
		free(vtype);
		return err;
	}
	err = mes_finish(&c, vtype, per_voter, out);
	out->runs = 1;
	mes_ctx_free(&c);
	free(vtype);
	return err;
}

enum sayso_err sayso_tally_mes(const struct sayso_election *e,
			       struct sayso_tally *out, char *errbuf,
			       size_t errsz)
{
	struct mes_ctx c;
	uint32_t *vtype = NULL;
	enum sayso_err err;
	int64_t n, b0, best_b0, supported = 0;
	size_t i;
	int runs = 0;

	if (!e || !out)
		return SAYSO_ERR_INVAL;
	if ((err = Sayso_tally_init(e, SAYSO_RULE_MES, out)) != SAYSO_OK)
		return err;
	if ((err = mes_check_kind(e, errbuf, errsz)) != SAYSO_OK)
		return err;
	if (e->nvoters == 0)
		return SAYSO_OK;
	n = (int64_t)e->nvoters;
	vtype = malloc(e->nvoters * sizeof *vtype);
	if (!vtype)
		return SAYSO_ERR_NOMEM;
	if ((err = mes_prepare(&c, e, vtype)) != SAYSO_OK) {
		free(vtype);
		return err;
	}
	for (i = 0; i < e->nprojects; i++)
		if (c.pw[i] > 0)
			supported++;
	/* add1: start at floor(B / n) whole units, raise by one unit while
	 * the outcome stays within B. Stop early when every supported project
	 * is already funded (more money cannot change the outcome). */
	b0 = e->budget / n / e->unit * e->unit;
	best_b0 = b0;
	for (;;) {
		int64_t cost = mes_run(&c, (double)b0, false, NULL);
		int64_t nsel = 0;

		runs++;
		if (cost > e->budget)
			break;
		best_b0 = b0;
		for (i = 0; i < e->nprojects; i++)
			nsel += c.sel[i];
		if (nsel == supported)
			break;
		if (b0 > INT64_MAX - e->unit)
			break;
		if (runs >= SAYSO_TALLY_MES_MAX_RUNS) {
			Sayso_errbuf_set(
			    errbuf, errsz,
			    "the Method of Equal Shares did not settle "
			    "within %d add1 runs",
			    SAYSO_TALLY_MES_MAX_RUNS);
			mes_ctx_free(&c);
			free(vtype);
			return SAYSO_ERR_TOOBIG;
		}
		b0 += e->unit;
	}
	err = mes_finish(&c, vtype, best_b0, out);
	out->runs = runs;
	mes_ctx_free(&c);
	free(vtype);
	return err;
}
