/* experiment.h - running a scenario's replications on threads and keeping what they report. */
#ifndef SWITCHSIM_EXPERIMENT_H
#define SWITCHSIM_EXPERIMENT_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "switchsim/model.h"

struct experiment {
    int replications; /* done, in order: 0 .. replications-1 */
    int rounds;
    struct replication *reps;   /* in replication order */
    struct model_totals totals; /* daily counts and savings pooled over replications */
    int cap;
};

struct experiment_options {
    int jobs;       /* threads; results do not depend on it */
    FILE *trace;    /* replication 0's event log, or NULL */
    FILE *progress; /* a progress line, redrawn with \r, or NULL */
    const char *label;
    /* When it becomes non-zero (a signal handler sets it), no replication is started;
     * those under way finish. */
    const volatile sig_atomic_t *stop;
};

/* Starts an empty experiment for setup. Returns 0, or -1 with *err filled. */
int experiment_init(struct experiment *ex, const struct model_setup *setup, struct error *err);

/* Runs replications ex->replications .. total-1 with `seed` and appends them. When stopped
 * by opts->stop, keeps the replications that finished (always a prefix) and returns -1
 * with err->kind ERROR_INTERRUPTED. Returns 0, or -1 with *err filled. */
int experiment_extend(struct experiment *ex, const struct model_setup *setup, uint64_t seed,
                      int total, const struct experiment_options *opts, struct error *err);

/* experiment_init, then experiment_extend to `replications`; on failure *out is empty. */
int experiment_run(const struct model_setup *setup, uint64_t seed, int replications,
                   const struct experiment_options *opts, struct experiment *out,
                   struct error *err);

void experiment_cleanup(struct experiment *ex);

#endif
