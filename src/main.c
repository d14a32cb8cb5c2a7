/* main.c - the switchsim command line: parses options, calls one command, picks exit codes. */
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "switchsim/calibrate.h"
#include "switchsim/compare.h"
#include "switchsim/forecast.h"
#include "switchsim/plot.h"
#include "switchsim/results.h"
#include "switchsim/run.h"
#include "switchsim/sweep.h"

#define SWITCHSIM_VERSION "0.2.0"

enum { EXIT_OK = 0, EXIT_OTHER = 1, EXIT_BAD_INPUT = 2, EXIT_INTERRUPTED = 130 };

static const char usage[] =
    "usage:\n"
    "  switchsim run      SCENARIO.ini [run options] [--precision METRIC=HALFWIDTH] [--trace "
    "FILE]\n"
    "  switchsim sweep    SCENARIO.ini --vary SECTION.KEY=V1,V2,...|LO:HI:STEP [--vary ...]\n"
    "                     [run options] [--precision METRIC=HALFWIDTH] [--resume]\n"
    "  switchsim compare  A.ini B.ini [run options]\n"
    "  switchsim calibrate SCENARIO.ini --observed OBSERVED.csv\n"
    "                     --fit SECTION.KEY[=MEAN:SD][@LO:HI] [--fit ...] [run options]\n"
    "  switchsim forecast SCENARIO.ini --signups SIGNUPS.csv [--auction AUCTION.csv] [run "
    "options]\n"
    "  switchsim backtest SCENARIO.ini --days K1,K2,... [-n CAMPAIGNS] [run options]\n"
    "  switchsim plot     RESULTS_DIR [--format png|svg|pdf] [-o DIR]\n"
    "  switchsim check    SCENARIO.ini [--set SECTION.KEY=VALUE]...\n"
    "  switchsim --help | --version\n"
    "\n"
    "run options:\n"
    "  -r N          replications (default: scenario.replications; with --precision, the cap)\n"
    "  -s SEED       seed (default: scenario.seed); the same seed gives the same bytes\n"
    "  -j JOBS       threads (default: the number of cores); results do not depend on it\n"
    "  -o DIR        result folder (default: results/<scenario name>/)\n"
    "  --set K=V     override any scenario key, e.g. --set paper.clerks=4 (repeatable)\n"
    "  -q            quiet: no summary on stdout, no progress on stderr\n"
    "  --precision METRIC=HALFWIDTH\n"
    "                add replications in batches of 10 until the 95% CI half-width of\n"
    "                METRIC (over all rounds) is at most HALFWIDTH, e.g. switched=50\n";

struct progress_line {
    double shown;
    const char *label; /* of the line drawn last; NULL when none is drawn */
};

struct options {
    const char *command;
    const char *paths[2]; /* scenario(s) or results folder */
    int n_paths;
    const char **sets;
    const char **varies;
    size_t n_varies;
    const char **fits;
    size_t n_fits;
    const char *observed;
    const char *signups, *auction, *days;
    int campaigns;
    const char *format;
    bool quiet;
    struct settings s; /* what the library is told */
    struct progress_line line;
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends at once */
}

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "switchsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see switchsim --help)\n");
    return EXIT_BAD_INPUT;
}

static int report(const struct error *err)
{
    char line[1400];
    error_format(err, line, sizeof line);
    fprintf(stderr, "switchsim: %s\n", line);
    return err->kind == ERROR_INPUT         ? EXIT_BAD_INPUT
           : err->kind == ERROR_INTERRUPTED ? EXIT_INTERRUPTED
                                            : EXIT_OTHER;
}

static bool parse_count(const char *s, long max, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > max)
        return false;
    *out = (int)v;
    return true;
}

static bool takes_value(const char *a)
{
    static const char *const with_value[] = {"-r",        "-s",         "-j",     "-o",
                                             "--set",     "--trace",    "--vary", "--precision",
                                             "--format",  "--observed", "--fit",  "--signups",
                                             "--auction", "--days",     "-n"};
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
        if (!strcmp(a, with_value[k]))
            return true;
    return false;
}

static int parse_option(struct options *o, const char *a, const char *v)
{
    struct settings *s = &o->s;
    if (!strcmp(a, "-r")) {
        if (!parse_count(v, 1000000, &s->replications))
            return bad_usage("-r %s: replications must be a whole number from 1 to 1000000", v);
    } else if (!strcmp(a, "-s")) {
        char *end;
        errno = 0;
        s->seed = strtoull(v, &end, 10);
        if (errno || end == v || *end || strchr(v, '-') || !(*v >= '0' && *v <= '9'))
            return bad_usage("-s %s: the seed must be a whole number >= 0", v);
        s->has_seed = true;
    } else if (!strcmp(a, "-j")) {
        if (!parse_count(v, 1024, &s->jobs))
            return bad_usage("-j %s: jobs must be a whole number from 1 to 1024", v);
    } else if (!strcmp(a, "-o")) {
        s->out_dir = v;
    } else if (!strcmp(a, "--set")) {
        o->sets[s->n_sets++] = v;
    } else if (!strcmp(a, "--vary")) {
        o->varies[o->n_varies++] = v;
    } else if (!strcmp(a, "--fit")) {
        o->fits[o->n_fits++] = v;
    } else if (!strcmp(a, "--observed")) {
        o->observed = v;
    } else if (!strcmp(a, "--signups")) {
        o->signups = v;
    } else if (!strcmp(a, "--auction")) {
        o->auction = v;
    } else if (!strcmp(a, "--days")) {
        o->days = v;
    } else if (!strcmp(a, "-n")) {
        if (!parse_count(v, 100000, &o->campaigns))
            return bad_usage("-n %s: campaigns must be a whole number from 1 to 100000", v);
    } else if (!strcmp(a, "--trace")) {
        s->trace = v;
    } else if (!strcmp(a, "--format")) {
        if (strcmp(v, "png") && strcmp(v, "svg") && strcmp(v, "pdf"))
            return bad_usage("--format %s: expected png, svg or pdf", v);
        o->format = v;
    } else if (!strcmp(a, "--precision")) {
        const char *eq = strchr(v, '=');
        int m = eq ? metric_find(v, (size_t)(eq - v)) : -1;
        char *end;
        if (m < 0)
            return bad_usage("--precision %s: expected METRIC=HALFWIDTH with a metric of "
                             "summary.csv, e.g. switched=50",
                             v);
        s->has_precision = true;
        s->precision_metric = (enum metric)m;
        s->precision = strtod(eq + 1, &end);
        if (end == eq + 1 || *end || !(s->precision > 0) || !isfinite(s->precision))
            return bad_usage("--precision %s: the half-width must be a number > 0", v);
    }
    return EXIT_OK;
}

/* Which options each command takes. */
static bool allowed(const char *command, const char *a)
{
    if (!strcmp(command, "plot"))
        return !strcmp(a, "-o") || !strcmp(a, "--format") || !strcmp(a, "-q");
    if (!strcmp(command, "check"))
        return !strcmp(a, "--set");
    if (!strcmp(a, "--format"))
        return false;
    if (!strcmp(a, "--trace"))
        return !strcmp(command, "run");
    if (!strcmp(a, "--vary") || !strcmp(a, "--resume"))
        return !strcmp(command, "sweep");
    if (!strcmp(a, "--fit") || !strcmp(a, "--observed"))
        return !strcmp(command, "calibrate");
    if (!strcmp(a, "--signups") || !strcmp(a, "--auction"))
        return !strcmp(command, "forecast");
    if (!strcmp(a, "--days") || !strcmp(a, "-n"))
        return !strcmp(command, "backtest");
    if (!strcmp(a, "--precision"))
        return !strcmp(command, "run") || !strcmp(command, "sweep");
    return true;
}

static void show_progress(void *ctx, const struct progress *p);

static int parse_options(int argc, char **argv, struct options *o)
{
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    o->varies = calloc((size_t)argc, sizeof *o->varies);
    o->fits = calloc((size_t)argc, sizeof *o->fits);
    if (!o->sets || !o->varies || !o->fits)
        return EXIT_OTHER;
    o->s.sets = o->sets;
    int want = !strcmp(o->command, "compare") ? 2 : 1;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1]) {
            bool known = takes_value(a) || !strcmp(a, "-q") || !strcmp(a, "--resume");
            if (!known)
                return bad_usage("unknown option %s", a);
            if (!allowed(o->command, a))
                return bad_usage("%s is not an option of this command", a);
            if (!strcmp(a, "-q")) {
                o->quiet = true;
            } else if (!strcmp(a, "--resume")) {
                o->s.resume = true;
            } else {
                if (i + 1 >= argc)
                    return bad_usage("option %s needs a value", a);
                int rc = parse_option(o, a, argv[++i]);
                if (rc)
                    return rc;
            }
        } else if (o->n_paths < want) {
            o->paths[o->n_paths++] = a;
        } else {
            return bad_usage("unexpected argument %s", a);
        }
    }
    if (o->n_paths < want)
        return bad_usage("%s needs more arguments", o->command);
    if (!strcmp(o->command, "sweep") && o->n_varies == 0)
        return bad_usage("%s needs at least one --vary SECTION.KEY=VALUES", o->command);
    if (!strcmp(o->command, "forecast") && !o->signups)
        return bad_usage("%s needs --signups SIGNUPS.csv", o->command);
    if (!strcmp(o->command, "backtest") && !o->days)
        return bad_usage("%s needs --days K1,K2,...", o->command);
    if (!strcmp(o->command, "calibrate") && (!o->observed || o->n_fits == 0))
        return bad_usage("%s needs --observed OBSERVED.csv and at least one --fit SECTION.KEY",
                         o->command);
    if (o->s.jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o->s.jobs = cores > 1 ? (int)(cores < 1024 ? cores : 1024) : 1;
    }
    o->s.stop = &interrupted;
    if (!o->quiet && isatty(STDERR_FILENO)) {
        o->s.progress = show_progress;
        o->s.progress_ctx = &o->line;
    }
    return EXIT_OK;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The progress line on stderr, redrawn with \r at most four times a second. */
static void show_progress(void *ctx, const struct progress *p)
{
    struct progress_line *pl = ctx;
    double t = now_seconds();
    bool points = !strcmp(p->unit, "points");
    if (pl->label && pl->label != p->label)
        fputc('\n', stderr); /* another experiment (compare's B) gets its own line */
    else if (!points && t - pl->shown < 0.25 && p->done < p->total)
        return;
    pl->shown = t;
    pl->label = p->label;
    if (points) {
        fprintf(stderr, "\rsweep: %ld/%ld points done   ", p->done, p->total);
    } else {
        double rate = p->seconds > 0 ? p->done_here / p->seconds : 0;
        fprintf(stderr, "\r%s%s%ld/%ld replications, %.1f/s, %.0f s left   ",
                p->label ? p->label : "", p->label ? ": " : "", p->done, p->total, rate,
                rate > 0 ? (p->total - p->done) / rate : 0.0);
    }
    fflush(stderr);
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
        return report(&err);
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
    return rc ? report(&err) : EXIT_OK;
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
    return rc ? report(&err) : EXIT_OK;
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
    return rc ? report(&err) : EXIT_OK;
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
    return rc ? report(&err) : EXIT_OK;
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
    return rc ? report(&err) : EXIT_OK;
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
            return bad_usage("--days %s: expected ascending whole days >= 1, e.g. 7,14,21", text);
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
    return rc ? report(&err) : EXIT_OK;
}

static int cmd_plot(struct options *o)
{
    struct error err = {0};
    char dir[1100];
    if (o->s.out_dir) {
        if ((size_t)snprintf(dir, sizeof dir, "%s", o->s.out_dir) >= sizeof dir)
            return bad_usage("-o %.40s...: the folder name is too long", o->s.out_dir);
    } else if (plot_default_folder(o->paths[0], dir, sizeof dir, &err)) {
        return report(&err);
    }
    struct plot_list made = {0};
    int rc = plot_results(o->paths[0], dir, o->format ? o->format : "png", &made, &err);
    if (!o->quiet)
        for (size_t k = 0; k < made.n; k++)
            printf("%s\n", made.names[k]);
    plot_list_cleanup(&made);
    return rc ? report(&err) : EXIT_OK;
}

/* The exit status once stdout is flushed: what could not be written there (a full disk,
 * /dev/full) fails a command that otherwise succeeded. */
static int flushed(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (rc == EXIT_OK)
        fprintf(stderr, "switchsim: cannot write to standard output: %s\n", strerror(errno));
    return rc == EXIT_OK ? EXIT_OTHER : rc;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return flushed(argc < 2 ? EXIT_BAD_INPUT : EXIT_OK);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("switchsim %s\n", SWITCHSIM_VERSION);
        return flushed(EXIT_OK);
    }
    gsl_set_error_handler_off(); /* GSL reports failures by return value, never aborts */
    static const struct {
        const char *name;
        int (*run)(struct options *);
    } commands[] = {{"run", cmd_run},           {"sweep", cmd_sweep},
                    {"compare", cmd_compare},   {"calibrate", cmd_calibrate},
                    {"forecast", cmd_forecast}, {"backtest", cmd_backtest},
                    {"plot", cmd_plot},         {"check", cmd_check}};
    struct options o = {.command = argv[1]};
    int rc = -1;
    for (size_t k = 0; k < sizeof commands / sizeof *commands; k++) {
        if (strcmp(o.command, commands[k].name))
            continue;
        if ((rc = parse_options(argc, argv, &o)) == EXIT_OK) {
            signal(SIGINT, on_interrupt);
            rc = commands[k].run(&o);
        }
    }
    if (rc < 0)
        rc = bad_usage("unknown command %s", o.command);
    free(o.sets);
    free(o.varies);
    free(o.fits);
    return flushed(rc);
}
