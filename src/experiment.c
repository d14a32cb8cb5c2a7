/* experiment.c - running a scenario's replications on threads and keeping what they report. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "switchsim/experiment.h"

struct shared {
    const struct model_setup *setup;
    uint64_t seed;
    struct experiment *ex;
    const struct experiment_options *opts;
    pthread_mutex_t lock;
    int first, next, total; /* replications first..total-1; next one to hand out */
    int done;
    int failed; /* set once a replication fails: the others stop taking work */
    struct error err;
    double started; /* seconds, for progress reports */
};

struct worker {
    pthread_t thread;
    struct shared *shared;
    struct model_totals totals;
};

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool stopping(const struct shared *sh)
{
    return sh->failed || (sh->opts->stop && *sh->opts->stop);
}

static int take(struct shared *sh)
{
    pthread_mutex_lock(&sh->lock);
    int i = stopping(sh) || sh->next >= sh->total ? -1 : sh->next++;
    pthread_mutex_unlock(&sh->lock);
    return i;
}

/* Called with the lock held after each replication. */
static void show_progress(struct shared *sh)
{
    const struct experiment_options *o = sh->opts;
    if (!o->progress)
        return;
    struct progress p = {.label = o->label,
                         .unit = "replications",
                         .done = sh->first + sh->done,
                         .total = sh->total,
                         .done_here = sh->done,
                         .seconds = now_seconds() - sh->started};
    o->progress(o->progress_ctx, &p);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->shared;
    for (int i; (i = take(sh)) >= 0;) {
        struct error err = {0};
        int rc = model_run(sh->setup, sh->seed, (uint32_t)i, &sh->ex->reps[i], &w->totals,
                           i == 0 ? sh->opts->trace : NULL, &err);
        pthread_mutex_lock(&sh->lock);
        if (rc) {
            if (!sh->failed)
                sh->err = err;
            sh->failed = 1;
        } else {
            sh->done++;
            show_progress(sh);
        }
        pthread_mutex_unlock(&sh->lock);
    }
    return NULL;
}

int experiment_init(struct experiment *ex, const struct model_setup *setup, struct error *err)
{
    *ex = (struct experiment){.rounds = setup->sc->scenario.rounds};
    if (model_totals_init(&ex->totals, setup))
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    return 0;
}

static int reserve(struct experiment *ex, const struct model_setup *setup, int total)
{
    if (total <= ex->cap)
        return 0;
    struct replication *reps = realloc(ex->reps, (size_t)total * sizeof *reps);
    if (!reps)
        return -1;
    ex->reps = reps;
    for (; ex->cap < total; ex->cap++)
        if (model_replication_init(&ex->reps[ex->cap], setup))
            return -1;
    return 0;
}

int experiment_extend(struct experiment *ex, const struct model_setup *setup, uint64_t seed,
                      int total, const struct experiment_options *opts, struct error *err)
{
    if (total <= ex->replications)
        return 0;
    if (reserve(ex, setup, total))
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    int jobs = opts->jobs < 1 ? 1 : opts->jobs;
    if (jobs > total - ex->replications)
        jobs = total - ex->replications;
    struct shared sh = {.setup = setup,
                        .seed = seed,
                        .ex = ex,
                        .opts = opts,
                        .first = ex->replications,
                        .next = ex->replications,
                        .total = total};
    sh.started = now_seconds();
    struct worker *workers = calloc((size_t)jobs, sizeof *workers);
    if (!workers)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    pthread_mutex_init(&sh.lock, NULL);
    int started = 0;
    for (; started < jobs; started++) {
        workers[started].shared = &sh;
        if (model_totals_init(&workers[started].totals, setup))
            break;
        if (started > 0 &&
            pthread_create(&workers[started].thread, NULL, work, &workers[started])) {
            model_totals_cleanup(&workers[started].totals);
            break;
        }
    }
    if (started > 0)
        work(&workers[0]); /* the calling thread is worker 0 */
    for (int k = 1; k < started; k++)
        pthread_join(workers[k].thread, NULL);
    pthread_mutex_destroy(&sh.lock);
    /* Counts are integers, so the order of adding them up does not matter. */
    for (int k = 0; k < started; k++) {
        model_totals_add(&ex->totals, &workers[k].totals);
        model_totals_cleanup(&workers[k].totals);
    }
    free(workers);
    /* Replications are handed out in order and each one taken is finished, so the
     * finished ones are always first..next-1. */
    ex->replications = sh.next;
    if (started == 0)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    if (sh.failed) {
        *err = sh.err;
        return -1;
    }
    if (sh.next < total)
        return error_set(err, ERROR_INTERRUPTED, "", 0, "",
                         "interrupted after %d of %d replications", sh.next, total);
    return 0;
}

int experiment_run(const struct model_setup *setup, uint64_t seed, int replications,
                   const struct experiment_options *opts, struct experiment *out, struct error *err)
{
    if (experiment_init(out, setup, err))
        return -1;
    if (experiment_extend(out, setup, seed, replications, opts, err)) {
        if (err->kind != ERROR_INTERRUPTED)
            experiment_cleanup(out);
        return -1;
    }
    return 0;
}

struct experiment_options experiment_options_of(const struct settings *s, const char *label)
{
    return (struct experiment_options){.jobs = s->jobs < 1 ? 1 : s->jobs,
                                       .label = label,
                                       .progress = s->progress,
                                       .progress_ctx = s->progress_ctx,
                                       .stop = s->stop};
}

void experiment_cleanup(struct experiment *ex)
{
    for (int i = 0; i < ex->cap; i++)
        model_replication_cleanup(&ex->reps[i]);
    free(ex->reps);
    model_totals_cleanup(&ex->totals);
    *ex = (struct experiment){0};
}
