/* experiment.h - running a scenario's replications on threads and keeping what they report. */
#ifndef SWITCHSIM_EXPERIMENT_H
#define SWITCHSIM_EXPERIMENT_H

#include <stdio.h>

#include "switchsim/model.h"

struct experiment {
    int replications;
    int rounds;
    struct replication *reps;   /* in replication order */
    struct model_totals totals; /* daily counts and savings pooled over replications */
};

/* Runs replications 0..replications-1 of setup with `seed` on `jobs` threads; the trace
 * (if not NULL) gets replication 0's event log. Results do not depend on jobs.
 * Returns 0, or -1 with *err filled; *out is then empty. */
int experiment_run(const struct model_setup *setup, uint64_t seed, int replications, int jobs,
                   FILE *trace, struct experiment *out, struct error *err);

void experiment_cleanup(struct experiment *ex);

#endif
