/* main.c - the switchsim command line: parses options, runs commands, picks exit codes. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>

#include "switchsim/experiment.h"
#include "switchsim/model.h"
#include "switchsim/results.h"
#include "switchsim/scenario.h"

#define SWITCHSIM_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FAILURE_OTHER = 1, EXIT_BAD_INPUT = 2 };

static const char usage[] =
    "usage:\n"
    "  switchsim run      SCENARIO.ini [-r N] [-s SEED] [-j JOBS] [-o DIR] [--set SECTION.KEY=VALUE]...\n"
    "                     [--trace FILE] [-q]\n"
    "  switchsim check    SCENARIO.ini [--set SECTION.KEY=VALUE]...\n"
    "  switchsim --help | --version\n"
    "\n"
    "run options:\n"
    "  -r N          replications (default: scenario.replications)\n"
    "  -s SEED       seed (default: scenario.seed); the same seed gives the same bytes\n"
    "  -j JOBS       threads (default: the number of cores)\n"
    "  -o DIR        result folder (default: results/<scenario name>/)\n"
    "  --set K=V     override any scenario key, e.g. --set paper.clerks=4\n"
    "  --trace FILE  write the first replication's event log as CSV\n"
    "  -q            quiet: no summary on stdout\n";

struct options {
    const char *command;
    const char *scenario;
    const char **sets;
    size_t n_sets;
    long replications; /* 0: the scenario's */
    bool has_seed;
    uint64_t seed;
    long jobs;
    const char *out_dir;
    const char *trace;
    bool quiet;
};

static int bad_usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "switchsim: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see switchsim --help)\n");
    return EXIT_BAD_INPUT;
}

static bool parse_count(const char *s, long *out)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 1 || v > 100000000)
        return false;
    *out = v;
    return true;
}

static int parse_options(int argc, char **argv, struct options *o)
{
    o->sets = calloc((size_t)argc, sizeof *o->sets);
    if (!o->sets)
        return EXIT_FAILURE_OTHER;
    for (int i = 2; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        bool takes = !strcmp(a, "-r") || !strcmp(a, "-s") || !strcmp(a, "-j") ||
                     !strcmp(a, "-o") || !strcmp(a, "--set") || !strcmp(a, "--trace");
        if (takes && !next)
            return bad_usage("option %s needs a value", a);
        if (!strcmp(a, "-r")) {
            if (!parse_count(next, &o->replications))
                return bad_usage("-r %s: replications must be a whole number >= 1", next);
        } else if (!strcmp(a, "-s")) {
            char *end;
            errno = 0;
            unsigned long long v = strtoull(next, &end, 10);
            if (errno || end == next || *end || next[0] == '-')
                return bad_usage("-s %s: the seed must be a whole number >= 0", next);
            o->seed = v;
            o->has_seed = true;
        } else if (!strcmp(a, "-j")) {
            if (!parse_count(next, &o->jobs))
                return bad_usage("-j %s: jobs must be a whole number >= 1", next);
        } else if (!strcmp(a, "-o")) {
            o->out_dir = next;
        } else if (!strcmp(a, "--set")) {
            o->sets[o->n_sets++] = next;
        } else if (!strcmp(a, "--trace")) {
            o->trace = next;
        } else if (!strcmp(a, "-q")) {
            o->quiet = true;
            continue;
        } else if (a[0] == '-' && a[1]) {
            return bad_usage("unknown option %s", a);
        } else if (!o->scenario) {
            o->scenario = a;
            continue;
        } else {
            return bad_usage("unexpected argument %s", a);
        }
        i++;
    }
    if (!o->scenario)
        return bad_usage("%s needs a scenario file", o->command);
    return EXIT_OK;
}

static int report(const struct error *err)
{
    char line[1400];
    error_format(err, line, sizeof line);
    fprintf(stderr, "switchsim: %s\n", line);
    return err->kind == ERROR_INPUT ? EXIT_BAD_INPUT : EXIT_FAILURE_OTHER;
}

/* results/<name>: the name with anything but letters, digits, '.', '_' and '-' made '_'. */
static void default_dir(const char *name, char *buf, size_t size)
{
    char safe[SCENARIO_NAME_MAX];
    size_t k = 0;
    for (const char *p = name; *p && k + 1 < sizeof safe; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (c == '.' && k > 0);
        safe[k++] = ok ? c : '_';
    }
    safe[k] = '\0';
    snprintf(buf, size, "results/%s", k ? safe : "scenario");
}

static int cmd_check(const struct options *o)
{
    struct error err = {0};
    struct scenario *sc = scenario_load(o->scenario, o->sets, o->n_sets, &err);
    if (!sc)
        return report(&err);
    scenario_write(sc, stdout);
    scenario_destroy(sc);
    return EXIT_OK;
}

static int cmd_run(const struct options *o)
{
    struct error err = {0};
    struct scenario *sc = scenario_load(o->scenario, o->sets, o->n_sets, &err);
    if (!sc)
        return report(&err);
    if (o->has_seed)
        sc->scenario.seed = o->seed;
    if (o->replications)
        sc->scenario.replications = (int)o->replications;
    long jobs = o->jobs ? o->jobs : sysconf(_SC_NPROCESSORS_ONLN);
    char dir[1024];
    if (o->out_dir)
        snprintf(dir, sizeof dir, "%s", o->out_dir);
    else
        default_dir(sc->scenario.name, dir, sizeof dir);

    int rc = EXIT_FAILURE_OTHER;
    FILE *trace = NULL;
    struct model_setup setup;
    struct experiment ex = {0};
    if (model_setup_init(&setup, sc, &err)) {
        rc = report(&err);
        goto done_scenario;
    }
    if (o->trace && !(trace = fopen(o->trace, "w"))) {
        error_set(&err, ERROR_INPUT, o->trace, 0, "--trace", "cannot write: %s",
                  strerror(errno));
        rc = report(&err);
        goto done_setup;
    }
    if (experiment_run(&setup, sc->scenario.seed, sc->scenario.replications, (int)jobs, trace,
                       &ex, &err) ||
        results_write(&ex, sc, dir, &err)) {
        rc = report(&err);
        if (trace)
            unlink(o->trace);
        goto done_experiment;
    }
    if (!o->quiet) {
        results_print(&ex, sc, stdout);
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
    struct options o = {.command = argv[1]};
    int rc;
    if (strcmp(o.command, "run") && strcmp(o.command, "check")) {
        rc = bad_usage("unknown command %s", o.command);
    } else if ((rc = parse_options(argc, argv, &o)) == EXIT_OK) {
        rc = !strcmp(o.command, "run") ? cmd_run(&o) : cmd_check(&o);
    }
    free(o.sets);
    return rc;
}
