/*
 * main.c: sayso-smsgw, the SMS gateway daemon. A thin entry point: options,
 * configuration, the log sink; the logic lives in the sayso_smsgw library
 * (gw.c) so tests link it.
 *
 *   sayso-smsgw [-c sayso.ini] [-d] [-n]
 *     -c  configuration file (default: the embedded defaults)
 *     -d  stay in the foreground and log to stderr (debug level)
 *     -n  check the configuration and exit
 * Exit status: 0 clean stop, 1 runtime failure, 2 usage or configuration.
 */
#include <curl/curl.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "gw.h"
#include "sayso/config.h"
#include "sayso/log.h"

static void syslog_sink(enum sayso_log_level level, const char *msg, void *ud)
{
	(void)ud;
	int pri = LOG_INFO;
	switch (level) {
	case SAYSO_LOG_DEBUG:
		pri = LOG_DEBUG;
		break;
	case SAYSO_LOG_INFO:
		pri = LOG_INFO;
		break;
	case SAYSO_LOG_WARN:
		pri = LOG_WARNING;
		break;
	case SAYSO_LOG_ERROR:
		pri = LOG_ERR;
		break;
	}
	syslog(pri, "%s", msg);
}

static void usage(FILE *f)
{
	fprintf(f, "usage: sayso-smsgw [-c sayso.ini] [-d] [-n]\n"
		   "  -c file  configuration (default: built-in defaults)\n"
		   "  -d       foreground, log to stderr with debug detail\n"
		   "  -n       check the configuration and exit\n");
}

int main(int argc, char **argv)
{
	const char *cfgpath = NULL;
	bool debug = false, check = false;
	int ch;

	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("sayso-smsgw %s\n", SAYSO_VERSION);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--help") == 0) {
		usage(stdout);
		return 0;
	}
	while ((ch = getopt(argc, argv, "c:dnh")) != -1) {
		switch (ch) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'd':
			debug = true;
			break;
		case 'n':
			check = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		fprintf(stderr, "sayso-smsgw: unexpected argument '%s'\n",
			argv[optind]);
		usage(stderr);
		return 2;
	}

	struct sayso_config cfg;
	char err[SAYSO_PATH_MAX + 512];
	enum sayso_err e =
	    cfgpath ? sayso_config_load(&cfg, cfgpath, err, sizeof err)
		    : sayso_config_defaults(&cfg);
	if (e != SAYSO_OK) {
		fprintf(stderr, "sayso-smsgw: %s\n",
			cfgpath ? err : sayso_strerror(e));
		return 2;
	}
	if (check) {
		char problems[2048];
		int rc = 0;
		char warnings[1024];
		if (smsgw_check_warnings(&cfg, warnings, sizeof warnings) > 0)
			fprintf(stderr, "sayso-smsgw: %s: warning:\n%s\n",
				cfgpath ? cfgpath : "(defaults)", warnings);
		if (smsgw_check_config(&cfg, problems, sizeof problems) > 0) {
			fprintf(stderr, "sayso-smsgw: %s:\n%s\n",
				cfgpath ? cfgpath : "(defaults)", problems);
			rc = 2;
		} else {
			printf("%s: configuration OK (provider %s, database "
			       "%s)\n",
			       cfgpath ? cfgpath : "(defaults)",
			       cfg.smsgw.provider == SAYSO_PROVIDER_TWILIO
				   ? "twilio"
			       : cfg.smsgw.provider == SAYSO_PROVIDER_SPOOL
				   ? "spool"
				   : "kannel",
			       cfg.site.database);
		}
		sayso_config_cleanup(&cfg);
		return rc;
	}

	if (debug) {
		sayso_log_set_sink(sayso_log_stderr_sink, (void *)"smsgw");
		sayso_log_set_level(SAYSO_LOG_DEBUG);
	} else {
		openlog("sayso-smsgw", LOG_PID, LOG_DAEMON);
		sayso_log_set_sink(syslog_sink, NULL);
	}
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		fprintf(stderr, "sayso-smsgw: libcurl initialisation failed\n");
		return 1;
	}
	struct smsgw *gw = NULL;
	e = smsgw_new(&cfg, cfgpath, true, &gw, err, sizeof err);
	if (e != SAYSO_OK) {
		sayso_log(SAYSO_LOG_ERROR, "%s", err);
		if (!debug)
			fprintf(stderr, "sayso-smsgw: %s\n", err);
		curl_global_cleanup();
		return 1;
	}
	int rc = 1;
	if (smsgw_signals(gw) == SAYSO_OK)
		rc = smsgw_run(gw);
	smsgw_free(gw);
	curl_global_cleanup();
	return rc;
}
