/* test_eventline.c - event lines beside the calendar: order, arming, sorting, compaction. */
#include <setjmp.h>
#include <stdarg.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "eventline.h"
#include "stream.h"

enum { KIND_LINE = 7, KIND_OTHER = 8 };

/* Every item is pushed with a tag made from its subject, and every pop checks the tag that
 * comes back with it: a tag travels with its item through sorting and wrapping. */
static uint32_t tag_of(uint32_t subject)
{
    return subject * 2654435761u ^ 0x5a5a5a5au;
}

static int push(struct eventline *l, struct calendar *cal, double t, uint32_t subject, bool arm)
{
    return eventline_push(l, cal, t, subject, tag_of(subject), arm);
}

static int pop(struct eventline *l, struct calendar *cal, struct eventline_item *item)
{
    int rc = eventline_pop(l, cal, item);
    if (rc == 0)
        assert_int_equal(item->tag, tag_of(item->subject));
    return rc;
}

/* Pops every event, taking line items as their head events come out; returns the subjects
 * in the order they came, and checks times never go back. */
static size_t drain(struct calendar *cal, struct eventline *l, uint32_t *out, size_t cap)
{
    size_t n = 0;
    double last = 0;
    struct calendar_event ev;
    while (calendar_pop(cal, &ev)) {
        assert_true(ev.time >= last);
        last = ev.time;
        uint32_t subject = ev.subject;
        if (ev.kind == KIND_LINE) {
            struct eventline_item item;
            assert_int_equal(pop(l, cal, &item), 0);
            assert_true(item.time == ev.time);
            subject = item.subject;
        }
        assert_true(n < cap);
        out[n++] = subject;
    }
    return n;
}

/* A fixed-delay line gives its items in the order pushed, interleaved in time with the
 * calendar's own events; the calendar holds one event for the line at a time. */
static void test_fixed_delay(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(16);
    struct eventline l;
    eventline_init(&l, KIND_LINE, 0);
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(push(&l, cal, 1.0 + i, 100 + i, true), 0);
    assert_int_equal(calendar_size(cal), 1);
    assert_int_equal(calendar_schedule(cal, 2.5, KIND_OTHER, 900, NULL), 0);
    uint32_t got[8];
    assert_int_equal(drain(cal, &l, got, 8), 6);
    const uint32_t want[] = {100, 101, 900, 102, 103, 104};
    assert_memory_equal(got, want, sizeof want);
    eventline_cleanup(&l);
    calendar_destroy(cal);
}

/* A batch pushed in any order comes out in time order, ties by subject, once sorted; an
 * empty line sorts to nothing. */
static void test_sorted_batch(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(16);
    struct eventline l;
    eventline_init(&l, KIND_LINE, 3);
    assert_int_equal(eventline_sort(&l, cal), 0);
    assert_int_equal(calendar_size(cal), 0);
    const double t[] = {5, 2, 9, 2, 1, 5};
    const uint32_t s[] = {4, 9, 1, 3, 8, 2};
    for (int i = 0; i < 6; i++)
        assert_int_equal(push(&l, cal, t[i], s[i], false), 0);
    assert_int_equal(calendar_size(cal), 0);
    assert_int_equal(eventline_sort(&l, cal), 0);
    assert_int_equal(calendar_size(cal), 1);
    uint32_t got[8];
    assert_int_equal(drain(cal, &l, got, 8), 6);
    const uint32_t want[] = {8, 3, 9, 2, 4, 1};
    assert_memory_equal(got, want, sizeof want);
    eventline_cleanup(&l);
    calendar_destroy(cal);
}

static int item_order(const void *pa, const void *pb)
{
    const struct eventline_item *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->subject > b->subject) - (a->subject < b->subject);
}

/* Sorted batches come out exactly in the order qsort gives by time then subject: with many
 * equal times, +0 and -0, times over many binades, subjects of every size and in any order,
 * and items already waiting in the line when the batch is pushed. */
static void test_sort_matches_qsort(void **state)
{
    (void)state;
    enum { N = 30000, WAITING = 500 };
    gsl_rng *r = stream_create(11, 0, 0);
    struct eventline_item *want = malloc((N + WAITING) * sizeof *want);
    assert_non_null(want);
    for (int trial = 0; trial < 7; trial++) {
        struct calendar *cal = calendar_create(16);
        struct eventline l;
        eventline_init(&l, KIND_LINE, 0);
        size_t n = trial == 0 ? 1 : trial == 1 ? 2 : N;
        size_t waiting = trial >= 4 ? WAITING : 0;
        /* Items already waiting (at time 0, so that the batch may come due with them), some
         * popped. */
        for (size_t i = 0; i < waiting; i++)
            assert_int_equal(push(&l, cal, 0.0, (uint32_t)i, true), 0);
        struct calendar_event ev = {0};
        struct eventline_item item;
        for (int k = 0; k < 10 && waiting; k++) {
            assert_true(calendar_pop(cal, &ev));
            assert_int_equal(pop(&l, cal, &item), 0);
        }
        size_t m = 0;
        for (size_t i = 10 * (waiting > 0); i < waiting; i++)
            want[m++] = (struct eventline_item){0.0, (uint32_t)i, tag_of((uint32_t)i)};
        for (size_t i = 0; i < n; i++) {
            double t;
            switch (trial) {
            case 2: /* ties by the thousand */
            case 6: t = (double)gsl_rng_uniform_int(r, 20); break;
            case 3: t = ldexp(gsl_rng_uniform(r), (int)gsl_rng_uniform_int(r, 60) - 30); break;
            default: t = 10.0 + 80.0 * gsl_rng_uniform(r); break;
            }
            if (i % 97 == 0)
                t = i % 2 ? -0.0 : 0.0;
            uint32_t subject = trial == 5   ? (uint32_t)gsl_rng_get(r)
                               : trial == 6 ? (uint32_t)i * 7919u /* pushed in subject order */
                                            : (uint32_t)(n - i) * 7919u;
            want[m++] = (struct eventline_item){t, subject, tag_of(subject)};
            assert_int_equal(push(&l, cal, t, subject, false), 0);
        }
        qsort(want, m, sizeof *want, item_order);
        assert_int_equal(eventline_sort(&l, cal), 0);
        assert_int_equal(calendar_size(cal), 1);
        for (size_t i = 0; i < m; i++) {
            assert_true(calendar_pop(cal, &ev));
            assert_int_equal(pop(&l, cal, &item), 0);
            assert_true(ev.time == want[i].time && item.time == want[i].time);
            assert_int_equal(item.subject, want[i].subject);
        }
        assert_false(calendar_pop(cal, &ev));
        eventline_cleanup(&l);
        calendar_destroy(cal);
    }
    free(want);
    gsl_rng_free(r);
}

/* A fixed-delay line whose ring wraps round, grows while wrapped, holds a large block whose
 * pages it gives back as its head leaves them, and wraps into those again: every item
 * comes out once, in order. Then a batch pushed onto a wrapped ring sorts as qsort does. */
static void test_ring(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(16);
    struct eventline l;
    eventline_init(&l, KIND_LINE, 0);
    gsl_rng *r = stream_create(6, 0, 0);
    double t = 0;
    uint32_t pushed = 0, popped = 0;
    struct calendar_event ev;
    struct eventline_item item;
    /* Waves: fill to a target, drain to a floor; targets cross the sizes where the ring
     * wraps, grows, and (at 131072 items of 16 bytes) spans huge pages. */
    static const uint32_t wave[][2] = {{1000, 900}, {1600, 10}, {300000, 200000},
                                       {350000, 5},  {2000, 0}};
    for (size_t w = 0; w < sizeof wave / sizeof wave[0]; w++) {
        while (pushed - popped < wave[w][0])
            assert_int_equal(push(&l, cal, t += gsl_rng_uniform(r), pushed++, true), 0);
        while (pushed - popped > wave[w][1]) {
            assert_true(calendar_pop(cal, &ev));
            assert_int_equal(pop(&l, cal, &item), 0);
            assert_true(item.time == ev.time);
            assert_int_equal(item.subject, popped++);
        }
    }
    assert_false(calendar_pop(cal, &ev));
    eventline_cleanup(&l);
    calendar_destroy(cal);

    /* Wrapped, then a batch: cap 1024, head at 900, items round past the end. */
    cal = calendar_create(16);
    eventline_init(&l, KIND_LINE, 0);
    enum { M = 700 };
    struct eventline_item want[M];
    size_t m = 0;
    for (uint32_t i = 0; i < 1000; i++)
        assert_int_equal(push(&l, cal, 100.0 + i, i, true), 0);
    for (int k = 0; k < 900; k++) {
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(pop(&l, cal, &item), 0);
    }
    for (uint32_t i = 900; i < 1000; i++)
        want[m++] = (struct eventline_item){100.0 + i, i, tag_of(i)};
    while (m < M) {
        double u = 1000.0 + 100.0 * (double)gsl_rng_uniform_int(r, 50);
        uint32_t subject = (uint32_t)gsl_rng_uniform_int(r, 1u << 30);
        want[m++] = (struct eventline_item){u, subject, tag_of(subject)};
        assert_int_equal(push(&l, cal, u, subject, false), 0);
    }
    assert_true(l.head + l.count > l.cap); /* the case at hand */
    qsort(want, M, sizeof *want, item_order);
    assert_int_equal(eventline_sort(&l, cal), 0);
    for (size_t i = 0; i < M; i++) {
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(pop(&l, cal, &item), 0);
        assert_true(item.time == want[i].time);
        assert_int_equal(item.subject, want[i].subject);
    }
    assert_false(calendar_pop(cal, &ev));
    gsl_rng_free(r);
    eventline_cleanup(&l);
    calendar_destroy(cal);
}

/* Many items through a line that is popped and pushed at once (it moves its waiting items
 * to the front as it goes): all come out, in order. */
static void test_long_run(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct calendar *cal = calendar_create(16);
    struct eventline l;
    eventline_init(&l, KIND_LINE, 0);
    gsl_rng *r = stream_create(5, 0, 0);
    double t = 0;
    uint32_t pushed = 0, popped = 0;
    struct calendar_event ev;
    for (int k = 0; k < 100; k++)
        assert_int_equal(push(&l, cal, t += gsl_rng_uniform(r), pushed++, true), 0);
    while (calendar_pop(cal, &ev)) {
        struct eventline_item item;
        assert_int_equal(pop(&l, cal, &item), 0);
        assert_int_equal(item.subject, popped++);
        if (pushed < N)
            assert_int_equal(push(&l, cal, t += gsl_rng_uniform(r), pushed++, true), 0);
    }
    assert_int_equal(popped, N);
    gsl_rng_free(r);
    eventline_cleanup(&l);
    calendar_destroy(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_delay),
        cmocka_unit_test(test_sorted_batch),
        cmocka_unit_test(test_long_run),
        cmocka_unit_test(test_sort_matches_qsort),
        cmocka_unit_test(test_ring),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
