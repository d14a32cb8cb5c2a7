/* stats.h - summaries of per-replication values: mean, t-based 95% CI, quantiles. */
#ifndef SWITCHSIM_STATS_H
#define SWITCHSIM_STATS_H

#include <stddef.h>

#include <gsl/gsl_histogram.h>

struct summary {
    size_t n;                                        /* values that are not NaN */
    double mean, sd, ci_low, ci_high, p05, p50, p95; /* NaN when n is too small */
    /* The 90% prediction range of one more value: the order statistics at ranks 0.05 (n+1)
     * and 0.95 (n+1), interpolated (stats_prediction_quantile); NaN when n is too small. */
    double pi_lo, pi_hi;
};

/* The q-quantile of n sorted values for predicting one more: the value at rank q (n + 1)
 * (from 1), interpolated between neighbours, clamped to the smallest and largest. Between
 * its quantiles at q and 1 - q lies a new value with probability 1 - 2q on average, whatever
 * the distribution (GSL's own quantile, at rank 1 + q (n - 1), covers less: 0.9 (n - 1) /
 * (n + 1) for 90%). NaN when n is 0. */
double stats_prediction_quantile(const double *sorted, size_t n, double q);

/* A one-pass, mergeable accumulator of per-replication values. Count, mean and M2 (the sum
 * of squared deviations from the mean) are updated by Welford's method and combined by
 * Chan et al.'s formula, so a large common offset costs no precision; the values themselves
 * are kept, in the order added, for quantiles. Fields are read-only outside stats.c. */
struct accum {
    size_t n;        /* values added that are not NaN */
    size_t missing;  /* NaN values skipped */
    double mean, m2; /* running mean and sum of squared deviations; 0 when n == 0 */
    double min, max; /* NaN when n == 0 */
    double *kept;    /* the n values, in the order added; owned */
    size_t cap;      /* room in kept */
};

/* Summarises x[0], x[stride], ... (n values), skipping NaNs. The 95% CI is
 * mean +- t(0.975, n-1) * sd / sqrt(n) with t from GSL; quantiles are GSL's interpolated
 * quantiles of the sorted values. scratch must hold n doubles. With no value every field
 * but n is NaN; with one value sd and the CI are NaN. Never allocates, cannot fail. */
void stats_summary(const double *x, size_t n, size_t stride, double *scratch, struct summary *out);

/* Makes acc empty. It owns no memory until the first accum_add or accum_merge. */
void accum_init(struct accum *acc);

/* Adds x; a NaN is counted in acc->missing and otherwise ignored. Returns 0, or -1 when the
 * kept values could not grow, in which case acc is unaltered. */
int accum_add(struct accum *acc, double x);

/* Adds every value of from into into, as if each had been passed to accum_add after into's
 * own (from's values are appended after into's, missing counts add). from is not changed;
 * into == from doubles the data. Returns 0, or -1 when memory ran out, leaving into
 * unaltered. */
int accum_merge(struct accum *into, const struct accum *from);

/* Fills out as stats_summary would for the same values: mean, sd (n - 1 denominator),
 * mean +- t(0.975, n-1) * sd / sqrt(n), and GSL's quantiles of the sorted values at 0.05,
 * 0.5, 0.95. Returns 0, or -1 when the sorted copy could not be allocated, in which case
 * every field is still filled but the quantiles are NaN. */
int accum_summary(const struct accum *acc, struct summary *out);

/* The half-width of the t-based 95% CI of the mean, t(0.975, n-1) * sd / sqrt(n);
 * INFINITY when n < 2. */
double accum_halfwidth(const struct accum *acc);

/* A new GSL histogram of the kept values in bins equal bins over [lo, hi); values outside
 * that range are not counted. The caller frees it with gsl_histogram_free. Returns NULL
 * when bins is 0, lo < hi does not hold for finite lo, hi and hi - lo, or memory ran out
 * (GSL reports that through its error handler, which main turns off). */
gsl_histogram *accum_histogram(const struct accum *acc, size_t bins, double lo, double hi);

/* Releases the kept values and leaves acc empty, as after accum_init. NULL is a no-op. */
void accum_cleanup(struct accum *acc);

#endif
