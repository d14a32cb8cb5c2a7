/* settings.h - what a command is told besides its scenario: overrides, seed, threads, stop. */
#ifndef SWITCHSIM_SETTINGS_H
#define SWITCHSIM_SETTINGS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchsim/error.h"
#include "switchsim/runner.h"
#include "switchsim/metric.h"
#include "switchsim/output.h"
#include "switchsim/scenario.h"

/* How far a long command has come, for a progress line. */
struct progress {
    const char *label; /* the scenario's name, or "sweep" */
    const char *unit;  /* "replications" or "points" */
    long done, total;  /* done includes work finished before this call (a resumed sweep) */
    long done_here;    /* finished since this call began */
    double seconds;    /* since this call began */
};

/* The settings of run, sweep, compare (and check, which uses only sets). Start from
 * (struct settings){.jobs = 1} and fill what the user gave. */
struct settings {
    const char *const *sets; /* "SECTION.KEY=VALUE" overrides, applied in order */
    size_t n_sets;
    int replications; /* -r; 0 = the scenario's. With a precision target, the cap */
    bool has_seed;    /* -s given */
    uint64_t seed;
    int jobs;            /* threads, at least 1; results never depend on it */
    const char *out_dir; /* -o; NULL = results/<scenario name>[-sweep|-vs-B]/ */
    bool has_precision;  /* --precision METRIC=HALFWIDTH */
    enum metric precision_metric;
    double precision;
    const char *trace; /* run: file for replication 0's event log; NULL = none */
    bool resume;       /* sweep: finish an interrupted sweep, keeping its points */
    bool force;        /* write over the results of another configuration */
    /* Called after each replication (or sweep point) finishes, from whichever thread ran
     * it, one call at a time; NULL = none. */
    void (*progress)(void *ctx, const struct progress *p);
    void *progress_ctx;
    /* When *stop becomes non-zero (a signal handler sets it), nothing new is started and
     * what is under way finishes; NULL = never. */
    const volatile sig_atomic_t *stop;
    /* Where replications and sweep points run: NULL = on the -j threads of this process
     * (runner.h); switchsim-mpi sets one that spreads them over MPI ranks. Results never
     * depend on it. */
    const struct runner *runner;
};

/* Loads and validates the scenario at `path` with the settings applied before validation:
 * s->sets, then `extra` (n_extra more overrides, e.g. a sweep point's), then -s and -r as
 * scenario.seed and scenario.replications. Returns the scenario (scenario_destroy frees it),
 * or NULL with *err filled as scenario_load does. */
struct scenario *settings_load(const char *path, const struct settings *s, const char *const *extra,
                               size_t n_extra, struct error *err);

/* Writes into buf the folder a command writes its results into: s->out_dir when given, else
 * results/NAME, with the --set overrides added to the name ("NAME--key=value,...", made safe
 * by output_folder, which adds a hash of what it changed), so each configuration has a
 * folder of its own. Returns 0, or -1 with *err filled when it does not fit. */
int settings_folder(const struct settings *s, const char *name, char *buf, size_t size,
                    struct error *err);

/* settings_folder for NAME followed by SUFFIX (e.g. "-forecast"), then output_set_hold of
 * that folder: what a command does before it runs. Returns 0 with *set held, or -1 with
 * *err filled and *set not held (safe for output_set_release). */
int settings_hold_folder(const struct settings *s, const char *name, const char *suffix,
                         char *buf, size_t size, struct output_set *set, struct error *err);

/* Refuses (ERROR_INPUT naming the folder and the first key that differs) to write the results
 * of scenario sc into dir when dir/FILE already holds the results of another configuration (a
 * scenario.ini whose keys but seed, replications and overrides differ), unless s->force or
 * the folder was named (-o: the caller chose it, and it is replaced whole). Returns 0 when dir is free, holds no such file, or the same configuration. */
int settings_check_folder(const struct settings *s, const char *dir, const char *file,
                          const struct scenario *sc, struct error *err);

#endif
