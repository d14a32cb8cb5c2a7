/* test_calendar.c - tests of the event calendar: order, ties, cancellation, runs, a reference. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "calendar.h"
#include "stream.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static void test_destroy_null(void **state)
{
    (void)state;
    calendar_destroy(NULL);
}

static void test_empty(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(0);
    assert_non_null(cal);
    struct calendar_event ev = {-1.0, 7, 8};
    assert_false(calendar_pop(cal, &ev));
    assert_true(ev.time == -1.0 && ev.kind == 7 && ev.subject == 8); /* left alone */
    assert_true(isinf(calendar_next_time(cal)));
    assert_int_equal(calendar_size(cal), 0);
    assert_true(calendar_now(cal) == 0.0);
    calendar_destroy(cal);
}

/* Random times come out sorted, carrying their payloads, and the clock follows. */
static void test_order(void **state)
{
    (void)state;
    enum { N = 5000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 42);
    struct calendar *cal = calendar_create(1);
    double *times = malloc(N * sizeof *times);
    assert_non_null(cal);
    assert_non_null(times);
    for (uint32_t i = 0; i < N; i++) {
        times[i] = 100.0 * gsl_rng_uniform(r);
        assert_int_equal(calendar_schedule(cal, times[i], i % 3, i, NULL), 0);
    }
    assert_int_equal(calendar_size(cal), N);
    double *sorted = malloc(N * sizeof *sorted);
    assert_non_null(sorted);
    memcpy(sorted, times, N * sizeof *times);
    qsort(sorted, N, sizeof *sorted, cmp_double);
    for (size_t i = 0; i < N; i++) {
        struct calendar_event ev = {0};
        assert_true(calendar_next_time(cal) == sorted[i]);
        assert_true(calendar_pop(cal, &ev));
        assert_true(ev.time == sorted[i]);
        assert_true(times[ev.subject] == ev.time);
        assert_int_equal(ev.kind, ev.subject % 3);
        assert_true(calendar_now(cal) == ev.time);
        assert_int_equal(calendar_size(cal), N - i - 1);
    }
    assert_false(calendar_pop(cal, &(struct calendar_event){0}));
    free(sorted);
    free(times);
    calendar_destroy(cal);
    gsl_rng_free(r);
}

/* Many events at equal times come out in the order they were scheduled, across growth. */
static void test_fifo_ties(void **state)
{
    (void)state;
    enum { N = 20000 };
    struct calendar *cal = calendar_create(2);
    assert_non_null(cal);
    /* Interleave three equal-time groups, scheduled out of time order. */
    for (uint32_t i = 0; i < N; i++)
        assert_int_equal(calendar_schedule(cal, (double)(2 - i % 3), i % 3, i, NULL), 0);
    for (uint32_t group = 3; group-- > 0;) {
        uint32_t expect = group;
        while (expect < N) {
            struct calendar_event ev;
            assert_true(calendar_pop(cal, &ev));
            assert_true(ev.time == (double)(2 - group));
            assert_int_equal(ev.subject, expect);
            expect += 3;
        }
    }
    assert_int_equal(calendar_size(cal), 0);

    /* Ties with the current time: scheduled at now, after now's other events. */
    assert_int_equal(calendar_schedule(cal, 5.0, 0, 1, NULL), 0);
    assert_int_equal(calendar_schedule(cal, 5.0, 0, 2, NULL), 0);
    struct calendar_event ev;
    assert_true(calendar_pop(cal, &ev));
    assert_int_equal(ev.subject, 1);
    assert_int_equal(calendar_schedule(cal, 5.0, 0, 3, NULL), 0);
    assert_true(calendar_pop(cal, &ev));
    assert_int_equal(ev.subject, 2);
    assert_true(calendar_pop(cal, &ev));
    assert_int_equal(ev.subject, 3);
    assert_true(ev.time == 5.0);
    calendar_destroy(cal);

    /* -0 is 0: events at -0 and at +0 tie, in the order scheduled. */
    cal = calendar_create(2);
    assert_non_null(cal);
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(calendar_schedule(cal, i % 2 ? -0.0 : 0.0, 0, i, NULL), 0);
    for (uint32_t i = 0; i < 100; i++) {
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(ev.subject, i);
    }
    calendar_destroy(cal);
}

/* The earliest event is held in front of the heap: events scheduled before it take its
 * place (and it goes into the heap), ties with it come after it, and cancelling, peeking,
 * sizes and resetting see it like any other. */
static void test_front(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(2);
    assert_non_null(cal);
    struct calendar_event ev;
    calendar_handle h[8] = {0};
    assert_int_equal(calendar_schedule(cal, 3.0, 0, 30, &h[0]), 0); /* front */
    assert_int_equal(calendar_schedule(cal, 3.0, 0, 31, &h[1]), 0); /* tie: after it */
    assert_int_equal(calendar_schedule(cal, 2.0, 0, 20, &h[2]), 0); /* takes the front */
    assert_int_equal(calendar_schedule(cal, 1.0, 0, 10, &h[3]), 0); /* and again */
    assert_int_equal(calendar_schedule(cal, 1.0, 0, 11, &h[4]), 0); /* tie with the front */
    assert_int_equal(calendar_size(cal), 5);
    assert_true(calendar_next_time(cal) == 1.0);
    assert_true(calendar_cancel(cal, h[3])); /* cancel the front */
    assert_false(calendar_cancel(cal, h[3]));
    assert_int_equal(calendar_size(cal), 4);
    assert_true(calendar_next_time(cal) == 1.0); /* 11 is next */
    const uint32_t want[] = {11, 20, 30, 31};
    for (int k = 0; k < 4; k++) {
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(ev.subject, want[k]);
        /* A pop followed by an event sooner than everything left: the pattern of an
         * arrival process, which the front serves without touching the heap. */
        if (k == 1) {
            assert_int_equal(calendar_schedule(cal, 2.5, 0, 25, NULL), 0);
            assert_true(calendar_pop(cal, &ev));
            assert_int_equal(ev.subject, 25);
        }
    }
    assert_false(calendar_pop(cal, &ev));
    assert_int_equal(calendar_size(cal), 0);
    /* A reset drops the front too, and its handle goes stale. */
    assert_int_equal(calendar_schedule(cal, 4.0, 0, 40, &h[5]), 0);
    assert_int_equal(calendar_schedule(cal, 5.0, 0, 50, &h[6]), 0);
    calendar_reset(cal);
    assert_int_equal(calendar_size(cal), 0);
    assert_false(calendar_cancel(cal, h[5]));
    assert_false(calendar_pop(cal, &ev));
    assert_true(isinf(calendar_next_time(cal)));
    calendar_destroy(cal);
}

static void test_cancel(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(4);
    assert_non_null(cal);
    calendar_handle h[4];
    for (uint32_t i = 0; i < 4; i++) {
        assert_int_equal(calendar_schedule(cal, 1.0 + i, 0, i, &h[i]), 0);
        assert_true(h[i] != 0);
    }
    assert_int_equal(calendar_schedule(cal, 9.0, 0, 99, NULL), 0); /* NULL handle is fine */

    assert_true(calendar_cancel(cal, h[1]));  /* pending */
    assert_false(calendar_cancel(cal, h[1])); /* twice */
    assert_int_equal(calendar_size(cal), 4);

    struct calendar_event ev;
    assert_true(calendar_pop(cal, &ev));
    assert_int_equal(ev.subject, 0);
    assert_false(calendar_cancel(cal, h[0])); /* already came out */

    /* The cancelled event is skipped: at the top it is discarded by next_time. */
    assert_true(calendar_next_time(cal) == 3.0);
    assert_true(calendar_pop(cal, &ev));
    assert_int_equal(ev.subject, 2);

    /* Bogus handles: 0, all ones, a stale generation, a slot never used. */
    assert_false(calendar_cancel(cal, 0));
    assert_false(calendar_cancel(cal, UINT64_MAX));
    assert_false(calendar_cancel(cal, h[3] + (UINT64_C(1) << 32)));
    assert_false(calendar_cancel(cal, (UINT64_C(1) << 32) | 12345u));
    assert_false(calendar_cancel(cal, (UINT64_C(3) << 32) | 1u));

    /* A recycled slot gets a new handle; the old one stays dead. */
    calendar_handle again = 0;
    assert_int_equal(calendar_schedule(cal, 4.0, 0, 5, &again), 0);
    assert_true(again != h[0] && again != h[1] && again != h[2]);
    assert_false(calendar_cancel(cal, h[0]));
    assert_false(calendar_cancel(cal, h[1]));
    assert_false(calendar_cancel(cal, h[2]));
    assert_int_equal(calendar_size(cal), 3);

    assert_true(calendar_cancel(cal, h[3]));
    assert_true(calendar_cancel(cal, again));
    assert_int_equal(calendar_size(cal), 1);
    assert_true(calendar_next_time(cal) == 9.0);
    assert_true(calendar_pop(cal, &ev));
    assert_int_equal(ev.subject, 99);
    assert_false(calendar_pop(cal, &ev));
    assert_true(isinf(calendar_next_time(cal)));
    calendar_destroy(cal);
}

/* Cancelling most of a large calendar (which purges the heap) keeps the rest in order. */
static void test_cancel_most(void **state)
{
    (void)state;
    enum { N = 30000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 7);
    struct calendar *cal = calendar_create(16);
    calendar_handle *h = malloc(N * sizeof *h);
    double *t = malloc(N * sizeof *t);
    assert_non_null(h);
    assert_non_null(t);
    for (uint32_t i = 0; i < N; i++) {
        t[i] = (double)gsl_rng_uniform_int(r, 50);
        assert_int_equal(calendar_schedule(cal, t[i], 0, i, &h[i]), 0);
    }
    size_t kept = 0;
    for (uint32_t i = 0; i < N; i++) {
        if (i % 10 == 3) {
            kept++;
            continue;
        }
        assert_true(calendar_cancel(cal, h[i]));
        assert_int_equal(calendar_size(cal), N - (i + 1) + kept);
    }
    assert_int_equal(calendar_size(cal), kept);
    double last = -1.0;
    uint32_t last_subject = 0;
    struct calendar_event ev = {0};
    for (size_t i = 0; i < kept; i++) {
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(ev.subject % 10, 3);
        assert_true(ev.time == t[ev.subject]);
        assert_true(ev.time > last || (ev.time == last && ev.subject > last_subject));
        last = ev.time;
        last_subject = ev.subject;
        assert_false(calendar_cancel(cal, h[ev.subject]));
    }
    assert_false(calendar_pop(cal, &ev));
    assert_int_equal(calendar_size(cal), 0);
    free(t);
    free(h);
    calendar_destroy(cal);
    gsl_rng_free(r);
}

static void test_reset(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(0);
    calendar_handle h[100];
    for (uint32_t i = 0; i < 100; i++)
        assert_int_equal(calendar_schedule(cal, i, 0, i, &h[i]), 0);
    assert_true(calendar_cancel(cal, h[50]));
    struct calendar_event ev;
    for (int i = 0; i < 10; i++)
        assert_true(calendar_pop(cal, &ev));
    assert_true(calendar_now(cal) == 9.0);

    calendar_reset(cal);
    assert_int_equal(calendar_size(cal), 0);
    assert_true(calendar_now(cal) == 0.0);
    assert_true(isinf(calendar_next_time(cal)));
    assert_false(calendar_pop(cal, &ev));
    for (int i = 0; i < 100; i++)
        assert_false(calendar_cancel(cal, h[i]));

    /* It works as new: FIFO ties, handles, cancellation. */
    calendar_handle g[200];
    for (uint32_t i = 0; i < 200; i++)
        assert_int_equal(calendar_schedule(cal, 1.0, 1, i, &g[i]), 0);
    for (int i = 0; i < 100; i++)
        assert_false(calendar_cancel(cal, h[i]));
    assert_true(calendar_cancel(cal, g[0]));
    for (uint32_t i = 1; i < 200; i++) {
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(ev.subject, i);
    }
    assert_false(calendar_pop(cal, &ev));
    calendar_destroy(cal);
}

/* A chain: each event schedules the next one a day later, up to `limit` events. */
struct chain {
    struct calendar *cal;
    uint32_t handled;
    uint32_t limit;
    uint32_t stop_at; /* subject at which the handler returns 7 (0: never) */
    double last;
};

static int chain_handle(void *ctx, const struct calendar_event *ev)
{
    struct chain *c = ctx;
    assert_true(ev->time >= c->last);
    assert_true(calendar_now(c->cal) == ev->time);
    c->last = ev->time;
    c->handled++;
    if (c->stop_at != 0 && ev->subject == c->stop_at)
        return 7;
    if (ev->subject + 1 < c->limit)
        assert_int_equal(calendar_schedule(c->cal, ev->time + 1.0, 0, ev->subject + 1, NULL), 0);
    return 0;
}

static void test_run(void **state)
{
    (void)state;
    struct calendar *cal = calendar_create(0);
    struct chain c = {cal, 0, 100, 0, 0.0};
    assert_int_equal(calendar_schedule(cal, 0.5, 0, 0, NULL), 0);

    /* Events at 0.5, 1.5, ..., 10.5 are handled; the clock then moves to until. */
    assert_int_equal(calendar_run(cal, 10.5, chain_handle, &c), 0);
    assert_int_equal(c.handled, 11);
    assert_true(calendar_now(cal) == 10.5);
    assert_int_equal(calendar_size(cal), 1);
    assert_true(calendar_next_time(cal) == 11.5);

    /* Nothing due: only the clock moves. */
    assert_int_equal(calendar_run(cal, 11.0, chain_handle, &c), 0);
    assert_int_equal(c.handled, 11);
    assert_true(calendar_now(cal) == 11.0);

    /* A handler's non-zero value stops the run at once, the clock at that event. */
    c.stop_at = 40;
    assert_int_equal(calendar_run(cal, 1000.0, chain_handle, &c), 7);
    assert_int_equal(c.handled, 41);
    assert_true(calendar_now(cal) == 40.5);
    assert_int_equal(calendar_size(cal), 0);

    /* Until INFINITY: everything, and the clock stays at the last event. */
    c.stop_at = 0;
    assert_int_equal(calendar_schedule(cal, 41.5, 0, 41, NULL), 0);
    assert_int_equal(calendar_run(cal, INFINITY, chain_handle, &c), 0);
    assert_int_equal(c.handled, 100);
    assert_true(calendar_now(cal) == 99.5);
    assert_int_equal(calendar_size(cal), 0);
    calendar_destroy(cal);
}

/*
 * Brute force: random interleavings of schedule (times often tied), cancel (of live, dead
 * and bogus handles) and pop, against a plain array kept in scheduling order, whose
 * earliest (time, seq) is found by a scan.
 */
struct ref_event {
    double time;
    uint32_t kind;
    uint32_t id; /* index into the issued handles; also the event's subject */
};

struct ref_issued {
    calendar_handle handle;
    size_t pos; /* where in the live array, while live */
    int live;
};

struct ref {
    struct ref_event *live; /* kept in scheduling order: the first minimum is the FIFO one */
    size_t n;
    struct ref_issued *issued;
    size_t n_issued;
};

static void ref_remove(struct ref *ref, size_t pos)
{
    ref->issued[ref->live[pos].id].live = 0;
    for (size_t i = pos + 1; i < ref->n; i++) {
        ref->live[i - 1] = ref->live[i];
        ref->issued[ref->live[i - 1].id].pos = i - 1;
    }
    ref->n--;
}

static size_t ref_earliest(const struct ref *ref)
{
    size_t best = 0;
    for (size_t i = 1; i < ref->n; i++)
        if (ref->live[i].time < ref->live[best].time)
            best = i;
    return best;
}

static void test_reference(void **state)
{
    (void)state;
    enum { OPS = 120000, PHASE = 3000 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2015);
    struct calendar *cal = calendar_create(1);
    struct ref ref = {malloc(OPS * sizeof *ref.live), 0, malloc(OPS * sizeof *ref.issued), 0};
    assert_non_null(cal);
    assert_non_null(ref.live);
    assert_non_null(ref.issued);
    /* Per phase, the odds (out of 100) of schedule and of cancel; the rest pop. */
    static const unsigned odds[][2] = {{70, 15}, {30, 60}, {20, 10}, {45, 10}, {34, 33}};
    size_t npattern = sizeof odds / sizeof odds[0];
    size_t pops = 0, cancels = 0;

    for (size_t op = 0; op < OPS; op++) {
        const unsigned *o = odds[(op / PHASE) % npattern];
        unsigned u = (unsigned)gsl_rng_uniform_int(r, 100);
        if (op == OPS / 2) {
            calendar_reset(cal);
            for (size_t i = 0; i < ref.n; i++)
                ref.issued[ref.live[i].id].live = 0;
            ref.n = 0;
        } else if (u < o[0]) {
            double now = calendar_now(cal);
            double t = gsl_rng_uniform(r) < 0.9 ? now + (double)gsl_rng_uniform_int(r, 21)
                                                : now + 20.0 * gsl_rng_uniform(r);
            uint32_t kind = (uint32_t)gsl_rng_get(r);
            uint32_t id = (uint32_t)ref.n_issued++;
            calendar_handle h = 0;
            assert_int_equal(calendar_schedule(cal, t, kind, id, &h), 0);
            assert_true(h != 0);
            ref.issued[id] = (struct ref_issued){h, ref.n, 1};
            ref.live[ref.n++] = (struct ref_event){t, kind, id};
        } else if (u < o[0] + o[1]) {
            calendar_handle h;
            int expect;
            size_t id = 0;
            unsigned v = (unsigned)gsl_rng_uniform_int(r, 10);
            if (v < 6 && ref.n > 0) { /* a live one */
                id = ref.live[gsl_rng_uniform_int(r, ref.n)].id;
                h = ref.issued[id].handle;
                expect = 1;
            } else if (v < 9 && ref.n_issued > 0) { /* any one ever issued */
                id = gsl_rng_uniform_int(r, ref.n_issued);
                h = ref.issued[id].handle;
                expect = ref.issued[id].live;
            } else { /* a bogus one: no generation is even */
                h = (uint64_t)(2 * gsl_rng_uniform_int(r, 1000)) << 32 |
                    gsl_rng_uniform_int(r, 4096);
                expect = 0;
            }
            assert_int_equal(calendar_cancel(cal, h), expect);
            if (expect) {
                ref_remove(&ref, ref.issued[id].pos);
                cancels++;
            }
        } else {
            struct calendar_event ev;
            if (ref.n == 0) {
                assert_false(calendar_pop(cal, &ev));
            } else {
                size_t b = ref_earliest(&ref);
                struct ref_event want = ref.live[b];
                assert_true(calendar_pop(cal, &ev));
                assert_true(ev.time == want.time);
                assert_int_equal(ev.kind, want.kind);
                assert_int_equal(ev.subject, want.id);
                assert_true(calendar_now(cal) == want.time);
                ref_remove(&ref, b);
                pops++;
            }
        }
        assert_int_equal(calendar_size(cal), ref.n);
        if (op % 7 == 0) {
            double next = ref.n ? ref.live[ref_earliest(&ref)].time : INFINITY;
            assert_true(calendar_next_time(cal) == next);
        }
    }
    /* Drain: everything left comes out in reference order. */
    struct calendar_event ev;
    while (ref.n > 0) {
        size_t b = ref_earliest(&ref);
        assert_true(calendar_pop(cal, &ev));
        assert_int_equal(ev.subject, ref.live[b].id);
        ref_remove(&ref, b);
    }
    assert_false(calendar_pop(cal, &ev));
    assert_true(pops > OPS / 5 && cancels > OPS / 20);
    free(ref.live);
    free(ref.issued);
    calendar_destroy(cal);
    gsl_rng_free(r);
}

/*
 * The ring (calendar.c) at the scale that starts it: a campaign's mix of events --
 * arrivals just ahead, data entry a little further, forms in the post one to three days
 * ahead, ties on whole days, events far beyond the ring -- with cancels (a burst of them
 * purges), peeks, and a reset. Checked without a reference scan: every event comes out
 * once unless cancelled, at its time, and in increasing (time, scheduling order), which,
 * with nothing left behind, makes each the least of those pending when it came out.
 */
enum { RING_OPS = 600000 };

struct ring_ref {
    double *time;
    calendar_handle *handle;
    unsigned char *status; /* 0 pending, 1 out, 2 cancelled (or reset) */
    uint32_t *live;        /* pending ids, in no order */
    size_t *pos;           /* where in live, while pending */
    size_t n_live, n_issued;
};

static void ring_ref_drop(struct ring_ref *f, uint32_t id, unsigned char status)
{
    assert_int_equal(f->status[id], 0);
    f->status[id] = status;
    size_t p = f->pos[id];
    f->live[p] = f->live[--f->n_live];
    f->pos[f->live[p]] = p;
}

static double ring_time(gsl_rng *r, double now)
{
    double u = gsl_rng_uniform(r);
    if (u < 0.4)
        return now + 1.0 + 2.0 * gsl_rng_uniform(r); /* a form in the post */
    if (u < 0.6)
        return now + gsl_ran_exponential(r, 0.0125); /* data entry */
    if (u < 0.8)
        return now + gsl_ran_exponential(r, 1e-4); /* the next arrival */
    if (u < 0.9)
        return floor(now) + 1.0 + (double)gsl_rng_uniform_int(r, 3); /* ties */
    return now + 50.0 + 100.0 * gsl_rng_uniform(r);                  /* beyond the ring */
}

static void test_ring(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20150202);
    struct calendar *cal = calendar_create(16);
    struct ring_ref f = {malloc(RING_OPS * sizeof *f.time),
                         malloc(RING_OPS * sizeof *f.handle),
                         calloc(RING_OPS, 1),
                         malloc(RING_OPS * sizeof *f.live),
                         malloc(RING_OPS * sizeof *f.pos),
                         0,
                         0};
    assert_non_null(cal);
    assert_true(f.time && f.handle && f.status && f.live && f.pos);
    double last_time = -1.0;
    uint32_t last_id = 0;
    size_t ring_on = 0, most = 0, purged = 0;
    for (size_t op = 0; op < RING_OPS; op++) {
        /* Grow to tens of thousands pending, shrink, burst-cancel, reset, grow, drain. */
        double p_schedule = op < 200000 ? 0.6 : op < 300000 ? 0.42 : op < 400000 ? 0.6 : 0.3;
        if (op == 250000) { /* cancel three in four: the purge goes through the ring */
            size_t before = calendar_size(cal);
            while (4 * f.n_live > before) {
                uint32_t id = f.live[gsl_rng_uniform_int(r, f.n_live)];
                assert_true(calendar_cancel(cal, f.handle[id]));
                ring_ref_drop(&f, id, 2);
            }
            purged = before;
        }
        if (op == 350000) {
            calendar_reset(cal);
            while (f.n_live)
                ring_ref_drop(&f, f.live[0], 2);
            last_time = -1.0;
        }
        double u = gsl_rng_uniform(r);
        if (u < p_schedule) {
            uint32_t id = (uint32_t)f.n_issued++;
            f.time[id] = ring_time(r, calendar_now(cal));
            assert_int_equal(calendar_schedule(cal, f.time[id], 7, id, &f.handle[id]), 0);
            f.pos[id] = f.n_live;
            f.live[f.n_live++] = id;
        } else if (u < p_schedule + 0.03 && f.n_live > 0) {
            uint32_t id = f.live[gsl_rng_uniform_int(r, f.n_live)];
            assert_true(calendar_cancel(cal, f.handle[id]));
            assert_false(calendar_cancel(cal, f.handle[id]));
            ring_ref_drop(&f, id, 2);
        } else {
            struct calendar_event ev;
            if (f.n_live == 0) {
                assert_false(calendar_pop(cal, &ev));
                continue;
            }
            double peek = op % 5 == 0 ? calendar_next_time(cal) : NAN;
            assert_true(calendar_pop(cal, &ev));
            uint32_t id = ev.subject;
            assert_true(id < f.n_issued);
            assert_true(ev.time == f.time[id]);
            assert_true(op % 5 != 0 || ev.time == peek);
            assert_true(ev.time > last_time || (ev.time == last_time && id > last_id));
            ring_ref_drop(&f, id, 1);
            last_time = ev.time;
            last_id = id;
        }
        ring_on += cal->ring_count > 0;
        most = f.n_live > most ? f.n_live : most;
        if (op % 1000 == 0)
            assert_int_equal(calendar_size(cal), f.n_live);
    }
    struct calendar_event ev = {0};
    while (f.n_live) {
        assert_true(calendar_pop(cal, &ev));
        assert_true(ev.time > last_time || (ev.time == last_time && ev.subject > last_id));
        ring_ref_drop(&f, ev.subject, 1);
        last_time = ev.time;
        last_id = ev.subject;
    }
    assert_false(calendar_pop(cal, &ev));
    /* The ring held events most of the time, with tens of thousands pending. */
    assert_true(ring_on > RING_OPS / 2);
    assert_true(most > 20000 && purged > 10000);
    free(f.time);
    free(f.handle);
    free(f.status);
    free(f.live);
    free(f.pos);
    calendar_destroy(cal);
    gsl_rng_free(r);
}

/* An event beyond the ring, scheduled when only the ring holds events, is the earliest of
 * the heap and the front, but not of all: the ring's buckets come out before it. */
static void test_ring_front(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2015);
    struct calendar *cal = calendar_create(16);
    assert_non_null(cal);
    enum { FORMS = 4000, FAR = 99999 };
    bool placed = false;
    for (uint32_t i = 0; i < FORMS; i++) {
        assert_int_equal(calendar_schedule(cal, 1.0 + 2.0 * gsl_rng_uniform(r), 0, i, NULL), 0);
        if (!placed && cal->len == 0 && !cal->has_front && cal->ring_count > 0) {
            assert_int_equal(calendar_schedule(cal, 1000.0, 0, FAR, NULL), 0);
            placed = true;
        }
    }
    assert_true(placed); /* the ring started, and took all there was */
    double last = 0.0;
    size_t popped = 0;
    struct calendar_event ev = {0};
    while (calendar_pop(cal, &ev)) {
        assert_true(ev.time >= last);
        last = ev.time;
        if (ev.subject == FAR)
            break;
        popped++;
    }
    assert_int_equal(ev.subject, FAR);
    assert_int_equal(popped, FORMS);
    calendar_destroy(cal);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_destroy_null), cmocka_unit_test(test_empty),
        cmocka_unit_test(test_order),        cmocka_unit_test(test_fifo_ties),
        cmocka_unit_test(test_cancel),       cmocka_unit_test(test_cancel_most),
        cmocka_unit_test(test_reset),        cmocka_unit_test(test_run),
        cmocka_unit_test(test_reference),    cmocka_unit_test(test_front),
        cmocka_unit_test(test_ring),         cmocka_unit_test(test_ring_front),
    };
    return cmocka_run_group_tests_name("calendar", tests, NULL, NULL);
}
