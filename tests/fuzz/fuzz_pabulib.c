/*
 * fuzz_pabulib.c: libFuzzer harness for the .pb parser (sayso_pb_parse from
 * memory). A parsed file must be self-consistent (CSR offsets, project
 * indexes, votes), and greedy plus one plain MES run must finish on it
 * without overspending. The rows kept for a faithful export are one per
 * project and voter and split again as the parser read them. The add1
 * completion is not run here: its run count depends on the budget, not on
 * parser hardening.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "pabulib_internal.h"
#include "sayso/pabulib.h"
#include "sayso/tally.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sayso_pb *pb = NULL;
	char err[SAYSO_PB_ERR_MAX];
	const struct sayso_election *e;
	struct sayso_tally t;
	size_t i;

	if (sayso_pb_parse((const char *)data, size, "fuzz.pb", &pb, err,
			   sizeof err) != SAYSO_OK) {
		if (pb != NULL || strlen(err) == 0)
			abort(); /* a failure must explain itself */
		return 0;
	}
	e = pb->e;
	if (e->voter_start[0] != 0)
		abort();
	for (i = 0; i < e->nvoters; i++) {
		if (e->voter_start[i + 1] < e->voter_start[i])
			abort();
		if (pb->voter_ids[i] == NULL || pb->voter_ids[i][0] == '\0')
			abort();
	}
	for (i = 0; i < e->voter_start[e->nvoters]; i++)
		if (e->pick_project[i] >= e->nprojects || e->pick_points[i] < 1)
			abort();
	if (pb->nproject_rows != e->nprojects || pb->nvote_rows != e->nvoters ||
	    !pb->projects_header || !pb->votes_header)
		abort();
	for (i = 0; i < e->nprojects + e->nvoters; i++) {
		struct Sayso_pb_cells c;
		const char *row = i < e->nprojects
				      ? pb->project_rows[i]
				      : pb->vote_rows[i - e->nprojects];
		if (Sayso_pb_cells_split(row, &c) != SAYSO_OK || c.n == 0)
			abort();
		Sayso_pb_cells_free(&c);
	}
	memset(&t, 0, sizeof t);
	if (sayso_tally_greedy(e, &t) == SAYSO_OK && t.spent > e->budget)
		abort();
	sayso_tally_cleanup(&t);
	if (e->nvoters > 0 && (e->kind == SAYSO_BALLOT_APPROVAL ||
			       e->kind == SAYSO_BALLOT_KNAPSACK)) {
		memset(&t, 0, sizeof t);
		if (sayso_tally_mes_once(e, e->budget / (int64_t)e->nvoters, &t,
					 err, sizeof err) == SAYSO_OK &&
		    t.spent > e->budget)
			abort();
		sayso_tally_cleanup(&t);
	}
	sayso_pb_free(pb);
	return 0;
}
