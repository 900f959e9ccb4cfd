/*
 * fuzz_admin_csv.c: the strict RFC 4180 reader behind `project import`.
 * Any input must end in records, end of file or an error with a line number
 * at or after the previous record's, never a crash, a hang or a field over
 * ADMIN_CSV_FIELD_MAX.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "admin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	FILE *f = fmemopen((void *)data, size, "rb");
	if (!f)
		return 0;
	struct admin_csv *c = admin_csv_open(f, size % 2 ? ',' : ';');
	char **fields;
	size_t n;
	long last = 0;
	int rc;
	while ((rc = admin_csv_next(c, &fields, &n)) == 1) {
		if (n == 0 || n > ADMIN_CSV_COLS_MAX)
			abort();
		for (size_t i = 0; i < n; i++)
			if (strlen(fields[i]) > ADMIN_CSV_FIELD_MAX)
				abort();
		if (admin_csv_line(c) < last)
			abort();
		last = admin_csv_line(c);
	}
	if (rc == -1 && (admin_csv_line(c) < last || !*admin_csv_error(c)))
		abort();
	admin_csv_free(c);
	fclose(f);
	return 0;
}
