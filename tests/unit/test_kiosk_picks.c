/*
 * test_kiosk_picks.c: the vote screen's picks are kept by project number,
 * so a round of 300 projects (Wrocław 2015 has 257) can have its last ones
 * picked, reviewed and cast from the kiosk; a pick past SAYSO_MAX_PICKS is
 * refused with a notice instead of being dropped.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "kiosk_fixture.h"
#include "sayso/ballot.h"
#include "testutil.h"

#define NPROJ 300

static char dir[256];
static struct kiosk_app app;

static int setup(void **state)
{
	(void)state;
	return kiosk_fixture_open(&app, dir, sizeof(dir),
				  "languages = en\nround = BIG\n",
				  "picks-test");
}

static int teardown(void **state)
{
	(void)state;
	kiosk_fixture_close(&app, dir);
	return 0;
}

static void make_big_round(int max_picks)
{
	struct sayso_round r;
	memset(&r, 0, sizeof(r));
	snprintf(r.code, sizeof(r.code), "BIG");
	snprintf(r.title, sizeof(r.title), "Three hundred projects");
	r.budget = 100000000;
	r.kind = SAYSO_BALLOT_APPROVAL;
	r.min_picks = 1;
	r.max_picks = max_picks;
	assert_int_equal(sayso_round_create(app.st, &r, "test"), SAYSO_OK);
	assert_int_equal(sayso_store_begin(app.st), SAYSO_OK);
	for (int i = 0; i < NPROJ; i++) {
		struct sayso_project p;
		memset(&p, 0, sizeof(p));
		snprintf(p.title, sizeof(p.title), "Project %d", i + 1);
		p.cost = 100;
		assert_int_equal(sayso_project_add(app.st, r.id, &p, "test"),
				 SAYSO_OK);
	}
	assert_int_equal(
	    sayso_round_set_state(app.st, r.code, SAYSO_ROUND_OPEN, "test"),
	    SAYSO_OK);
	assert_int_equal(sayso_store_commit(app.st), SAYSO_OK);
	kiosk_load_round(&app);
	assert_true(app.have_round);
	assert_int_equal(app.nprojects, NPROJ);
}

static void test_pick_past_256(void **state)
{
	(void)state;
	make_big_round(0); /* no limit on picks */
	kiosk_go(&app, KS_VOTE_PICK);
	kiosk_vote_toggle(&app, 300);
	kiosk_vote_toggle(&app, 257);
	kiosk_vote_toggle(&app, 1);
	assert_true(kiosk_vote_picked(&app, 300));
	assert_true(kiosk_vote_picked(&app, 257));
	assert_true(kiosk_vote_picked(&app, 1));
	assert_false(kiosk_vote_picked(&app, 256));
	assert_string_equal(app.s.message, "");
	/* The page shown follows the last tapped card; the card is drawn as
	 * selected there. */
	kiosk_vote_toggle(&app, 300);
	assert_false(kiosk_vote_picked(&app, 300));
	kiosk_vote_toggle(&app, 300);
	kiosk_render(&app, NULL);
	bool seen = false;
	for (int i = 0; i < app.ui.n; i++)
		if (app.ui.w[i].arg == 300) {
			seen = true;
			assert_true(app.ui.w[i].selected);
		}
	assert_true(seen);
	kiosk_go(&app, KS_VOTE_REVIEW);
	kiosk_render(&app, NULL);

	/* Up to SAYSO_MAX_PICKS picks; one more is refused with a notice. */
	for (int n = 2; n <= SAYSO_MAX_PICKS - 2; n++)
		kiosk_vote_toggle(&app, n);
	int npicked = 0;
	for (int n = 1; n <= NPROJ; n++)
		npicked += kiosk_vote_picked(&app, n);
	assert_int_equal(npicked, SAYSO_MAX_PICKS);
	kiosk_vote_toggle(&app, 299);
	assert_false(kiosk_vote_picked(&app, 299));
	char want[96];
	snprintf(want, sizeof want,
		 "That can't be added: You can choose up to %d projects",
		 SAYSO_MAX_PICKS);
	assert_string_equal(app.s.message, want);
	/* Out-of-range numbers are ignored, not written past the array. */
	kiosk_vote_toggle(&app, 0);
	kiosk_vote_toggle(&app, SAYSO_PROJECT_NUMBER_MAX + 1);
	kiosk_vote_toggle(&app, -5);
	assert_false(kiosk_vote_picked(&app, SAYSO_PROJECT_NUMBER_MAX + 1));
	assert_false(kiosk_vote_picked(&app, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_pick_past_256, setup,
					    teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
