/* test_stream.c - tests of the random streams: reproducible, distinct, injective, independent. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_statistics_double.h>

#include "stream.h"

static const uint64_t seeds[] = {0, 1, 20150202, UINT64_MAX};
#define NSEEDS (sizeof seeds / sizeof seeds[0])

static int cmp_ulong(const void *a, const void *b)
{
    unsigned long x = *(const unsigned long *)a, y = *(const unsigned long *)b;
    return (x > y) - (x < y);
}

/* The same triple gives the same numbers, whether created or reseeded after use. */
static void test_reproducible(void **state)
{
    (void)state;
    gsl_rng *a = stream_create(20150202, 3, 5);
    gsl_rng *b = stream_create(20150202, 3, 5);
    gsl_rng *c = stream_create(99, 0, 0);
    assert_non_null(a);
    assert_non_null(b);
    assert_non_null(c);
    assert_string_equal(gsl_rng_name(a), "switchsim-mt19937");
    for (int i = 0; i < 10000; i++)
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(b));
    for (int i = 0; i < 777; i++)
        gsl_rng_get(c);
    stream_reseed(a, 20150202, 3, 5);
    stream_reseed(c, 20150202, 3, 5);
    for (int i = 0; i < 10000; i++)
        assert_int_equal(gsl_rng_get(a), gsl_rng_get(c));
    gsl_rng_free(a);
    gsl_rng_free(b);
    gsl_rng_free(c);
}

/* Different purposes, replications or seeds give different sequences. */
static void test_distinct_sequences(void **state)
{
    (void)state;
    enum { REPS = 16, PURPOSES = STREAM_MAX_PURPOSES, DRAWS = 3 };
    size_t n = NSEEDS * REPS * PURPOSES;
    unsigned long *first = malloc(n * sizeof *first);
    assert_non_null(first);
    gsl_rng *r = stream_create(0, 0, 0);
    assert_non_null(r);
    size_t k = 0;
    for (size_t s = 0; s < NSEEDS; s++)
        for (uint32_t rep = 0; rep < REPS; rep++)
            for (uint32_t p = 0; p < PURPOSES; p++) {
                stream_reseed(r, seeds[s], rep, p);
                /* Three 32-bit draws folded into one word: collisions would be a fluke. */
                unsigned long x = 0;
                for (int d = 0; d < DRAWS; d++)
                    x = x * 0x9e3779b97f4a7c15ul + gsl_rng_get(r);
                first[k++] = x;
            }
    qsort(first, n, sizeof *first, cmp_ulong);
    for (size_t i = 1; i < n; i++)
        assert_true(first[i] != first[i - 1]);
    free(first);
    gsl_rng_free(r);
}

/* stream_seed is a bijection of (replication, purpose) under each seed: no two coincide. */
static void test_seed_injective(void **state)
{
    (void)state;
    enum { REPS = 10000, PURPOSES = 64 };
    size_t n = (size_t)REPS * PURPOSES;
    unsigned long *v = malloc(n * sizeof *v);
    assert_non_null(v);
    for (size_t s = 0; s < NSEEDS; s++) {
        size_t k = 0;
        for (uint32_t rep = 0; rep < REPS; rep++)
            for (uint32_t p = 0; p < PURPOSES; p++) {
                unsigned long x = stream_seed(seeds[s], rep, p);
                assert_true(x != 0 && x <= 1UL << 32);
                v[k++] = x;
            }
        qsort(v, n, sizeof *v, cmp_ulong);
        for (size_t i = 1; i < n; i++)
            assert_true(v[i] != v[i - 1]);
    }
    /* The last replication that fits still works. */
    assert_true(stream_seed(7, UINT32_MAX / STREAM_MAX_PURPOSES, STREAM_MAX_PURPOSES - 1) != 0);
    free(v);
}

/* The inverse of 32-bit odd a modulo 2^32, by Newton's iteration. */
static uint32_t inverse_odd(uint32_t a)
{
    uint32_t x = a; /* right to 3 bits; each step doubles that */
    for (int i = 0; i < 5; i++)
        x *= 2u - a * x;
    return x;
}

/* The inverse of the MurmurHash3 finaliser that stream.c applies last. */
static uint32_t unfmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= inverse_odd(0xc2b2ae35u);
    h ^= (h >> 13) ^ (h >> 26);
    h *= inverse_odd(0x85ebca6bu);
    h ^= h >> 16;
    return h;
}

/*
 * GSL's mt19937 replaces seed 0 by 4357, so a stream whose 32-bit seed is 0 would repeat
 * the one seeded 4357. stream_seed passes 2^32 instead: GSL's check sees it as nonzero and
 * keeps its low 32 bits, 0. This finds the (replication, purpose) whose seed is 0 and checks
 * that its stream differs from seed 4357's (and that GSL does behave as described).
 */
static void test_zero_seed(void **state)
{
    (void)state;
    gsl_rng *g0 = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *g4357 = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(g0);
    assert_non_null(g4357);
    gsl_rng_set(g0, 0);
    gsl_rng_set(g4357, 4357);
    assert_int_equal(gsl_rng_get(g0), gsl_rng_get(g4357)); /* GSL's quirk */

    for (size_t s = 0; s < NSEEDS; s++) {
        /* counter (replication * 64 + purpose) 0 gives fmix32(base); undo fmix32 for base. */
        uint32_t base = unfmix32((uint32_t)stream_seed(seeds[s], 0, 0));
        uint32_t counter = 0u - base;
        uint32_t rep = counter / STREAM_MAX_PURPOSES, purpose = counter % STREAM_MAX_PURPOSES;
        assert_true(stream_seed(seeds[s], rep, purpose) == 1UL << 32);

        gsl_rng *z = stream_create(seeds[s], rep, purpose);
        assert_non_null(z);
        gsl_rng_set(g4357, 4357);
        unsigned long a = gsl_rng_get(z), b = gsl_rng_get(g4357);
        assert_true(a != b);
        /* The seed GSL stored is 0: the first word of mt19937 seeded with mt[0] = 0. */
        assert_int_equal(a, 2357136044ul);
        /* And the neighbours of the zero counter are ordinary. */
        if (purpose > 0)
            assert_true(stream_seed(seeds[s], rep, purpose - 1) < 1UL << 32);
        gsl_rng_free(z);
    }
    gsl_rng_free(g0);
    gsl_rng_free(g4357);
}

/* Bit for bit the same double: what the fast draws promise against GSL's functions. */
static void assert_same_double(double a, double b)
{
    assert_memory_equal(&a, &b, sizeof a);
}

/*
 * stream_mt19937 is GSL's mt19937, number for number, and the inline draws give exactly
 * GSL's variates: for seeds that GSL treats specially (0 taken as 4357, 2^32 kept as 0),
 * stream seeds, and ordinary ones; across many blocks of 624, with the kinds of draw
 * interleaved so that blocks end in the middle of a Gaussian's rejection loop.
 */
static void test_same_as_gsl(void **state)
{
    (void)state;
    const unsigned long gsl_seeds[] = {0,          1,          4357,
                                       5489,       20150202,   1UL << 32,
                                       0xffffffff, stream_seed(20150202, 0, 0),
                                       stream_seed(7, 3, 63)};
    for (size_t k = 0; k < sizeof gsl_seeds / sizeof gsl_seeds[0]; k++) {
        gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
        gsl_rng *s = gsl_rng_alloc(stream_mt19937);
        assert_non_null(g);
        assert_non_null(s);
        gsl_rng_set(g, gsl_seeds[k]);
        gsl_rng_set(s, gsl_seeds[k]);
        for (int i = 0; i < 5000; i++) /* through GSL's calls on both */
            assert_int_equal(gsl_rng_get(g), gsl_rng_get(s));
        for (int i = 0; i < 5000; i++)
            assert_int_equal(gsl_rng_get(g), stream_get(s));
        for (int i = 0; i < 20000; i++) {
            switch (i % 7) {
            case 0: assert_same_double(gsl_rng_uniform(g), stream_uniform(s)); break;
            case 1: assert_same_double(gsl_rng_uniform_pos(g), stream_uniform_pos(s)); break;
            case 2: assert_same_double(gsl_ran_exponential(g, 1.0), stream_exponential(s, 1.0));
                    break;
            case 3: assert_same_double(gsl_ran_exponential(g, 0.0125), stream_exponential(s, 0.0125));
                    break;
            case 4: assert_same_double(gsl_ran_flat(g, 1.0, 3.0), stream_flat(s, 1.0, 3.0)); break;
            default: assert_same_double(gsl_ran_ugaussian(g), stream_ugaussian(s)); break;
            }
        }
        /* Reseeding in the middle of a block starts afresh, as GSL does. */
        gsl_rng_set(g, gsl_seeds[k] + 1);
        gsl_rng_set(s, gsl_seeds[k] + 1);
        for (int i = 0; i < 1000; i++)
            assert_same_double(gsl_rng_uniform(g), stream_uniform(s));
        gsl_rng_free(g);
        gsl_rng_free(s);
    }
    /* And stream_create seeds as gsl_rng_mt19937 seeded with stream_seed. */
    gsl_rng *g = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng *s = stream_create(20150202, 5, 3);
    assert_non_null(g);
    assert_non_null(s);
    gsl_rng_set(g, stream_seed(20150202, 5, 3));
    for (int i = 0; i < 2000; i++)
        assert_same_double(gsl_ran_ugaussian(g), stream_ugaussian(s));
    gsl_rng_free(g);
    gsl_rng_free(s);
}

/* Uniform pairs from two purposes, or two replications, are uncorrelated. */
static void test_independent_purposes(void **state)
{
    (void)state;
    enum { N = 100000 };
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    assert_non_null(x);
    assert_non_null(y);
    static const uint32_t pairs[][4] = {
        {0, 0, 0, 1},                /* replication, purpose; replication, purpose */
        {0, 5, 0, 6}, {0, 63, 1, 0}, /* adjacent counters across replications */
        {0, 2, 1, 2}, {9999, 0, 9999, 63},
    };
    for (size_t k = 0; k < sizeof pairs / sizeof pairs[0]; k++) {
        gsl_rng *a = stream_create(20150202, pairs[k][0], pairs[k][1]);
        gsl_rng *b = stream_create(20150202, pairs[k][2], pairs[k][3]);
        assert_non_null(a);
        assert_non_null(b);
        for (int i = 0; i < N; i++) {
            x[i] = gsl_rng_uniform(a);
            y[i] = gsl_rng_uniform(b);
        }
        double r = gsl_stats_correlation(x, 1, y, 1, N);
        assert_true(fabs(r) < 4.0 / sqrt((double)N));
        gsl_rng_free(a);
        gsl_rng_free(b);
    }
    free(x);
    free(y);
}

/* Chi-square statistic of n uniforms from r in `bins` equal bins; with reseed_each, draw i
 * is the first of stream (seed, i / 64, i % 64). */
static double chi_square(gsl_rng *r, int n, int bins, int reseed_each, uint64_t seed)
{
    long *count = calloc((size_t)bins, sizeof *count);
    assert_non_null(count);
    for (int i = 0; i < n; i++) {
        if (reseed_each)
            stream_reseed(r, seed, (uint32_t)(i / STREAM_MAX_PURPOSES),
                          (uint32_t)(i % STREAM_MAX_PURPOSES));
        count[(int)(gsl_rng_uniform(r) * bins)]++;
    }
    double expect = (double)n / bins, chi2 = 0.0;
    for (int b = 0; b < bins; b++) {
        double d = (double)count[b] - expect;
        chi2 += d * d / expect;
    }
    free(count);
    return chi2;
}

/*
 * Chi-square checks, 100 bins. The seeds are fixed, so each check is one deterministic
 * draw from its null distribution; a p-value outside [1e-6, 1 - 1e-6] fails (TestU01's
 * line for a clear failure). The bar is that wide on purpose: the 1M-draw stream below
 * gives p = 4.6e-4 (its 100k, 4M and 10M prefixes give 0.35, 0.13 and 0.020, and purposes
 * 1..19 of the same seed give p-values spread evenly over (0, 1)), one of the 1-in-2000
 * outcomes a sound generator produces. Gross faults (a wrong scale, a stuck seed, streams
 * that repeat) give p-values of 1e-100 and below.
 */
#define CHI2_ALPHA 1e-6

static void assert_chi2_plausible(double chi2, double df)
{
    assert_true(gsl_cdf_chisq_Q(chi2, df) > CHI2_ALPHA);
    assert_true(gsl_cdf_chisq_P(chi2, df) > CHI2_ALPHA); /* not suspiciously even either */
}

/* One stream is uniform, twenty pooled are, and so are the first draws of many streams. */
static void test_uniformity(void **state)
{
    (void)state;
    enum { BINS = 100 };
    gsl_rng *r = stream_create(20150202, 0, 0);
    assert_non_null(r);
    assert_chi2_plausible(chi_square(r, 1000000, BINS, 0, 0), BINS - 1);

    double sum = 0.0; /* independent chi-squares add up, and so do their degrees of freedom */
    for (uint32_t p = 1; p <= 20; p++) {
        stream_reseed(r, 20150202, 0, p);
        sum += chi_square(r, 100000, BINS, 0, 0);
    }
    assert_chi2_plausible(sum, 20 * (BINS - 1));

    assert_chi2_plausible(chi_square(r, 64000, BINS, 1, 20150202), BINS - 1);
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reproducible),         cmocka_unit_test(test_distinct_sequences),
        cmocka_unit_test(test_seed_injective),       cmocka_unit_test(test_zero_seed),
        cmocka_unit_test(test_independent_purposes), cmocka_unit_test(test_uniformity),
        cmocka_unit_test(test_same_as_gsl),
    };
    return cmocka_run_group_tests_name("stream", tests, NULL, NULL);
}
