/*
 * cmd_doctor.c: `sayso-admin doctor`: check that a site can run, and say
 * what to fix in plain words.
 *
 * One line per check: "ok", "warn" (works, but look at it) or "FAIL" (a
 * program will not work), then for warn/FAIL an indented "fix:" line. The
 * checks: configuration, database (a sayso database, this schema, writable
 * by whoever runs doctor: run it as the service user), site secret (present,
 * belongs to the database, mode 0600), free disk space, the kiosk's font and
 * strings, speech voices, the SMS gateway when one is configured, and the
 * clock. A PostgreSQL database (postgresql://) is checked as a server:
 * reachable (the server's own message when not), a primary, a sayso
 * database at this schema where sayso's write lock can be taken,
 * fsync and synchronous_commit on, and the secret file [site] secret names.
 * Doctor changes nothing: the database is opened read-only, the write
 * check is a BEGIN IMMEDIATE that is rolled back and a probe file that is
 * removed. Exit 0 when nothing failed (warnings allowed), 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "admin.h"
#include "sayso/datadir.h"
#include "sayso/sitecopy.h"

enum verdict { V_OK, V_WARN, V_FAIL, V_SKIP };

struct doctor {
	struct admin_ctx *ctx;
	int fails, warns;
};

/* Disk space below which the site is in danger / worth a warning. */
#define DOCTOR_DISK_FAIL (100ull * 1024 * 1024)
#define DOCTOR_DISK_WARN (1024ull * 1024 * 1024)
/* A clock before this (2026-01-01) or after 2100 is wrong. */
#define DOCTOR_CLOCK_MIN_MS 1767225600000LL
#define DOCTOR_CLOCK_MAX_MS 4102444800000LL
#define DOCTOR_CONNECT_MS 2000

/* Prints one verdict line; fix (may be NULL) goes on the next line. */
static void say(struct doctor *d, enum verdict v, const char *what,
		const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void say(struct doctor *d, enum verdict v, const char *what,
		const char *fix, const char *fmt, ...)
{
	static const char *const tag[] = {"ok", "warn", "FAIL", "--"};
	FILE *out = d->ctx->out;
	va_list ap;

	fprintf(out, "%-4s  %-9s ", tag[v], what);
	va_start(ap, fmt);
	vfprintf(out, fmt, ap);
	va_end(ap);
	fputc('\n', out);
	if (fix && (v == V_WARN || v == V_FAIL))
		fprintf(out, "                fix: %s\n", fix);
	if (v == V_FAIL)
		d->fails++;
	else if (v == V_WARN)
		d->warns++;
}

/* The folder of a path ("." when it has none). */
static void dir_of(const char *path, char *dir, size_t dirsz)
{
	const char *slash = strrchr(path, '/');
	if (!slash)
		snprintf(dir, dirsz, ".");
	else if (slash == path)
		snprintf(dir, dirsz, "/");
	else
		snprintf(dir, dirsz, "%.*s", (int)(slash - path), path);
}

static void check_config(struct doctor *d)
{
	const struct sayso_config *c = &d->ctx->cfg;
	char fix[SAYSO_PATH_MAX + 64];

	/* An invalid file never gets here: the front end refuses it with
	 * file:line before any command runs. */
	if (c->source[0]) {
		say(d, V_OK, "config", NULL, "%s is valid", c->source);
		return;
	}
	if (access("/etc/sayso/sayso.ini", R_OK) == 0) {
		snprintf(fix, sizeof fix,
			 "pass --config /etc/sayso/sayso.ini (or export "
			 "SAYSO_CONFIG=/etc/sayso/sayso.ini)");
		say(d, V_WARN, "config", fix,
		    "none given: the built-in defaults are checked, not "
		    "/etc/sayso/sayso.ini");
		return;
	}
	say(d, V_OK, "config", NULL,
	    "none given: the built-in defaults (database %s)",
	    c->site.database);
}

/* The site secret's path: --secret / [site] secret, else
 * <database>.secret. */
static void secret_of(const struct doctor *d, char *path, size_t pathsz)
{
	const char *given = d->ctx->secret_path;
	if (given && *given)
		snprintf(path, pathsz, "%s", given);
	else
		snprintf(path, pathsz, "%s.secret", d->ctx->db_path);
}

/* Whether the secret file at path is usable; says why not. */
static bool check_secret(struct doctor *d, const char *path)
{
	char fix[2 * SAYSO_PATH_MAX + 128];
	struct stat sb;

	if (stat(path, &sb) != 0) {
		snprintf(fix, sizeof fix,
			 "copy the site's secret back from your backup to %s "
			 "(mode 0600); without it no earlier voter is "
			 "recognised. Only a brand-new site starts again with "
			 "`sayso-admin init`",
			 path);
		say(d, V_FAIL, "secret", fix, "%s is missing", path);
		return false;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size != 32) {
		say(d, V_FAIL, "secret",
		    "restore the secret file from your backup",
		    "%s is not a site secret (%lld bytes, expected 32)", path,
		    (long long)sb.st_size);
		return false;
	}
	if (access(path, R_OK) != 0) {
		snprintf(fix, sizeof fix,
			 "run doctor as the user of the services (sudo -u "
			 "sayso sayso-admin doctor), or chown that user %s",
			 path);
		say(d, V_FAIL, "secret", fix, "%s cannot be read: %s", path,
		    strerror(errno));
		return false;
	}
	if (sb.st_mode & 077) {
		snprintf(fix, sizeof fix, "chmod 600 %s", path);
		say(d, V_FAIL, "secret", fix,
		    "%s can be read by others (mode %04o); anyone who reads "
		    "it can link votes to phone numbers",
		    path, (unsigned)(sb.st_mode & 07777));
		return false;
	}
	return true;
}

/* The secret file at spath: usable, and the one database db records
 * (its site_check). */
static void check_secret_matches(struct doctor *d, const char *db,
				 const char *spath)
{
	char errbuf[SAYSO_ERRMSG_MAX] = "";
	struct sayso_store *st = NULL;

	if (!check_secret(d, spath))
		return;
	enum sayso_err e = sayso_store_open_at(db, spath, SAYSO_STORE_READONLY,
					       &st, errbuf, sizeof errbuf);
	sayso_store_close(st);
	if (e == SAYSO_ERR_SECRET) {
		say(d, V_FAIL, "secret",
		    sayso_store_is_server(db)
			? "put this site's own secret where [site] secret / "
			  "--secret says (from your backup)"
			: "put this site's own secret next to the database "
			  "(from your backup)",
		    "%s", errbuf[0] ? errbuf : sayso_strerror(e));
		return;
	}
	if (e != SAYSO_OK) {
		say(d, V_FAIL, "secret", NULL, "%s",
		    errbuf[0] ? errbuf : sayso_strerror(e));
		return;
	}
	say(d, V_OK, "secret", NULL, "%s belongs to the database, mode 0600",
	    spath);
}

/* A probe file in dir: whether new files (the WAL, backups) can be made. */
static bool dir_writable(const char *dir, int *err)
{
	char probe[SAYSO_PATH_MAX + 32];
	snprintf(probe, sizeof probe, "%s/.sayso-doctor-%ld", dir,
		 (long)getpid());
	int fd = open(probe, O_WRONLY | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		*err = errno;
		return false;
	}
	close(fd);
	unlink(probe);
	return true;
}

static void check_database(struct doctor *d)
{
	const char *db = d->ctx->db_path;
	char dir[SAYSO_PATH_MAX], errbuf[SAYSO_ERRMSG_MAX];
	char fix[2 * SAYSO_PATH_MAX + 128], spath[SAYSO_PATH_MAX + 16];
	struct sayso_store *st = NULL;
	int err = 0;

	secret_of(d, spath, sizeof spath);
	dir_of(db, dir, sizeof dir);
	if (access(db, F_OK) != 0) {
		snprintf(fix, sizeof fix,
			 "create it with `sayso-admin --db %s init`, or give "
			 "the right --db / [site] database",
			 db);
		say(d, V_FAIL, "database", fix, "%s does not exist", db);
		say(d, V_SKIP, "secret", NULL, "not checked (no database)");
		return;
	}
	/* SQLite needs to create the -wal and -shm files beside the
	 * database, even to read it: the folder comes first. */
	if (!dir_writable(dir, &err)) {
		snprintf(fix, sizeof fix,
			 "the programs must create files in %s: make it "
			 "writable for the user of the services (Debian: "
			 "chown sayso:sayso %s; chmod 750 %s)",
			 dir, dir, dir);
		say(d, V_FAIL, "database", fix, "folder %s is not writable: %s",
		    dir, strerror(err));
		check_secret(d, spath);
		return;
	}
	errbuf[0] = '\0';
	enum sayso_err e = sayso_store_open_at(
	    db, spath, SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET, &st, errbuf,
	    sizeof errbuf);
	if (e != SAYSO_OK) {
		say(d, V_FAIL, "database",
		    "give the right --db, or restore the database from a "
		    "backup",
		    "%s", errbuf[0] ? errbuf : sayso_strerror(e));
		say(d, V_SKIP, "secret", NULL, "not checked (no database)");
		return;
	}
	int have = sayso_store_schema_version(st);
	int latest = sayso_store_schema_latest();
	sayso_store_close(st);
	st = NULL;

	if (access(db, W_OK) != 0) {
		err = errno;
		snprintf(fix, sizeof fix,
			 "make %s writable for the user of the services "
			 "(Debian: chown sayso:sayso %s)",
			 db, db);
		say(d, V_FAIL, "database", fix, "%s is not writable: %s", db,
		    strerror(err));
	} else if (have < latest) {
		say(d, V_WARN, "database",
		    "take a backup (sayso-admin backup FILE); the next "
		    "program to open it upgrades it",
		    "%s has schema %d, this sayso %d", db, have, latest);
	} else {
		/* Take the write lock and give it back: proves a vote could
		 * be stored now (not locked, not read-only). */
		errbuf[0] = '\0';
		e = sayso_store_open_at(db, spath, SAYSO_STORE_NOSECRET, &st,
					errbuf, sizeof errbuf);
		if (e == SAYSO_OK) {
			sayso_store_set_busy_timeout(st, 2000);
			e = sayso_store_begin(st);
			if (e == SAYSO_OK)
				sayso_store_rollback(st);
			else
				snprintf(errbuf, sizeof errbuf, "%s",
					 sayso_store_errmsg(st));
		}
		sayso_store_close(st);
		st = NULL;
		if (e != SAYSO_OK) {
			say(d, V_FAIL, "database",
			    "check the file's permissions and that no "
			    "program holds it locked",
			    "%s cannot be written: %s", db,
			    errbuf[0] ? errbuf : sayso_strerror(e));
		} else {
			say(d, V_OK, "database", NULL,
			    "%s is a sayso database (schema %d) and writable",
			    db, have);
		}
	}

	check_secret_matches(d, db, spath);
}

/* The server's durability: fsync on, synchronous_commit on in sayso's
 * sessions, and whether a synchronous standby holds each commit too. */
static void check_durable(struct doctor *d,
			  const struct sayso_server_settings *ss)
{
	bool sync_ok = strcmp(ss->synchronous_commit, "on") == 0 ||
		       strcmp(ss->synchronous_commit, "remote_apply") == 0;
	if (strcmp(ss->fsync, "on") != 0) {
		say(d, V_FAIL, "durable",
		    "set fsync = on in postgresql.conf and reload the server: "
		    "without it a power cut can lose or corrupt votes",
		    "fsync is %s on the server", ss->fsync);
		return;
	}
	if (!sync_ok) {
		say(d, V_FAIL, "durable",
		    "remove the setting that overrides synchronous_commit for "
		    "sayso's user or database (ALTER ROLE/DATABASE ... RESET "
		    "synchronous_commit)",
		    "synchronous_commit is %s in sayso's sessions: a vote "
		    "could be acknowledged before it is on disk",
		    ss->synchronous_commit);
		return;
	}
	if (ss->synchronous_standby[0])
		say(d, V_OK, "durable", NULL,
		    "synchronous_commit %s, fsync on; synchronous standby: "
		    "%s (a committed vote is on two servers)",
		    ss->synchronous_commit, ss->synchronous_standby);
	else
		say(d, V_OK, "durable", NULL,
		    "synchronous_commit %s, fsync on; synchronous standby: "
		    "none (a committed vote is on this server's disk only; "
		    "docs/deploy.md adds a standby)",
		    ss->synchronous_commit);
}

/* Takes sayso's write lock on db and gives it back: false with the
 * server's message in why. */
static bool server_writable(const char *db, const char *spath, char *why,
			    size_t whysz)
{
	struct sayso_store *st = NULL;
	why[0] = '\0';
	enum sayso_err e = sayso_store_open_at(db, spath, SAYSO_STORE_NOSECRET,
					       &st, why, whysz);
	if (e == SAYSO_OK) {
		sayso_store_set_busy_timeout(st, 2000);
		e = sayso_store_begin(st);
		if (e == SAYSO_OK)
			sayso_store_rollback(st);
		else
			snprintf(why, whysz, "%s", sayso_store_errmsg(st));
	}
	sayso_store_close(st);
	if (e != SAYSO_OK && !why[0])
		snprintf(why, whysz, "%s", sayso_strerror(e));
	return e == SAYSO_OK;
}

/* A PostgreSQL database: reachable, a sayso database at this schema,
 * writable (sayso's write lock), durable, and the secret file. */
static void check_server(struct doctor *d)
{
	const char *db = d->ctx->db_path;
	const char *spath = d->ctx->secret_path;
	char errbuf[SAYSO_ERRMSG_MAX] = "";
	struct sayso_store *st = NULL;
	bool have_secret = spath && *spath;

	/* The secret is not read here: any path opens it. */
	enum sayso_err e =
	    sayso_store_open_at(db, have_secret ? spath : "(none)",
				SAYSO_STORE_READONLY | SAYSO_STORE_NOSECRET,
				&st, errbuf, sizeof errbuf);
	/* libpq's messages run over lines: one line here. */
	for (char *p = errbuf; *p; p++)
		if (*p == '\n' || *p == '\t')
			*p = ' ';
	const char *msg = errbuf[0] ? errbuf : sayso_strerror(e);
	if (e == SAYSO_ERR_IO || e == SAYSO_ERR_UNSUPPORTED ||
	    (e != SAYSO_OK && e != SAYSO_ERR_NOTFOUND &&
	     e != SAYSO_ERR_NOT_SAYSO && e != SAYSO_ERR_SCHEMA)) {
		say(d, V_FAIL, "server",
		    "start the server, or correct the URI's host, port, user "
		    "and database; the password comes from PGPASSWORD or "
		    "~/.pgpass, and the server must allow this machine "
		    "(pg_hba.conf)",
		    "%s", msg);
		say(d, V_SKIP, "database", NULL, "not checked (no server)");
		return;
	}
	struct sayso_server_settings ss;
	if (e != SAYSO_OK) {
		say(d, V_OK, "server", NULL, "%s answers", db);
		say(d, V_FAIL, "database",
		    e == SAYSO_ERR_NOTFOUND
			? "create the site with `sayso-admin --db URI --secret "
			  "PATH init`, or copy one in with `sayso-admin "
			  "migrate`"
			: "give the right --db (a database of its own for "
			  "sayso), or upgrade sayso",
		    "%s", msg);
		return;
	}
	if (sayso_server_settings(st, &ss) != SAYSO_OK) {
		say(d, V_FAIL, "server", NULL, "%s", sayso_store_errmsg(st));
		sayso_store_close(st);
		return;
	}
	say(d, ss.in_recovery ? V_FAIL : V_OK, "server",
	    "point --db / [site] database at the primary (after a failover: "
	    "the new primary)",
	    "%s answers: %s (%s)", sayso_store_path(st), ss.version,
	    ss.in_recovery ? "a standby: read-only" : "a primary");
	int have = sayso_store_schema_version(st);
	int latest = sayso_store_schema_latest();
	sayso_store_close(st);
	if (have < latest) {
		say(d, V_WARN, "database",
		    "take a backup (pg_dump); the next program to open it "
		    "upgrades it",
		    "a sayso database with schema %d, this sayso %d", have,
		    latest);
	} else if (!ss.in_recovery) {
		if (server_writable(db, have_secret ? spath : "(none)", errbuf,
				    sizeof errbuf))
			say(d, V_OK, "database", NULL,
			    "a sayso database (schema %d), and a write "
			    "transaction can begin (the write lock is free)",
			    have);
		else
			say(d, V_FAIL, "database",
			    "a program holds sayso's write lock too long, or "
			    "this user may not write: look at pg_stat_activity "
			    "and the user's grants",
			    "no write transaction can begin: %s", errbuf);
	}
	check_durable(d, &ss);
	if (!have_secret) {
		say(d, V_FAIL, "secret",
		    "set [site] secret = PATH in sayso.ini (or pass --secret "
		    "PATH): the same file, mode 0600, on every machine of the "
		    "site",
		    "no secret file given: a PostgreSQL site keeps it outside "
		    "the database");
		return;
	}
	check_secret_matches(d, db, spath);
}

static void check_disk(struct doctor *d)
{
	char dir[SAYSO_PATH_MAX];
	struct statvfs vs;

	if (sayso_store_is_server(d->ctx->db_path)) {
		say(d, V_SKIP, "disk", NULL,
		    "the database is on the server: watch its disk there");
		return;
	}
	dir_of(d->ctx->db_path, dir, sizeof dir);
	if (statvfs(dir, &vs) != 0) {
		say(d, V_SKIP, "disk", NULL, "%s: %s", dir, strerror(errno));
		return;
	}
	unsigned long long avail =
	    (unsigned long long)vs.f_bavail * (unsigned long long)vs.f_frsize;
	double mb = (double)avail / (1024.0 * 1024.0);
	if (avail < DOCTOR_DISK_FAIL)
		say(d, V_FAIL, "disk",
		    "free some space: old backups, logs (journalctl "
		    "--vacuum-size=100M), apt-get clean",
		    "only %.0f MB free in %s", mb, dir);
	else if (avail < DOCTOR_DISK_WARN)
		say(d, V_WARN, "disk",
		    "free some space before the next event (nightly "
		    "backups need room)",
		    "%.0f MB free in %s", mb, dir);
	else
		say(d, V_OK, "disk", NULL, "%.1f GB free in %s", mb / 1024.0,
		    dir);
}

/* Where the kiosk looks for DejaVu Sans (the same list as kiosk/assets.c). */
static const char *const font_paths[] = {
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/local/share/fonts/DejaVuSans.ttf",
    NULL,
};

/* Whether path starts like a TrueType/OpenType font (what SDL_ttf opens). */
static bool is_font(const char *path)
{
	unsigned char m[4];
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	bool ok = fread(m, 1, 4, f) == 4 &&
		  (memcmp(m, "\x00\x01\x00\x00", 4) == 0 ||
		   memcmp(m, "OTTO", 4) == 0 || memcmp(m, "true", 4) == 0 ||
		   memcmp(m, "ttcf", 4) == 0);
	fclose(f);
	return ok;
}

static void check_fonts(struct doctor *d)
{
	const struct sayso_config *c = &d->ctx->cfg;
	char fix[SAYSO_PATH_MAX + 128];

	if (c->kiosk.font[0]) {
		if (is_font(c->kiosk.font)) {
			say(d, V_OK, "font", NULL, "%s", c->kiosk.font);
			return;
		}
		if (access(c->kiosk.font, R_OK) == 0) {
			snprintf(fix, sizeof fix,
				 "set [kiosk] font to a .ttf or .otf file, or "
				 "empty it to use DejaVu Sans");
			say(d, V_FAIL, "font", fix,
			    "[kiosk] font %s is not a TrueType/OpenType font",
			    c->kiosk.font);
			return;
		}
		snprintf(fix, sizeof fix,
			 "install the font file %s, or empty [kiosk] font to "
			 "use DejaVu Sans",
			 c->kiosk.font);
		say(d, V_FAIL, "font", fix,
		    "[kiosk] font %s cannot be read: %s", c->kiosk.font,
		    strerror(errno));
		return;
	}
	for (size_t i = 0; font_paths[i]; i++)
		if (is_font(font_paths[i])) {
			say(d, V_OK, "font", NULL, "%s", font_paths[i]);
			return;
		}
	say(d, V_FAIL, "font",
	    "apt-get install fonts-dejavu-core (or set [kiosk] font to a "
	    "TTF file)",
	    "no DejaVu Sans: the kiosk would show empty boxes instead of "
	    "text");
}

static void check_strings(struct doctor *d)
{
	const struct sayso_config *c = &d->ctx->cfg;
	const char *env = getenv("SAYSO_ASSETS");
	char dir[SAYSO_PATH_MAX], path[SAYSO_PATH_MAX + 96];
	char missing[256] = "";
	size_t nmiss = 0;

	if (c->kiosk.assets[0])
		snprintf(dir, sizeof dir, "%s", c->kiosk.assets);
	else if (env && env[0])
		snprintf(dir, sizeof dir, "%s", env);
	else if (access("assets/strings/en.ini", R_OK) == 0)
		snprintf(dir, sizeof dir, "assets");
	else
		snprintf(dir, sizeof dir, "%s", sayso_datadir());
	for (size_t i = 0; i < c->site.languages.n; i++) {
		const char *lang = c->site.languages.items[i];
		snprintf(path, sizeof path, "%s/strings/%s.ini", dir, lang);
		if (access(path, R_OK) != 0) {
			size_t len = strlen(missing);
			snprintf(missing + len, sizeof missing - len, "%s%s",
				 nmiss ? ", " : "", lang);
			nmiss++;
		}
	}
	if (nmiss) {
		char fix[SAYSO_PATH_MAX + 128];
		snprintf(fix, sizeof fix,
			 "reinstall sayso (the strings live in %s/strings), or "
			 "set [kiosk] assets to the assets folder",
			 dir);
		say(d, V_FAIL, "strings", fix,
		    "no kiosk text for %s in %s/strings", missing, dir);
		return;
	}
	say(d, V_OK, "strings", NULL, "%s/strings (%zu languages)", dir,
	    c->site.languages.n);
}

static void check_voices(struct doctor *d)
{
	static const char *const dirs[] = {
	    "/usr/lib/x86_64-linux-gnu/espeak-ng-data",
	    "/usr/lib/aarch64-linux-gnu/espeak-ng-data",
	    "/usr/lib/arm-linux-gnueabihf/espeak-ng-data",
	    "/usr/share/espeak-ng-data",
	    "/usr/local/share/espeak-ng-data",
	    NULL,
	};
	char path[256];
	for (size_t i = 0; dirs[i]; i++) {
		snprintf(path, sizeof path, "%s/phontab", dirs[i]);
		if (access(path, R_OK) == 0) {
			say(d, V_OK, "voices", NULL, "espeak-ng voices in %s",
			    dirs[i]);
			return;
		}
	}
	say(d, V_WARN, "voices", "apt-get install espeak-ng-data",
	    "no espeak-ng voices: spoken prompts are off");
}

/* Splits "scheme://host[:port]/..." into host and port (default by
 * scheme). false when it is not such a URL. */
static bool url_host(const char *url, char *host, size_t hostsz, char *port,
		     size_t portsz)
{
	const char *p = strstr(url, "://");
	if (!p)
		return false;
	bool https = (size_t)(p - url) == 5 && strncmp(url, "https", 5) == 0;
	p += 3;
	size_t hlen;
	const char *after;
	if (*p == '[') {
		const char *close = strchr(p, ']');
		if (!close)
			return false;
		hlen = (size_t)(close - p - 1);
		p++;
		after = close + 1;
	} else {
		hlen = strcspn(p, ":/?#");
		after = p + hlen;
	}
	if (hlen == 0 || hlen >= hostsz)
		return false;
	memcpy(host, p, hlen);
	host[hlen] = '\0';
	if (*after == ':') {
		size_t plen = strcspn(after + 1, "/?#");
		if (plen == 0 || plen >= portsz)
			return false;
		memcpy(port, after + 1, plen);
		port[plen] = '\0';
	} else {
		snprintf(port, portsz, "%s", https ? "443" : "80");
	}
	return true;
}

/* A TCP connection to host:port within DOCTOR_CONNECT_MS. On failure why
 * receives the reason. */
static bool reachable(const char *host, const char *port, char *why,
		      size_t whysz)
{
	struct addrinfo hints, *res = NULL;
	memset(&hints, 0, sizeof hints);
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	int g = getaddrinfo(host, port, &hints, &res);
	if (g != 0) {
		snprintf(why, whysz, "%s", gai_strerror(g));
		return false;
	}
	bool ok = false;
	snprintf(why, whysz, "no address");
	for (struct addrinfo *a = res; a && !ok; a = a->ai_next) {
		int fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK,
				a->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) == 0) {
			ok = true;
		} else if (errno == EINPROGRESS) {
			struct pollfd pfd = {.fd = fd, .events = POLLOUT};
			int soerr = 0;
			socklen_t len = sizeof soerr;
			int n = poll(&pfd, 1, DOCTOR_CONNECT_MS);
			if (n == 1 &&
			    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr,
				       &len) == 0 &&
			    soerr == 0)
				ok = true;
			else
				snprintf(why, whysz, "%s",
					 n == 0
					     ? "no answer"
					     : strerror(soerr ? soerr : errno));
		} else {
			snprintf(why, whysz, "%s", strerror(errno));
		}
		close(fd);
	}
	freeaddrinfo(res);
	return ok;
}

static void check_url(struct doctor *d, const char *what, const char *url,
		      const char *fix)
{
	char host[256], port[16], why[128];
	if (!url_host(url, host, sizeof host, port, sizeof port)) {
		say(d, V_FAIL, "gateway", fix, "%s: '%s' is not a URL", what,
		    url);
		return;
	}
	if (reachable(host, port, why, sizeof why))
		say(d, V_OK, "gateway", NULL, "%s answers at %s:%s", what, host,
		    port);
	else
		say(d, V_FAIL, "gateway", fix, "%s at %s:%s: %s", what, host,
		    port, why);
}

static void check_spool_dir(struct doctor *d, const char *key, const char *dir)
{
	char fix[SAYSO_PATH_MAX + 128];
	if (access(dir, R_OK | W_OK | X_OK) == 0)
		return;
	int e = errno;
	snprintf(fix, sizeof fix,
		 "install smstools and check [spool] %s, or add the user to "
		 "its group (Debian: dialout)",
		 key);
	say(d, V_FAIL, "gateway", fix, "spool folder %s: %s", dir, strerror(e));
}

static void check_gateway(struct doctor *d)
{
	const struct sayso_config *c = &d->ctx->cfg;
	switch (c->smsgw.provider) {
	case SAYSO_PROVIDER_KANNEL:
		if (!c->kannel.username[0]) {
			say(d, V_SKIP, "gateway", NULL,
			    "Kannel not configured ([kannel] username is "
			    "empty): texts wait in the outbox");
			return;
		}
		check_url(d, "Kannel", c->kannel.sendsms_url,
			  "start Kannel (systemctl start kannel) or correct "
			  "[kannel] sendsms_url");
		return;
	case SAYSO_PROVIDER_TWILIO:
		if (!c->twilio.account_sid[0]) {
			say(d, V_SKIP, "gateway", NULL,
			    "Twilio not configured ([twilio] account_sid is "
			    "empty)");
			return;
		}
		check_url(d, "Twilio", c->twilio.api_base,
			  "check the network and [twilio] api_base");
		return;
	case SAYSO_PROVIDER_SPOOL: {
		int before = d->fails;
		check_spool_dir(d, "incoming", c->spool.incoming);
		check_spool_dir(d, "outgoing", c->spool.outgoing);
		check_spool_dir(d, "processed", c->spool.processed);
		if (d->fails == before)
			say(d, V_OK, "gateway", NULL,
			    "smstools spool folders under %s are usable",
			    c->spool.incoming);
		return;
	}
	}
}

static void check_clock(struct doctor *d)
{
	int64_t now = sayso_time_now_ms();
	char when[SAYSO_TIME_LEN + 8];
	sayso_time_format(now, when, sizeof when);
	if (now < DOCTOR_CLOCK_MIN_MS || now > DOCTOR_CLOCK_MAX_MS)
		say(d, V_FAIL, "clock",
		    "set the time: timedatectl set-ntp true (a Raspberry Pi "
		    "without network needs a real-time clock or the time set "
		    "by hand: date -s)",
		    "the clock says %s: votes and reports would get wrong "
		    "times",
		    when);
	else
		say(d, V_OK, "clock", NULL, "%s", when);
}

int admin_cmd_doctor(struct admin_ctx *ctx, int argc, char **argv)
{
	int np;
	int rc = admin_args(ctx, "doctor", argc, argv, NULL, NULL, 0, 0, &np);
	if (rc)
		return rc;
	struct doctor d = {.ctx = ctx};

	check_config(&d);
	if (sayso_store_is_server(ctx->db_path))
		check_server(&d);
	else
		check_database(&d);
	check_disk(&d);
	check_fonts(&d);
	check_strings(&d);
	check_voices(&d);
	check_gateway(&d);
	check_clock(&d);

	if (d.fails)
		fprintf(ctx->out,
			"\n%d problem%s to fix%s (see the fix: lines)\n",
			d.fails, d.fails == 1 ? "" : "s",
			d.warns ? ", and warnings" : "");
	else if (d.warns)
		fprintf(ctx->out, "\nthe site can run; %d warning%s\n", d.warns,
			d.warns == 1 ? "" : "s");
	else
		fprintf(ctx->out, "\nall good: the site can run\n");
	return d.fails ? ADMIN_EXIT_ERROR : ADMIN_EXIT_OK;
}
