/* compare.c - paired differences between two scenarios run on common random numbers. */
#include <math.h>
#include <stdbool.h>
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

/* A figure for people: thousands separators for large ones, 4 significant digits else. */
static const char *readable(char *buf, size_t size, double x, bool sign)
{
    size_t k = 0;
    if (sign && x > 0 && size > 1)
        buf[k++] = '+';
    if (isnan(x))
        snprintf(buf + k, size - k, "-");
    else if (fabs(x) >= 1000)
        output_number(buf + k, size - k, x, 0);
    else
        snprintf(buf + k, size - k, "%.4g", x);
    return buf;
}

void compare_print(const struct experiment *a, const struct experiment *b, const char *name_a,
                   const char *name_b, FILE *out)
{
    static const enum metric headline[] = {M_REGISTERED,         M_SWITCHED,    M_CONVERSION,
                                           M_CONVERSION_PAPER,   M_SAVING_MEAN, M_SAVING_TOTAL,
                                           M_WINNING_ANNUAL_COST};
    fprintf(out, "B - A: %s minus %s, %d paired replications (common random numbers)\n", name_b,
            name_a, a->replications < b->replications ? a->replications : b->replications);
    fprintf(out, "  %-20s %12s %12s %12s  %s\n", "metric", "A", "B", "B - A", "95% CI of B - A");
    for (size_t k = 0; k < sizeof headline / sizeof *headline; k++) {
        struct compare_row r;
        compare_metric(a, b, headline[k], &r);
        bool distinct = r.diff.ci_low > 0 || r.diff.ci_high < 0;
        char x[4][64], ci[160];
        snprintf(ci, sizeof ci, "[%s, %s]", readable(x[3], sizeof x[3], r.diff.ci_low, false),
                 readable(x[2], sizeof x[2], r.diff.ci_high, false));
        fprintf(out, "  %-20s %12s %12s %12s  %-26s%s\n", metric_name(headline[k]),
                readable(x[0], sizeof x[0], r.a.mean, false),
                readable(x[1], sizeof x[1], r.b.mean, false),
                readable(x[2], sizeof x[2], r.diff.mean, true), ci,
                isnan(r.diff.ci_low) ? ""
                : distinct           ? "  distinguishable from 0"
                                     : "  not distinguishable from 0");
    }
}
