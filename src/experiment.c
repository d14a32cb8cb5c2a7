/* experiment.c - running a scenario's replications on threads and keeping what they report. */
#include <pthread.h>
#include <stdlib.h>

#include "switchsim/experiment.h"

struct shared {
    const struct model_setup *setup;
    uint64_t seed;
    struct experiment *ex;
    FILE *trace;
    pthread_mutex_t lock;
    int next;    /* next replication to hand out */
    int failed;  /* set once a replication fails: the others stop taking work */
    struct error err;
};

struct worker {
    pthread_t thread;
    struct shared *shared;
    struct model_totals totals;
    int rc;
};

static int take(struct shared *sh)
{
    pthread_mutex_lock(&sh->lock);
    int i = sh->failed || sh->next >= sh->ex->replications ? -1 : sh->next++;
    pthread_mutex_unlock(&sh->lock);
    return i;
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->shared;
    for (int i; (i = take(sh)) >= 0;) {
        struct error err = {0};
        if (model_run(sh->setup, sh->seed, (uint32_t)i, &sh->ex->reps[i], &w->totals,
                      i == 0 ? sh->trace : NULL, &err)) {
            pthread_mutex_lock(&sh->lock);
            if (!sh->failed)
                sh->err = err;
            sh->failed = 1;
            pthread_mutex_unlock(&sh->lock);
            w->rc = -1;
        }
    }
    return NULL;
}

int experiment_run(const struct model_setup *setup, uint64_t seed, int replications, int jobs,
                   FILE *trace, struct experiment *out, struct error *err)
{
    *out = (struct experiment){.replications = replications,
                               .rounds = setup->sc->scenario.rounds};
    if (jobs < 1)
        jobs = 1;
    if (jobs > replications)
        jobs = replications > 0 ? replications : 1;
    struct shared sh = {.setup = setup, .seed = seed, .ex = out, .trace = trace};
    struct worker *workers = calloc((size_t)jobs, sizeof *workers);
    out->reps = calloc((size_t)replications + 1, sizeof *out->reps);
    int rc = -1;
    if (!workers || !out->reps || model_totals_init(&out->totals, setup))
        goto done;
    for (int i = 0; i < replications; i++)
        if (replication_init(&out->reps[i], setup))
            goto done;
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
        model_totals_add(&out->totals, &workers[k].totals);
        model_totals_cleanup(&workers[k].totals);
    }
    if (started == 0 || sh.failed) {
        if (sh.failed)
            *err = sh.err;
        goto done;
    }
    rc = 0;
done:
    if (rc) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        experiment_cleanup(out);
    }
    free(workers);
    return rc;
}

void experiment_cleanup(struct experiment *ex)
{
    if (ex->reps)
        for (int i = 0; i < ex->replications; i++)
            replication_cleanup(&ex->reps[i]);
    free(ex->reps);
    model_totals_cleanup(&ex->totals);
    ex->reps = NULL;
}
