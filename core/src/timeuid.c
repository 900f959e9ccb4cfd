/*
 * timeuid.c: the clock, ISO 8601 times and globally unique ids.
 *
 * Times are UTC text "YYYY-MM-DDTHH:MM:SS.mmmZ", which sorts correctly as
 * text, so SQL can order by it. The clock can be pinned (tests, golden
 * outputs) with sayso_time_set_override(), or, only in a build configured
 * with SAYSO_TEST_CLOCK=ON, the SAYSO_NOW environment variable (read once, at
 * the first clock read): a production program cannot be told the time from
 * outside. Parsing is strict: 30 February is an error, not 2 March. Ids are
 * ULID-style: 48 bits of
 * milliseconds and 80 random bits in Crockford base32, so offline kiosks never
 * collide and ids sort by time.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "internal.h"
#include "sayso/identity.h"
#include "sayso/store.h"

static int64_t g_override;

void sayso_time_set_override(int64_t ms)
{
	g_override = ms;
}

#ifdef SAYSO_TEST_CLOCK
static int64_t g_env_now; /* SAYSO_NOW, read once per process; 0: unset */
static pthread_once_t g_env_once = PTHREAD_ONCE_INIT;

static void read_env_now(void)
{
	const char *env = getenv("SAYSO_NOW");
	int64_t ms;
	if (env && *env && sayso_time_parse(env, &ms) == SAYSO_OK)
		g_env_now = ms;
}

bool sayso_time_test_clock(void)
{
	return true;
}
#else
bool sayso_time_test_clock(void)
{
	return false;
}
#endif

int64_t sayso_time_now_ms(void)
{
	if (g_override)
		return g_override;
#ifdef SAYSO_TEST_CLOCK
	pthread_once(&g_env_once, read_env_now);
	if (g_env_now)
		return g_env_now;
#endif
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sayso_time_format(int64_t ms, char *out, size_t outsz)
{
	time_t secs = (time_t)(ms / 1000);
	int frac = (int)(ms % 1000);
	if (frac < 0) {
		frac += 1000;
		secs -= 1;
	}
	struct tm tm;
	gmtime_r(&secs, &tm);
	snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		 tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
		 tm.tm_min, tm.tm_sec, frac);
}

void sayso_time_human(int64_t ms, char *out, size_t outsz)
{
	time_t secs = (time_t)(ms / 1000);
	struct tm tm;
	/* English month names written out here, not strftime's %b, which
	 * follows LC_TIME: the audit trail reads the same on every machine. */
	static const char *const mon[12] = {"Jan", "Feb", "Mar", "Apr",
					    "May", "Jun", "Jul", "Aug",
					    "Sep", "Oct", "Nov", "Dec"};
	if (!outsz)
		return;
	if (!localtime_r(&secs, &tm)) {
		out[0] = '\0';
		return;
	}
	snprintf(out, outsz, "%02d %s %04d, %02d:%02d", tm.tm_mday,
		 mon[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min);
}

void Sayso_now_text(char *out, size_t outsz)
{
	sayso_time_format(sayso_time_now_ms(), out, outsz);
}

static int digits(const char *s, int n, int *out)
{
	int v = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

static int days_in_month(int y, int mo)
{
	static const int days[] = {31, 28, 31, 30, 31, 30,
				   31, 31, 30, 31, 30, 31};
	bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
	return mo == 2 && leap ? 29 : days[mo - 1];
}

enum sayso_err sayso_time_parse(const char *s, int64_t *ms)
{
	return sayso_time_parse_why(s, ms, NULL, 0);
}

#define BAD(...)                                                               \
	do {                                                                   \
		if (why && whysz)                                              \
			snprintf(why, whysz, __VA_ARGS__);                     \
		return SAYSO_ERR_INVAL;                                        \
	} while (0)
#define SHAPE "not a date/time like 2026-12-01 09:00"

enum sayso_err sayso_time_parse_why(const char *s, int64_t *ms, char *why,
				    size_t whysz)
{
	static const char *const months[] = {"January", "February", "March",
					     "April",	"May",	    "June",
					     "July",	"August",   "September",
					     "October", "November", "December"};
	int y, mo, d, h = 0, mi = 0, sec = 0, milli = 0;
	size_t len = s ? strlen(s) : 0;
	if (len < 10 || digits(s, 4, &y) || s[4] != '-' ||
	    digits(s + 5, 2, &mo) || s[7] != '-' || digits(s + 8, 2, &d))
		BAD(SHAPE);
	const char *p = s + 10;
	if (*p == 'T' || *p == ' ') {
		p++;
		if (strlen(p) < 5 || digits(p, 2, &h) || p[2] != ':' ||
		    digits(p + 3, 2, &mi))
			BAD(SHAPE);
		p += 5;
		if (*p == ':') {
			if (digits(p + 1, 2, &sec))
				BAD(SHAPE);
			p += 3;
			if (*p == '.') {
				int nd = 0;
				p++;
				while (*p >= '0' && *p <= '9') {
					if (nd < 3)
						milli = milli * 10 + (*p - '0');
					nd++;
					p++;
				}
				if (nd == 0)
					BAD(SHAPE);
				for (; nd < 3; nd++)
					milli *= 10;
			}
		}
	}
	if (*p == 'Z')
		p++;
	if (*p != '\0')
		BAD(SHAPE);
	if (mo < 1 || mo > 12)
		BAD("there is no month %02d", mo);
	if (d < 1 || d > days_in_month(y, mo))
		BAD("%s %04d has %d days, not %d", months[mo - 1], y,
		    days_in_month(y, mo), d);
	if (h > 23 || mi > 59 || sec > 59)
		BAD("%02d:%02d:%02d is not a time of day", h, mi, sec);
	/* Days from civil (Howard Hinnant's algorithm), no timezone games. */
	int yy = y - (mo <= 2);
	int era = (yy >= 0 ? yy : yy - 399) / 400;
	unsigned yoe = (unsigned)(yy - era * 400);
	unsigned doy =
	    (unsigned)((153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1);
	unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	int64_t days = (int64_t)era * 146097 + (int64_t)doe - 719468;
	*ms = ((days * 86400 + h * 3600 + mi * 60 + sec) * 1000) + milli;
	return SAYSO_OK;
}

static const char CROCKFORD[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

enum sayso_err sayso_uid_new(char *out, size_t outsz)
{
	if (outsz < SAYSO_UID_LEN + 1)
		return SAYSO_ERR_INVAL;
	unsigned char rnd[10];
	enum sayso_err e = sayso_random_bytes(rnd, sizeof rnd);
	if (e != SAYSO_OK)
		return e;
	uint64_t t = (uint64_t)sayso_time_now_ms();
	/* 48-bit time -> 10 chars (50 bits, top 2 zero). */
	for (int i = 9; i >= 0; i--) {
		out[i] = CROCKFORD[t & 31];
		t >>= 5;
	}
	/* 80 random bits -> 16 chars. */
	int bit = 0;
	for (int i = 0; i < 16; i++) {
		int v = 0;
		for (int b = 0; b < 5; b++, bit++)
			v = (v << 1) | ((rnd[bit / 8] >> (7 - bit % 8)) & 1);
		out[10 + i] = CROCKFORD[v];
	}
	out[SAYSO_UID_LEN] = '\0';
	return SAYSO_OK;
}
