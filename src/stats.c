/* stats.c - summaries of per-replication values: mean, t-based 95% CI, quantiles. */
#include <math.h>

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>

#include "switchsim/stats.h"

void summary_of(const double *x, size_t n, size_t stride, double *scratch, struct summary *out)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i * stride]))
            scratch[k++] = x[i * stride];
    *out = (struct summary){.n = k, .mean = NAN, .sd = NAN, .ci_low = NAN, .ci_high = NAN,
                            .p05 = NAN, .p50 = NAN, .p95 = NAN};
    if (k == 0)
        return;
    out->mean = gsl_stats_mean(scratch, 1, k);
    gsl_sort(scratch, 1, k);
    out->p05 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.05);
    out->p50 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.50);
    out->p95 = gsl_stats_quantile_from_sorted_data(scratch, 1, k, 0.95);
    if (k < 2)
        return;
    out->sd = gsl_stats_sd_m(scratch, 1, k, out->mean);
    double half = gsl_cdf_tdist_Pinv(0.975, (double)(k - 1)) * out->sd / sqrt((double)k);
    out->ci_low = out->mean - half;
    out->ci_high = out->mean + half;
}
