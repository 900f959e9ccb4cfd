/*
 * file.c: the atomic file write (sayso/file.h): temp file in the same folder,
 * fsync, rename, fsync the folder. The same folder matters: rename(2) is
 * atomic only within one file system.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sayso/file.h"

static enum sayso_err io_fail(int *sys_err, int e)
{
	if (sys_err)
		*sys_err = e ? e : EIO;
	return SAYSO_ERR_IO;
}

enum sayso_err sayso_fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return SAYSO_ERR_IO;
	int rc = fsync(fd);
	close(fd);
	return rc == 0 ? SAYSO_OK : SAYSO_ERR_IO;
}

enum sayso_err sayso_fsync_parent(const char *path)
{
	char dir[4096];
	const char *slash = strrchr(path, '/');
	if (!slash)
		return sayso_fsync_dir(".");
	size_t n = slash == path ? 1 : (size_t)(slash - path);
	if (n >= sizeof dir)
		return SAYSO_ERR_TOOBIG;
	memcpy(dir, path, n);
	dir[n] = '\0';
	return sayso_fsync_dir(dir);
}

enum sayso_err sayso_atomic_open(const char *path, char *tmp, size_t tmpsz,
				 FILE **out, int *sys_err)
{
	*out = NULL;
	if (sys_err)
		*sys_err = 0;
	int n = snprintf(tmp, tmpsz, "%s.tmp-XXXXXX", path);
	if (n < 0 || (size_t)n >= tmpsz)
		return SAYSO_ERR_TOOBIG;
	int fd = mkstemp(tmp);
	if (fd < 0)
		return io_fail(sys_err, errno);
	FILE *f = fdopen(fd, "w");
	if (!f) {
		int e = errno;
		close(fd);
		unlink(tmp);
		return io_fail(sys_err, e);
	}
	*out = f;
	return SAYSO_OK;
}

enum sayso_err sayso_atomic_finish(FILE *f, const char *tmp, const char *path,
				   bool ok, int *sys_err)
{
	int err = 0;
	if (sys_err)
		*sys_err = 0;
	if (fflush(f) != 0 || ferror(f))
		err = errno ? errno : EIO;
	if (!err && fsync(fileno(f)) != 0)
		err = errno;
	if (fclose(f) != 0 && !err)
		err = errno;
	if (!ok || err) {
		unlink(tmp);
		if (!err && !ok)
			return SAYSO_ERR_IO; /* asked to drop it: *sys_err 0 */
		return io_fail(sys_err, err);
	}
	if (rename(tmp, path) != 0) {
		err = errno;
		unlink(tmp);
		return io_fail(sys_err, err);
	}
	/* The new name is durable once its folder is on disk; the data is
	 * already, so a failure here is not reported as a lost write. */
	sayso_fsync_parent(path);
	return SAYSO_OK;
}

bool sayso_delim_is_formula(const char *s)
{
	const char *p;
	bool digits = false, point = false;

	if (!s || !*s || !strchr("=+-@\t\r", *s))
		return false;
	if (*s != '-' && *s != '+')
		return true;
	/* "-12.50", "+3": a number, not a formula */
	for (p = s + 1; *p; p++) {
		if (*p >= '0' && *p <= '9')
			digits = true;
		else if ((*p == '.' || *p == ',') && !point)
			point = true;
		else
			return true;
	}
	return !digits;
}

void sayso_delim_field(FILE *out, const char *s, char sep)
{
	sayso_delim_write(out, s, sep, 0);
}

void sayso_delim_write(FILE *out, const char *s, char sep, unsigned flags)
{
	const char special[] = {sep, '"', '\r', '\n', '\0'};
	bool guard;

	if (!s)
		s = "";
	guard =
	    (flags & SAYSO_DELIM_FORMULA_GUARD) && sayso_delim_is_formula(s);
	if (!strpbrk(s, special)) {
		if (guard)
			fputc('\'', out);
		fputs(s, out);
		return;
	}
	fputc('"', out);
	if (guard)
		fputc('\'', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}
