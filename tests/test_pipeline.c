/* test_pipeline.c - real runs, sweeps and compares fed into plot: every chart is made, and
 * every figure in the bulletin is one of summary.csv (or of the savings histogram it cites). */
#include <ctype.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "switchsim/compare.h"
#include "switchsim/plot.h"
#include "switchsim/run.h"
#include "switchsim/sweep.h"
#include "table.h"
#include "switchsim/metric.h"
#include "testutil.h"

#define BASE "tests/data/model/base.ini"
#define tmp testutil_tmp

/* Values a bulletin may quote. */
struct figures {
    double *v;
    size_t n, cap;
};

static void add(struct figures *f, double x)
{
    if (!isfinite(x))
        return;
    if (f->n == f->cap) {
        f->cap = f->cap ? 2 * f->cap : 256;
        f->v = realloc(f->v, f->cap * sizeof *f->v);
        assert_non_null(f->v);
    }
    f->v[f->n++] = x;
}

static struct table read_table(const char *dir, const char *name)
{
    struct table t;
    struct error err = {0};
    const char *path = testutil_path(dir, name);
    if (table_read(&t, path, path, (size_t)1 << 30, 10000000, NULL, "", &err))
        fail_msg("cannot read %s: %s", path, err.message);
    return t;
}

static double cell(const struct table *t, size_t row, const char *column)
{
    int c = table_column(t, column);
    assert_true(c >= 0);
    const char *s = table_cell(t, row, (size_t)c);
    return *s ? strtod(s, NULL) : NAN;
}

/* Every mean, CI bound and count of summary.csv, the round numbers, the gap between the
 * market's best tariff and the winning one, and the savings histogram's mean and median. */
static struct figures figures_of(const char *dir, double *switched_all)
{
    struct figures f = {0};
    struct table t = read_table(dir, "summary.csv");
    double best = NAN, win = NAN;
    int rounds = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        const char *round = table_cell(&t, r, (size_t)table_column(&t, "round"));
        const char *metric = table_cell(&t, r, (size_t)table_column(&t, "metric"));
        const char *cols[] = {"mean", "ci95_low", "ci95_high", "n", "pi90_low", "pi90_high"};
        for (size_t k = 0; k < 6; k++)
            add(&f, cell(&t, r, cols[k]));
        if (strcmp(round, "all") == 0) {
            if (!strcmp(metric, "market_best_cost"))
                best = cell(&t, r, "mean");
            if (!strcmp(metric, "winning_annual_cost"))
                win = cell(&t, r, "mean");
            if (!strcmp(metric, "switched"))
                *switched_all = cell(&t, r, "mean");
        } else if (atoi(round) > rounds) {
            rounds = atoi(round);
        }
    }
    table_cleanup(&t);
    for (int r = 1; r <= rounds; r++)
        add(&f, r);
    add(&f, 0.95); /* the levels: "95% CI", "90% forecast ranges" */
    add(&f, 0.90);
    add(&f, fabs(best - win));
    t = read_table(dir, "savings_hist.csv");
    double total = 0, sum = 0, under = 0;
    for (size_t r = 0; r < t.nrow; r++) {
        double lo = cell(&t, r, "bin_low"), hi = cell(&t, r, "bin_high"), n = cell(&t, r, "count");
        total += n;
        if (isinf(lo))
            under += n;
        else if (isinf(hi))
            sum += n * lo; /* the overflow row counts at its lower end */
        else
            sum += n * (lo + hi) / 2;
    }
    add(&f, sum / total);
    double acc = under;
    for (size_t r = 0; r < t.nrow; r++) {
        double lo = cell(&t, r, "bin_low"), hi = cell(&t, r, "bin_high"), n = cell(&t, r, "count");
        if (isinf(lo) || isinf(hi))
            continue;
        if (acc + n >= total / 2 && n > 0) {
            add(&f, lo + (total / 2 - acc) / n * (hi - lo));
            break;
        }
        acc += n;
    }
    table_cleanup(&t);
    return f;
}

/* A figure as printed: its value and how far the printing may have rounded it. */
struct printed {
    double value, half;
    size_t len;
};

/* Reads a figure at s ("5,556", "£1.56m", "£374,000", "25.4%", "0.02", "-£4"). */
static struct printed read_figure(const char *s)
{
    const char *p = s;
    bool money = false, negative = false;
    if (*p == '-')
        negative = true, p++;
    if (!strncmp(p, "£", 2))
        money = true, p += 2;
    char digits[64];
    size_t n = 0, decimals = 0;
    bool point = false;
    for (;
         (isdigit((unsigned char)*p) || *p == ',' || (*p == '.' && isdigit((unsigned char)p[1]))) &&
         n < sizeof digits - 1;
         p++) {
        if (*p == ',')
            continue;
        if (point)
            decimals++;
        if (*p == '.')
            point = true;
        digits[n++] = *p;
    }
    digits[n] = '\0';
    struct printed f = {strtod(digits, NULL), 0.5 * pow(10, -(double)decimals), 0};
    /* sentences round to two significant figures from 1,000: "5,500" is 5,450 to 5,550 */
    size_t zeros = 0;
    while (!point && f.value >= 1000 && zeros < n && digits[n - 1 - zeros] == '0')
        zeros++;
    if (zeros)
        f.half = 0.5 * pow(10, (double)zeros);
    if (money && !strncmp(p, " million", 8))
        f.value *= 1e6, f.half *= 1e6, p += 8;
    else if (*p == 'm' && money)
        f.value *= 1e6, f.half *= 1e6, p++;
    else if (*p == '%')
        f.value /= 100, f.half /= 100, p++;
    else if (money && f.value >= 1e5)
        f.half = 500; /* large sums are printed to the nearest thousand */
    if (negative)
        f.value = -f.value;
    f.len = (size_t)(p - s);
    return f;
}

static bool quoted(const struct figures *f, struct printed x)
{
    for (size_t i = 0; i < f->n; i++)
        if (fabs(f->v[i] - x.value) <= x.half * (1 + 1e-9) + 1e-9 ||
            fabs(fabs(f->v[i]) - fabs(x.value)) <= x.half * (1 + 1e-9) + 1e-9)
            return true;
    return false;
}

/* Every figure in the bulletin's sentences and table (not its title, not image lines) is
 * one of the figures; returns how many were checked. */
static size_t check_bulletin(const char *md, const struct figures *f)
{
    size_t checked = 0;
    for (const char *line = md; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        bool skip = !strncmp(line, "# ", 2) || !strncmp(line, "![", 2) ||
                    !strncmp(line, "**How to read the ranges.**", 27); /* words, no results */
        for (size_t i = 0; i < len && !skip; i++) {
            bool starts = isdigit((unsigned char)line[i]) || !strncmp(line + i, "£", 2);
            if (!starts || (i > 0 && (isalnum((unsigned char)line[i - 1]) || line[i - 1] == '.')))
                continue;
            struct printed x = read_figure(line + i - (i > 0 && line[i - 1] == '-' ? 1 : 0));
            if (!quoted(f, x))
                fail_msg("the bulletin says %.*s, which is no figure of the results:\n%.*s",
                         (int)x.len, line + i, (int)len, line);
            checked++;
            i += x.len;
        }
        line = end ? end + 1 : line + len;
    }
    return checked;
}

static void assert_charts(const char *dir, const char *const *charts, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char name[96];
        snprintf(name, sizeof name, "%s.png", charts[k]);
        char *png = testutil_read(testutil_path(dir, name));
        if (!png || strncmp(png, "\x89PNG", 4) != 0)
            fail_msg("chart %s/%s was not made", dir, name);
        free(png);
    }
}

static void plot(const char *res, const char *out)
{
    struct plot_list made = {0};
    struct error err = {0};
    if (plot_results(res, out, "png", &made, &err))
        fail_msg("plot %s: %s", res, err.message);
    plot_list_cleanup(&made);
}

/* A real run of one scenario, plotted: the five run charts, and a bulletin whose figures are
 * the run's own. */
static void run_and_plot(const char *scenario, int replications)
{
    char res[200], out[200];
    snprintf(res, sizeof res, "%s/run-%d", tmp, replications);
    snprintf(out, sizeof out, "%s/plots-%d", tmp, replications);
    struct settings s = {.jobs = 2, .replications = replications, .out_dir = res};
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario(scenario, &s, &r, &err), 0);
    run_result_cleanup(&r);
    plot(res, out);
    const char *charts[] = {"savings", "switched", "timeline", "conversion", "tariff"};
    assert_charts(out, charts, 5);
    double switched = NAN;
    struct figures f = figures_of(res, &switched);
    char *md = testutil_read(testutil_path(out, "bulletin.md"));
    size_t checked = check_bulletin(md, &f);
    print_message("%s: %zu figures in the bulletin, each one of the results\n", scenario, checked);
    assert_true(checked >= 20);
    /* the lead sentence names the switched mean as a forecast, rounded as metric_about
     * rounds it for sentences */
    int found = 0;
    for (int extra = 0; extra <= 3 && !found; extra++) {
        char about[64], lead[128];
        metric_about(about, sizeof about, switched, UNIT_COUNT, extra);
        snprintf(lead, sizeof lead, "expect about %s households to switch supplier", about);
        found = strstr(md, lead) != NULL;
    }
    if (!found)
        fail_msg("no lead sentence for %.0f households switching:\n%s", switched, md);
    free(md);
    free(f.v);
}

static void test_run_one_round(void **state)
{
    (void)state;
    run_and_plot("scenarios/lga-2015-02.ini", 12);
}

static void test_run_four_rounds(void **state)
{
    (void)state;
    run_and_plot("scenarios/year-rising-costs.ini", 6);
}

/* A real one-key sweep gives a chart per headline metric; a real compare its chart. */
static void test_sweep_and_compare(void **state)
{
    (void)state;
    char res[200], out[200];
    snprintf(res, sizeof res, "%s/sweep", tmp);
    snprintf(out, sizeof out, "%s/sweep-plots", tmp);
    struct sweep sw = {0};
    struct error err = {0};
    assert_int_equal(sweep_add(&sw, "paper.clerks=1,2,4", &err), 0);
    struct settings s = {.jobs = 2, .replications = 3, .out_dir = res};
    struct sweep_result sr;
    assert_int_equal(sweep_run(BASE, &sw, &s, &sr, &err), 0);
    sweep_cleanup(&sw);
    plot(res, out);
    for (int m = 0; m < M_COUNT; m++)
        if (metric_info((enum metric)m)->headline) {
            char chart[96];
            snprintf(chart, sizeof chart, "sweep_%s", metric_name((enum metric)m));
            const char *one[] = {chart};
            assert_charts(out, one, 1);
        }

    snprintf(res, sizeof res, "%s/compare", tmp);
    snprintf(out, sizeof out, "%s/compare-plots", tmp);
    s.out_dir = res;
    struct compare_result cr;
    assert_int_equal(compare_run("scenarios/lga-2015-02.ini",
                                 "scenarios/lga-2015-02-three-reminders.ini", &s, &cr, &err),
                     0);
    compare_result_cleanup(&cr);
    plot(res, out);
    const char *charts[] = {"compare"};
    assert_charts(out, charts, 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_one_round),
        cmocka_unit_test(test_run_four_rounds),
        cmocka_unit_test(test_sweep_and_compare),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
