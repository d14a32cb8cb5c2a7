/* experiment.h - running a scenario's replications on threads and keeping what they report. */
#ifndef SWITCHSIM_EXPERIMENT_H
#define SWITCHSIM_EXPERIMENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "switchsim/model.h"
#include "switchsim/settings.h"

struct experiment {
    int replications; /* done, in order: 0 .. replications-1 */
    int rounds;
    struct replication *reps;   /* in replication order */
    struct model_totals totals; /* daily counts and savings pooled over replications */
    int cap;
};

struct experiment_options {
    int jobs;          /* threads; results do not depend on it */
    FILE *trace;       /* replication 0's event log, or NULL */
    const char *label; /* for progress reports */
    /* Called after each replication, one call at a time (see struct settings); NULL = none. */
    void (*progress)(void *ctx, const struct progress *p);
    void *progress_ctx;
    /* When it becomes non-zero (a signal handler sets it), no replication is started;
     * those under way finish. */
    const volatile sig_atomic_t *stop;
    /* When set, replications run as the runner's tasks, in blocks merged in replication
     * order (the trace's replication 0 still here); NULL = on the jobs threads. */
    const struct runner *runner;
};

/* The options a command's settings give an experiment of the scenario called label: jobs,
 * progress, stop and runner from s; no trace. */
struct experiment_options experiment_options_of(const struct settings *s, const char *label);

/* Starts an empty experiment for setup. Returns 0, or -1 with *err filled. */
int experiment_init(struct experiment *ex, const struct model_setup *setup, struct error *err);

/* Runs replications ex->replications .. total-1 with `seed` and appends them. When stopped
 * by opts->stop, keeps the replications that finished (always a prefix) and returns -1
 * with err->kind ERROR_INTERRUPTED. Returns 0, or -1 with *err filled. */
int experiment_extend(struct experiment *ex, const struct model_setup *setup, uint64_t seed,
                      int total, const struct experiment_options *opts, struct error *err);

/* experiment_init, then experiment_extend to `replications`. Returns 0; or -1 with *err
 * filled, and then *out is cleaned up (empty), except when err->kind is ERROR_INTERRUPTED:
 * then *out holds the replications that finished (always a prefix, possibly none), which
 * the caller may keep, and must clean up with experiment_cleanup. */
int experiment_run(const struct model_setup *setup, uint64_t seed, int replications,
                   const struct experiment_options *opts, struct experiment *out,
                   struct error *err);

/* Frees what the experiment holds and leaves it empty; an empty (zeroed) one is a no-op. */
void experiment_cleanup(struct experiment *ex);

#endif
