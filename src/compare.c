/* compare.c - paired differences between two scenarios run on common random numbers. */
#include <math.h>
#include <stdlib.h>

#include "switchsim/compare.h"
#include "switchsim/output.h"
#include "switchsim/results.h"

void compare_metric(const struct experiment *a, const struct experiment *b, enum metric m,
                    struct compare_row *out)
{
    size_t n = (size_t)(a->replications < b->replications ? a->replications : b->replications);
    double *x = calloc(3 * (n + 1), sizeof *x);
    double *y = x + n + 1, *scratch = y + n + 1;
    if (!x) {
        *out = (struct compare_row){0};
        return;
    }
    for (size_t i = 0; i < n; i++) {
        x[i] = results_all_rounds(a, (int)i, m);
        y[i] = results_all_rounds(b, (int)i, m);
    }
    summary_of(x, n, 1, scratch, &out->a);
    summary_of(y, n, 1, scratch, &out->b);
    for (size_t i = 0; i < n; i++)
        x[i] = y[i] - x[i]; /* NaN when either is */
    summary_of(x, n, 1, scratch, &out->diff);
    free(x);
}

void compare_write_csv(const struct experiment *a, const struct experiment *b, FILE *f)
{
    fputs("metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,n\n", f);
    for (int m = 0; m < M_COUNT; m++) {
        struct compare_row row;
        compare_metric(a, b, (enum metric)m, &row);
        fprintf(f, "%s,", metric_name((enum metric)m));
        double v[] = {row.a.mean, row.b.mean, row.diff.mean, row.diff.ci_low, row.diff.ci_high};
        for (size_t k = 0; k < 5; k++) {
            output_csv_number(f, v[k]);
            fputc(',', f);
        }
        fprintf(f, "%zu\n", row.diff.n);
    }
}

void compare_print(const struct experiment *a, const struct experiment *b, const char *name_a,
                   const char *name_b, FILE *out)
{
    static const enum metric headline[] = {M_REGISTERED,         M_SWITCHED,    M_CONVERSION,
                                           M_CONVERSION_PAPER,   M_SAVING_MEAN, M_SAVING_TOTAL,
                                           M_WINNING_ANNUAL_COST};
    fprintf(out, "B - A: %s minus %s, %d paired replications (common random numbers)\n", name_b,
            name_a, a->replications);
    fprintf(out, "  %-20s %14s %14s %14s  %-31s\n", "metric", "A", "B", "B - A", "95% CI");
    for (size_t k = 0; k < sizeof headline / sizeof *headline; k++) {
        struct compare_row r;
        compare_metric(a, b, headline[k], &r);
        bool distinct = r.diff.ci_low > 0 || r.diff.ci_high < 0;
        fprintf(out, "  %-20s %14.6g %14.6g %+14.6g  [%.6g, %.6g]%s\n", metric_name(headline[k]),
                r.a.mean, r.b.mean, r.diff.mean, r.diff.ci_low, r.diff.ci_high,
                isnan(r.diff.ci_low) ? ""
                : distinct           ? "  distinguishable from 0"
                                     : "  not distinguishable from 0");
    }
}
