/* test_buf.c: the growable buffer (sayso/buf.h) and the array growth rule. */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "sayso/buf.h"

static void test_add_and_take(void **state)
{
	(void)state;
	struct sayso_buf b;
	sayso_buf_init(&b, 1000);
	assert_string_equal(sayso_buf_str(&b), "");
	assert_int_equal(sayso_buf_add(&b, "hello"), SAYSO_OK);
	assert_int_equal(sayso_buf_addn(&b, ", w", 3), SAYSO_OK);
	assert_int_equal(sayso_buf_addf(&b, "orld %d", 42), SAYSO_OK);
	assert_string_equal(sayso_buf_str(&b), "hello, world 42");
	assert_int_equal(b.len, 15);
	sayso_buf_reset(&b);
	assert_string_equal(sayso_buf_str(&b), "");
	/* Long formatted text (past the 256-byte fast path). */
	char big[600];
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	assert_int_equal(sayso_buf_addf(&b, "<%s>", big), SAYSO_OK);
	assert_int_equal(b.len, 601);
	assert_int_equal(b.s[0], '<');
	assert_int_equal(b.s[600], '>');
	char *s = sayso_buf_take(&b);
	assert_non_null(s);
	assert_int_equal(strlen(s), 601);
	free(s);
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_null(sayso_buf_take(&b)); /* nothing added since */
	sayso_buf_cleanup(&b);
}

static void test_maximum(void **state)
{
	(void)state;
	struct sayso_buf b;
	sayso_buf_init(&b, 10);
	assert_int_equal(sayso_buf_add(&b, "0123456789"), SAYSO_OK); /* = max */
	assert_int_equal(sayso_buf_add(&b, "x"), SAYSO_ERR_TOOBIG);
	/* Cleaned up on failure, and usable again. */
	assert_null(b.s);
	assert_int_equal(b.len, 0);
	assert_int_equal(sayso_buf_addf(&b, "%s", "01234567890"),
			 SAYSO_ERR_TOOBIG);
	assert_int_equal(sayso_buf_add(&b, "ok"), SAYSO_OK);
	assert_string_equal(sayso_buf_str(&b), "ok");
	sayso_buf_cleanup(&b);
	sayso_buf_cleanup(&b); /* twice is fine */
}

static void test_array_grow(void **state)
{
	(void)state;
	int *a = NULL;
	size_t cap = 0;
	for (size_t i = 0; i < 1000; i++) {
		assert_int_equal(
		    sayso_array_grow(&a, &cap, i + 1, sizeof *a, 1000),
		    SAYSO_OK);
		assert_true(cap >= i + 1 && cap <= 1000);
		a[i] = (int)i;
	}
	for (size_t i = 0; i < 1000; i++)
		assert_int_equal(a[i], (int)i);
	size_t was = cap;
	assert_int_equal(sayso_array_grow(&a, &cap, 1001, sizeof *a, 1000),
			 SAYSO_ERR_TOOBIG);
	assert_int_equal(cap, was); /* unchanged, still ours */
	assert_int_equal(
	    sayso_array_grow(&a, &cap, (size_t)-1 / 2, sizeof *a, (size_t)-1),
	    SAYSO_ERR_TOOBIG); /* overflow */
	free(a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_add_and_take),
	    cmocka_unit_test(test_maximum),
	    cmocka_unit_test(test_array_grow),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
