/*
 * log.c: levelled logging through a program-installed sink. The core never
 * writes to a stream itself; with no sink, messages are dropped.
 */
#include "sayso/log.h"

#include <stdarg.h>
#include <stdio.h>

static sayso_log_sink g_sink;
static void *g_ud;
static enum sayso_log_level g_min = SAYSO_LOG_INFO;

void sayso_log_set_sink(sayso_log_sink sink, void *ud)
{
	g_sink = sink;
	g_ud = ud;
}

void sayso_log_set_level(enum sayso_log_level min)
{
	g_min = min;
}

const char *sayso_log_level_name(enum sayso_log_level level)
{
	switch (level) {
	case SAYSO_LOG_DEBUG:
		return "debug";
	case SAYSO_LOG_INFO:
		return "info";
	case SAYSO_LOG_WARN:
		return "warning";
	case SAYSO_LOG_ERROR:
		return "error";
	}
	return "?";
}

void sayso_log(enum sayso_log_level level, const char *fmt, ...)
{
	if (!g_sink || level < g_min)
		return;
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof buf, fmt, ap);
	va_end(ap);
	g_sink(level, buf, g_ud);
}

void sayso_log_stderr_sink(enum sayso_log_level level, const char *msg,
			   void *ud)
{
	const char *prog = ud ? (const char *)ud : "sayso";
	fprintf(stderr, "%s: %s: %s\n", prog, sayso_log_level_name(level), msg);
}
