/* test_memory.c - large arrays: contents kept across growth, alignment, releasing, freeing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

#include "memory.h"

/* An array grown by doubling from small to well past MEMORY_LARGE keeps every element
 * written before each step (across the step from the C library's blocks to mapped ones),
 * and mapped blocks sit on MEMORY_LARGE boundaries. */
static void test_grow_keeps_contents(void **state)
{
    (void)state;
    uint32_t *a = NULL;
    size_t cap = 0, n = 0;
    while (cap * sizeof *a < 3 * MEMORY_LARGE + 12345) {
        size_t next = cap ? cap * 2 + 3 : 100; /* sizes not on page or huge-page bounds */
        uint32_t *b = memory_grow(a, cap * sizeof *a, next * sizeof *b);
        assert_non_null(b);
        if (next * sizeof *b >= MEMORY_MAPPED)
            assert_int_equal((uintptr_t)b % MEMORY_LARGE, 0);
        for (size_t i = 0; i < n; i++)
            assert_int_equal(b[i], (uint32_t)(i * 2654435761u));
        a = b;
        cap = next;
        for (; n < cap; n++) /* fill every byte of the block, to its very end */
            a[n] = (uint32_t)(n * 2654435761u);
    }
    memory_free(a, cap * sizeof *a);
}

/* A block grown within its huge pages stays where it is; NULL frees to nothing. */
static void test_grow_in_place_and_free(void **state)
{
    (void)state;
    size_t first = MEMORY_LARGE + 100, second = MEMORY_LARGE + 5000;
    char *p = memory_grow(NULL, 0, first);
    assert_non_null(p);
    p[first - 1] = 7;
    char *q = memory_grow(p, first, second);
    assert_ptr_equal(p, q);
    assert_int_equal(q[first - 1], 7);
    q[second - 1] = 8;
    memory_free(q, second);
    memory_free(NULL, 0);
    memory_free(NULL, MEMORY_LARGE);
    char *s = memory_grow(NULL, 0, 64); /* small: the C library's */
    assert_non_null(s);
    s[63] = 1;
    memory_free(s, 64);
}

/* Releasing pages of a large block keeps the bytes around them and the block usable. */
static void test_release(void **state)
{
    (void)state;
    size_t n = 3 * MEMORY_LARGE / sizeof(uint64_t);
    uint64_t *a = memory_grow(NULL, 0, n * sizeof *a);
    assert_non_null(a);
    for (size_t i = 0; i < n; i++)
        a[i] = i * 0x9e3779b97f4a7c15u;
    size_t lo = n / 3 + 5, hi = 2 * n / 3 + 7; /* not on page bounds */
    memory_release(a + lo, (hi - lo) * sizeof *a);
    for (size_t i = 0; i < n; i++)
        if (i < lo || i >= hi)
            assert_true(a[i] == i * 0x9e3779b97f4a7c15u);
    for (size_t i = lo; i < hi; i++) /* written again, it holds */
        a[i] = i;
    for (size_t i = lo; i < hi; i++)
        assert_true(a[i] == i);
    memory_free(a, n * sizeof *a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grow_keeps_contents),
        cmocka_unit_test(test_grow_in_place_and_free),
        cmocka_unit_test(test_release),
    };
    return cmocka_run_group_tests_name("memory", tests, NULL, NULL);
}
