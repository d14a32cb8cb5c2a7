/* stats.h - summaries of per-replication values: mean, t-based 95% CI, quantiles. */
#ifndef SWITCHSIM_STATS_H
#define SWITCHSIM_STATS_H

#include <stddef.h>

struct summary {
    size_t n; /* values that are not NaN */
    double mean, sd, ci_low, ci_high, p05, p50, p95; /* NaN when n is too small */
};

/* Summarises x[0], x[stride], ... (n values), skipping NaNs. The 95% CI is
 * mean +- t(0.975, n-1) * sd / sqrt(n) with t from GSL; quantiles are GSL's interpolated
 * quantiles of the sorted values. scratch must hold n doubles. */
void summary_of(const double *x, size_t n, size_t stride, double *scratch, struct summary *out);

#endif
