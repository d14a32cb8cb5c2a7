/* backtest.c - how well live forecasts cover the truth, on synthetic campaigns drawn from the
 * forecast's own prior (split off forecast.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast_int.h"
#include "switchsim/output.h"

/* Sign-ups (online and paper received) and switches of replication i of ex, in round 1. */
static void truth_of(const struct experiment *ex, const struct scenario *sc, int i,
                     double *registered, double *switched)
{
    const struct replication *r = &ex->reps[i];
    size_t days = ex->totals.days;
    if (sc->scenario.rounds > 1 && sc->scenario.interval_days < (double)days)
        days = (size_t)sc->scenario.interval_days;
    *registered = 0;
    for (size_t d = 0; d < days; d++)
        *registered +=
            r->days[d * DAY_COUNT + DAY_ONLINE] + r->days[d * DAY_COUNT + DAY_PAPER_RECEIVED];
    *switched = r->metrics[M_SWITCHED];
}

/* One forecast of campaign c (replication c of truths) from its first k days: whether its
 * 50% and 90% ranges of sign-ups and switches hold the truth, its errors and width. */
struct verdict {
    bool in50[2], in90[2];
    double abs_error[2], width90[2]; /* registered, switched */
};

static int forecast_one(const struct scenario *sc, const struct experiment *truths, int c, int k,
                        const struct settings *s, struct verdict *v, struct error *err)
{
    struct observation o = {0};
    if (!(o.online = calloc((size_t)k, sizeof *o.online)) ||
        !(o.paper = calloc((size_t)k, sizeof *o.paper))) {
        forecast_observation_cleanup(&o);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    const uint32_t *day = truths->reps[c].days;
    for (int d = 0; d < k; d++) {
        o.online[d] = day[(size_t)d * DAY_COUNT + DAY_ONLINE];
        o.paper[d] = day[(size_t)d * DAY_COUNT + DAY_PAPER_RECEIVED];
        o.n_online += o.online[d];
        o.n_paper += o.paper[d];
    }
    o.m.days = k;
    o.m.online = o.online;
    o.m.paper = o.paper;
    struct model_setup setup;
    int rc = forecast_posterior(sc, &o, err);
    if (rc == 0 && (rc = model_setup_init(&setup, sc, err)) == 0) {
        setup.observed = &o.m;
        setup.keep_days = true;
        struct experiment ex = {0};
        struct experiment_options eo = experiment_options_of(s, sc->scenario.name);
        eo.progress = NULL;
        /* each campaign's forecast on its own seed, apart from the truths' */
        uint64_t seed = sc->scenario.seed + 1000003u * (uint64_t)(c + 1);
        rc = experiment_run(&setup, seed, sc->scenario.replications, &eo, &ex, err);
        size_t n = (size_t)ex.replications;
        double *x = rc == 0 ? malloc(2 * (n + 1) * sizeof *x) : NULL;
        if (rc == 0 && !x)
            rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        if (rc == 0) {
            double truth[2];
            truth_of(truths, sc, c, &truth[0], &truth[1]);
            for (size_t i = 0; i < n; i++)
                truth_of(&ex, sc, (int)i, &x[i], &x[n + 1 + i]);
            for (int f = 0; f < 2; f++) {
                double *y = &x[(size_t)f * (n + 1)];
                double q05 = forecast_quantile(y, n, 0.05), q25 = forecast_quantile(y, n, 0.25),
                       q50 = forecast_quantile(y, n, 0.5), q75 = forecast_quantile(y, n, 0.75),
                       q95 = forecast_quantile(y, n, 0.95);
                v->in50[f] = truth[f] >= q25 && truth[f] <= q75;
                v->in90[f] = truth[f] >= q05 && truth[f] <= q95;
                v->abs_error[f] = fabs(q50 - truth[f]);
                v->width90[f] = q95 - q05;
            }
        }
        free(x);
        experiment_cleanup(&ex);
        model_setup_cleanup(&setup);
    }
    forecast_observation_cleanup(&o);
    return rc;
}

static double median_of(double *x, size_t n)
{
    return forecast_quantile(x, n, 0.5);
}

struct backtest_files {
    const struct backtest_result *r;
};

static void write_backtest(FILE *f, size_t k, const void *ctx)
{
    const struct backtest_result *r = ctx;
    (void)k;
    fputs("day,coverage50,coverage90,median_abs_error_registered,median_abs_error_switched,"
          "width90_switched,coverage50_registered,coverage90_registered,coverage50_switched,"
          "coverage90_switched,width90_registered\n",
          f);
    for (size_t d = 0; d < r->n_days; d++) {
        const struct backtest_day *b = &r->days[d];
        fprintf(f, "%d", b->day);
        double v[] = {b->coverage50,
                      b->coverage90,
                      b->median_abs_error_registered,
                      b->median_abs_error_switched,
                      b->width90_switched,
                      b->coverage50_registered,
                      b->coverage90_registered,
                      b->coverage50_switched,
                      b->coverage90_switched,
                      b->width90_registered};
        for (size_t c = 0; c < sizeof v / sizeof *v; c++) {
            fputc(',', f);
            output_csv_number(f, v[c]);
        }
        fputc('\n', f);
    }
}

int backtest_run(const char *path, const int *days, size_t n_days, int campaigns,
                 const struct settings *s, struct backtest_result *out, struct error *err)
{
    *out = (struct backtest_result){.campaigns = campaigns, .n_days = n_days};
    struct scenario *sc = settings_load(path, s, NULL, 0, err);
    if (!sc)
        return -1;
    snprintf(out->name, sizeof out->name, "%s", sc->scenario.name);
    out->replications = sc->scenario.replications;
    int window = (int)ceil(sc->registration.window_days), rc = 0;
    for (size_t d = 0; d < n_days && rc == 0; d++)
        if (days[d] > window)
            rc = error_set(err, ERROR_INPUT, "--days", 0, "",
                           "day %d is beyond the registration window (%d days)", days[d], window);
    struct output_set set = {.fd = -1};
    if (rc == 0)
        rc = settings_hold_folder(s, sc->scenario.name, "-backtest", out->dir, sizeof out->dir,
                                  &set, err);
    /* The truths: campaigns drawn from the forecast's prior (a forecast from no day), each
     * replication one campaign. */
    struct observation prior = {0};
    struct model_setup setup;
    struct experiment truths = {0};
    if (rc == 0)
        rc = forecast_posterior(sc, &prior, err);
    if (rc == 0 && (rc = model_setup_init(&setup, sc, err)) == 0) {
        setup.observed = &prior.m;
        setup.keep_days = true;
        struct experiment_options eo = experiment_options_of(s, sc->scenario.name);
        eo.progress = NULL;
        rc = experiment_run(&setup, sc->scenario.seed, campaigns, &eo, &truths, err);
        model_setup_cleanup(&setup);
    }
    size_t nc = (size_t)campaigns;
    struct verdict *v = rc == 0 ? calloc(nc * n_days, sizeof *v) : NULL;
    double *scratch = rc == 0 ? malloc((nc + 1) * sizeof *scratch) : NULL;
    if (rc == 0 && (!v || !scratch))
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    long done = 0, total = (long)(nc * n_days);
    for (size_t c = 0; c < nc && rc == 0; c++)
        for (size_t d = 0; d < n_days && rc == 0; d++) {
            rc = forecast_one(sc, &truths, (int)c, days[d], s, &v[c * n_days + d], err);
            if (rc == 0 && s->progress) {
                done++;
                struct progress p = {.label = "backtest",
                                     .unit = "forecasts",
                                     .done = done,
                                     .total = total,
                                     .done_here = done};
                s->progress(s->progress_ctx, &p);
            }
        }
    for (size_t d = 0; d < n_days && rc == 0; d++) {
        struct backtest_day *b = &out->days[d];
        double in50[2] = {0}, in90[2] = {0};
        b->day = days[d];
        for (size_t c = 0; c < nc; c++)
            for (int f = 0; f < 2; f++) {
                in50[f] += v[c * n_days + d].in50[f];
                in90[f] += v[c * n_days + d].in90[f];
            }
        b->coverage50_registered = in50[0] / (double)nc;
        b->coverage50_switched = in50[1] / (double)nc;
        b->coverage90_registered = in90[0] / (double)nc;
        b->coverage90_switched = in90[1] / (double)nc;
        b->coverage50 = (in50[0] + in50[1]) / (2.0 * (double)nc);
        b->coverage90 = (in90[0] + in90[1]) / (2.0 * (double)nc);
        double *medians[4] = {&b->median_abs_error_registered, &b->median_abs_error_switched,
                              &b->width90_registered, &b->width90_switched};
        for (int f = 0; f < 4; f++) {
            for (size_t c = 0; c < nc; c++)
                scratch[c] = f < 2 ? v[c * n_days + d].abs_error[f] : v[c * n_days + d].width90[f - 2];
            *medians[f] = median_of(scratch, nc);
        }
    }
    const char *names[] = {"backtest.csv"};
    if (rc == 0)
        rc = output_set_write(&set, 1, names, write_backtest, out, err);
    output_set_release(&set);
    free(v);
    free(scratch);
    experiment_cleanup(&truths);
    forecast_observation_cleanup(&prior);
    scenario_destroy(sc);
    return rc;
}

void backtest_print(const struct backtest_result *r, FILE *out)
{
    char a[48], b[48], c[48], w[48];
    fprintf(out,
            "%s: %d synthetic campaigns, each forecast with %d replications from its first k "
            "days\n",
            r->name, r->campaigns, r->replications);
    fprintf(out, "  %4s  %-22s %-22s %-22s %s\n", "day", "50% ranges cover", "90% ranges cover",
            "median error", "90% range, median width");
    fprintf(out, "  %4s  %-22s %-22s %-22s %s\n", "", "(registered/switched)",
            "(registered/switched)", "(registered/switched)", "(registered/switched)");
    for (size_t d = 0; d < r->n_days; d++) {
        const struct backtest_day *x = &r->days[d];
        char c50[64], c90[64], e[100];
        snprintf(c50, sizeof c50, "%.0f%% / %.0f%%", 100 * x->coverage50_registered,
                 100 * x->coverage50_switched);
        snprintf(c90, sizeof c90, "%.0f%% / %.0f%%", 100 * x->coverage90_registered,
                 100 * x->coverage90_switched);
        snprintf(e, sizeof e, "%s / %s",
                 output_number(a, sizeof a, x->median_abs_error_registered, 0),
                 output_number(b, sizeof b, x->median_abs_error_switched, 0));
        fprintf(out, "  %4d  %-22s %-22s %-22s %s / %s\n", x->day, c50, c90, e,
                output_number(w, sizeof w, x->width90_registered, 0),
                output_number(c, sizeof c, x->width90_switched, 0));
    }
}
