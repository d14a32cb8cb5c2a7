/* runner.h - where the pieces of a command's work run: by default on this process's threads
 * (-j); a runner set in the settings hands them out instead (switchsim-mpi: to MPI ranks). */
#ifndef SWITCHSIM_RUNNER_H
#define SWITCHSIM_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "switchsim/error.h"
#include "switchsim/pack.h"

/* What a task does. Every process runs a task with runner_execute, whichever command made it. */
enum runner_kind {
    RUNNER_REPLICATIONS = 1, /* a block of replications of one experiment (experiment.c) */
    RUNNER_SWEEP_POINT = 2,  /* one grid point of a sweep (src/sweep/points.c) */
};

/* A job: n_tasks tasks of one kind sharing one context. The command that makes a job reads
 * every file and writes every result (through task and done); the tasks only compute, from
 * bytes to bytes, so any process of the same build can run any of them, and the results do
 * not depend on where or in which order they ran. */
struct runner_job {
    enum runner_kind kind;
    const void *context; /* what every task needs (say the scenario): sent once a process */
    size_t context_len;
    size_t n_tasks;
    /* Appends task k's bytes to *out. Called one at a time, k = 0, 1, ... in order, as tasks
     * are handed out (so a sweep loads each point's scenario just before it runs). Returns 0,
     * or -1 with *err filled, which ends the job. */
    int (*task)(void *ctx, size_t k, struct pack *out, struct error *err);
    /* Takes task k's result (len bytes). Called one at a time, in the order results come in.
     * Returns 0, or -1 with *err filled, which ends the job. */
    int (*done)(void *ctx, size_t k, const void *result, size_t len, struct error *err);
    /* Names task k for a message, e.g. "point 17 (paper.clerks=2)". */
    void (*describe)(void *ctx, size_t k, char *buf, size_t size);
    void *ctx;
    /* When it becomes non-zero, no task is handed out any more. */
    const volatile sig_atomic_t *stop;
};

struct runner {
    int width; /* tasks that run at once (ranks): a job is cut into enough tasks to fill them */
    /* Runs every task of job. Returns 0 once done() has taken every result; or -1 with *err
     * filled: a task that failed (naming where it ran and which task), a failure of task()
     * or done(), a process lost; or ERROR_INTERRUPTED when job->stop was raised or the
     * runner was interrupted: done() has then taken the results that came in, and no more
     * will come. */
    int (*run)(const struct runner *r, const struct runner_job *job, struct error *err);
    void *ctx;
};

/* What a process keeps between the tasks it runs: the context of the last job, unpacked.
 * Start zeroed; runner_cache_cleanup frees it. */
struct runner_cache {
    uint64_t id; /* the job whose context is held; 0 = none */
    enum runner_kind kind;
    void *held;
};

/* Runs a task here: of a job of `kind` named `id` (non-zero; a cache holding the same id
 * reuses what it unpacked), with the job's context and the task's bytes; appends the result
 * to *result. Returns 0, or -1 with *err filled (ERROR_SYSTEM: bytes that do not hold what
 * the kind needs, out of memory, or the task's own failure). */
int runner_execute(struct runner_cache *cache, uint64_t id, enum runner_kind kind,
                   const void *context, size_t context_len, const void *task, size_t task_len,
                   struct pack *result, struct error *err);

/* Frees what the cache holds and leaves it zeroed; a zeroed one is a no-op. */
void runner_cache_cleanup(struct runner_cache *cache);

#endif
