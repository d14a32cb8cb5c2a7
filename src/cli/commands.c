/* commands.c - each command: one library call, its printout, its exit status. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "switchsim/calibrate.h"
#include "switchsim/compare.h"
#include "switchsim/forecast.h"
#include "switchsim/plot.h"
#include "switchsim/results.h"
#include "switchsim/run.h"
#include "switchsim/sweep.h"

int cli_report(const struct error *err)
{
    char line[1400];
    error_format(err, line, sizeof line);
    fprintf(stderr, "switchsim: %s\n", line);
    return err->kind == ERROR_INPUT         ? EXIT_BAD_INPUT
           : err->kind == ERROR_INTERRUPTED ? EXIT_INTERRUPTED
                                            : EXIT_OTHER;
}

static void end_progress(struct progress_line *pl)
{
    if (pl->label)
        fputc('\n', stderr);
    pl->label = NULL;
}

static int cmd_check(struct options *o)
{
    struct error err = {0};
    struct scenario *sc = settings_load(o->paths[0], &o->s, NULL, 0, &err);
    if (!sc)
        return cli_report(&err);
    scenario_write(sc, stdout);
    scenario_destroy(sc);
    return EXIT_OK;
}

static int cmd_run(struct options *o)
{
    struct error err = {0};
    struct run_result r;
    int rc = run_scenario(o->paths[0], &o->s, &r, &err);
    end_progress(&o->line);
    if (r.partial)
        fprintf(stderr, "switchsim: kept %d finished replications in %s/ (PARTIAL)\n",
                r.ex.replications, r.dir);
    if (rc == 0 && !o->quiet) {
        results_print(&r.ex, r.sc, stdout);
        precision_print(&o->s, &r.precision, r.ex.replications, stdout);
        printf("results in %s/\n", r.dir);
    }
    run_result_cleanup(&r);
    return rc ? cli_report(&err) : EXIT_OK;
}

static int cmd_compare(struct options *o)
{
    struct error err = {0};
    struct compare_result r;
    int rc = compare_run(o->paths[0], o->paths[1], &o->s, &r, &err);
    end_progress(&o->line);
    if (r.partial)
        fprintf(stderr, "switchsim: kept %d paired replications in %s/ (PARTIAL)\n",
                r.ex_b.replications, r.dir);
    if (rc == 0 && !o->quiet) {
        compare_print(&r.ex_a, &r.ex_b, r.a->scenario.name, r.b->scenario.name, stdout);
        printf("results in %s/\n", r.dir);
    }
    compare_result_cleanup(&r);
    return rc ? cli_report(&err) : EXIT_OK;
}

static int cmd_sweep(struct options *o)
{
    struct error err = {0};
    struct sweep sw = {0};
    struct sweep_result r = {0};
    int rc = 0;
    for (size_t k = 0; k < o->n_varies && rc == 0; k++)
        rc = sweep_add(&sw, o->varies[k], &err);
    if (rc == 0)
        rc = sweep_run(o->paths[0], &sw, &o->s, &r, &err);
    end_progress(&o->line);
    if (rc && err.kind == ERROR_INTERRUPTED)
        fprintf(stderr,
                "switchsim: %zu of %zu points done and kept in %s/; "
                "run the same command with --resume to finish\n",
                r.done, r.n_points, r.dir);
    if (rc == 0 && !o->quiet)
        printf("%s: %zu points, %d replications each\nresults in %s/sweep.csv\n", r.name,
               r.n_points, r.replications, r.dir);
    sweep_cleanup(&sw);
    return rc ? cli_report(&err) : EXIT_OK;
}

static int cmd_calibrate(struct options *o)
{
    struct error err = {0};
    struct calibrate_spec spec = {0};
    struct calibrate_result r = {0};
    int rc = 0;
    for (size_t k = 0; k < o->n_fits && rc == 0; k++)
        rc = calibrate_add_fit(&spec, o->fits[k], &err);
    if (rc == 0)
        rc = calibrate_run(o->paths[0], o->observed, &spec, &o->s, &r, &err);
    end_progress(&o->line);
    if (rc == 0 && !o->quiet) {
        calibrate_print(&r, stdout);
        printf("results in %s/\n", r.dir);
    }
    calibrate_result_cleanup(&r);
    return rc ? cli_report(&err) : EXIT_OK;
}

static int cmd_forecast(struct options *o)
{
    struct error err = {0};
    struct forecast_result r;
    int rc = forecast_run(o->paths[0], o->signups, o->auction, &o->s, &r, &err);
    end_progress(&o->line);
    if (rc == 0 && !o->quiet) {
        forecast_print(&r, stdout);
        printf("results in %s/\n", r.dir);
    }
    forecast_result_cleanup(&r);
    return rc ? cli_report(&err) : EXIT_OK;
}

/* --days K1,K2,...: ascending whole days >= 1. */
static int parse_days(const char *text, int *days, size_t *n)
{
    *n = 0;
    for (const char *p = text;;) {
        char *end;
        long d = strtol(p, &end, 10);
        if (end == p || d < 1 || d > 3650 || (*n > 0 && d <= days[*n - 1]) ||
            *n == BACKTEST_MAX_DAYS || (*end && *end != ','))
            return cli_bad_usage("--days %s: expected ascending whole days >= 1, e.g. 7,14,21", text);
        days[(*n)++] = (int)d;
        if (!*end)
            return EXIT_OK;
        p = end + 1;
    }
}

static int cmd_backtest(struct options *o)
{
    struct error err = {0};
    int days[BACKTEST_MAX_DAYS];
    size_t n = 0;
    int rc = parse_days(o->days, days, &n);
    if (rc)
        return rc;
    struct backtest_result r = {0};
    rc = backtest_run(o->paths[0], days, n, o->campaigns ? o->campaigns : 200, &o->s, &r, &err);
    end_progress(&o->line);
    if (rc == 0 && !o->quiet) {
        backtest_print(&r, stdout);
        printf("results in %s/\n", r.dir);
    }
    return rc ? cli_report(&err) : EXIT_OK;
}

static int cmd_plot(struct options *o)
{
    struct error err = {0};
    struct stat st;
    if (stat(o->paths[0], &st) == 0 && !S_ISDIR(st.st_mode))
        return cli_bad_usage("plot %s: plot wants a results folder (such as results/NAME/, "
                             "written by run, sweep, compare, forecast or calibrate), not a file",
                             o->paths[0]);
    char dir[1100];
    if (o->s.out_dir) {
        if ((size_t)snprintf(dir, sizeof dir, "%s", o->s.out_dir) >= sizeof dir)
            return cli_bad_usage("-o %.40s...: the folder name is too long", o->s.out_dir);
    } else if (plot_default_folder(o->paths[0], dir, sizeof dir, &err)) {
        return cli_report(&err);
    }
    struct plot_list made = {0};
    int rc = plot_results(o->paths[0], dir, o->format ? o->format : "png", &made, &err);
    size_t charts = 0;
    const char *fmt = o->format ? o->format : "png";
    for (size_t k = 0; k < made.n; k++) {
        size_t len = strlen(made.names[k]), flen = strlen(fmt);
        charts += len > flen && made.names[k][len - flen - 1] == '.' &&
                  !strcmp(made.names[k] + len - flen, fmt);
        if (o->verbose && !o->quiet)
            printf("%s\n", made.names[k]);
    }
    if (!o->quiet && !o->verbose && made.n)
        printf("%zu chart%s (%s), the bulletin and the report in %s/\n", charts,
               charts == 1 ? "" : "s", fmt, dir);
    plot_list_cleanup(&made);
    return rc ? cli_report(&err) : EXIT_OK;
}

/* ---- the commands ---- */

static int cmd_help(struct options *o)
{
    const struct cli_command *c = o->n_paths ? cli_command_find(o->paths[0]) : NULL;
    if (o->n_paths && !c)
        return cli_bad_usage("help %s: no such command", o->paths[0]);
    if (c)
        cli_command_help(c, stdout);
    else
        cli_usage(stdout);
    return EXIT_OK;
}

const struct cli_command cli_commands[] = {
    {"run", CMD_RUN, 1, 1, "SCENARIO.ini", "simulate a scenario and write its result files",
     "Simulates the scenario's replications (-r, default scenario.replications) on -j threads and "
     "writes summary.csv, replications.csv, daily.csv, savings_hist.csv, bids.csv and the fully "
     "resolved scenario.ini into results/<name>/, or results/<name>--<overrides>/ with --set "
     "(a folder per configuration: long or unusual names end in a hash of the full text). It "
     "will not write over a folder holding another configuration, say after the scenario file "
     "was edited, unless told --force. Prints, round by round, each headline figure with its 90% "
     "forecast range (where one campaign may land) and the 95% CI of its mean (how precisely the "
     "replications pin the average down). The same seed gives the same bytes whatever -j. "
     "Interrupted (Ctrl-C), it keeps the replications that finished, marked PARTIAL, and exits "
     "130.",
     cmd_run},
    {"sweep", CMD_SWEEP, 1, 1, "SCENARIO.ini --vary SECTION.KEY=VALUES [--vary ...]",
     "run a scenario over a grid of values",
     "Runs the scenario at every point of the grid the --vary options span, every point with "
     "the same seed (common random numbers), points side by side on the -j threads, and writes "
     "sweep.csv (the varied keys, then each headline metric's mean and 95% CI) into "
     "results/<name>-sweep--<the --vary specs>/, a folder per grid. Interrupted, it keeps its finished points: the same command with "
     "--resume finishes the rest, to the same bytes as an uninterrupted sweep.",
     cmd_sweep},
    {"compare", CMD_COMPARE, 2, 2, "A.ini B.ini", "paired differences of two scenarios",
     "Runs two scenarios with the same rounds on common random numbers (B with A's seed and "
     "replications: replication i of each draws from the same streams, so each household meets "
     "the same fate in both) and writes compare.csv (per metric: A's mean, B's, and the paired "
     "difference B - A with its 95% CI) with both resolved scenarios into "
     "results/<A>-vs-<B>/.",
     cmd_compare},
    {"calibrate", CMD_CALIBRATE, 1, 1, "SCENARIO.ini --observed OBSERVED.csv --fit SECTION.KEY...",
     "fit scenario keys to the published figures of past campaigns",
     "Fits the --fit keys to the observed figures (one or more campaigns) by minimising the "
     "negative log posterior (a Gaussian likelihood, Gaussian priors) on common random numbers, "
     "and gives each key its estimate, standard error and 95% interval, saying plainly which "
     "the data do not pin down. Writes parameters.csv, covariance.csv, fit.csv and "
     "calibrated.ini (SCENARIO.ini with the estimates, drawing them per replication) into "
     "results/<name>-calibration/.",
     cmd_calibrate},
    {"forecast", CMD_FORECAST, 1, 1, "SCENARIO.ini --signups SIGNUPS.csv [--auction AUCTION.csv]",
     "a live forecast from the sign-ups so far",
     "Updates the campaign's scale and paper share from the sign-ups so far (Gamma posteriors), "
     "replays the observed days, simulates the rest (and the auction, or takes its result from "
     "--auction), and writes forecast.csv (median, 50% and 90% ranges of sign-ups, switches and "
     "savings), fan.csv and the usual result files into results/<name>-forecast/.",
     cmd_forecast},
    {"backtest", CMD_BACKTEST, 1, 1, "SCENARIO.ini --days K1,K2,... [-n CAMPAIGNS]",
     "how well forecasts made on day k cover the truth",
     "Draws synthetic campaigns from the scenario's prior, forecasts each from its first k days "
     "for every k of --days, and writes backtest.csv: how often the 50% and 90% ranges held the "
     "truth, the median errors, and how fast the range of switches narrows.",
     cmd_backtest},
    {"plot", CMD_PLOT, 1, 1, "RESULTS_DIR", "charts and a bulletin from a results folder",
     "Draws every chart the results folder allows (a run, sweep, compare, forecast or "
     "calibration) with gnuplot, each beside its script and data so it can be restyled, and "
     "writes bulletin.md, into plots/<name>/ (or -o). Text from a scenario is quoted as data; "
     "gnuplot runs without a shell.",
     cmd_plot},
    {"check", CMD_CHECK, 1, 1, "SCENARIO.ini", "validate a scenario and print it resolved",
     "Validates the scenario and its tables and prints it fully resolved: every key with its "
     "documentation, type and default, defaults filled in. Bad input gives one line naming "
     "file, line and key, and exit status 2.",
     cmd_check},
    {"new", CMD_NEW, 1, 1, "NAME", "write a commented scenario to start from",
     "Writes NAME.ini and its tables (NAME/market.csv, suppliers.csv, profile.csv), a copy of "
     "the calibrated February 2015 auction with guidance on what to change first: the "
     "registration count, the market, the suppliers' costs, and the decision terms.",
     cli_new},
    {"help", CMD_HELP, 1, 0, "[COMMAND]", "what a command does and its options", "", cmd_help},
};
const size_t cli_n_commands = sizeof cli_commands / sizeof cli_commands[0];
