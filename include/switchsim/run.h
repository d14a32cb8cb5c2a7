/* run.h - the run command: one scenario's replications and its result files. */
#ifndef SWITCHSIM_RUN_H
#define SWITCHSIM_RUN_H

#include <stdbool.h>

#include "switchsim/experiment.h"
#include "switchsim/precision.h"
#include "switchsim/settings.h"

/* What a run did, for printing. */
struct run_result {
    struct scenario *sc;               /* as loaded with the settings; owned */
    struct experiment ex;              /* its replications */
    struct precision_result precision; /* how a precision target ended */
    char dir[1100];                    /* where the result files are */
    bool partial;                      /* interrupted: the finished ones kept, marked PARTIAL */
};

/* Loads the scenario at `path` with settings s, runs its replications (s->jobs threads,
 * batches when s has a precision target, replication 0's event log to s->trace when given)
 * and writes the result files (results_write) into s->out_dir or results/<scenario name>/,
 * which it holds from before the run (output_set_hold) and replaces whole. The trace is
 * written under a fresh name and put in place when complete (a link at its name is refused;
 * a FIFO or device is written directly); a trace that could not be written fails the run.
 * Returns 0 with *out filled; or -1 with *err filled: ERROR_INPUT (bad scenario, a trace
 * file that cannot be written, an -o that does not fit or is not a folder of results),
 * ERROR_SYSTEM (also: the folder is held by another switchsim), or ERROR_INTERRUPTED
 * when s->stop was raised: then the replications that finished, if any, are written marked
 * PARTIAL and out->partial is set. *out is always safe for run_result_cleanup. */
int run_scenario(const char *path, const struct settings *s, struct run_result *out,
                 struct error *err);

/* Frees what a run result holds; a zeroed one is a no-op. */
void run_result_cleanup(struct run_result *r);

#endif
