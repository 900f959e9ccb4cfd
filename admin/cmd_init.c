/*
 * cmd_init.c: `sayso-admin init`: create the database and its site secret,
 * and a commented sayso.ini beside the database so that the kiosk and the
 * gateway can be started with `-c sayso.ini` straight away.
 *
 * Refuses to overwrite any of them (the secret is the key of every resident
 * id: replacing it would make every earlier vote unrecognisable; a sayso.ini
 * is the organiser's own). No sayso.ini is written when a configuration was
 * given (--config or $SAYSO_CONFIG): that file is the site's configuration
 * (the Debian package's /etc/sayso/sayso.ini).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "admin.h"

/* The commented sayso.ini: every key at its default, commented out, except
 * [site] database. Each %s is the database path. */
static const char ini_template[] =
    "; sayso.ini: the settings of this site, read by sayso-kiosk -c,\n"
    "; sayso-smsgw -c and sayso-admin --config (see sayso.ini(5)).\n"
    "; Written by `sayso-admin init`; it is yours to edit and is never\n"
    "; overwritten. Every key below is shown with its default: remove the\n"
    "; ';' in front of a line to change it. Lists are comma-separated.\n"
    "\n"
    "[site]\n"
    "; shown on the kiosk and in SMS replies\n"
    ";name = Poets Streets\n"
    "; the database (its secret is the same path + .secret, mode 0600)\n"
    "database = %s\n"
    "; the link behind the QR codes (where `sayso-admin results` is "
    "published)\n"
    ";results_url = https://example.org/sayso/results/\n"
    "; kiosk languages, the first is the default (assets/strings/<lang>.ini)\n"
    ";languages = en, pl, cy, ur, pa, bn, ar\n"
    "; the round the kiosk and SMS vote in; empty = the open one\n"
    ";round =\n"
    "\n"
    "[kiosk]\n"
    "; seconds without a touch before \"Are you still there?\", then the "
    "countdown\n"
    ";idle_seconds = 60\n"
    ";idle_countdown = 10\n"
    "; PIN of the staff exit; empty = no staff exit\n"
    ";staff_pin =\n"
    "; report categories and the street picker (default: the Poets Streets)\n"
    ";categories = fly-tipping, litter, alleyways, graffiti, street-lighting, "
    "asb, damp-mould, parks, other\n"
    ";streets = Byron Street, Chaucer Street, Poets Park\n"
    "; sms: text a code to voters who give a mobile number\n"
    ";verify = none\n"
    ";cursor = false\n"
    ";fullscreen = true\n"
    "; this kiosk's id; empty = kiosk-<hostname>\n"
    ";device =\n"
    "; a TTF font; empty = DejaVu Sans (fonts-dejavu-core)\n"
    ";font =\n"
    "; the assets folder; empty = $SAYSO_ASSETS, ./assets or the installed "
    "one\n"
    ";assets =\n"
    "\n"
    "[smsgw]\n"
    "; kannel, twilio or spool (an smstools3 modem)\n"
    ";provider = kannel\n"
    ";listen = 127.0.0.1:8088\n"
    ";rate_per_minute = 10\n"
    ";followup_minutes = 30\n"
    ";max_attempts = 8\n"
    "\n"
    "[kannel]\n"
    ";sendsms_url = http://127.0.0.1:13013/cgi-bin/sendsms\n"
    ";username =\n"
    ";password =\n"
    ";from =\n"
    "\n"
    "[twilio]\n"
    ";account_sid =\n"
    ";auth_token =\n"
    ";from =\n"
    ";api_base = https://api.twilio.com\n"
    ";public_url =\n"
    ";poll_seconds = 0\n"
    "\n"
    "[spool]\n"
    ";incoming = /var/spool/sms/incoming\n"
    ";outgoing = /var/spool/sms/outgoing\n"
    ";processed = /var/spool/sms/processed\n"
    ";poll_ms = 500\n";

/*
 * Writes dir(db)/sayso.ini unless it exists. The database line is the path
 * as given when the file sits in the working directory, else absolute.
 * Prints what it did; returns ADMIN_EXIT_ERROR only on a write failure.
 */
static int write_ini(struct admin_ctx *ctx)
{
	char dir[SAYSO_PATH_MAX], ini[SAYSO_PATH_MAX + 16];
	char abs[PATH_MAX];
	const char *db = ctx->db_path;
	const char *slash = strrchr(db, '/');

	if (slash) {
		size_t n = (size_t)(slash - db);
		if (n == 0)
			n = 1; /* "/sayso.db" */
		if (n >= sizeof dir)
			return admin_fail(ctx, "%s: path too long", db);
		memcpy(dir, db, n);
		dir[n] = '\0';
		snprintf(ini, sizeof ini, "%s/sayso.ini",
			 strcmp(dir, "/") == 0 ? "" : dir);
	} else {
		snprintf(dir, sizeof dir, ".");
		snprintf(ini, sizeof ini, "sayso.ini");
	}
	const char *dbline = db;
	if (slash && strcmp(dir, ".") != 0) {
		if (!realpath(db, abs))
			return admin_fail(ctx, "%s: %s", db, strerror(errno));
		dbline = abs;
	}

	int fd = open(ini, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 && errno == EEXIST) {
		fprintf(ctx->out, "kept the existing %s\n", ini);
		return ADMIN_EXIT_OK;
	}
	if (fd < 0)
		return admin_fail(ctx, "%s: %s (the database was created)", ini,
				  strerror(errno));
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(ini);
		return admin_fail(ctx, "%s: %s", ini, strerror(errno));
	}
	fprintf(f, ini_template, dbline);
	if (fflush(f) != 0 || fsync(fd) != 0 || ferror(f)) {
		int e = errno;
		fclose(f);
		unlink(ini);
		return admin_fail(ctx, "%s: %s (the database was created)", ini,
				  strerror(e));
	}
	if (fclose(f) != 0) {
		int e = errno;
		unlink(ini);
		return admin_fail(ctx, "%s: %s", ini, strerror(e));
	}
	fprintf(ctx->out,
		"wrote %s (every setting, commented; use it with -c %s)\n", ini,
		ini);
	return ADMIN_EXIT_OK;
}

int admin_cmd_init(struct admin_ctx *ctx, int argc, char **argv)
{
	int np;
	int rc = admin_args(ctx, "init", argc, argv, NULL, NULL, 0, 0, &np);
	if (rc)
		return rc;
	struct sayso_store *st = admin_store(ctx, SAYSO_STORE_INIT);
	if (!st)
		return ADMIN_EXIT_ERROR;
	enum sayso_err e = sayso_store_audit(st, ctx->actor, "site.init",
					     "created %s", ctx->db_path);
	if (e != SAYSO_OK)
		return admin_fail_store(ctx, ctx->db_path, e);
	fprintf(ctx->out,
		"created %s and its site secret %s\n"
		"keep the secret safe and back it up: without it no resident "
		"can be recognised\n",
		sayso_store_path(st), sayso_store_secret_path(st));
	if (sayso_store_is_server(ctx->db_path)) {
		fprintf(ctx->out,
			"every machine of the site needs, in its sayso.ini:\n"
			"  [site]\n  database = %s\n  secret = %s\n"
			"(a copy of the secret file, mode 0600; see "
			"docs/deploy.md)\n",
			sayso_store_path(st), sayso_store_secret_path(st));
		return ADMIN_EXIT_OK;
	}
	if (ctx->cfg.source[0] || strcmp(ctx->db_path, ":memory:") == 0)
		return ADMIN_EXIT_OK;
	return write_ini(ctx);
}
