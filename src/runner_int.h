/* runner_int.h - the executors of each kind of task, for runner.c. Private to the library. */
#ifndef SWITCHSIM_RUNNER_INT_H
#define SWITCHSIM_RUNNER_INT_H

#include "switchsim/runner.h"

/* How one kind of task runs: its job's context unpacked once (open, NULL with *err filled on
 * failure), each task run against it (0, or -1 with *err filled), and closed. */
struct runner_executor {
    void *(*open)(const void *context, size_t len, struct error *err);
    int (*run)(void *held, const void *task, size_t len, struct pack *result, struct error *err);
    void (*close)(void *held);
};

extern const struct runner_executor experiment_executor; /* RUNNER_REPLICATIONS */
extern const struct runner_executor sweep_executor;      /* RUNNER_SWEEP_POINT */

#endif
