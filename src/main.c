/* main.c - the switchsim command line: parses options, runs commands, picks exit codes. */
#include <dirent.h>
#include <pthread.h>
#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "switchsim/compare.h"
#include "switchsim/experiment.h"
#include "switchsim/output.h"
#include "switchsim/plot.h"
#include "switchsim/precision.h"
#include "switchsim/results.h"
#include "switchsim/scenario.h"
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

struct options {
    const char *command;
    const char *paths[2]; /* scenario(s) or results folder */
    int n_paths;
    const char **sets;
    size_t n_sets;
    const char **varies;
    size_t n_varies;
    long replications; /* 0: the scenario's */
    bool has_seed;
    unsigned long long seed;
    long jobs;
    const char *out_dir;
    const char *trace;
    const char *format;
    bool quiet, resume;
    int precision_metric; /* -1: none */
    double precision;
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

static bool parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 1000000)
        return false;
    *out = v;
    return true;
}

static int metric_from_name(const char *name, size_t len)
{
    for (int m = 0; m < M_COUNT; m++)
        if (strlen(metric_name((enum metric)m)) == len &&
            !strncmp(metric_name((enum metric)m), name, len))
            return m;
    return -1;
}

static bool takes_value(const char *a)
{
    static const char *const with_value[] = {"-r",      "-s",     "-j",          "-o",      "--set",
                                             "--trace", "--vary", "--precision", "--format"};
    for (size_t k = 0; k < sizeof with_value / sizeof *with_value; k++)
        if (!strcmp(a, with_value[k]))
            return true;
    return false;
}

static int parse_option(struct options *o, const char *a, const char *v)
{
    if (!strcmp(a, "-r")) {
        if (!parse_count(v, &o->replications))
            return bad_usage("-r %s: replications must be a whole number from 1 to 1000000", v);
    } else if (!strcmp(a, "-s")) {
        char *end;
        errno = 0;
        o->seed = strtoull(v, &end, 10);
        if (errno || end == v || *end || strchr(v, '-') || !(*v >= '0' && *v <= '9'))
            return bad_usage("-s %s: the seed must be a whole number >= 0", v);
        o->has_seed = true;
    } else if (!strcmp(a, "-j")) {
        if (!parse_count(v, &o->jobs) || o->jobs > 1024)
            return bad_usage("-j %s: jobs must be a whole number from 1 to 1024", v);
    } else if (!strcmp(a, "-o")) {
        o->out_dir = v;
    } else if (!strcmp(a, "--set")) {
        o->sets[o->n_sets++] = v;
    } else if (!strcmp(a, "--vary")) {
        o->varies[o->n_varies++] = v;
    } else if (!strcmp(a, "--trace")) {
        o->trace = v;
    } else if (!strcmp(a, "--format")) {
        if (strcmp(v, "png") && strcmp(v, "svg") && strcmp(v, "pdf"))
            return bad_usage("--format %s: expected png, svg or pdf", v);
        o->format = v;
    } else if (!strcmp(a, "--precision")) {
        const char *eq = strchr(v, '=');
        char *end;
        if (!eq || (o->precision_metric = metric_from_name(v, (size_t)(eq - v))) < 0)
            return bad_usage("--precision %s: expected METRIC=HALFWIDTH with a metric of "
                             "summary.csv, e.g. switched=50",
                             v);
        o->precision = strtod(eq + 1, &end);
        if (end == eq + 1 || *end || !(o->precision > 0) || !isfinite(o->precision))
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
    if (!strcmp(a, "--precision"))
        return strcmp(command, "compare") != 0;
    return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    o->varies = calloc((size_t)argc, sizeof *o->varies);
    o->precision_metric = -1;
    if (!o->sets || !o->varies)
        return EXIT_OTHER;
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
                o->resume = true;
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
    return EXIT_OK;
}

/* The output folder: -o as given, else FOLDER/<name> with anything but letters, digits,
 * '.', '_', '-' and UTF-8 made '_' (and then a hash of the name added, so names that differ
 * only there do not share a folder). Returns false, having reported it, when -o does not
 * fit. */
static bool folder_for(const struct options *o, const char *folder, const char *name, char *buf,
                       size_t size)
{
    if (o->out_dir) {
        if ((size_t)snprintf(buf, size, "%s", o->out_dir) < size)
            return true;
        bad_usage("-o %.40s...: the folder name is too long", o->out_dir);
        return false;
    }
    char safe[2 * SCENARIO_NAME_MAX + 8];
    size_t k = 0;
    bool changed = false;
    uint32_t hash = 2166136261u; /* FNV-1a */
    for (const unsigned char *p = (const unsigned char *)name; *p; p++) {
        hash = (hash ^ *p) * 16777619u;
        unsigned char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || c >= 0x80 || (c == '.' && k > 0);
        changed |= !ok;
        if (k + 1 < sizeof safe)
            safe[k++] = ok ? (char)c : '_';
    }
    safe[k] = '\0';
    if (changed)
        snprintf(buf, size, "%s/%s-%08x", folder, safe, hash);
    else
        snprintf(buf, size, "%s/%s", folder, k ? safe : "scenario");
    return true;
}

static struct scenario *load(const struct options *o, const char *path, const char **extra,
                             size_t n_extra, struct error *err)
{
    const char **sets = calloc(o->n_sets + n_extra + 1, sizeof *sets);
    if (!sets) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        return NULL;
    }
    for (size_t k = 0; k < o->n_sets; k++)
        sets[k] = o->sets[k];
    for (size_t k = 0; k < n_extra; k++)
        sets[o->n_sets + k] = extra[k];
    struct scenario *sc = scenario_load(path, sets, o->n_sets + n_extra, err);
    free(sets);
    if (sc && o->has_seed)
        sc->scenario.seed = o->seed;
    if (sc && o->replications)
        sc->scenario.replications = (int)o->replications;
    return sc;
}

static struct experiment_options run_options(const struct options *o, const char *label,
                                             FILE *trace)
{
    long jobs = o->jobs ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    bool show = !o->quiet && isatty(STDERR_FILENO);
    return (struct experiment_options){.jobs = (int)(jobs > 0 ? jobs : 1),
                                       .trace = trace,
                                       .progress = show ? stderr : NULL,
                                       .label = label,
                                       .stop = &interrupted};
}

/* Runs sc's replications: all of them, or with --precision until the target half-width
 * is met or the replications cap is reached. */
static int run_replications(const struct options *o, const struct model_setup *setup,
                            const struct experiment_options *eo, struct experiment *ex,
                            struct precision_result *pr, struct error *err)
{
    const struct scenario *sc = setup->sc;
    *pr = (struct precision_result){0};
    if (experiment_init(ex, setup, err))
        return -1;
    if (o->precision_metric < 0)
        return experiment_extend(ex, setup, sc->scenario.seed, sc->scenario.replications, eo, err);
    return precision_run(ex, setup, sc->scenario.seed, sc->scenario.replications,
                         (enum metric)o->precision_metric, o->precision, eo, pr, err);
}

static void print_precision(const struct options *o, const struct precision_result *pr,
                            int replications, FILE *out)
{
    if (o->precision_metric < 0)
        return;
    if (isinf(pr->halfwidth)) {
        fprintf(out,
                "precision: %s is not defined in enough replications to have a CI "
                "(target not met)\n",
                metric_name((enum metric)o->precision_metric));
        return;
    }
    fprintf(out, "precision: %s 95%% CI half-width %.4g %s %.4g after %d replications (%s)\n",
            metric_name((enum metric)o->precision_metric), pr->halfwidth, pr->met ? "<=" : ">",
            o->precision, replications, pr->met ? "target met" : "target not met: raise -r");
}

static int cmd_check(const struct options *o)
{
    struct error err = {0};
    struct scenario *sc = load(o, o->paths[0], NULL, 0, &err);
    if (!sc)
        return report(&err);
    scenario_write(sc, stdout);
    scenario_destroy(sc);
    return EXIT_OK;
}

static int cmd_run(const struct options *o)
{
    struct error err = {0};
    struct scenario *sc = load(o, o->paths[0], NULL, 0, &err);
    if (!sc)
        return report(&err);
    char dir[1024];
    if (!folder_for(o, "results", sc->scenario.name, dir, sizeof dir)) {
        scenario_destroy(sc);
        return EXIT_BAD_INPUT;
    }

    int rc;
    FILE *trace = NULL;
    struct model_setup setup;
    struct experiment ex = {0};
    struct precision_result pr;
    if (model_setup_init(&setup, sc, &err)) {
        rc = report(&err);
        goto done_scenario;
    }
    if (o->trace && !(trace = fopen(o->trace, "w"))) {
        error_set(&err, ERROR_INPUT, o->trace, 0, "--trace", "cannot write: %s", strerror(errno));
        rc = report(&err);
        goto done_setup;
    }
    struct experiment_options eo = run_options(o, sc->scenario.name, trace);
    if (run_replications(o, &setup, &eo, &ex, &pr, &err)) {
        if (err.kind == ERROR_INTERRUPTED && ex.replications > 0) {
            /* Keep what finished, marked as partial. */
            struct error werr = {0};
            sc->scenario.replications = ex.replications;
            if (results_write(&ex, sc, dir, true, &werr))
                report(&werr);
            else
                fprintf(stderr, "switchsim: kept %d finished replications in %s/ (PARTIAL)\n",
                        ex.replications, dir);
        }
        rc = report(&err);
        if (trace && err.kind != ERROR_INTERRUPTED)
            unlink(o->trace);
        goto done_experiment;
    }
    sc->scenario.replications = ex.replications; /* what it took, for re-running exactly */
    if (results_write(&ex, sc, dir, false, &err)) {
        rc = report(&err);
        goto done_experiment;
    }
    if (!o->quiet) {
        results_print(&ex, sc, stdout);
        print_precision(o, &pr, ex.replications, stdout);
        printf("results in %s/\n", dir);
    }
    rc = EXIT_OK;
done_experiment:
    experiment_cleanup(&ex);
    if (trace)
        fclose(trace);
done_setup:
    model_setup_cleanup(&setup);
done_scenario:
    scenario_destroy(sc);
    return rc;
}

struct compare_files {
    const struct experiment *a, *b;
    const struct scenario *sa, *sb;
};

static void write_compare_file(FILE *f, size_t k, const void *ctx)
{
    const struct compare_files *c = ctx;
    if (k == 0)
        compare_write_csv(c->a, c->b, f);
    else if (k < 3)
        scenario_write(k == 1 ? c->sa : c->sb, f);
    else
        fprintf(f, "interrupted: these results pair the %d replications that finished\n",
                c->b->replications);
}

static int cmd_compare(const struct options *o)
{
    struct error err = {0};
    struct scenario *sc[2] = {NULL, NULL};
    struct model_setup setup[2];
    struct experiment ex[2] = {{0}, {0}};
    int ready = 0, rc = EXIT_OK;
    for (; ready < 2; ready++) {
        if (!(sc[ready] = load(o, o->paths[ready], NULL, 0, &err)))
            break;
        if (model_setup_init(&setup[ready], sc[ready], &err)) {
            scenario_destroy(sc[ready]);
            break;
        }
    }
    if (ready < 2) {
        rc = report(&err);
        goto done;
    }
    if (sc[0]->scenario.rounds != sc[1]->scenario.rounds) {
        error_set(&err, ERROR_INPUT, o->paths[1], 0, "scenario.rounds",
                  "B has %d rounds and A %d: compare needs the same rounds to pair them",
                  sc[1]->scenario.rounds, sc[0]->scenario.rounds);
        rc = report(&err);
        goto done;
    }
    /* Common random numbers: B runs with A's seed and replication count. */
    sc[1]->scenario.seed = sc[0]->scenario.seed;
    sc[1]->scenario.replications = sc[0]->scenario.replications;
    bool partial = false;
    for (int k = 0; k < 2; k++) {
        struct experiment_options eo = run_options(o, sc[k]->scenario.name, NULL);
        if (experiment_run(&setup[k], sc[0]->scenario.seed, sc[0]->scenario.replications, &eo,
                           &ex[k], &err)) {
            /* Interrupted while B ran: the replications both finished still pair up. */
            partial = k == 1 && err.kind == ERROR_INTERRUPTED && ex[1].replications > 0;
            if (!partial) {
                rc = report(&err);
                goto done;
            }
        }
    }
    char dir[1024], both[2 * SCENARIO_NAME_MAX + 8];
    snprintf(both, sizeof both, "%s-vs-%s", sc[0]->scenario.name, sc[1]->scenario.name);
    if (!folder_for(o, "results", both, dir, sizeof dir)) {
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    const char *names[] = {"compare.csv", "scenario.ini", "scenario_b.ini", "PARTIAL"};
    struct compare_files files = {&ex[0], &ex[1], sc[0], sc[1]};
    struct error werr = {0};
    if (results_write_files(dir, partial ? 4 : 3, names, write_compare_file, &files, &werr)) {
        rc = report(&werr);
        goto done;
    }
    if (partial) {
        fprintf(stderr, "switchsim: kept %d paired replications in %s/ (PARTIAL)\n",
                ex[1].replications, dir);
        rc = report(&err);
        goto done;
    }
    char mark[1100];
    snprintf(mark, sizeof mark, "%s/PARTIAL", dir);
    unlink(mark); /* complete results now */
    if (!o->quiet) {
        compare_print(&ex[0], &ex[1], sc[0]->scenario.name, sc[1]->scenario.name, stdout);
        printf("results in %s/\n", dir);
    }
done:
    for (int k = 0; k < ready; k++) {
        experiment_cleanup(&ex[k]);
        model_setup_cleanup(&setup[k]);
        scenario_destroy(sc[k]);
    }
    return rc;
}

static const enum metric sweep_metrics[] = {M_REGISTERED,         M_SWITCHED,    M_CONVERSION,
                                            M_CONVERSION_PAPER,   M_SAVING_MEAN, M_SAVING_TOTAL,
                                            M_WINNING_ANNUAL_COST};
#define N_SWEEP_METRICS (sizeof sweep_metrics / sizeof *sweep_metrics)

struct sweep_files {
    const struct sweep *sw;
    const char *points_dir;
    const struct scenario *base;
};

static void write_sweep_file(FILE *f, size_t k, const void *ctx)
{
    const struct sweep_files *s = ctx;
    if (k == 1) {
        scenario_write(s->base, f);
        return;
    }
    for (size_t a = 0; a < s->sw->n_axes; a++)
        fprintf(f, "%s%s", a ? "," : "", s->sw->axes[a].key);
    for (size_t m = 0; m < N_SWEEP_METRICS; m++) {
        const char *name = metric_name(sweep_metrics[m]);
        fprintf(f, ",%s_mean,%s_ci95_low,%s_ci95_high", name, name, name);
    }
    fputc('\n', f);
    for (size_t p = 0; p < s->sw->n_points; p++) {
        char path[1200], line[4096];
        snprintf(path, sizeof path, "%s/%zu.csv", s->points_dir, p);
        FILE *in = fopen(path, "r");
        if (in && fgets(line, sizeof line, in))
            fputs(line, f);
        if (in)
            fclose(in);
    }
}

static void write_text(FILE *f, size_t k, const void *ctx)
{
    (void)k;
    fputs(ctx, f);
}

/* Runs one grid point and stores its sweep.csv row in points_dir/P.csv (atomically). */
static int sweep_point(const struct options *o, const struct sweep *sw, size_t p,
                       const char *points_dir, int jobs, struct error *err)
{
    char settings[SWEEP_MAX_KEYS][700];
    const char *extra[SWEEP_MAX_KEYS];
    for (size_t a = 0; a < sw->n_axes; a++) {
        sweep_setting(sw, p, a, settings[a], sizeof settings[a]);
        extra[a] = settings[a];
    }
    struct scenario *sc = load(o, o->paths[0], extra, sw->n_axes, err);
    if (!sc)
        return -1;
    struct model_setup setup;
    if (model_setup_init(&setup, sc, err)) {
        scenario_destroy(sc);
        return -1;
    }
    char label[64];
    snprintf(label, sizeof label, "point %zu/%zu", p + 1, sw->n_points);
    struct experiment_options eo = run_options(o, label, NULL);
    eo.jobs = jobs;
    eo.progress = NULL; /* points run side by side: the sweep shows points done instead */
    struct experiment ex;
    struct precision_result pr;
    int rc = run_replications(o, &setup, &eo, &ex, &pr, err);
    if (rc == 0) {
        char name[64];
        snprintf(name, sizeof name, "%zu.csv", p);
        char *text = NULL;
        size_t len = 0;
        FILE *f = open_memstream(&text, &len);
        if (!f) {
            rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        } else {
            for (size_t a = 0; a < sw->n_axes; a++) {
                if (a)
                    fputc(',', f);
                output_csv_text(f, sweep_value(sw, p, a));
            }
            for (size_t m = 0; m < N_SWEEP_METRICS; m++) {
                struct summary s;
                results_summary(&ex, ex.rounds, sweep_metrics[m], &s);
                double v[3] = {s.mean, s.ci_low, s.ci_high};
                for (int k = 0; k < 3; k++) {
                    fputc(',', f);
                    output_csv_number(f, v[k]);
                }
            }
            fputc('\n', f);
            fclose(f);
            const char *names[] = {name};
            rc = results_write_files(points_dir, 1, names, write_text, text, err);
            free(text);
        }
    }
    experiment_cleanup(&ex);
    model_setup_cleanup(&setup);
    scenario_destroy(sc);
    return rc;
}

/* Grid points run side by side, each on its share of the threads. */
struct point_pool {
    const struct options *o;
    const struct sweep *sw;
    const char *points_dir;
    int jobs_per_point;
    pthread_mutex_t lock;
    size_t next, done;
    bool failed;
    struct error err;
};

static void *point_worker(void *arg)
{
    struct point_pool *pool = arg;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t p = pool->next;
        bool go = !pool->failed && !interrupted && p < pool->sw->n_points;
        if (go)
            pool->next++;
        pthread_mutex_unlock(&pool->lock);
        if (!go)
            return NULL;
        char path[1300];
        snprintf(path, sizeof path, "%s/%zu.csv", pool->points_dir, p);
        if (access(path, F_OK) == 0) { /* done before an interruption */
            pthread_mutex_lock(&pool->lock);
            pool->done++;
            pthread_mutex_unlock(&pool->lock);
            continue;
        }
        struct error err = {0};
        int rc = sweep_point(pool->o, pool->sw, p, pool->points_dir, pool->jobs_per_point, &err);
        pthread_mutex_lock(&pool->lock);
        if (rc && !pool->failed) {
            pool->failed = true;
            pool->err = err;
        } else if (rc == 0) {
            pool->done++;
            if (!pool->o->quiet && isatty(STDERR_FILENO))
                fprintf(stderr, "\rsweep: %zu/%zu points done   ", pool->done, pool->sw->n_points);
        }
        pthread_mutex_unlock(&pool->lock);
    }
}

/* Runs every point of the grid not already done; returns 0 or -1 with *err filled, and the
 * number of points done in *done. */
static int sweep_points(const struct options *o, const struct sweep *sw, const char *points_dir,
                        size_t *done, struct error *err)
{
    long jobs = o->jobs ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    size_t workers = jobs < 1 ? 1 : (size_t)jobs;
    if (workers > sw->n_points)
        workers = sw->n_points;
    struct point_pool pool = {
        .o = o, .sw = sw, .points_dir = points_dir, .jobs_per_point = (int)(jobs / (long)workers)};
    if (pool.jobs_per_point < 1)
        pool.jobs_per_point = 1;
    pthread_mutex_init(&pool.lock, NULL);
    pthread_t *threads = calloc(workers, sizeof *threads);
    size_t started = 1;
    if (threads)
        for (; started < workers; started++)
            if (pthread_create(&threads[started], NULL, point_worker, &pool))
                break;
    point_worker(&pool); /* the calling thread is a worker too */
    for (size_t k = 1; threads && k < started; k++)
        pthread_join(threads[k], NULL);
    free(threads);
    pthread_mutex_destroy(&pool.lock);
    if (!o->quiet && isatty(STDERR_FILENO) && pool.done > 0)
        fputc('\n', stderr);
    *done = pool.done;
    if (pool.failed) {
        *err = pool.err;
        return -1;
    }
    if (pool.done < sw->n_points)
        return error_set(err, ERROR_INTERRUPTED, "", 0, "", "interrupted");
    return 0;
}

/* What makes a sweep's points comparable: on --resume it must not have changed. */
static char *sweep_fingerprint(const struct options *o, const struct scenario *base)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "scenario %s\nseed %llu\nreplications %d\n", o->paths[0],
            (unsigned long long)base->scenario.seed, base->scenario.replications);
    /* the scenario as resolved, and what its tables hold: editing either starts afresh */
    scenario_write(base, f);
    const char *tables[] = {base->households.market, base->auction.suppliers, base->rounds.table,
                            base->registration.profile};
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
        if (!tables[k][0])
            continue;
        uint32_t hash = 2166136261u; /* FNV-1a of the file's bytes */
        FILE *t = fopen(tables[k], "rb");
        for (int c; t && (c = getc(t)) != EOF;)
            hash = (hash ^ (uint32_t)c) * 16777619u;
        if (t)
            fclose(t);
        fprintf(f, "table %s %08x\n", tables[k], hash);
    }
    for (size_t k = 0; k < o->n_sets; k++)
        fprintf(f, "set %s\n", o->sets[k]);
    for (size_t k = 0; k < o->n_varies; k++)
        fprintf(f, "vary %s\n", o->varies[k]);
    if (o->precision_metric >= 0)
        fprintf(f, "precision %s=%.17g\n", metric_name((enum metric)o->precision_metric),
                o->precision);
    fclose(f);
    return text;
}

/* Removes every point result (NUMBER.csv) in points_dir, whatever grid left it. */
static void remove_points(const char *points_dir)
{
    DIR *d = opendir(points_dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        size_t digits = strspn(e->d_name, "0123456789");
        if (digits == 0 || strcmp(e->d_name + digits, ".csv"))
            continue;
        char path[1400];
        snprintf(path, sizeof path, "%s/%s", points_dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    char *text = calloc(1, 65536);
    if (text)
        fread(text, 1, 65535, f);
    fclose(f);
    return text;
}

static int cmd_sweep(const struct options *o)
{
    struct error err = {0};
    struct sweep sw = {0};
    int rc = EXIT_OK;
    struct scenario *base = NULL;
    char *fingerprint = NULL;
    for (size_t k = 0; k < o->n_varies; k++)
        if (sweep_add(&sw, o->varies[k], &err)) {
            rc = report(&err);
            goto done;
        }
    if (!(base = load(o, o->paths[0], NULL, 0, &err))) {
        rc = report(&err);
        goto done;
    }
    /* Check every point before running any, so bad input writes nothing. */
    for (size_t p = 0; p < sw.n_points; p++) {
        char settings[SWEEP_MAX_KEYS][700];
        const char *extra[SWEEP_MAX_KEYS];
        for (size_t a = 0; a < sw.n_axes; a++) {
            sweep_setting(&sw, p, a, settings[a], sizeof settings[a]);
            extra[a] = settings[a];
        }
        struct scenario *sc = load(o, o->paths[0], extra, sw.n_axes, &err);
        if (!sc) {
            /* name the --vary a bad value came from, not the --set made of it */
            for (size_t a = 0; a < sw.n_axes; a++)
                if (!strncmp(err.file, "--set ", 6) && !strcmp(err.file + 6, settings[a]))
                    snprintf(err.file, sizeof err.file, "--vary %.500s", o->varies[a]);
            rc = report(&err);
            goto done;
        }
        scenario_destroy(sc);
    }
    char dir[1024], points_dir[1100], grid_path[1200], name[SCENARIO_NAME_MAX + 8];
    snprintf(name, sizeof name, "%s-sweep", base->scenario.name);
    if (!folder_for(o, "results", name, dir, sizeof dir)) {
        rc = EXIT_BAD_INPUT;
        goto done;
    }
    snprintf(points_dir, sizeof points_dir, "%s/.points", dir);
    snprintf(grid_path, sizeof grid_path, "%s/grid.txt", points_dir);
    fingerprint = sweep_fingerprint(o, base);
    if (!fingerprint) {
        error_set(&err, ERROR_SYSTEM, "", 0, "", "out of memory");
        rc = report(&err);
        goto done;
    }
    char *previous = slurp(grid_path);
    bool resuming = o->resume && previous && !strcmp(previous, fingerprint);
    if (o->resume && previous && !resuming) {
        free(previous);
        error_set(&err, ERROR_INPUT, "--resume", 0, "",
                  "the sweep in %s/ was started with other settings; run it without --resume", dir);
        rc = report(&err);
        goto done;
    }
    free(previous);
    if (!resuming) {
        remove_points(points_dir);
        const char *names[] = {"grid.txt"};
        if (results_write_files(points_dir, 1, names, write_text, fingerprint, &err)) {
            rc = report(&err);
            goto done;
        }
    }
    size_t done_points = 0;
    if (sweep_points(o, &sw, points_dir, &done_points, &err)) {
        if (err.kind == ERROR_INTERRUPTED)
            fprintf(stderr,
                    "switchsim: %zu of %zu points done and kept in %s/; "
                    "run the same command with --resume to finish\n",
                    done_points, sw.n_points, dir);
        rc = report(&err);
        goto done;
    }
    for (size_t p = 0; p < sw.n_points; p++) {
        char path[1300];
        snprintf(path, sizeof path, "%s/%zu.csv", points_dir, p);
        if (access(path, R_OK) != 0) {
            error_set(&err, ERROR_SYSTEM, path, 0, "", "the result of point %zu is missing", p + 1);
            rc = report(&err);
            goto done;
        }
    }
    const char *names[] = {"sweep.csv", "scenario.ini"};
    struct sweep_files files = {&sw, points_dir, base};
    if (results_write_files(dir, 2, names, write_sweep_file, &files, &err)) {
        rc = report(&err);
        goto done;
    }
    remove_points(points_dir);
    unlink(grid_path);
    rmdir(points_dir);
    if (!o->quiet)
        printf("%s: %zu points, %d replications each\nresults in %s/sweep.csv\n",
               base->scenario.name, sw.n_points, base->scenario.replications, dir);
done:
    free(fingerprint);
    scenario_destroy(base);
    sweep_free(&sw);
    return rc;
}

static int cmd_plot(const struct options *o)
{
    struct error err = {0};
    char name[SCENARIO_NAME_MAX * 4], dir[1024];
    if (plot_scenario_name(o->paths[0], "scenario.ini", name, sizeof name, &err))
        return report(&err);
    /* plots/<scenario name>, told apart like the results folders of sweep and compare */
    char path[1200], suffix[SCENARIO_NAME_MAX * 4 + 8] = "", b_name[SCENARIO_NAME_MAX * 4];
    snprintf(path, sizeof path, "%s/sweep.csv", o->paths[0]);
    if (access(path, F_OK) == 0)
        snprintf(suffix, sizeof suffix, "-sweep");
    snprintf(path, sizeof path, "%s/compare.csv", o->paths[0]);
    if (access(path, F_OK) == 0) {
        struct error no_b = {0}; /* a compare folder without B's scenario: just "-compare" */
        if (plot_scenario_name(o->paths[0], "scenario_b.ini", b_name, sizeof b_name, &no_b))
            snprintf(suffix, sizeof suffix, "-compare");
        else
            snprintf(suffix, sizeof suffix, "-vs-%.*s", (int)sizeof suffix - 8, b_name);
    }
    char full[SCENARIO_NAME_MAX * 8 + 16];
    snprintf(full, sizeof full, "%s%s", name, suffix);
    if (!folder_for(o, "plots", full, dir, sizeof dir))
        return EXIT_BAD_INPUT;
    struct plot_list made = {0};
    int rc = plot_results(o->paths[0], dir, o->format ? o->format : "png", &made, &err);
    if (!o->quiet)
        for (size_t k = 0; k < made.n; k++)
            printf("%s\n", made.names[k]);
    plot_list_free(&made);
    return rc ? report(&err) : EXIT_OK;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        fputs(usage, argc < 2 ? stderr : stdout);
        return argc < 2 ? EXIT_BAD_INPUT : EXIT_OK;
    }
    if (!strcmp(argv[1], "--version")) {
        printf("switchsim %s\n", SWITCHSIM_VERSION);
        return EXIT_OK;
    }
    gsl_set_error_handler_off(); /* GSL reports failures by return value, never aborts */
    static const struct {
        const char *name;
        int (*run)(const struct options *);
    } commands[] = {{"run", cmd_run},
                    {"sweep", cmd_sweep},
                    {"compare", cmd_compare},
                    {"plot", cmd_plot},
                    {"check", cmd_check}};
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
    return rc;
}
