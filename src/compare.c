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

void compare_print(const struct experiment *a, const struct experiment *b, const char *name_a,
                   const char *name_b, FILE *out)
{
    fprintf(out, "A: %s\nB: %s\n%d paired replications (common random numbers)\n", name_a,
            name_b, a->replications < b->replications ? a->replications : b->replications);
    output_cell(out, "  ", 27, -1);
    output_cell(out, "A", 12, 1);
    output_cell(out, "B", 13, 1);
    output_cell(out, "B - A", 14, 1);
    fputs("   95% CI of B - A\n", out);
    bool any_share = false;
    for (int m = 0; m < M_COUNT; m++) {
        const struct metric_info *info = metric_info((enum metric)m);
        if (!info->headline)
            continue;
        struct compare_row r;
        compare_metric(a, b, (enum metric)m, &r);
        bool distinct = r.diff.ci_low > 0 || r.diff.ci_high < 0;
        char x[5][64], ci[160] = "";
        enum metric_unit u = info->unit;
        any_share |= u == UNIT_SHARE;
        if (r.diff.ci_low == 0 && r.diff.ci_high == 0) {
            snprintf(ci, sizeof ci, "the same in every pair");
        } else if (!isnan(r.diff.ci_low)) {
            metric_figure(x[3], sizeof x[3], r.diff.ci_low, u, true);
            if (u == UNIT_SHARE) /* "+1.2 to +1.4 points" */
                x[3][strcspn(x[3], " ")] = '\0';
            snprintf(ci, sizeof ci, "%s to %s%s", x[3],
                     metric_figure(x[4], sizeof x[4], r.diff.ci_high, u, true),
                     distinct ? "" : "  (no clear difference)");
        }
        fputs("  ", out);
        output_cell(out, metric_brief((enum metric)m), 25, -1);
        output_cell(out, metric_figure(x[0], sizeof x[0], r.a.mean, u, false), 12, 1);
        output_cell(out, metric_figure(x[1], sizeof x[1], r.b.mean, u, false), 13, 1);
        output_cell(out, metric_figure(x[2], sizeof x[2], r.diff.mean, u, true), 14, 1);
        fprintf(out, "   %s\n", ci);
    }
    fprintf(out,
            "Means over the replications; B - A is their paired difference, and its 95%% CI says\n"
            "how precisely the replications pin it down.%s\n",
            any_share ? "\nDifferences of percentages are in percentage points." : "");
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
    char vs_b[SCENARIO_NAME_MAX + 8];
    snprintf(vs_b, sizeof vs_b, "-vs-%s", rc == 0 ? out->b->scenario.name : "");
    struct experiment *ex[2] = {&out->ex_a, &out->ex_b};
    const struct scenario *sc[2] = {out->a, out->b};
    struct output_set set = {.fd = -1};
    if (rc == 0 && (settings_hold_folder(s, out->a->scenario.name, vs_b, out->dir,
                                         sizeof out->dir, &set, err) ||
                    settings_check_folder(s, out->dir, "scenario.ini", out->a, err) ||
                    settings_check_folder(s, out->dir, "scenario_b.ini", out->b, err)))
        rc = -1;
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
