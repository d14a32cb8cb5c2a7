/* forecast.h - a live forecast during a campaign: the sign-ups so far (and the auction's
 * result, once known) to where registrations and switches will end, with their ranges; and
 * backtests that measure how well such forecasts cover the truth. */
#ifndef SWITCHSIM_FORECAST_H
#define SWITCHSIM_FORECAST_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/experiment.h"
#include "switchsim/settings.h"

/* The figures forecast.csv gives, in its order. */
enum forecast_figure {
    FORECAST_REGISTERED,       /* sign-ups: online registrations and paper forms received */
    FORECAST_REGISTERED_PAPER, /* paper forms received */
    FORECAST_SWITCHED,
    FORECAST_CONVERSION, /* switched / sign-ups */
    FORECAST_SAVING_MEAN,
    FORECAST_SAVING_TOTAL,
    FORECAST_COUNT
};

/* One row of forecast.csv: what is observed so far (NaN when nothing is) and the forecast's
 * median, 50% and 90% ranges (quantiles over replications). */
struct forecast_row {
    double observed, median, lo50, hi50, lo90, hi90;
};

struct forecast_result {
    struct scenario *sc; /* as loaded; owned */
    struct experiment ex;
    int observed_days; /* days of sign-ups given */
    int window_days;   /* days of the registration window */
    bool auction;      /* the auction's result was given */
    struct forecast_row rows[FORECAST_COUNT];
    double expected_mean, expected_sd; /* the posterior of round 1's expected sign-ups */
    double paper_share_mean;           /* and of its paper share */
    char dir[1100];
};

/* Reads SIGNUPS.csv (header day,online,paper: one row per day from day 0, each day once and
 * in order, within the registration window: online registrations made that day and paper
 * forms received that day) and, when auction is not NULL, AUCTION.csv (header
 * lot,winning_annual_cost; lot direct_debit, standard_credit or prepayment, each at most
 * once; a lot not listed failed). Round 1's online and paper registration rates get Gamma
 * posteriors (prior mean registration.expected, sd registration.expected_sd, split by
 * registration.paper_share), the paper forms still in the post counted through the postal
 * delay. Each of s->replications (else scenario.replications) replications draws its rates,
 * replays the observed days as observed, simulates the rest of the window, then the auction
 * (or the observed result), offers and switching as usual, parameters drawn from the
 * scenario's uncertainty file when it names one (registration.expected and paper_share from
 * the sign-ups instead). Writes forecast.csv (metric,observed,median,lo50,hi50,lo90,hi90),
 * fan.csv (per day: observed and forecast quantiles of cumulative sign-ups and switches) and
 * the run's result files into s->out_dir or results/<name>-forecast/. Returns 0 with *out
 * filled, or -1 with *err filled (ERROR_INPUT naming FILE:LINE and column for bad files;
 * ERROR_INTERRUPTED writing nothing). *out is always safe for forecast_result_cleanup. */
int forecast_run(const char *path, const char *signups, const char *auction,
                 const struct settings *s, struct forecast_result *out, struct error *err);

/* Prints the forecast for people, leading with its ranges. */
void forecast_print(const struct forecast_result *r, FILE *out);

/* Frees what a result holds; a zeroed one is a no-op. */
void forecast_result_cleanup(struct forecast_result *r);

/* The name of forecast figure f in forecast.csv. */
const char *forecast_figure_name(enum forecast_figure f);

#define BACKTEST_MAX_DAYS 64

/* How forecasts made on day k did, over the synthetic campaigns. */
struct backtest_day {
    int day;
    double coverage50, coverage90; /* of registered and switched together */
    double coverage50_registered, coverage90_registered;
    double coverage50_switched, coverage90_switched;
    double median_abs_error_registered, median_abs_error_switched;
    double width90_switched;   /* median width of the 90% range of switched */
    double width90_registered; /* and of registered */
};

struct backtest_result {
    char name[128];
    int campaigns, replications;
    struct backtest_day days[BACKTEST_MAX_DAYS];
    size_t n_days;
    char dir[1100];
};

/* Draws `campaigns` synthetic campaigns from the scenario at path (each with its scale and
 * paper share drawn from the prior forecast_run uses, other parameters from the scenario's
 * uncertainty file when it names one), forecasts each from its first k days for every k of
 * days (with s->replications replications, else scenario.replications), and writes
 * backtest.csv (day,coverage50,coverage90,median_abs_error_registered,
 * median_abs_error_switched,width90_switched, then the coverage of each figure, then
 * width90_registered) into
 * s->out_dir or results/<name>-backtest/. Returns 0 with *out filled, or -1 with *err filled. */
int backtest_run(const char *path, const int *days, size_t n_days, int campaigns,
                 const struct settings *s, struct backtest_result *out, struct error *err);

/* Prints the backtest for people. */
void backtest_print(const struct backtest_result *r, FILE *out);

#endif
