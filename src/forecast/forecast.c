/* forecast.c - a live forecast during a campaign: the sign-ups so far (and the auction's
 * result) to where registrations and switches will end, with their ranges. Its parts live
 * beside it: signups.c (the observed files and the posterior), backtest.c; they share
 * forecast_int.h. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "forecast_int.h"
#include "switchsim/output.h"
#include "switchsim/results.h"

/* The metric each figure is (sign-ups count paper forms when received, not when entered). */
static const enum metric figure_metric[FORECAST_COUNT] = {
    M_REGISTERED, M_REGISTERED_PAPER, M_SWITCHED, M_CONVERSION, M_SAVING_MEAN, M_SAVING_TOTAL};

const char *forecast_figure_name(enum forecast_figure f)
{
    return metric_name(figure_metric[f]);
}

/* The last day of round 1 (its sign-ups and switches), exclusive. */
static size_t round_days(const struct scenario *sc, size_t days)
{
    if (sc->scenario.rounds > 1 && sc->scenario.interval_days < (double)days)
        return (size_t)sc->scenario.interval_days;
    return days;
}

/* Figure f of replication i of a forecast (round 1). */
static double figure_of(const struct experiment *ex, const struct scenario *sc, size_t days, int i,
                        enum forecast_figure f)
{
    const struct replication *r = &ex->reps[i];
    double online = 0, paper = 0;
    for (size_t d = 0; d < round_days(sc, days); d++) {
        online += r->days[d * DAY_COUNT + DAY_ONLINE];
        paper += r->days[d * DAY_COUNT + DAY_PAPER_RECEIVED];
    }
    switch (f) {
    case FORECAST_REGISTERED: return online + paper;
    case FORECAST_REGISTERED_PAPER: return paper;
    case FORECAST_SWITCHED: return r->metrics[M_SWITCHED];
    case FORECAST_CONVERSION:
        return online + paper > 0 ? r->metrics[M_SWITCHED] / (online + paper) : NAN;
    case FORECAST_SAVING_MEAN: return r->metrics[M_SAVING_MEAN];
    case FORECAST_SAVING_TOTAL:
    default: return r->metrics[M_SAVING_TOTAL];
    }
}

/* The forecast's rows: quantiles over replications, and what is observed so far. */
static int forecast_rows(struct forecast_result *out, const struct observation *o)
{
    const struct experiment *ex = &out->ex;
    size_t n = (size_t)ex->replications;
    double *x = malloc((n + 1) * sizeof *x);
    if (!x)
        return -1;
    for (int f = 0; f < FORECAST_COUNT; f++) {
        for (size_t i = 0; i < n; i++)
            x[i] = figure_of(ex, out->sc, ex->totals.days, (int)i, (enum forecast_figure)f);
        struct forecast_row *row = &out->rows[f];
        row->median = forecast_quantile(x, n, 0.5);
        row->lo50 = forecast_quantile(x, n, 0.25);
        row->hi50 = forecast_quantile(x, n, 0.75);
        row->lo90 = forecast_quantile(x, n, 0.05);
        row->hi90 = forecast_quantile(x, n, 0.95);
        row->observed = f == FORECAST_REGISTERED         ? o->n_online + o->n_paper
                        : f == FORECAST_REGISTERED_PAPER ? o->n_paper
                                                         : NAN;
    }
    free(x);
    return 0;
}

/* ---- the files ---- */

struct forecast_files {
    const struct forecast_result *r;
    const struct observation *o;
};

static void write_forecast_csv(FILE *f, const struct forecast_result *r)
{
    fputs("metric,observed,median,lo50,hi50,lo90,hi90\n", f);
    for (int k = 0; k < FORECAST_COUNT; k++) {
        const struct forecast_row *row = &r->rows[k];
        fputs(forecast_figure_name((enum forecast_figure)k), f);
        double v[] = {row->observed, row->median, row->lo50, row->hi50, row->lo90, row->hi90};
        for (size_t c = 0; c < 6; c++) {
            fputc(',', f);
            output_csv_number(f, v[c]);
        }
        fputc('\n', f);
    }
}

/* fan.csv: per day, the observed cumulative sign-ups (while observed) and the forecast's
 * quantiles of cumulative sign-ups and switches. */
static void write_fan_csv(FILE *f, const struct forecast_result *r, const struct observation *o)
{
    static const double q[] = {0.05, 0.25, 0.5, 0.75, 0.95};
    const struct experiment *ex = &r->ex;
    size_t n = (size_t)ex->replications, days = round_days(r->sc, ex->totals.days);
    fputs("day,observed_registered,registered_p05,registered_p25,registered_p50,registered_p75,"
          "registered_p95,switched_p05,switched_p25,switched_p50,switched_p75,switched_p95\n",
          f);
    double *cum_reg = calloc(n + 1, sizeof *cum_reg), *cum_sw = calloc(n + 1, sizeof *cum_sw);
    double *x = malloc((n + 1) * sizeof *x);
    double observed = 0;
    if (!cum_reg || !cum_sw || !x) {
        free(cum_reg);
        free(cum_sw);
        free(x);
        return; /* out of memory: the file is cut short, which its write reports */
    }
    for (size_t d = 0; d < days; d++) {
        for (size_t i = 0; i < n; i++) {
            const uint32_t *day = &ex->reps[i].days[d * DAY_COUNT];
            cum_reg[i] += day[DAY_ONLINE] + day[DAY_PAPER_RECEIVED];
            cum_sw[i] += day[DAY_SWITCHED];
        }
        fprintf(f, "%zu,", d);
        if ((int)d < o->m.days) {
            observed += o->online[d] + o->paper[d];
            output_csv_number(f, observed);
        }
        for (int s = 0; s < 2; s++)
            for (size_t k = 0; k < sizeof q / sizeof *q; k++) {
                memcpy(x, s ? cum_sw : cum_reg, n * sizeof *x);
                fputc(',', f);
                output_csv_number(f, forecast_quantile(x, n, q[k]));
            }
        fputc('\n', f);
    }
    free(cum_reg);
    free(cum_sw);
    free(x);
}

static void write_file(FILE *f, size_t k, const void *ctx)
{
    const struct forecast_files *x = ctx;
    if (k == 0)
        write_forecast_csv(f, x->r);
    else
        write_fan_csv(f, x->r, x->o);
}

int forecast_run(const char *path, const char *signups, const char *auction,
                 const struct settings *s, struct forecast_result *out, struct error *err)
{
    *out = (struct forecast_result){0};
    struct observation o = {0};
    if (!(out->sc = settings_load(path, s, NULL, 0, err)))
        return -1;
    const struct scenario *sc = out->sc;
    out->window_days = (int)ceil(sc->registration.window_days);
    int rc = forecast_read_signups(sc, signups, &o, err);
    if (rc == 0 && auction)
        rc = forecast_read_auction(auction, &o, err);
    if (rc == 0)
        rc = forecast_posterior(sc, &o, err);
    out->observed_days = o.m.days;
    out->auction = o.m.auction;
    if (rc == 0) {
        double a = o.m.online_shape, b = o.m.online_rate, c = o.m.paper_shape, d = o.m.paper_rate;
        out->expected_mean = a / b + c / d;
        out->expected_sd = sqrt(a / (b * b) + c / (d * d));
        out->paper_share_mean = (c / d) / out->expected_mean;
    }
    struct output_set set = {.fd = -1};
    if (rc == 0)
        rc = settings_hold_folder(s, sc->scenario.name, "-forecast", out->dir, sizeof out->dir,
                                  &set, err);
    struct model_setup setup;
    bool ready = rc == 0 && model_setup_init(&setup, sc, err) == 0;
    if (ready) {
        setup.observed = &o.m;
        setup.keep_days = true;
        struct experiment_options eo = experiment_options_of(s, sc->scenario.name);
        rc = experiment_run(&setup, sc->scenario.seed, sc->scenario.replications, &eo, &out->ex,
                            err);
        if (rc == 0 && forecast_rows(out, &o))
            rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        const char *names[] = {"forecast.csv", "fan.csv"};
        struct forecast_files files = {out, &o};
        if (rc == 0)
            rc = results_write_with(&out->ex, sc, &set, false, 2, names, write_file, &files, err);
        model_setup_cleanup(&setup);
    } else if (rc == 0) {
        rc = -1;
    }
    output_set_release(&set);
    forecast_observation_cleanup(&o);
    return rc;
}

void forecast_result_cleanup(struct forecast_result *r)
{
    experiment_cleanup(&r->ex);
    scenario_destroy(r->sc);
    *r = (struct forecast_result){0};
}

/* ---- for people ---- */

/* A figure for people, printed as every other command prints that metric. */
static char *figure(char *buf, size_t size, double x, enum forecast_figure f)
{
    return metric_figure(buf, size, x, metric_info(figure_metric[f])->unit, false);
}

void forecast_print(const struct forecast_result *r, FILE *out)
{
    char a[48], b[48], c[48], d[48], e[48], g[48];
    fprintf(out,
            "%s: forecast from %d day%s of sign-ups%s, %d replications\n"
            "  expected sign-ups (posterior) %s, sd %s; paper share %.1f%%\n",
            r->sc->scenario.name, r->observed_days, r->observed_days == 1 ? "" : "s",
            r->auction ? " and the auction's result" : "", r->ex.replications,
            figure(a, sizeof a, r->expected_mean, FORECAST_REGISTERED),
            figure(b, sizeof b, r->expected_sd, FORECAST_REGISTERED), 100 * r->paper_share_mean);
    output_cell(out, "  figure", 27, -1);
    output_cell(out, "so far", 12, 1);
    output_cell(out, "median", 13, 1);
    fputs("   50% range                  90% range\n", out);
    for (int k = 0; k < FORECAST_COUNT; k++) {
        const struct forecast_row *row = &r->rows[k];
        char r50[100], r90[100];
        snprintf(r50, sizeof r50, "%s to %s", figure(a, sizeof a, row->lo50, k),
                 figure(b, sizeof b, row->hi50, k));
        snprintf(r90, sizeof r90, "%s to %s", figure(c, sizeof c, row->lo90, k),
                 figure(d, sizeof d, row->hi90, k));
        fputs("  ", out);
        output_cell(out, metric_brief(figure_metric[k]), 25, -1);
        output_cell(out, figure(e, sizeof e, row->observed, k), 12, 1);
        output_cell(out, figure(a, sizeof a, row->median, k), 13, 1);
        fputs("   ", out);
        output_cell(out, r50, 27, -1);
        fprintf(out, "%s\n", r90);
    }
    const struct forecast_row *reg = &r->rows[FORECAST_REGISTERED],
                              *sw = &r->rows[FORECAST_SWITCHED];
    fprintf(out,
            "In the first %d day%s, %s households have signed up. We expect %s to %s sign-ups by\n"
            "the deadline, and %s to %s households to switch (median %s): the 90%% forecast\n"
            "range, where 9 campaigns in 10 like this one land.\n",
            r->observed_days, r->observed_days == 1 ? "" : "s", figure(a, sizeof a, reg->observed, FORECAST_REGISTERED),
            figure(b, sizeof b, reg->lo90, FORECAST_REGISTERED),
            figure(c, sizeof c, reg->hi90, FORECAST_REGISTERED),
            figure(d, sizeof d, sw->lo90, FORECAST_SWITCHED),
            figure(e, sizeof e, sw->hi90, FORECAST_SWITCHED),
            figure(g, sizeof g, sw->median, FORECAST_SWITCHED));
}
