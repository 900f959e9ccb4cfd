/*
 * test_smsgw_spool.c: the spool reader refuses a file swapped after lstat()
 * (issue 11): a FIFO put in its place must not block the gateway's loop,
 * nor may a symlink or another file be read as the one lstat() saw.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gw.h"

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
}

/* A regular file read as lstat() saw it. */
static void test_reads_the_file_lstat_saw(void **state)
{
	(void)state;
	char dir[256];
	tu_tmpdir(dir, sizeof dir);
	char path[512], buf[256];
	snprintf(path, sizeof path, "%s/GSM1.abc", dir);
	write_text(path, "From: 447700900982\n\nRATE 5\n");
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	size_t n = 0;
	assert_true(smsgw_spool_read_file(path, &sb, buf, sizeof buf, &n));
	assert_int_equal(n, strlen("From: 447700900982\n\nRATE 5\n"));
	assert_memory_equal(buf, "From: 447700900982", 18);
	tu_rmtree(dir);
}

/* Between lstat() and open() the file becomes a FIFO with no writer: the
 * read returns at once (O_NONBLOCK) and refuses it (not a regular file). */
static void test_fifo_swapped_in_does_not_block(void **state)
{
	(void)state;
	char dir[256];
	tu_tmpdir(dir, sizeof dir);
	char path[512], buf[256];
	snprintf(path, sizeof path, "%s/GSM1.fifo", dir);
	write_text(path, "From: 447700900982\n\nHELP\n");
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(mkfifo(path, 0600), 0);
	size_t n = 0;
	errno = 0;
	assert_false(smsgw_spool_read_file(path, &sb, buf, sizeof buf, &n));
	assert_int_equal(errno, EPERM);
	tu_rmtree(dir);
}

/* A symlink swapped in is not followed; another regular file in the same
 * name (a different inode) is not read as the one lstat() saw. */
static void test_symlink_or_other_file_refused(void **state)
{
	(void)state;
	char dir[256];
	tu_tmpdir(dir, sizeof dir);
	char path[512], other[512], buf[256];
	snprintf(path, sizeof path, "%s/GSM1.link", dir);
	snprintf(other, sizeof other, "%s/elsewhere", dir);
	write_text(path, "From: 447700900982\n\nHELP\n");
	write_text(other, "From: 447700900111\n\nVOTE 3\n");
	struct stat sb;
	assert_int_equal(lstat(path, &sb), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(symlink(other, path), 0);
	size_t n = 0;
	assert_false(smsgw_spool_read_file(path, &sb, buf, sizeof buf, &n));
	assert_int_equal(errno, ELOOP);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rename(other, path), 0);
	assert_false(smsgw_spool_read_file(path, &sb, buf, sizeof buf, &n));
	assert_int_equal(errno, EPERM);
	tu_rmtree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_reads_the_file_lstat_saw),
	    cmocka_unit_test(test_fifo_swapped_in_does_not_block),
	    cmocka_unit_test(test_symlink_or_other_file_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
