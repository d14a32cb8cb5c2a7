/* test_queue.c - the event calendar and random streams against queueing theory: M/M/c
 * waiting times and probabilities against Erlang C, and wrong queues that must fail. */
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

/*
 * An M/M/c queue on the calendar and streams, against Erlang C. Customers arrive at rate
 * lambda, c servers serve at rate mu each, first come first served (or last come first
 * served, to show the tests can tell). Waiting times in queue are collected after a
 * warm-up, in batches for batch-means confidence intervals.
 */
enum { MMC_ARRIVAL, MMC_DEPARTURE };
#define MMC_BATCHES 50

struct mmc_stats {
    double wait_mean, wait_half; /* mean wait in queue and 95% CI half-width */
    double p_wait, p_wait_half;  /* P(wait > 0) */
    double p_tail, p_tail_half;  /* P(wait > 1 / (c mu - lambda)) */
};

struct mmc {
    struct calendar *cal;
    gsl_rng *arrivals;
    gsl_rng *services;
    double lambda, mu, tail;
    unsigned c, busy;
    int lifo;
    double *queue; /* arrival times of waiting customers: a ring (FIFO) or a stack (LIFO) */
    size_t mask, head, count;
    unsigned long arrived, customers, warmup, started, batch_size;
    double sum[MMC_BATCHES][3];
};

static void mmc_record(struct mmc *m, double wait)
{
    unsigned long k = m->started++;
    if (k < m->warmup)
        return;
    unsigned long b = (k - m->warmup) / m->batch_size;
    if (b >= MMC_BATCHES)
        return;
    m->sum[b][0] += wait;
    m->sum[b][1] += wait > 0.0;
    m->sum[b][2] += wait > m->tail;
}

static int mmc_serve(struct mmc *m, double now, double arrival)
{
    mmc_record(m, now - arrival);
    return calendar_schedule(m->cal, now + gsl_ran_exponential(m->services, 1.0 / m->mu),
                             MMC_DEPARTURE, 0, NULL);
}

static int mmc_handle(void *ctx, const struct calendar_event *ev)
{
    struct mmc *m = ctx;
    if (ev->kind == MMC_ARRIVAL) {
        if (++m->arrived < m->customers) {
            double a = gsl_ran_exponential(m->arrivals, 1.0 / m->lambda);
            if (calendar_schedule(m->cal, ev->time + a, MMC_ARRIVAL, 0, NULL) != 0)
                return -1;
        }
        if (m->busy < m->c) {
            m->busy++;
            return mmc_serve(m, ev->time, ev->time);
        }
        if (m->count > m->mask) {
            size_t cap = 2 * (m->mask + 1);
            double *q = malloc(cap * sizeof *q);
            if (!q)
                return -1;
            for (size_t i = 0; i < m->count; i++)
                q[i] = m->queue[(m->head + i) & m->mask];
            free(m->queue);
            m->queue = q;
            m->mask = cap - 1;
            m->head = 0;
        }
        m->queue[(m->head + m->count++) & m->mask] = ev->time;
        return 0;
    }
    if (m->count == 0) {
        m->busy--;
        return 0;
    }
    double arrival;
    if (m->lifo) {
        arrival = m->queue[(m->head + --m->count) & m->mask];
    } else {
        arrival = m->queue[m->head];
        m->head = (m->head + 1) & m->mask;
        m->count--;
    }
    return mmc_serve(m, ev->time, arrival);
}

/* Erlang C: the probability that an arrival waits, with offered load a = lambda / mu. */
static double erlang_c(unsigned c, double a)
{
    double term = 1.0, sum = 0.0; /* a^k / k! */
    for (unsigned k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double top = term * c / (c - a);
    return top / (sum + top);
}

static double mmc_wq(double lambda, double mu, unsigned c)
{
    return erlang_c(c, lambda / mu) / (c * mu - lambda);
}

/* Mean and 95% half-width (t with 49 degrees of freedom) of the batch means in column j. */
static void mmc_batch_ci(const struct mmc *m, int j, double *mean, double *half)
{
    double s = 0.0, ss = 0.0;
    for (int b = 0; b < MMC_BATCHES; b++) {
        double x = m->sum[b][j] / (double)m->batch_size;
        s += x;
        ss += x * x;
    }
    *mean = s / MMC_BATCHES;
    double var = (ss - s * s / MMC_BATCHES) / (MMC_BATCHES - 1);
    *half = 2.0096 * sqrt(var > 0.0 ? var / MMC_BATCHES : 0.0);
}

/* Simulates `customers` customers; `tail` is the threshold of the tail probability. */
static struct mmc_stats mmc_simulate(double lambda, double mu, unsigned c, int lifo,
                                     unsigned long customers, double tail, uint64_t seed)
{
    struct mmc *m = calloc(1, sizeof *m);
    assert_non_null(m);
    m->cal = calendar_create(64);
    m->arrivals = stream_create(seed, 0, 0);
    m->services = stream_create(seed, 0, 1);
    m->lambda = lambda;
    m->mu = mu;
    m->c = c;
    m->lifo = lifo;
    m->tail = tail;
    m->mask = 255;
    m->queue = malloc((m->mask + 1) * sizeof *m->queue);
    m->customers = customers;
    m->warmup = customers / 50;
    m->batch_size = (customers - m->warmup) / MMC_BATCHES;
    assert_non_null(m->cal);
    assert_non_null(m->arrivals);
    assert_non_null(m->services);
    assert_non_null(m->queue);
    assert_int_equal(calendar_schedule(m->cal, gsl_ran_exponential(m->arrivals, 1.0 / lambda),
                                       MMC_ARRIVAL, 0, NULL),
                     0);
    assert_int_equal(calendar_run(m->cal, INFINITY, mmc_handle, m), 0);
    assert_int_equal(m->started, customers);
    assert_int_equal(m->busy, 0);
    struct mmc_stats st;
    mmc_batch_ci(m, 0, &st.wait_mean, &st.wait_half);
    mmc_batch_ci(m, 1, &st.p_wait, &st.p_wait_half);
    mmc_batch_ci(m, 2, &st.p_tail, &st.p_tail_half);
    calendar_destroy(m->cal);
    gsl_rng_free(m->arrivals);
    gsl_rng_free(m->services);
    free(m->queue);
    free(m);
    return st;
}

#define MMC_CUSTOMERS 16000000UL
#ifndef MMC_SEED
#define MMC_SEED UINT64_C(20150202)
#endif
#define MMC_TOL_WAIT 0.04  /* relative, on the mean wait */
#define MMC_TOL_WAITS 0.01 /* relative, on P(wait > 0) */
#define MMC_TOL_TAIL 0.03  /* relative, on P(wait > 1 / (c mu - lambda)) */

struct mmc_case {
    double lambda, mu;
    unsigned c;
};

/* The three settings, all at utilisation about 0.9, where waits are long and correlated. */
static const struct mmc_case mmc_cases[] = {
    {0.9, 1.0, 1}, /* Wq = 9 exactly */
    {1.8, 1.0, 2}, /* Wq = 4.263 */
    {4.0, 1.5, 3}, /* Wq = 1.595 */
};

/* True when a run of the given system matches the theory of `want` within tolerance. */
static int mmc_matches(const struct mmc_case *want, const struct mmc_stats *st)
{
    double wq = mmc_wq(want->lambda, want->mu, want->c);
    double pw = erlang_c(want->c, want->lambda / want->mu);
    double pt = pw * exp(-1.0); /* FIFO: the wait of one who waits is Exp(c mu - lambda) */
    return fabs(st->wait_mean / wq - 1.0) <= MMC_TOL_WAIT &&
           fabs(st->p_wait / pw - 1.0) <= MMC_TOL_WAITS &&
           fabs(st->p_tail / pt - 1.0) <= MMC_TOL_TAIL;
}

/*
 * Why these tolerances. With 16 million customers (2% warm-up, 50 batches) the 95%
 * batch-means CIs of the default seed are about +-1.2% of the exact mean wait for each of
 * the three settings, +-0.1% for P(wait > 0) and +-1.0% for the tail probability; seeds 1
 * to 6 gave the same widths and landed within one half-width of theory. The tolerances
 * (4%, 1%, 3%) are about three half-widths, six standard errors, so a correct calendar does
 * not fail by bad luck; the test asserts the half-widths stay under half the tolerance. A
 * wrong model misses by eight times the tolerance or more (test_mmc_power): c + 1 servers
 * -88% on the wait, service rate 5% high -37%, arrival rate 5% low -35%, last come first
 * served -60% on the tail probability, c - 1 servers unstable.
 */
static void test_mmc_erlang_c(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof mmc_cases / sizeof mmc_cases[0]; i++) {
        const struct mmc_case *k = &mmc_cases[i];
        double wq = mmc_wq(k->lambda, k->mu, k->c);
        struct mmc_stats st = mmc_simulate(k->lambda, k->mu, k->c, 0, MMC_CUSTOMERS,
                                           1.0 / (k->c * k->mu - k->lambda), MMC_SEED);
        print_message("M/M/%u lambda %g mu %g: Wq %.4f +- %.4f (exact %.4f), "
                      "P(wait) %.4f +- %.4f (exact %.4f), P(tail) %.4f +- %.4f (exact %.4f)\n",
                      k->c, k->lambda, k->mu, st.wait_mean, st.wait_half, wq, st.p_wait,
                      st.p_wait_half, erlang_c(k->c, k->lambda / k->mu), st.p_tail, st.p_tail_half,
                      erlang_c(k->c, k->lambda / k->mu) * exp(-1.0));
        assert_true(st.wait_half / wq < MMC_TOL_WAIT / 2.0);
        assert_true(st.p_wait_half / st.p_wait < MMC_TOL_WAITS / 2.0);
        assert_true(st.p_tail_half / st.p_tail < MMC_TOL_TAIL / 2.0);
        assert_true(mmc_matches(k, &st));
    }
    assert_true(fabs(mmc_wq(0.9, 1.0, 1) - 9.0) < 1e-12);
}

/* Prints how far a run of a wrong model lands from the theory of the right one. */
static void mmc_report(const char *what, const struct mmc_case *k, const struct mmc_stats *st)
{
    double pw = erlang_c(k->c, k->lambda / k->mu);
    print_message("%s: Wq %+.1f%%, P(wait) %+.1f%%, P(tail) %+.1f%% off M/M/%u theory\n", what,
                  100.0 * (st->wait_mean / mmc_wq(k->lambda, k->mu, k->c) - 1.0),
                  100.0 * (st->p_wait / pw - 1.0), 100.0 * (st->p_tail / (pw * exp(-1.0)) - 1.0),
                  k->c);
}

/* The test has power: one server too many or too few, a service rate 5% off, an arrival
 * rate 5% off, or last-come-first-served, each fails the checks above clearly. */
static void test_mmc_power(void **state)
{
    (void)state;
    enum { N = MMC_CUSTOMERS / 4 };
    const struct mmc_case *k = &mmc_cases[2]; /* lambda 4, mu 1.5, c 3 */
    double tail = 1.0 / (k->c * k->mu - k->lambda);
    struct mmc_stats st;
    st = mmc_simulate(k->lambda, k->mu, k->c + 1, 0, N, tail, MMC_SEED);
    mmc_report("c + 1 servers", k, &st);
    assert_false(mmc_matches(k, &st));
    assert_true(st.wait_mean < 0.5 * mmc_wq(k->lambda, k->mu, k->c));
    st = mmc_simulate(k->lambda, k->mu * 1.05, k->c, 0, N, tail, MMC_SEED);
    mmc_report("service rate x 1.05", k, &st);
    assert_false(mmc_matches(k, &st));
    st = mmc_simulate(k->lambda * 0.95, k->mu, k->c, 0, N, tail, MMC_SEED);
    mmc_report("arrival rate x 0.95", k, &st);
    assert_false(mmc_matches(k, &st));
    st = mmc_simulate(k->lambda, k->mu, k->c, 1, N, tail, MMC_SEED);
    mmc_report("last come first served", k, &st);
    assert_false(mmc_matches(k, &st));
    assert_true(fabs(st.p_tail / (erlang_c(k->c, k->lambda / k->mu) * exp(-1.0)) - 1.0) >
                2 * MMC_TOL_TAIL);
    /* c - 1 = 2 servers cannot keep up (utilisation 4/3): waits grow without bound. */
    st = mmc_simulate(k->lambda, k->mu, k->c - 1, 0, 200000, tail, MMC_SEED);
    mmc_report("c - 1 servers", k, &st);
    assert_true(st.wait_mean > 100.0 * mmc_wq(k->lambda, k->mu, k->c));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mmc_erlang_c),
        cmocka_unit_test(test_mmc_power),
    };
    return cmocka_run_group_tests_name("queue", tests, NULL, NULL);
}
