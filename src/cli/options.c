/* options.c - the options of every command, as one table, read with getopt_long. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Long-only options take values from here up. */
enum {
    OPT_SET = 256,
    OPT_PRECISION,
    OPT_TRACE,
    OPT_VARY,
    OPT_RESUME,
    OPT_FIT,
    OPT_OBSERVED,
    OPT_SIGNUPS,
    OPT_AUCTION,
    OPT_DAYS,
    OPT_FORMAT,
    OPT_FORCE,
};

const struct cli_option cli_options[] = {
    {"replications", 'r', "N", CMD_SIMULATE,
     "replications (default: scenario.replications); with --precision, the most to run; for "
     "calibrate, per evaluation (default 20)"},
    {"seed", 's', "SEED", CMD_SIMULATE,
     "random seed (default: scenario.seed); the same seed gives the same bytes"},
    {"jobs", 'j', "JOBS", CMD_SIMULATE,
     "threads (default: every core; under switchsim-mpi, one a rank); results do not depend "
     "on it"},
    {"output", 'o', "DIR", CMD_SIMULATE | CMD_PLOT | CMD_NEW,
     "the folder to write into (default: results/<name>/, plots/<name>/ for plot, the current "
     "folder for new)"},
    {"set", 0, "SECTION.KEY=VALUE", CMD_SIMULATE | CMD_CHECK,
     "override a scenario key after the file, checked the same way; repeatable"},
    {"quiet", 'q', NULL, CMD_SIMULATE | CMD_PLOT | CMD_NEW,
     "print nothing but errors: no figures on stdout, no progress on stderr"},
    {"force", 0, NULL, CMD_SIMULATE,
     "write into a results folder even when it holds the results of another configuration"},
    {"precision", 0, "METRIC=HALFWIDTH", CMD_RUN | CMD_SWEEP,
     "add replications in batches of 10 until the 95% CI half-width of METRIC over all rounds "
     "is at most HALFWIDTH (e.g. switched=50); METRIC is any metric of summary.csv"},
    {"trace", 0, "FILE", CMD_RUN,
     "write the first replication's event log to FILE as CSV (time,event,household,channel,"
     "detail)"},
    {"vary", 0, "SECTION.KEY=V1,V2,...|LO:HI:STEP", CMD_SWEEP,
     "a key to vary: a comma list, or LO to HI (included when on the grid) in steps; "
     "repeatable, the keys span a grid"},
    {"resume", 0, NULL, CMD_SWEEP,
     "finish an interrupted sweep with the same settings, keeping its finished points"},
    {"fit", 0, "SECTION.KEY[=MEAN:SD][@LO:HI]", CMD_CALIBRATE,
     "a key to fit (switchsim check marks those that may be), with an optional Gaussian prior "
     "and bounds; repeatable"},
    {"observed", 0, "OBSERVED.csv", CMD_CALIBRATE,
     "the published figures: scenario,round,metric,value,sd"},
    {"signups", 0, "SIGNUPS.csv", CMD_FORECAST,
     "the sign-ups so far: day,online,paper, a row a day from day 0"},
    {"auction", 0, "AUCTION.csv", CMD_FORECAST,
     "the auction's result once known: lot,winning_annual_cost"},
    {"days", 0, "K1,K2,...", CMD_BACKTEST, "the days to forecast from, ascending"},
    {"campaigns", 'n', "N", CMD_BACKTEST, "synthetic campaigns (default 200)"},
    {"format", 0, "png|svg|pdf", CMD_PLOT, "the charts' format (default png)"},
    {"verbose", 'v', NULL, CMD_PLOT, "list every file made"},
    {"help", 'h', NULL, ~0u, "this help"},
};
const size_t cli_n_options = sizeof cli_options / sizeof cli_options[0];

int cli_bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "switchsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see switchsim help)\n");
    return EXIT_BAD_INPUT;
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

/* The getopt value of table entry k: its letter, or a code of its own. */
static int code_of(size_t k)
{
    static const struct {
        const char *name;
        int code;
    } codes[] = {{"set", OPT_SET},         {"precision", OPT_PRECISION}, {"trace", OPT_TRACE},
                 {"vary", OPT_VARY},       {"resume", OPT_RESUME},       {"fit", OPT_FIT},
                 {"observed", OPT_OBSERVED}, {"signups", OPT_SIGNUPS},   {"auction", OPT_AUCTION},
                 {"days", OPT_DAYS},       {"format", OPT_FORMAT},       {"force", OPT_FORCE}};
    if (cli_options[k].letter)
        return cli_options[k].letter;
    for (size_t c = 0; c < sizeof codes / sizeof *codes; c++)
        if (!strcmp(codes[c].name, cli_options[k].name))
            return codes[c].code;
    return 0;
}

/* The option spelled with letter or code v, as the user may have typed it. */
static const struct cli_option *option_of(int v)
{
    for (size_t k = 0; k < cli_n_options; k++)
        if (code_of(k) == v)
            return &cli_options[k];
    return NULL;
}

static int set_value(struct options *o, int v, const char *a)
{
    struct settings *s = &o->s;
    switch (v) {
    case 'r':
        if (!parse_count(a, 1000000, &s->replications))
            return cli_bad_usage("--replications %s: a whole number from 1 to 1000000", a);
        break;
    case 's': {
        char *end;
        errno = 0;
        s->seed = strtoull(a, &end, 10);
        if (errno || end == a || *end || !(*a >= '0' && *a <= '9'))
            return cli_bad_usage("--seed %s: a whole number >= 0", a);
        s->has_seed = true;
        break;
    }
    case 'j':
        if (!parse_count(a, 1024, &s->jobs))
            return cli_bad_usage("--jobs %s: a whole number from 1 to 1024", a);
        break;
    case 'n':
        if (!parse_count(a, 100000, &o->campaigns))
            return cli_bad_usage("--campaigns %s: a whole number from 1 to 100000", a);
        break;
    case 'o': s->out_dir = a; break;
    case OPT_SET: o->sets[s->n_sets++] = a; break;
    case OPT_VARY: o->varies[o->n_varies++] = a; break;
    case OPT_FIT: o->fits[o->n_fits++] = a; break;
    case OPT_OBSERVED: o->observed = a; break;
    case OPT_SIGNUPS: o->signups = a; break;
    case OPT_AUCTION: o->auction = a; break;
    case OPT_DAYS: o->days = a; break;
    case OPT_TRACE: s->trace = a; break;
    case OPT_FORMAT:
        if (strcmp(a, "png") && strcmp(a, "svg") && strcmp(a, "pdf"))
            return cli_bad_usage("--format %s: png, svg or pdf", a);
        o->format = a;
        break;
    case OPT_PRECISION: {
        const char *eq = strchr(a, '=');
        int m = eq ? metric_find(a, (size_t)(eq - a)) : -1;
        char *end;
        if (m < 0)
            return cli_bad_usage("--precision %s: expected METRIC=HALFWIDTH with a metric of "
                                 "summary.csv, e.g. switched=50 (switchsim help run lists them)",
                                 a);
        s->has_precision = true;
        s->precision_metric = (enum metric)m;
        s->precision = strtod(eq + 1, &end);
        if (end == eq + 1 || *end || !(s->precision > 0) || !isfinite(s->precision))
            return cli_bad_usage("--precision %s: the half-width must be a number > 0", a);
        break;
    }
    case OPT_RESUME: s->resume = true; break;
    case OPT_FORCE: s->force = true; break;
    case 'q': o->quiet = true; break;
    case 'v': o->verbose = true; break;
    }
    return EXIT_OK;
}

static void show_progress(void *ctx, const struct progress *p);

int cli_parse(int argc, char **argv, int first, const struct cli_command *c, struct options *o,
              volatile sig_atomic_t *stop)
{
    o->command = c;
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    o->varies = calloc((size_t)argc + 1, sizeof *o->varies);
    o->fits = calloc((size_t)argc + 1, sizeof *o->fits);
    struct option *longs = calloc(cli_n_options + 1, sizeof *longs);
    char shorts[64] = "+:"; /* stop at nothing (paths may come anywhere: permute below) */
    if (!o->sets || !o->varies || !o->fits || !longs) {
        free(longs);
        return EXIT_OTHER;
    }
    shorts[0] = '-'; /* return paths in order, as code 1 */
    for (size_t k = 0, n = 2; k < cli_n_options; k++) {
        longs[k] = (struct option){cli_options[k].name,
                                   cli_options[k].arg ? required_argument : no_argument, NULL,
                                   code_of(k)};
        if (cli_options[k].letter && n + 3 < sizeof shorts) {
            shorts[n++] = (char)cli_options[k].letter;
            if (cli_options[k].arg)
                shorts[n++] = ':';
            shorts[n] = '\0';
        }
    }
    o->s.sets = o->sets;
    int rc = EXIT_OK;
    optind = first;
    opterr = 0;
    for (int v; rc == EXIT_OK && (v = getopt_long(argc, argv, shorts, longs, NULL)) != -1;) {
        const char *typed = argv[optind - 1];
        if (v == 1) {
            if (o->n_paths < c->n_paths)
                o->paths[o->n_paths++] = optarg;
            else
                rc = cli_bad_usage("unexpected argument %s", optarg);
        } else if (v == '?') {
            char letter[3] = {'-', (char)optopt, 0};
            rc = cli_bad_usage("unknown option %s", optopt ? letter : typed);
        } else if (v == ':') {
            rc = cli_bad_usage("option %s needs a value", typed);
        } else if (v == 'h') {
            cli_command_help(c, stdout);
            rc = -1;
        } else {
            const struct cli_option *opt = option_of(v);
            if (!opt || !(opt->commands & c->bit))
                rc = cli_bad_usage("%s is not an option of this command", typed);
            else
                rc = set_value(o, v, optarg);
        }
    }
    free(longs);
    if (rc)
        return rc;
    if (o->n_paths < c->min_paths)
        return cli_bad_usage("%s needs more arguments", c->name);
    if (c->bit == CMD_SWEEP && o->n_varies == 0)
        return cli_bad_usage("%s needs at least one --vary SECTION.KEY=VALUES", c->name);
    if (c->bit == CMD_FORECAST && !o->signups)
        return cli_bad_usage("%s needs --signups SIGNUPS.csv", c->name);
    if (c->bit == CMD_BACKTEST && !o->days)
        return cli_bad_usage("%s needs --days K1,K2,...", c->name);
    if (c->bit == CMD_CALIBRATE && (!o->observed || o->n_fits == 0))
        return cli_bad_usage("%s needs --observed OBSERVED.csv and at least one --fit SECTION.KEY",
                             c->name);
    if (o->s.jobs == 0 && o->s.runner) {
        o->s.jobs = 1; /* a rank a core: each rank runs its tasks on one thread */
    } else if (o->s.jobs == 0) {
        long cores = sysconf(_SC_NPROCESSORS_ONLN);
        o->s.jobs = cores > 1 ? (int)(cores < 1024 ? cores : 1024) : 1;
    }
    o->s.stop = stop;
    if (!o->quiet && isatty(STDERR_FILENO)) {
        o->s.progress = show_progress;
        o->s.progress_ctx = &o->line;
    }
    return EXIT_OK;
}

void cli_options_cleanup(struct options *o)
{
    free(o->sets);
    free(o->varies);
    free(o->fits);
}

const struct cli_command *cli_command_find(const char *name)
{
    for (size_t k = 0; k < cli_n_commands; k++)
        if (!strcmp(cli_commands[k].name, name))
            return &cli_commands[k];
    return NULL;
}

/* ---- the progress line ---- */

#include <time.h>

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* The progress line on stderr, redrawn with \r at most four times a second: what is done,
 * the rate, and the time left. */
static void show_progress(void *ctx, const struct progress *p)
{
    struct progress_line *pl = ctx;
    double t = now_seconds();
    if (pl->label && pl->label != p->label)
        fputc('\n', stderr); /* another experiment (compare's B) gets its own line */
    else if (t - pl->shown < 0.25 && p->done < p->total)
        return;
    pl->shown = t;
    pl->label = p->label;
    double rate = p->seconds > 0 ? p->done_here / p->seconds : 0;
    double left = rate > 0 ? (p->total - p->done) / rate : 0;
    fprintf(stderr, "\r%s%s%ld/%ld %s, %.1f/s, %.0f s left   ", p->label ? p->label : "",
            p->label ? ": " : "", p->done, p->total, p->unit, rate, left);
    fflush(stderr);
}
