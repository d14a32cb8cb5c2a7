/* test_stats.c - tests of the statistics core: t-based CI coverage, merging, stability. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "switchsim/stats.h"

/* t(0.975, df) from printed tables, independent of GSL. */
#define T975_DF1 12.706204736174707
#define T975_DF4 2.7764451051977987

enum dist { NORMAL, EXPONENTIAL };

/* |a - b| <= rel * |b|, with a message naming what differs. */
static void assert_rel(double a, double b, double rel, const char *what)
{
    if (!(fabs(a - b) <= rel * fabs(b))) {
        print_error("%s: %.17g vs %.17g (relative %.3g > %.3g)\n", what, a, b,
                    fabs(a - b) / fabs(b), rel);
        fail();
    }
}

static void assert_all_nan(const struct summary *s)
{
    assert_true(isnan(s->mean) && isnan(s->sd) && isnan(s->ci_low) && isnan(s->ci_high));
    assert_true(isnan(s->p05) && isnan(s->p50) && isnan(s->p95));
}

/* Runs experiments experiments of n draws each with true mean mu; returns the fraction of
 * t-based 95% CIs that contain mu and sets *z_cover to that of mean +- 1.96 sd / sqrt(n). */
static double coverage(gsl_rng *r, int experiments, enum dist d, size_t n, double mu,
                       double *z_cover)
{
    int hit_t = 0, hit_z = 0;
    struct accum a;
    accum_init(&a);
    for (int e = 0; e < experiments; e++) {
        accum_cleanup(&a);
        for (size_t i = 0; i < n; i++) {
            double x = d == NORMAL ? mu + gsl_ran_gaussian(r, 3.0) : gsl_ran_exponential(r, mu);
            assert_int_equal(accum_add(&a, x), 0);
        }
        struct summary s;
        assert_int_equal(accum_summary(&a, &s), 0);
        assert_int_equal(s.n, n);
        assert_rel(accum_halfwidth(&a), (s.ci_high - s.ci_low) / 2, 1e-12, "half-width");
        hit_t += s.ci_low <= mu && mu <= s.ci_high;
        double z = 1.96 * s.sd / sqrt((double)n);
        hit_z += s.mean - z <= mu && mu <= s.mean + z;
    }
    accum_cleanup(&a);
    *z_cover = (double)hit_z / experiments;
    return (double)hit_t / experiments;
}

/* 95% t-intervals cover the true mean about 95% of the time at n = 5, 10, 30, for normal
 * values and for skewed (exponential) ones at n = 30; 1.96 in place of t undercovers at 5. */
static void test_ci_coverage(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, 20150202);
    static const size_t ns[] = {5, 10, 30};
    double z5 = 0;
    for (size_t k = 0; k < sizeof ns / sizeof ns[0]; k++) {
        double z, t = coverage(r, 2000, NORMAL, ns[k], 10.0, &z);
        print_message("normal n=%zu: t coverage %.4f, 1.96 coverage %.4f\n", ns[k], t, z);
        assert_true(t >= 0.92 && t <= 0.98);
        if (ns[k] == 5)
            z5 = z;
    }
    /* P(|T_4| < 1.96) = 0.878: a 1.96 bug would fail the bounds above. */
    assert_true(z5 < 0.92);
    /* Skewness pulls the true coverage down to about 0.927 (measured over 2e5 experiments);
     * 20000 experiments keep the estimate four standard errors inside the bound. */
    double z, t = coverage(r, 20000, EXPONENTIAL, 30, 2.0, &z);
    print_message("exponential n=30: t coverage %.4f, 1.96 coverage %.4f\n", t, z);
    assert_true(t >= 0.92 && t <= 0.98);
    gsl_rng_free(r);
}

/* 1..5: mean 3, sd sqrt(2.5), half-width t(4) sd / sqrt(5), GSL quantiles 1.2, 3, 4.8. */
static void test_summary_known_values(void **state)
{
    (void)state;
    struct accum a;
    accum_init(&a);
    static const double x[] = {4, NAN, 1, 5, 2, NAN, 3};
    for (size_t i = 0; i < sizeof x / sizeof x[0]; i++)
        assert_int_equal(accum_add(&a, x[i]), 0);
    assert_int_equal(a.n, 5);
    assert_int_equal(a.missing, 2);
    assert_true(a.min == 1 && a.max == 5);
    struct summary s;
    assert_int_equal(accum_summary(&a, &s), 0);
    double half = T975_DF4 * sqrt(2.5) / sqrt(5.0);
    assert_int_equal(s.n, 5);
    assert_rel(s.mean, 3, 1e-15, "mean");
    assert_rel(s.sd, sqrt(2.5), 1e-15, "sd");
    assert_rel(s.ci_low, 3 - half, 1e-12, "ci_low");
    assert_rel(s.ci_high, 3 + half, 1e-12, "ci_high");
    assert_rel(accum_halfwidth(&a), half, 1e-12, "half-width");
    assert_rel(s.p05, 1.2, 1e-15, "p05");
    assert_rel(s.p50, 3, 1e-15, "p50");
    assert_rel(s.p95, 4.8, 1e-15, "p95");
    accum_cleanup(&a);
}

/* Half-width is infinite below two values and t(1) * sd / sqrt(2) at two; summaries of
 * zero and one value have NaNs where nothing can be said. */
static void test_small_counts(void **state)
{
    (void)state;
    struct accum a;
    struct summary s;
    accum_init(&a);
    assert_true(isinf(accum_halfwidth(&a)) && accum_halfwidth(&a) > 0);
    assert_int_equal(accum_summary(&a, &s), 0);
    assert_int_equal(s.n, 0);
    assert_all_nan(&s);
    assert_true(isnan(a.min) && isnan(a.max));
    accum_add(&a, NAN);
    assert_true(isinf(accum_halfwidth(&a)));
    assert_int_equal(a.missing, 1);

    assert_int_equal(accum_add(&a, 7.5), 0);
    assert_true(isinf(accum_halfwidth(&a)));
    assert_int_equal(accum_summary(&a, &s), 0);
    assert_int_equal(s.n, 1);
    assert_true(s.mean == 7.5 && s.p05 == 7.5 && s.p50 == 7.5 && s.p95 == 7.5);
    assert_true(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));

    assert_int_equal(accum_add(&a, 9.5), 0); /* sd sqrt(2): half-width = t(1) */
    assert_rel(accum_halfwidth(&a), T975_DF1, 1e-12, "half-width n=2");

    accum_cleanup(&a);
    assert_int_equal(a.n, 0);
    assert_int_equal(a.missing, 0);
    assert_null(a.kept);
    accum_cleanup(&a); /* twice is fine, and NULL is a no-op */
    accum_cleanup(NULL);
}

/* Values with a trend (so chunk means differ) and NaNs, at positions the chunks below
 * make into an all-NaN chunk and NaN-bearing chunks. */
#define NVALUES 1000
static void fill_values(double *x, gsl_rng *r)
{
    for (int i = 0; i < NVALUES; i++)
        x[i] = 0.05 * i + gsl_ran_gaussian(r, 1.0) + (i % 11 == 0 ? 40 : 0);
    for (int i = 1; i <= 3; i++)
        x[i] = NAN;
    for (int i = 5; i < NVALUES; i += 37)
        x[i] = NAN;
}

static void assert_same(const struct accum *m, const struct accum *one, const char *how)
{
    print_message("%s: mean rel %.2g, M2 rel %.2g\n", how,
                  fabs(m->mean - one->mean) / fabs(one->mean), fabs(m->m2 - one->m2) / one->m2);
    assert_int_equal(m->n, one->n);
    assert_int_equal(m->missing, one->missing);
    assert_true(m->min == one->min && m->max == one->max);
    struct summary a, b;
    assert_int_equal(accum_summary(m, &a), 0);
    assert_int_equal(accum_summary(one, &b), 0);
    assert_int_equal(a.n, b.n);
    assert_rel(a.mean, b.mean, 1e-12, "merged mean");
    assert_rel(a.sd, b.sd, 1e-12, "merged sd");
    assert_rel(a.ci_low, b.ci_low, 1e-12, "merged ci_low");
    assert_rel(a.ci_high, b.ci_high, 1e-12, "merged ci_high");
    assert_rel(accum_halfwidth(m), accum_halfwidth(one), 1e-12, "merged half-width");
    assert_true(a.p05 == b.p05 && a.p50 == b.p50 && a.p95 == b.p95);
}

/* Merging chunks (empty, all-NaN, uneven), in order or as a tree, equals one pass. */
static void test_merge_equals_one_pass(void **state)
{
    (void)state;
    static double x[NVALUES];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, 7);
    fill_values(x, r);
    gsl_rng_free(r);

    struct accum one;
    accum_init(&one);
    for (int i = 0; i < NVALUES; i++)
        assert_int_equal(accum_add(&one, x[i]), 0);
    assert_int_equal(one.missing, 3 + (NVALUES - 5 + 36) / 37);

    /* chunk 2 is x[1..3], all NaN; the last takes what is left. */
    static const size_t sizes[] = {0, 1, 3, 0, 1, 250, 2, 0, 77, 1, 400, 0, 13};
    enum { NCHUNKS = sizeof sizes / sizeof sizes[0] + 1 };
    struct accum chunk[NCHUNKS];
    size_t at = 0;
    for (size_t c = 0; c < NCHUNKS; c++) {
        size_t len = c + 1 < NCHUNKS ? sizes[c] : NVALUES - at;
        accum_init(&chunk[c]);
        for (size_t i = at; i < at + len; i++)
            assert_int_equal(accum_add(&chunk[c], x[i]), 0);
        at += len;
    }
    assert_int_equal(chunk[2].n, 0);
    assert_int_equal(chunk[2].missing, 3);

    struct accum seq;
    accum_init(&seq);
    for (size_t c = 0; c < NCHUNKS; c++)
        assert_int_equal(accum_merge(&seq, &chunk[c]), 0);
    assert_same(&seq, &one, "in order");
    /* In order, the kept values are the stream itself. */
    assert_memory_equal(seq.kept, one.kept, one.n * sizeof *one.kept);

    /* As a tree: pairs, then pairs of pairs, into chunk[0]. */
    for (size_t step = 1; step < NCHUNKS; step *= 2)
        for (size_t c = 0; c + step < NCHUNKS; c += 2 * step)
            assert_int_equal(accum_merge(&chunk[c], &chunk[c + step]), 0);
    assert_same(&chunk[0], &one, "as a tree");

    for (size_t c = 0; c < NCHUNKS; c++)
        accum_cleanup(&chunk[c]);
    accum_cleanup(&seq);
    accum_cleanup(&one);
}

/* Merging an accumulator into itself doubles the data; from is left as it was. */
static void test_merge_self_and_empty(void **state)
{
    (void)state;
    struct accum a, b, empty;
    accum_init(&a);
    accum_init(&b);
    accum_init(&empty);
    for (int i = 1; i <= 20; i++) { /* 20 values: the doubled 40 outgrow the first array */
        assert_int_equal(accum_add(&a, i), 0);
        assert_int_equal(accum_add(&b, i), 0);
        assert_int_equal(accum_add(&b, i), 0);
    }
    accum_add(&a, NAN);
    accum_add(&b, NAN);
    accum_add(&b, NAN);
    assert_int_equal(accum_merge(&a, &a), 0);
    assert_same(&a, &b, "self");

    assert_int_equal(accum_merge(&empty, &a), 0);
    assert_same(&empty, &b, "into empty");
    assert_int_equal(accum_merge(&a, &(struct accum){.min = NAN, .max = NAN}), 0);
    assert_same(&a, &b, "empty into");
    assert_int_equal(a.n, 40); /* from unchanged */
    accum_cleanup(&a);
    accum_cleanup(&b);
    accum_cleanup(&empty);
}

/* 1e9 + N(0, 1): the variance matches a two-pass computation to 1e-6, one pass or merged,
 * where the textbook sum-of-squares formula loses every digit. */
static void test_large_offset(void **state)
{
    (void)state;
    enum { N = 100000, CHUNK = 997 };
    static double x[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, 11);
    for (int i = 0; i < N; i++)
        x[i] = 1e9 + gsl_ran_gaussian(r, 1.0);
    gsl_rng_free(r);

    struct accum one, merged, part;
    accum_init(&one);
    accum_init(&merged);
    accum_init(&part);
    double sum = 0, sumsq = 0;
    for (int i = 0; i < N; i++) {
        assert_int_equal(accum_add(&one, x[i]), 0);
        assert_int_equal(accum_add(&part, x[i]), 0);
        if ((i + 1) % CHUNK == 0 || i + 1 == N) {
            assert_int_equal(accum_merge(&merged, &part), 0);
            accum_cleanup(&part);
        }
        sum += x[i];
        sumsq += x[i] * x[i];
    }
    double two_pass = gsl_stats_variance(x, 1, N);
    double naive = (sumsq - sum * sum / N) / (N - 1);
    struct summary s, m;
    assert_int_equal(accum_summary(&one, &s), 0);
    assert_int_equal(accum_summary(&merged, &m), 0);
    print_message("variance: two-pass %.12g, one pass %.12g, merged %.12g, naive %.6g\n", two_pass,
                  s.sd * s.sd, m.sd * m.sd, naive);
    assert_rel(s.sd * s.sd, two_pass, 1e-6, "one-pass variance");
    assert_rel(m.sd * m.sd, two_pass, 1e-6, "merged variance");
    assert_rel(s.mean, gsl_stats_mean(x, 1, N), 1e-14, "mean");
    assert_false(fabs(naive - two_pass) <= 1e-3 * two_pass); /* the test can tell */
    accum_cleanup(&one);
    accum_cleanup(&merged);
}

/* stats_summary reads every stride-th value, skips NaNs, counts n, uses t, agrees with the
 * accumulator, and leaves NaNs for zero or one value. */
static void test_summary_of(void **state)
{
    (void)state;
    /* even positions hold 4, NaN, 1, 5, 2, NaN, 3; odd ones must not be read */
    double x[14] = {4, 1e6, NAN, 1e6, 1, 1e6, 5, 1e6, 2, 1e6, NAN, 1e6, 3, 1e6};
    double scratch[7];
    struct summary s;
    stats_summary(x, 7, 2, scratch, &s);
    double half = T975_DF4 * sqrt(2.5) / sqrt(5.0);
    assert_int_equal(s.n, 5);
    assert_rel(s.mean, 3, 1e-15, "mean");
    assert_rel(s.sd, sqrt(2.5), 1e-15, "sd");
    assert_rel(s.ci_low, 3 - half, 1e-12, "ci_low");
    assert_rel(s.ci_high, 3 + half, 1e-12, "ci_high");
    assert_rel(s.p05, 1.2, 1e-15, "p05");
    assert_rel(s.p50, 3, 1e-15, "p50");
    assert_rel(s.p95, 4.8, 1e-15, "p95");

    /* The same as the accumulator on random values. */
    enum { N = 301 };
    double y[N], scr[N];
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, 3);
    struct accum a;
    accum_init(&a);
    for (int i = 0; i < N; i++) {
        y[i] = i % 13 == 4 ? NAN : gsl_ran_lognormal(r, 1.0, 0.7);
        accum_add(&a, y[i]);
    }
    gsl_rng_free(r);
    struct summary b;
    stats_summary(y, N, 1, scr, &s);
    assert_int_equal(accum_summary(&a, &b), 0);
    assert_int_equal(s.n, b.n);
    assert_int_equal(s.n, N - (N - 4 + 12) / 13);
    assert_rel(s.mean, b.mean, 1e-14, "mean vs accum");
    assert_rel(s.sd, b.sd, 1e-14, "sd vs accum");
    assert_rel(s.ci_low, b.ci_low, 1e-14, "ci_low vs accum");
    assert_rel(s.ci_high, b.ci_high, 1e-14, "ci_high vs accum");
    assert_true(s.p05 == b.p05 && s.p50 == b.p50 && s.p95 == b.p95);
    accum_cleanup(&a);

    double none[3] = {NAN, NAN, NAN};
    stats_summary(none, 3, 1, scratch, &s);
    assert_int_equal(s.n, 0);
    assert_all_nan(&s);
    stats_summary(none, 0, 1, scratch, &s);
    assert_int_equal(s.n, 0);
    assert_all_nan(&s);
    double lone[3] = {NAN, 2.5, NAN};
    stats_summary(lone, 3, 1, scratch, &s);
    assert_int_equal(s.n, 1);
    assert_true(s.mean == 2.5 && s.p05 == 2.5 && s.p50 == 2.5 && s.p95 == 2.5);
    assert_true(isnan(s.sd) && isnan(s.ci_low) && isnan(s.ci_high));
}

/* The histogram counts kept values in [lo, hi) into equal bins and rejects bad ranges. */
static void test_histogram(void **state)
{
    (void)state;
    struct accum a;
    accum_init(&a);
    gsl_histogram *h = accum_histogram(&a, 4, 0, 1);
    assert_non_null(h);
    assert_true(gsl_histogram_sum(h) == 0);
    gsl_histogram_free(h);

    for (int i = 0; i < 100; i++)
        accum_add(&a, i + 0.5);
    accum_add(&a, -1);
    accum_add(&a, 100); /* hi itself is outside */
    accum_add(&a, NAN);
    h = accum_histogram(&a, 10, 0, 100);
    assert_non_null(h);
    assert_int_equal(gsl_histogram_bins(h), 10);
    for (size_t b = 0; b < 10; b++) {
        double lo, hi;
        gsl_histogram_get_range(h, b, &lo, &hi);
        assert_rel(lo, 10.0 * b, 1e-15, "bin low");
        assert_true(gsl_histogram_get(h, b) == 10);
    }
    assert_true(gsl_histogram_sum(h) == 100);
    gsl_histogram_free(h);

    assert_null(accum_histogram(&a, 0, 0, 1));
    assert_null(accum_histogram(&a, 5, 1, 1));
    assert_null(accum_histogram(&a, 5, 2, 1));
    assert_null(accum_histogram(&a, 5, NAN, 1));
    assert_null(accum_histogram(&a, 5, 0, INFINITY));
    assert_null(accum_histogram(&a, 5, -1e308, 1e308));
    accum_cleanup(&a);
}

/* A 90% prediction range from n = 19 values holds one more value of the same distribution 90%
 * of the time (20,000 trials); GSL's quantiles would hold it 0.9 x 18 / 20 = 81% of the time,
 * which the check tells apart. */
static void test_prediction_range(void **state)
{
    (void)state;
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 2026);
    enum { N = 19, TRIALS = 20000 };
    int ours = 0, gsl = 0;
    for (int t = 0; t < TRIALS; t++) {
        double x[N];
        for (int i = 0; i < N; i++)
            x[i] = gsl_ran_exponential(r, 1.0); /* any distribution will do */
        gsl_sort(x, 1, N);
        double next = gsl_ran_exponential(r, 1.0);
        ours += next >= stats_prediction_quantile(x, N, 0.05) &&
                next <= stats_prediction_quantile(x, N, 0.95);
        gsl += next >= gsl_stats_quantile_from_sorted_data(x, 1, N, 0.05) &&
               next <= gsl_stats_quantile_from_sorted_data(x, 1, N, 0.95);
    }
    double se = sqrt(0.9 * 0.1 / TRIALS);
    print_message("prediction range holds the next value %.4f of the time (GSL's quantiles "
                  "%.4f)\n",
                  (double)ours / TRIALS, (double)gsl / TRIALS);
    assert_true(fabs((double)ours / TRIALS - 0.9) < 4 * se);
    assert_true(fabs((double)gsl / TRIALS - 0.81) < 4 * se);
    double one[] = {3.5};
    assert_true(stats_prediction_quantile(one, 1, 0.05) == 3.5);
    assert_true(isnan(stats_prediction_quantile(one, 0, 0.5)));
    gsl_rng_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ci_coverage),          cmocka_unit_test(test_summary_known_values),
        cmocka_unit_test(test_small_counts),         cmocka_unit_test(test_merge_equals_one_pass),
        cmocka_unit_test(test_merge_self_and_empty), cmocka_unit_test(test_large_offset),
        cmocka_unit_test(test_summary_of),           cmocka_unit_test(test_histogram),
        cmocka_unit_test(test_prediction_range),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
