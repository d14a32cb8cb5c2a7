/* compare.c - paired differences between two scenarios run on common random numbers. */
#include <math.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
    stats_summary(x, n, 1, scratch, &out->a);
    stats_summary(y, n, 1, scratch, &out->b);
    for (size_t i = 0; i < n; i++)
        x[i] = y[i] - x[i]; /* NaN when either is */
    stats_summary(x, n, 1, scratch, &out->diff);
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
    fprintf(out, "B - A: %s minus %s, %d paired replications (common random numbers)\n", name_b,
            name_a, a->replications < b->replications ? a->replications : b->replications);
    fprintf(out, "  %-20s %12s %12s %12s  %s\n", "metric", "A", "B", "B - A", "95% CI of B - A");
    for (int m = 0; m < M_COUNT; m++) {
        if (!metric_info((enum metric)m)->headline)
            continue;
        struct compare_row r;
        compare_metric(a, b, (enum metric)m, &r);
        bool distinct = r.diff.ci_low > 0 || r.diff.ci_high < 0;
        char x[4][64], ci[160];
        snprintf(ci, sizeof ci, "[%s, %s]", readable(x[3], sizeof x[3], r.diff.ci_low, false),
                 readable(x[2], sizeof x[2], r.diff.ci_high, false));
        fprintf(out, "  %-20s %12s %12s %12s  %-26s%s\n", metric_name((enum metric)m),
                readable(x[0], sizeof x[0], r.a.mean, false),
                readable(x[1], sizeof x[1], r.b.mean, false),
                readable(x[2], sizeof x[2], r.diff.mean, true), ci,
                isnan(r.diff.ci_low) ? ""
                : distinct           ? "  distinguishable from 0"
                                     : "  not distinguishable from 0");
    }
}

static void write_compare_file(FILE *f, size_t k, const void *ctx)
{
    const struct compare_result *r = ctx;
    int pairs =
        r->ex_a.replications < r->ex_b.replications ? r->ex_a.replications : r->ex_b.replications;
    if (k == 0) {
        compare_write_csv(&r->ex_a, &r->ex_b, f);
    } else if (k < 3) {
        /* what was compared, for running it again exactly: the pairs that finished */
        struct scenario done = *(k == 1 ? r->a : r->b);
        done.scenario.replications = pairs;
        scenario_write(&done, f);
    } else {
        fprintf(f, "interrupted: these results pair the %d replications that finished\n", pairs);
    }
}

/* Loads and prepares one side; B takes A's seed and replications (common random numbers). */
static int compare_side(const char *path, const struct settings *s, const struct scenario *a,
                        struct scenario **sc, struct model_setup *setup, struct error *err)
{
    struct settings b = *s;
    if (a) {
        b.has_seed = true;
        b.seed = a->scenario.seed;
        b.replications = a->scenario.replications;
    }
    if (!(*sc = settings_load(path, &b, NULL, 0, err)))
        return -1;
    return model_setup_init(setup, *sc, err);
}

int compare_run(const char *path_a, const char *path_b, const struct settings *s,
                struct compare_result *out, struct error *err)
{
    *out = (struct compare_result){0};
    struct model_setup setup[2];
    int ready = 0, rc = 0;
    if (compare_side(path_a, s, NULL, &out->a, &setup[0], err) == 0) {
        ready = 1;
        if (compare_side(path_b, s, out->a, &out->b, &setup[1], err) == 0)
            ready = 2;
    }
    if (ready < 2)
        rc = -1;
    else if (out->a->scenario.rounds != out->b->scenario.rounds)
        rc = error_set(err, ERROR_INPUT, path_b, 0, "scenario.rounds",
                       "B has %d rounds and A %d: compare needs the same rounds to pair them",
                       out->b->scenario.rounds, out->a->scenario.rounds);
    struct experiment *ex[2] = {&out->ex_a, &out->ex_b};
    const struct scenario *sc[2] = {out->a, out->b};
    struct output_set set = {.fd = -1};
    if (rc == 0) {
        char both[2 * SCENARIO_NAME_MAX + 8];
        snprintf(both, sizeof both, "%s-vs-%s", sc[0]->scenario.name, sc[1]->scenario.name);
        if (s->out_dir
                ? snprintf(out->dir, sizeof out->dir, "%s", s->out_dir) >= (int)sizeof out->dir
                : output_folder("results", both, out->dir, sizeof out->dir))
            rc = error_set(err, ERROR_INPUT, "-o", 0, "", "the folder name is too long");
        else
            rc = output_set_hold(out->dir, &set, err);
    }
    for (int k = 0; k < 2 && rc == 0; k++) {
        struct experiment_options eo = experiment_options_of(s, sc[k]->scenario.name);
        if (experiment_run(&setup[k], sc[0]->scenario.seed, sc[0]->scenario.replications, &eo,
                           ex[k], err)) {
            /* Interrupted while B ran: the replications both finished still pair up. */
            out->partial = k == 1 && err->kind == ERROR_INTERRUPTED && ex[1]->replications > 0;
            if (!out->partial)
                rc = -1;
        }
    }
    for (int k = 0; k < ready; k++)
        model_setup_cleanup(&setup[k]);
    if (rc) {
        output_set_release(&set);
        return -1;
    }
    const char *names[] = {"compare.csv", "scenario.ini", "scenario_b.ini", "PARTIAL"};
    struct error werr = {0};
    rc = output_set_write(&set, out->partial ? 4 : 3, names, write_compare_file, out, &werr);
    output_set_release(&set);
    if (rc) {
        out->partial = false;
        *err = werr;
        return -1;
    }
    return out->partial ? -1 : 0; /* when partial, err says interrupted */
}

void compare_result_cleanup(struct compare_result *r)
{
    experiment_cleanup(&r->ex_a);
    experiment_cleanup(&r->ex_b);
    scenario_destroy(r->a);
    scenario_destroy(r->b);
    *r = (struct compare_result){0};
}
