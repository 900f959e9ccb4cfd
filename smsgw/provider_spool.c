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
 * into outgoing/, so smsd never sees half a file.
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
#include "sayso/log.h"

#define SPOOL_FILE_MAX 65536 /* bytes read of one incoming file */
#define SPOOL_SCAN_MAX 256   /* files queued per scan */

static bool is_dir(const char *p)
{
	struct stat sb;
	return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode);
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
	return SAYSO_OK;
}

static void spool_stop(struct smsgw *gw)
{
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

/* Moves path into processed/ under its name (+ suffix), never replacing a
 * file already there. */
static void move_processed(struct smsgw *gw, const char *path,
			   const char *suffix)
{
	const char *name = strrchr(path, '/');
	name = name ? name + 1 : path;
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
		if (rename(path, dest) != 0)
			sayso_log(SAYSO_LOG_ERROR,
				  "spool: cannot move %s to "
				  "%s: %s",
				  path, dest, strerror(errno));
		return;
	}
	sayso_log(SAYSO_LOG_ERROR, "spool: too many copies of %s in processed",
		  name);
}

static void on_stored(struct smsgw *gw, struct smsgw_inmsg *m)
{
	if (m->err != SAYSO_OK)
		return; /* not stored: read again at the next scan */
	move_processed(gw, m->path, "");
}

static bool read_file(const char *path, char *buf, size_t bufsz, size_t *n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW);
	if (fd < 0)
		return false;
	size_t got = 0;
	while (got < bufsz) {
		ssize_t r = read(fd, buf + got, bufsz - got);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
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
		if (lstat(path, &sb) != 0 || !S_ISREG(sb.st_mode) ||
		    access(lock, F_OK) == 0)
			continue;
		size_t n = 0;
		if (!read_file(path, buf, SPOOL_FILE_MAX, &n)) {
			sayso_log(SAYSO_LOG_WARN, "spool: cannot read %s: %s",
				  path, strerror(errno));
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
				  name, why, name);
			free(m);
			move_processed(gw, path, ".bad");
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
