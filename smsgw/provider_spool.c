/*
 * provider_spool.c: smstools3 (smsd) spool directories, for a hub with a
 * USB modem and no internet.
 *
 * Inbound: every poll_ms, files in incoming/ are parsed and queued; a file
 * moves to processed/ only after its message is committed (a crash before
 * that re-reads it, and the inbox key, file name + SHA-256 of the content,
 * recognises it). Files smsd is still writing (name.LOCK beside them) and
 * dot files are left alone. A file that is not a text message moves to
 * processed/ with ".bad" appended, and the log says why.
 *
 * Outbound: the file ("To: 447...", "Alphabet: UTF-8", blank line, text,
 * no trailing newline) is written under a dot name, fsync'd and renamed
 * into outgoing/, so smsd never sees half a file. This is the one write in
 * sayso that does not use core's sayso_atomic_open/finish (sayso/file.h):
 * smsd reads every file in outgoing/ whose name does not start with a dot,
 * so the temporary name must be a dot name (not "<path>.tmp-XXXXXX"), and
 * the final name is made from the temporary's unique suffix.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw.h"
#include "sayso/identity.h"
#include "sayso/log.h"

#define SPOOL_FILE_MAX 65536 /* bytes read of one incoming file */
#define SPOOL_SCAN_MAX 256   /* files queued per scan */

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
}

#define SPOOL_WARNED 16

struct spool {
	int64_t next_expire_ms;
	ino_t warned[SPOOL_WARNED]; /* odd entries already reported */
	size_t nwarned;
};

/* Whether the odd entry ino was reported already (then not again). */
static bool warned_before(struct smsgw *gw, ino_t ino)
{
	struct spool *sp = gw->prov_state;
	for (size_t i = 0; i < SPOOL_WARNED; i++)
		if (sp->warned[i] == ino)
			return true;
	sp->warned[sp->nwarned++ % SPOOL_WARNED] = ino;
	return false;
}

static enum sayso_err spool_start(struct smsgw *gw)
{
	const struct sayso_config *c = &gw->cfg;
	gw->prov_state = NULL;
	const char *dirs[] = {c->spool.incoming, c->spool.outgoing};
	for (size_t i = 0; i < 2; i++) {
		if (!is_dir(dirs[i])) {
			sayso_log(SAYSO_LOG_ERROR,
				  "[spool] %s is not a directory", dirs[i]);
			return SAYSO_ERR_IO;
		}
	}
	if (!is_dir(c->spool.processed) &&
	    mkdir(c->spool.processed, 0750) != 0) {
		sayso_log(SAYSO_LOG_ERROR, "[spool] processed = %s: %s",
			  c->spool.processed, strerror(errno));
		return SAYSO_ERR_IO;
	}
	gw->prov_state = calloc(1, sizeof(struct spool));
	return gw->prov_state ? SAYSO_OK : SAYSO_ERR_NOMEM;
}

static void spool_stop(struct smsgw *gw)
{
	free(gw->prov_state);
	gw->prov_state = NULL;
}

static void fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

/* Writes a copy of the spool file data into processed/ with the numbers in
 * its From: and To: headers masked, under a dot name then renamed. */
static bool write_masked(const char *dest, const char *data, size_t n)
{
	char tmp[SAYSO_PATH_MAX * 2 + 16];
	const char *slash = strrchr(dest, '/');
	size_t dl = slash ? (size_t)(slash - dest) : 0;
	snprintf(tmp, sizeof tmp, "%.*s/.sayso-XXXXXX", (int)dl, dest);
	int fd = mkstemp(tmp);
	if (fd < 0)
		return false;
	FILE *f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
		return false;
	}
	size_t i = 0;
	bool head = true;
	while (i < n) {
		size_t end = i;
		while (end < n && data[end] != '\n')
			end++;
		size_t ll = end - i;
		if (head && (ll == 0 || (ll == 1 && data[i] == '\r')))
			head = false;
		if (head && ((ll > 5 && memcmp(data + i, "From:", 5) == 0) ||
			     (ll > 3 && memcmp(data + i, "To:", 3) == 0))) {
			size_t k = data[i] == 'F' ? 5 : 3;
			char num[64], masked[SAYSO_E164_MAX + 8];
			size_t vl = ll - k;
			while (vl && data[i + k] == ' ') {
				k++;
				vl--;
			}
			while (vl && (data[i + k + vl - 1] == '\r'))
				vl--;
			snprintf(num, sizeof num, "%.*s", (int)vl,
				 data + i + k);
			sayso_mask_phone(num, masked, sizeof masked);
			fprintf(f, "%s %s\n",
				data[i] == 'F' ? "From:" : "To:", masked);
		} else {
			fwrite(data + i, 1, end < n ? ll + 1 : ll, f);
		}
		i = end + 1;
	}
	bool ok = fflush(f) == 0 && fsync(fd) == 0;
	ok = fclose(f) == 0 && ok;
	if (ok && rename(tmp, dest) == 0)
		return true;
	unlink(tmp);
	return false;
}

/* Moves path into processed/ under its name (+ suffix), never replacing a
 * file already there: a copy with the numbers masked when data is given
 * (the original is removed), or the file itself. With [spool] keep_hours =
 * 0 the file is only removed. */
static void move_processed(struct smsgw *gw, const char *path,
			   const char *suffix, const char *data, size_t n)
{
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
	char esc[SAYSO_PATH_MAX];
	smsgw_log_escape(name, esc, sizeof esc);
	if (gw->cfg.spool.keep_hours == 0) {
		if (unlink(path) != 0)
			sayso_log(SAYSO_LOG_ERROR,
				  "spool: cannot remove %s: %s", esc,
				  strerror(errno));
		return;
	}
	char dest[SAYSO_PATH_MAX * 2];
	for (int i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(dest, sizeof dest, "%s/%s%s",
				 gw->cfg.spool.processed, name, suffix);
		else
			snprintf(dest, sizeof dest, "%s/%s%s.%d",
				 gw->cfg.spool.processed, name, suffix, i);
		if (access(dest, F_OK) == 0)
			continue;
		if (data) {
			if (!write_masked(dest, data, n) || unlink(path) != 0)
				sayso_log(SAYSO_LOG_ERROR,
					  "spool: cannot move %s to "
					  "processed/: %s",
					  esc, strerror(errno));
		} else if (rename(path, dest) != 0) {
			sayso_log(SAYSO_LOG_ERROR,
				  "spool: cannot move %s to "
				  "processed/: %s",
				  esc, strerror(errno));
		}
		return;
	}
	sayso_log(SAYSO_LOG_ERROR, "spool: too many copies of %s in processed",
		  esc);
}

/* Deletes files in processed/ older than [spool] keep_hours. */
static void expire_processed(struct smsgw *gw, int64_t now_ms)
{
	struct spool *sp = gw->prov_state;
	if (now_ms < sp->next_expire_ms)
		return;
	sp->next_expire_ms = now_ms + 60000;
	DIR *d = opendir(gw->cfg.spool.processed);
	if (!d)
		return;
	int64_t keep = (int64_t)gw->cfg.spool.keep_hours * 3600;
	struct dirent *de;
	int removed = 0;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		struct stat sb;
		if (fstatat(dirfd(d), de->d_name, &sb, AT_SYMLINK_NOFOLLOW) !=
			0 ||
		    !S_ISREG(sb.st_mode))
			continue;
		if ((int64_t)sb.st_mtime + keep <= now_ms / 1000 &&
		    unlinkat(dirfd(d), de->d_name, 0) == 0)
			removed++;
	}
	closedir(d);
	if (removed)
		sayso_log(SAYSO_LOG_INFO,
			  "spool: removed %d file(s) older than %d hours from "
			  "processed/",
			  removed, gw->cfg.spool.keep_hours);
}

static void on_stored(struct smsgw *gw, struct smsgw_inmsg *m)
{
	if (m->err != SAYSO_OK)
		return; /* not stored: read again at the next scan */
	/* Re-read to keep a masked copy (the message holds the decoded
	 * body, not the file). */
	char *buf = malloc(SPOOL_FILE_MAX);
	struct stat sb;
	size_t n = 0;
	if (buf && lstat(m->path, &sb) == 0 && S_ISREG(sb.st_mode) &&
	    smsgw_spool_read_file(m->path, &sb, buf, SPOOL_FILE_MAX, &n))
		move_processed(gw, m->path, "", buf, n);
	else
		move_processed(gw, m->path, "", NULL, 0);
	free(buf);
}

/* Contract in gw.h. */
bool smsgw_spool_read_file(const char *path, const struct stat *sb, char *buf,
			   size_t bufsz, size_t *n)
{
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return false;
	struct stat fs;
	if (fstat(fd, &fs) != 0 || !S_ISREG(fs.st_mode) ||
	    fs.st_dev != sb->st_dev || fs.st_ino != sb->st_ino) {
		close(fd);
		errno = EPERM;
		return false;
	}
	size_t got = 0;
	while (got < bufsz) {
		ssize_t r = read(fd, buf + got, bufsz - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			int saved = errno;
			close(fd);
			errno = saved;
			return false;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	close(fd);
	*n = got;
	return true;
}

/* The inbox key of a spool file: its name and a keyed digest (HMAC with the
 * site secret) of its content, which holds the number: a bare hash could be
 * reversed by trying every mobile number. */
static void content_id(struct smsgw *gw, const char *name, const char *data,
		       size_t n, char *out, size_t outsz)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	size_t mdlen = sizeof md;
	char hex[17] = "";
	const unsigned char *secret = sayso_store_secret(gw->st);
	EVP_PKEY *key =
	    secret ? EVP_PKEY_new_raw_private_key(EVP_PKEY_HMAC, NULL, secret,
						  SAYSO_SECRET_LEN)
		   : NULL;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	if (key && ctx &&
	    EVP_DigestSignInit(ctx, NULL, EVP_sha256(), NULL, key) == 1 &&
	    EVP_DigestSignUpdate(ctx, data, n) == 1 &&
	    EVP_DigestSignFinal(ctx, md, &mdlen) == 1)
		for (unsigned i = 0; i < 8 && i < mdlen; i++)
			snprintf(hex + 2 * i, 3, "%02x", md[i]);
	EVP_MD_CTX_free(ctx);
	EVP_PKEY_free(key);
	snprintf(out, outsz, "%.96s:%s", name, hex);
}

static int64_t spool_tick(struct smsgw *gw, int64_t now_ms)
{
	const struct sayso_config *c = &gw->cfg;
	int64_t next = now_ms + c->spool.poll_ms;
	expire_processed(gw, now_ms);
	DIR *d = opendir(c->spool.incoming);
	if (!d) {
		sayso_log(SAYSO_LOG_ERROR, "spool: %s: %s", c->spool.incoming,
			  strerror(errno));
		return now_ms + 5000;
	}
	char *buf = malloc(SPOOL_FILE_MAX);
	if (!buf) {
		closedir(d);
		return next;
	}
	struct dirent *de;
	size_t queued = 0;
	while ((de = readdir(d)) && queued < SPOOL_SCAN_MAX) {
		const char *name = de->d_name;
		size_t nl = strlen(name);
		if (name[0] == '.' ||
		    (nl > 5 && !strcmp(name + nl - 5, ".LOCK")))
			continue;
		char path[SAYSO_PATH_MAX * 2];
		char lock[SAYSO_PATH_MAX * 2 + 8];
		snprintf(path, sizeof path, "%s/%s", c->spool.incoming, name);
		snprintf(lock, sizeof lock, "%s.LOCK", path);
		struct stat sb;
		char esc[SAYSO_PATH_MAX];
		smsgw_log_escape(name, esc, sizeof esc);
		if (lstat(path, &sb) != 0 || access(lock, F_OK) == 0)
			continue;
		if (!S_ISREG(sb.st_mode)) {
			if (!S_ISDIR(sb.st_mode) &&
			    !warned_before(gw, sb.st_ino))
				sayso_log(SAYSO_LOG_WARN,
					  "spool: incoming/%s is not a regular "
					  "file: left alone",
					  esc);
			continue;
		}
		size_t n = 0;
		if (!smsgw_spool_read_file(path, &sb, buf, SPOOL_FILE_MAX,
					   &n)) {
			sayso_log(SAYSO_LOG_WARN,
				  "spool: cannot read incoming/%s: %s", esc,
				  strerror(errno));
			continue;
		}
		struct smsgw_inmsg *m = calloc(1, sizeof *m);
		if (!m)
			break;
		const char *why = NULL;
		if (smsgw_spool_parse(buf, n, &m->in, &why) != SAYSO_OK) {
			sayso_log(SAYSO_LOG_WARN,
				  "spool: %s is not a text message (%s); "
				  "moved to processed/%s.bad",
				  esc, why, esc);
			free(m);
			move_processed(gw, path, ".bad", buf, n);
			continue;
		}
		if ((size_t)sb.st_size > n)
			m->in.truncated = true;
		content_id(gw, name, buf, n, m->in.provider_id,
			   sizeof m->in.provider_id);
		snprintf(m->path, sizeof m->path, "%s", path);
		m->done = on_stored;
		smsgw_enqueue(gw, m);
		queued++;
	}
	closedir(d);
	free(buf);
	return queued == SPOOL_SCAN_MAX ? now_ms : next;
}

static enum smsgw_send_result spool_send(struct smsgw *gw,
					 const struct sayso_outbox_msg *msg,
					 char *pid, size_t pidsz, char *err,
					 size_t errsz)
{
	const struct sayso_config *c = &gw->cfg;
	char data[SAYSO_SMS_BODY_MAX + 128];
	size_t n = smsgw_spool_format(msg->to, msg->body, data, sizeof data);
	if (n == 0) {
		snprintf(err, errsz, "message too long for a spool file");
		return SMSGW_SEND_FAILED;
	}
	char tmp[SAYSO_PATH_MAX + 64];
	snprintf(tmp, sizeof tmp, "%s/.sayso-XXXXXX", c->spool.outgoing);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		snprintf(err, errsz, "cannot create a file in %s: %s",
			 c->spool.outgoing, strerror(errno));
		return SMSGW_SEND_RETRY;
	}
	size_t off = 0;
	while (off < n) {
		ssize_t w = write(fd, data + off, n - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)w;
	}
	int saved = errno;
	bool ok = off == n && fsync(fd) == 0;
	if (!ok && saved == 0)
		saved = errno;
	fchmod(fd, 0640);
	close(fd);
	if (!ok) {
		unlink(tmp);
		snprintf(err, errsz, "writing %s: %s", tmp, strerror(saved));
		return SMSGW_SEND_RETRY;
	}
	char dest[SAYSO_PATH_MAX + 64];
	const char *suffix = strrchr(tmp, '-') + 1;
	snprintf(dest, sizeof dest, "%s/sayso_%lld_%s", c->spool.outgoing,
		 (long long)msg->id, suffix);
	if (rename(tmp, dest) != 0) {
		snprintf(err, errsz, "rename into %s: %s", c->spool.outgoing,
			 strerror(errno));
		unlink(tmp);
		return SMSGW_SEND_RETRY;
	}
	fsync_dir(c->spool.outgoing);
	const char *base = strrchr(dest, '/');
	snprintf(pid, pidsz, "%s", base ? base + 1 : dest);
	return SMSGW_SEND_OK;
}

const struct smsgw_provider smsgw_provider_spool = {
    .name = "spool",
    .http_path = NULL,
    .start = spool_start,
    .stop = spool_stop,
    .webhook = NULL,
    .tick = spool_tick,
    .send = spool_send,
};
