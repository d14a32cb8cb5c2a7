/* stats.c - summaries of per-replication values: mean, t-based 95% CI, quantiles. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "switchsim/stats.h"

/* t(0.975, n-1) * sd / sqrt(n) for n >= 2 values whose M2 is m2. */
static double halfwidth(size_t n, double m2)
{
    double sd = sqrt(m2 / (double)(n - 1));
    return gsl_cdf_tdist_Pinv(0.975, (double)(n - 1)) * sd / sqrt((double)n);
}

/* Fills out from n values with the given mean and M2; sorted holds them ascending, or is
 * NULL to leave the quantiles NaN. */
double stats_prediction_quantile(const double *sorted, size_t n, double q)
{
    if (n == 0)
        return NAN;
    double h = q * (double)(n + 1) - 1; /* from 0 */
    if (h <= 0)
        return sorted[0];
    if (h >= (double)(n - 1))
        return sorted[n - 1];
    size_t i = (size_t)h;
    return sorted[i] + (h - (double)i) * (sorted[i + 1] - sorted[i]);
}

static void summary_fill(struct summary *out, size_t n, double mean, double m2,
                         const double *sorted)
{
    *out = (struct summary){.n = n,
                            .mean = NAN,
                            .sd = NAN,
                            .ci_low = NAN,
                            .ci_high = NAN,
                            .p05 = NAN,
                            .p50 = NAN,
                            .p95 = NAN,
                            .pi_lo = NAN,
                            .pi_hi = NAN};
    if (n == 0)
        return;
    out->mean = mean;
    if (sorted) {
        out->p05 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.05);
        out->p50 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.50);
        out->p95 = gsl_stats_quantile_from_sorted_data(sorted, 1, n, 0.95);
        out->pi_lo = stats_prediction_quantile(sorted, n, 0.05);
        out->pi_hi = stats_prediction_quantile(sorted, n, 0.95);
    }
    if (n < 2)
        return;
    out->sd = sqrt(m2 / (double)(n - 1));
    double half = halfwidth(n, m2);
    out->ci_low = mean - half;
    out->ci_high = mean + half;
}

/* One Welford step: count n, mean and M2 take in x. */
static void welford(size_t *n, double *mean, double *m2, double x)
{
    double delta = x - *mean;
    *n += 1;
    *mean += delta / (double)*n;
    *m2 += delta * (x - *mean);
}

/* Makes room for at least want kept values; returns 0, or -1 leaving acc unaltered. */
static int reserve(struct accum *acc, size_t want)
{
    if (want <= acc->cap)
        return 0;
    size_t cap = acc->cap ? acc->cap : 16;
    while (cap < want) {
        if (cap > SIZE_MAX / 2 / sizeof *acc->kept)
            return -1;
        cap *= 2;
    }
    double *kept = realloc(acc->kept, cap * sizeof *kept);
    if (!kept)
        return -1;
    acc->kept = kept;
    acc->cap = cap;
    return 0;
}

void stats_summary(const double *x, size_t n, size_t stride, double *scratch, struct summary *out)
{
    size_t k = 0;
    double mean = 0, m2 = 0;
    for (size_t i = 0; i < n; i++) {
        double v = x[i * stride];
        if (isnan(v))
            continue;
        scratch[k] = v;
        welford(&k, &mean, &m2, v);
    }
    gsl_sort(scratch, 1, k);
    summary_fill(out, k, mean, m2, scratch);
}

void accum_init(struct accum *acc)
{
    *acc = (struct accum){.mean = 0, .m2 = 0, .min = NAN, .max = NAN};
}

int accum_add(struct accum *acc, double x)
{
    if (isnan(x)) {
        acc->missing++;
        return 0;
    }
    if (reserve(acc, acc->n + 1))
        return -1;
    acc->kept[acc->n] = x;
    if (acc->n == 0 || x < acc->min)
        acc->min = x;
    if (acc->n == 0 || x > acc->max)
        acc->max = x;
    welford(&acc->n, &acc->mean, &acc->m2, x);
    return 0;
}

int accum_merge(struct accum *into, const struct accum *from)
{
    /* Read everything from from first: when into == from, reserve moves its values. */
    size_t na = into->n, nb = from->n, missing = from->missing;
    double mb = from->mean, m2b = from->m2, minb = from->min, maxb = from->max;
    if (nb > SIZE_MAX - na || reserve(into, na + nb))
        return -1;
    into->missing += missing;
    if (nb == 0)
        return 0;
    memcpy(into->kept + na, from->kept, nb * sizeof *into->kept);
    if (na == 0) {
        into->mean = mb;
        into->m2 = m2b;
        into->min = minb;
        into->max = maxb;
    } else {
        /* Chan, Golub and LeVeque (1979): the pairwise combination of mean and M2. */
        double n = (double)(na + nb), delta = mb - into->mean;
        into->mean += delta * ((double)nb / n);
        into->m2 += m2b + delta * delta * ((double)na * (double)nb / n);
        if (minb < into->min)
            into->min = minb;
        if (maxb > into->max)
            into->max = maxb;
    }
    into->n = na + nb;
    return 0;
}

int accum_summary(const struct accum *acc, struct summary *out)
{
    double *sorted = NULL;
    if (acc->n > 0) {
        sorted = malloc(acc->n * sizeof *sorted);
        if (sorted) {
            memcpy(sorted, acc->kept, acc->n * sizeof *sorted);
            gsl_sort(sorted, 1, acc->n);
        }
    }
    summary_fill(out, acc->n, acc->mean, acc->m2, sorted);
    free(sorted);
    return acc->n > 0 && !sorted ? -1 : 0;
}

double accum_halfwidth(const struct accum *acc)
{
    return acc->n < 2 ? INFINITY : halfwidth(acc->n, acc->m2);
}

gsl_histogram *accum_histogram(const struct accum *acc, size_t bins, double lo, double hi)
{
    if (bins == 0 || !isfinite(lo) || !isfinite(hi) || !(lo < hi) || !isfinite(hi - lo))
        return NULL;
    gsl_histogram *h = gsl_histogram_alloc(bins);
    if (!h)
        return NULL;
    gsl_histogram_set_ranges_uniform(h, lo, hi);
    for (size_t i = 0; i < acc->n; i++)
        if (acc->kept[i] >= lo && acc->kept[i] < hi)
            gsl_histogram_increment(h, acc->kept[i]);
    return h;
}

void accum_cleanup(struct accum *acc)
{
    if (!acc)
        return;
    free(acc->kept);
    accum_init(acc);
}
