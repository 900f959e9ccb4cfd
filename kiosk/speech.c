/*
 * speech.c: the kiosk's speech output (libespeak-ng) and its one audio path
 * (SDL audio).
 *
 * Threads: the UI thread only posts requests (kiosk_speech_say, _click,
 * _stop): it copies the text into a one-slot mailbox, bumps a generation
 * counter and signals; it never waits for synthesis or for the device. The
 * speech thread owns espeak-ng (which is not thread-safe): it initialises
 * it in AUDIO_OUTPUT_SYNCHRONOUS mode, opens the SDL audio device (once,
 * on the first request), and synthesises the latest request. The mailbox
 * holds one utterance: a newer one replaces one not yet started (latest
 * wins), and the synthesis callback aborts as soon as the generation
 * changes (a new screen cancels the old speech).
 *
 * Samples (16-bit mono at espeak's rate) go into a bounded ring read by the
 * SDL audio callback, which also mixes in the tap click, so speech and
 * clicks share one device. When the ring is full the synthesis waits (it is
 * faster than real time); cancelling empties it.
 *
 * Missing espeak-ng data or no audio device: logged once, the kiosk runs
 * silent (kiosk_speech_available turns false and the Listen button hides).
 * Built without libespeak-ng (SAYSO_HAVE_ESPEAK undefined), every function
 * is a no-op and kiosk_speech_new returns NULL.
 *
 * For tests, SAYSO_KIOSK_SPEECH_LOG=FILE appends one line per utterance
 * synthesised: "LANG<TAB>SAMPLES<TAB>TEXT" (SAMPLES: how many it produced).
 */
#include "kiosk.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sayso/log.h"
#include "sayso/utf8.h"

#ifdef SAYSO_HAVE_ESPEAK
#include <espeak-ng/speak_lib.h>

#define SPEECH_RATE 22050	       /* espeak-ng's output rate */
#define RING_SAMPLES (SPEECH_RATE * 4) /* 4 s ahead of the speaker */
#define CLICK_SAMPLES 330	       /* 15 ms */

struct kiosk_speech {
	SDL_Thread *thr;
	SDL_mutex *mu;
	SDL_cond *cv;
	/* mailbox (mu) */
	char text[KIOSK_SAY_MAX];
	char lang[16];
	bool has_text;
	bool want_click;
	bool want_open;
	bool quit;
	SDL_atomic_t gen;    /* bumped by every say/stop */
	SDL_atomic_t failed; /* espeak or audio missing: silent */
	/* perf counter: first sample of the latest utterance played */
	Uint64 first_audio;
	/* audio (device lock) */
	SDL_AudioDeviceID dev;
	Sint16 ring[RING_SAMPLES];
	size_t head, len;
	int ring_gen;
	int click_pos;	/* -1: none playing */
	Uint64 said_at; /* perf counter of the request, 0: measured */
	/* speech thread only */
	char voice[16];
	int cur_gen;
	long produced;
	FILE *log;
};

static const Sint16 *click_wave(void)
{
	static Sint16 w[CLICK_SAMPLES];
	static bool made;

	if (!made) {
		/* A short decaying square burst: a soft "tick". */
		for (int i = 0; i < CLICK_SAMPLES; i++) {
			int amp = 9000 * (CLICK_SAMPLES - i) / CLICK_SAMPLES;
			w[i] = (Sint16)((i / 8) % 2 ? amp : -amp);
		}
		made = true;
	}
	return w;
}

static void audio_cb(void *ud, Uint8 *stream, int bytes)
{
	struct kiosk_speech *sp = ud;
	Sint16 *out = (Sint16 *)(void *)stream;
	size_t n = (size_t)bytes / sizeof(Sint16), got = 0;

	while (got < n && sp->len) {
		out[got++] = sp->ring[sp->head];
		sp->head = (sp->head + 1) % RING_SAMPLES;
		sp->len--;
	}
	if (got && sp->said_at) {
		__atomic_store_n(&sp->first_audio, SDL_GetPerformanceCounter(),
				 __ATOMIC_RELEASE);
		sp->said_at = 0;
	}
	memset(out + got, 0, (n - got) * sizeof(Sint16));
	if (sp->click_pos >= 0) {
		const Sint16 *w = click_wave();
		for (size_t i = 0; i < n && sp->click_pos < CLICK_SAMPLES;
		     i++) {
			int v = out[i] + w[sp->click_pos++];
			out[i] = (Sint16)(v > 32767    ? 32767
					  : v < -32768 ? -32768
						       : v);
		}
		if (sp->click_pos >= CLICK_SAMPLES)
			sp->click_pos = -1;
	}
}

static const char *voice_for(const char *lang)
{
	static const char *const map[][2] = {
	    {"en", "en-gb"}, {"cy", "cy"}, {"pl", "pl"}, {"ur", "ur"},
	    {"pa", "pa"},    {"bn", "bn"}, {"ar", "ar"},
	};
	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
		if (!strcmp(lang, map[i][0]))
			return map[i][1];
	return "en-gb";
}

/* espeak's callback: samples into the ring; 1 aborts the synthesis. */
static int synth_cb(short *wav, int n, espeak_EVENT *ev)
{
	struct kiosk_speech *sp = ev ? ev->user_data : NULL;
	int i = 0;

	if (!sp)
		return 1;
	while (wav && i < n) {
		if (SDL_AtomicGet(&sp->gen) != sp->cur_gen)
			return 1; /* cancelled (kiosk_speech_free bumps it too)
				   */
		SDL_LockAudioDevice(sp->dev);
		if (sp->ring_gen != sp->cur_gen) {
			SDL_UnlockAudioDevice(sp->dev);
			return 1;
		}
		while (i < n && sp->len < RING_SAMPLES) {
			sp->ring[(sp->head + sp->len) % RING_SAMPLES] =
			    wav[i++];
			sp->len++;
			sp->produced++;
		}
		SDL_UnlockAudioDevice(sp->dev);
		if (i < n)
			SDL_Delay(10); /* the speaker catches up */
	}
	return 0;
}

static SDL_AudioDeviceID open_device(struct kiosk_speech *sp)
{
	SDL_AudioSpec want, have;
	SDL_AudioDeviceID dev;

	memset(&want, 0, sizeof(want));
	want.freq = SPEECH_RATE;
	want.format = AUDIO_S16SYS;
	want.channels = 1;
	want.samples = 512; /* 23 ms: the click and speech start at once */
	want.callback = audio_cb;
	want.userdata = sp;
	dev = SDL_OpenAudioDevice(NULL, 0, &want, &have, 0);
	if (!dev) {
		sayso_log(SAYSO_LOG_WARN,
			  "speech: no audio device (%s): the kiosk is silent",
			  SDL_GetError());
		return 0;
	}
	SDL_PauseAudioDevice(dev, 0);
	return dev;
}

static bool start_espeak(void)
{
	int rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 200, NULL,
				     espeakINITIALIZE_DONT_EXIT);
	if (rate <= 0) {
		sayso_log(
		    SAYSO_LOG_WARN,
		    "speech: espeak-ng could not start (is espeak-ng-data "
		    "installed?): the kiosk is silent");
		return false;
	}
	if (rate != SPEECH_RATE)
		sayso_log(SAYSO_LOG_WARN, "speech: espeak-ng runs at %d Hz",
			  rate);
	espeak_SetSynthCallback(synth_cb);
	return true;
}

static void set_voice(struct kiosk_speech *sp, const char *lang)
{
	const char *v = voice_for(lang);
	espeak_VOICE want;

	if (!strcmp(sp->voice, v))
		return;

	/* By language: espeak-ng's voice names are "English_(Great_Britain)"
	 * and the like; its languages are the codes we have. */
	memset(&want, 0, sizeof(want));
	want.languages = v;
	if (espeak_SetVoiceByProperties(&want) != EE_OK) {
		sayso_log(SAYSO_LOG_WARN, "speech: no espeak-ng voice %s", v);
		want.languages = "en";
		espeak_SetVoiceByProperties(&want);
	}
	snprintf(sp->voice, sizeof(sp->voice), "%s", v);
}

static void speak_one(struct kiosk_speech *sp, const char *lang,
		      const char *text, int gen)
{
	sp->cur_gen = gen;
	sp->produced = 0;
	/* The ring takes this utterance's samples (a request made before
	 * the device was open did not say so). */
	SDL_LockAudioDevice(sp->dev);
	if (SDL_AtomicGet(&sp->gen) == gen)
		sp->ring_gen = gen;
	SDL_UnlockAudioDevice(sp->dev);
	set_voice(sp, lang);
	espeak_Synth(text, strlen(text) + 1, 0, POS_CHARACTER, 0,
		     espeakCHARS_UTF8, NULL, sp);
	if (sp->log) {
		fprintf(sp->log, "%s\t%ld\t%s\n", lang, sp->produced, text);
		fflush(sp->log);
	}
}

static int speech_thread(void *ud)
{
	struct kiosk_speech *sp = ud;
	char text[KIOSK_SAY_MAX], lang[16];
	bool inited, ready;

	/* The frame comes first: on a two-core box synthesis yields to it. */
	SDL_SetThreadPriority(SDL_THREAD_PRIORITY_LOW);
	inited = start_espeak();
	ready = inited;

	if (!inited)
		SDL_AtomicSet(&sp->failed, 1);
	SDL_LockMutex(sp->mu);
	for (;;) {
		while (!sp->quit && !sp->has_text && !sp->want_click &&
		       !sp->want_open)
			SDL_CondWait(sp->cv, sp->mu);
		if (sp->quit)
			break;
		bool click = sp->want_click, have = sp->has_text;
		int gen = SDL_AtomicGet(&sp->gen);
		snprintf(text, sizeof(text), "%s", sp->text);
		snprintf(lang, sizeof(lang), "%s", sp->lang);
		sp->want_click = sp->has_text = sp->want_open = false;
		SDL_UnlockMutex(sp->mu);
		if (ready && !sp->dev) {
			SDL_AudioDeviceID dev = open_device(sp);
			SDL_LockMutex(sp->mu); /* the UI thread reads dev */
			sp->dev = dev;
			SDL_UnlockMutex(sp->mu);
			ready = dev != 0;
		}
		if (!ready) {
			SDL_AtomicSet(&sp->failed, 1);
		} else {
			if (click) {
				SDL_LockAudioDevice(sp->dev);
				sp->click_pos = 0;
				SDL_UnlockAudioDevice(sp->dev);
			}
			if (have && text[0])
				speak_one(sp, lang, text, gen);
		}
		SDL_LockMutex(sp->mu);
	}
	SDL_UnlockMutex(sp->mu);
	if (sp->dev)
		SDL_CloseAudioDevice(sp->dev);
	if (inited)
		espeak_Terminate();
	return 0;
}

struct kiosk_speech *kiosk_speech_new(void)
{
	struct kiosk_speech *sp;
	const char *logpath = getenv("SAYSO_KIOSK_SPEECH_LOG");

	if (SDL_InitSubSystem(SDL_INIT_AUDIO) != 0) {
		sayso_log(SAYSO_LOG_WARN,
			  "speech: no SDL audio (%s): the kiosk is silent",
			  SDL_GetError());
		return NULL;
	}
	sp = calloc(1, sizeof(*sp));
	if (!sp)
		return NULL;
	sp->click_pos = -1;
	sp->mu = SDL_CreateMutex();
	sp->cv = SDL_CreateCond();
	if (logpath && logpath[0])
		sp->log = fopen(logpath, "a");
	if (sp->mu && sp->cv)
		sp->thr = SDL_CreateThread(speech_thread, "sayso-speech", sp);
	if (!sp->thr) {
		sayso_log(SAYSO_LOG_WARN, "speech: no thread: silent");
		kiosk_speech_free(sp);
		return NULL;
	}
	/* Open the device now, off the UI thread: the first Listen then
	 * costs nothing extra. */
	SDL_LockMutex(sp->mu);
	sp->want_open = true;
	SDL_CondSignal(sp->cv);
	SDL_UnlockMutex(sp->mu);
	return sp;
}

void kiosk_speech_free(struct kiosk_speech *sp)
{
	if (!sp)
		return;
	if (sp->thr) {
		SDL_LockMutex(sp->mu);
		sp->quit = true;
		SDL_AtomicIncRef(&sp->gen);
		SDL_CondSignal(sp->cv);
		SDL_UnlockMutex(sp->mu);
		SDL_WaitThread(sp->thr, NULL);
	}
	if (sp->log)
		fclose(sp->log);
	if (sp->cv)
		SDL_DestroyCond(sp->cv);
	if (sp->mu)
		SDL_DestroyMutex(sp->mu);
	free(sp);
	SDL_QuitSubSystem(SDL_INIT_AUDIO);
}

bool kiosk_speech_available(const struct kiosk_speech *sp)
{
	return sp && !SDL_AtomicGet((SDL_atomic_t *)&sp->failed);
}

/* Cancels what is queued or playing (mu held); returns the new
 * generation. */
static int cancel(struct kiosk_speech *sp)
{
	int gen = SDL_AtomicAdd(&sp->gen, 1) + 1;

	if (sp->dev) {
		SDL_LockAudioDevice(sp->dev);
		sp->len = 0;
		sp->ring_gen = gen;
		sp->said_at = 0;
		SDL_UnlockAudioDevice(sp->dev);
	}
	return gen;
}

void kiosk_speech_say(struct kiosk_speech *sp, const char *lang,
		      const char *text)
{
	if (!kiosk_speech_available(sp) || !text)
		return;
	SDL_LockMutex(sp->mu);
	cancel(sp);
	if (sp->dev) {
		SDL_LockAudioDevice(sp->dev);
		sp->said_at = SDL_GetPerformanceCounter();
		SDL_UnlockAudioDevice(sp->dev);
	}
	sayso_strlcpy_utf8(sp->text, text, sizeof(sp->text));
	snprintf(sp->lang, sizeof(sp->lang), "%s", lang ? lang : "en");
	sp->has_text = true;
	SDL_CondSignal(sp->cv);
	SDL_UnlockMutex(sp->mu);
}

void kiosk_speech_click(struct kiosk_speech *sp)
{
	if (!kiosk_speech_available(sp))
		return;
	SDL_LockMutex(sp->mu);
	sp->want_click = true;
	SDL_CondSignal(sp->cv);
	SDL_UnlockMutex(sp->mu);
}

void kiosk_speech_stop(struct kiosk_speech *sp)
{
	if (!sp)
		return;
	SDL_LockMutex(sp->mu);
	cancel(sp);
	sp->has_text = false;
	SDL_UnlockMutex(sp->mu);
}

Uint64 kiosk_speech_first_audio(const struct kiosk_speech *sp)
{
	return sp ? __atomic_load_n(&sp->first_audio, __ATOMIC_ACQUIRE) : 0;
}

#else /* built without libespeak-ng */

struct kiosk_speech *kiosk_speech_new(void)
{
	return NULL;
}
void kiosk_speech_free(struct kiosk_speech *sp)
{
	(void)sp;
}
bool kiosk_speech_available(const struct kiosk_speech *sp)
{
	(void)sp;
	return false;
}
void kiosk_speech_say(struct kiosk_speech *sp, const char *lang,
		      const char *text)
{
	(void)sp;
	(void)lang;
	(void)text;
}
void kiosk_speech_click(struct kiosk_speech *sp)
{
	(void)sp;
}
void kiosk_speech_stop(struct kiosk_speech *sp)
{
	(void)sp;
}
Uint64 kiosk_speech_first_audio(const struct kiosk_speech *sp)
{
	(void)sp;
	return 0;
}
#endif
