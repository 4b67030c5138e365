/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A userspace stand-in for <kunit/test.h>, ours: just enough of the KUnit
 * API for tests/fixtures.rs to compile a `leafdiff repro --kunit` test case
 * against the extracted headers and run it, so a reproducer is shown to fail
 * on the buggy kernel and pass on the fixed one. Exit status: 0 pass, 1 fail,
 * 77 skipped (the automake convention).
 */
#ifndef LEAFDIFF_KUNIT_TEST_H
#define LEAFDIFF_KUNIT_TEST_H

#include <stdio.h>
#include "leafdiff/runtime.h"

struct kunit {
	int failed;
	int skipped;
};

struct kunit_case {
	void (*run_case)(struct kunit *test);
	const char *name;
};

struct kunit_suite {
	const char *name;
	struct kunit_case *test_cases;
};

#define KUNIT_CASE(fn) { .run_case = fn, .name = #fn }

#define kunit_skip(test, reason) do {				\
	printf("# skipped: %s\n", reason);			\
	(test)->skipped = 1;					\
	return;							\
} while (0)

#define KUNIT_LEAFDIFF_FAIL(test, fmt, ...) do {		\
	printf("# %s:%d: " fmt "\n", __FILE__, __LINE__, __VA_ARGS__); \
	(test)->failed = 1;					\
} while (0)

#define KUNIT_EXPECT_TRUE(test, cond) do {			\
	if (!(cond))						\
		KUNIT_LEAFDIFF_FAIL(test, "expected %s to be true", #cond); \
} while (0)

#define KUNIT_EXPECT_FALSE(test, cond) do {			\
	if (cond)						\
		KUNIT_LEAFDIFF_FAIL(test, "expected %s to be false", #cond); \
} while (0)

#define KUNIT_EXPECT_EQ(test, left, right) do {			\
	unsigned long long __l = (left), __r = (right);		\
	if (__l != __r)						\
		KUNIT_LEAFDIFF_FAIL(test, "expected %s == %s: %#llx != %#llx", \
				    #left, #right, __l, __r);	\
} while (0)

/* Runs the suite's cases in order, as kunit.py would one suite. */
#define kunit_test_suite(suite)					\
int main(void)							\
{								\
	static const ld_args no_args;				\
	int failed = 0, skipped = 0;				\
	for (struct kunit_case *c = (suite).test_cases; c->run_case; c++) { \
		struct kunit test = { 0 };			\
		ld_call_begin(&no_args);			\
		c->run_case(&test);				\
		printf("%s %s.%s\n", test.failed ? "not ok" : "ok", \
		       (suite).name, c->name);			\
		failed |= test.failed;				\
		skipped |= test.skipped;			\
	}							\
	return failed ? 1 : skipped ? 77 : 0;			\
}

#define MODULE_DESCRIPTION(text)
#define MODULE_LICENSE(text)

#endif
