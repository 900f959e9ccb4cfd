/*
 * test_kiosk_access.c: the visit's access settings and timings (issue 13)
 * on the real kiosk: the idle countdown defaults to 30 s; reading screens
 * (project cards) get twice idle_seconds while personal-data screens keep
 * their 20 s; [kiosk] speech parses (button, on, off) and refuses anything
 * else; what a screen says comes from the screen as drawn (title, question,
 * focused item); number and code screens are secret entry; large text,
 * contrast and speech mode all end with the visit.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kiosk.h"
#include "kiosk_fixture.h"
#include "testutil.h"

static char dir[256];
static struct kiosk_app app;

static int setup(void **state)
{
	(void)state;
	return kiosk_fixture_open(&app, dir, sizeof(dir), "", "access-test");
}

static int teardown(void **state)
{
	(void)state;
	kiosk_fixture_close(&app, dir);
	return 0;
}

static void test_config_speech(void **state)
{
	struct sayso_config c;
	char path[400], err[256];
	static const char *const ok[] = {"button", "on", "off"};

	(void)state;
	assert_int_equal(sayso_config_defaults(&c), SAYSO_OK);
	assert_int_equal(c.kiosk.idle_countdown, 30);
	assert_int_equal(c.kiosk.speech, SAYSO_SPEECH_BUTTON);
	sayso_config_cleanup(&c);
	snprintf(path, sizeof(path), "%s/speech.ini", dir);
	for (int i = 0; i < 4; i++) {
		FILE *f = fopen(path, "w");
		assert_non_null(f);
		fprintf(f, "[kiosk]\nspeech = %s\n", i < 3 ? ok[i] : "loud");
		fclose(f);
		enum sayso_err e =
		    sayso_config_load(&c, path, err, sizeof(err));
		if (i < 3) {
			assert_int_equal(e, SAYSO_OK);
			assert_int_equal(c.kiosk.speech,
					 i == 0	  ? SAYSO_SPEECH_BUTTON
					 : i == 1 ? SAYSO_SPEECH_ON
						  : SAYSO_SPEECH_OFF);
		} else {
			assert_int_not_equal(e, SAYSO_OK);
			assert_non_null(strstr(err, "button, on or off"));
		}
		sayso_config_cleanup(&c);
	}
}

static void test_idle_times(void **state)
{
	Uint64 base = (Uint64)app.cfg.kiosk.idle_seconds * 1000;

	(void)state;
	assert_int_equal(app.cfg.kiosk.idle_countdown, 30);
	kiosk_load_round(&app);
	assert_true(app.have_round);
	kiosk_go(&app, KS_RATE);
	assert_int_equal(kiosk_idle_ms(&app), base);
	kiosk_go(&app, KS_VOTE_PICK);
	assert_int_equal(kiosk_idle_ms(&app), 2 * base);
	kiosk_go(&app, KS_VOTE_REVIEW);
	assert_int_equal(kiosk_idle_ms(&app), 2 * base);
	kiosk_go(&app, KS_VOTE_ID); /* personal data: short */
	assert_int_equal(kiosk_idle_ms(&app), KIOSK_PRIVATE_IDLE_S * 1000);
	kiosk_reset(&app);
}

static void test_screen_words(void **state)
{
	(void)state;
	kiosk_go(&app, KS_VOTE_ID);
	kiosk_render(&app, NULL);
	assert_string_equal(app.say_title, kiosk_s(&app, "vote.id_title"));
	assert_non_null(
	    strstr(app.say_question, kiosk_s(&app, "vote.id_phone_body")));
	assert_true(kiosk_secret_entry(&app));
	kiosk_go(&app, KS_RATE);
	kiosk_render(&app, NULL);
	assert_false(kiosk_secret_entry(&app));
	assert_string_equal(app.say_question, kiosk_s(&app, "rate.subtitle"));
	/* The start screen draws its own title: it says it too. */
	kiosk_reset(&app);
	kiosk_render(&app, NULL);
	assert_string_equal(app.say_title, kiosk_s(&app, "attract.title"));
}

static void press(SDL_Keycode k)
{
	SDL_Event ev;

	memset(&ev, 0, sizeof(ev));
	ev.type = SDL_KEYDOWN;
	ev.key.keysym.sym = k;
	kiosk_handle_sdl(&app, &ev);
	kiosk_render(&app, NULL);
}

static void test_visit_ends_all(void **state)
{
	(void)state;
	kiosk_reset(&app);
	kiosk_render(&app, NULL);
	press(SDLK_F2);
	assert_true(app.large);
	assert_int_equal(kiosk_font_px(app.as, KF_BODY), 44);
	assert_true(kiosk_font_px(app.as, KF_SMALL) >= 41);
	press(SDLK_F3);
	assert_true(app.contrast);
	assert_int_equal(KC_BG.r, 0);
	assert_int_equal(KC_TEXT.r, 0xff);
	assert_int_equal(KC_TEXT.g, 0xff);
	assert_int_equal(KC_TEXT.b, 0);
	if (kiosk_speech_available(app.speech)) {
		press(SDLK_F1);
		assert_true(app.speech_on);
	}
	press(SDLK_1); /* into the visit */
	assert_int_equal(app.screen_id, KS_RATE);
	press(SDLK_ESCAPE); /* Cancel: the visit ends */
	assert_int_equal(app.screen_id, KS_ATTRACT);
	assert_false(app.large);
	assert_false(app.contrast);
	assert_false(app.speech_on);
	assert_int_equal(kiosk_font_px(app.as, KF_BODY), 32);
	assert_int_equal(KC_BG.r, 0xff);
	/* F2 twice: back to normal within the visit. */
	press(SDLK_F2);
	press(SDLK_F2);
	assert_false(app.large);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_config_speech),
	    cmocka_unit_test(test_idle_times),
	    cmocka_unit_test(test_screen_words),
	    cmocka_unit_test(test_visit_ends_all),
	};
	if (!getenv("SAYSO_SRC")) {
		printf("SAYSO_SRC not set: skipped\n");
		return 0;
	}
	return cmocka_run_group_tests(tests, setup, teardown);
}
