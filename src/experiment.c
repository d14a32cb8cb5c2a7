/* experiment.c - running a scenario's replications on threads and keeping what they report. */
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner_int.h"
#include "switchsim/experiment.h"
#include "switchsim/pack.h"

struct shared {
    const struct model_setup *setup;
    uint64_t seed;
    struct replication *reps; /* replication i in reps[i - first] */
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

/* Tells o's progress callback that done_here replications from `first` on are done. */
static void report(const struct experiment_options *o, int first, int done_here, int total,
                   double started)
{
    if (!o->progress)
        return;
    struct progress p = {.label = o->label,
                         .unit = "replications",
                         .done = first + done_here,
                         .total = total,
                         .done_here = done_here,
                         .seconds = now_seconds() - started};
    o->progress(o->progress_ctx, &p);
}

/* Called with the lock held after each replication. */
static void show_progress(struct shared *sh)
{
    report(sh->opts, sh->first, sh->done, sh->total, sh->started);
}

static void *work(void *arg)
{
    struct worker *w = arg;
    struct shared *sh = w->shared;
    for (int i; (i = take(sh)) >= 0;) {
        struct error err = {0};
        int rc = model_run(sh->setup, sh->seed, (uint32_t)i, &sh->reps[i - sh->first], &w->totals,
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

/* Runs replications first..total-1 on opts->jobs threads into reps[0..total-first-1], adding
 * their daily counts and savings into *totals; *finished is then the first replication not
 * run (total, or less when stopped: they finish in order). Returns 0, or -1 with *err filled
 * as experiment_extend. */
static int replicate(const struct model_setup *setup, uint64_t seed, int first, int total,
                     struct replication *reps, struct model_totals *totals,
                     const struct experiment_options *opts, int *finished, struct error *err)
{
    *finished = first;
    int jobs = opts->jobs < 1 ? 1 : opts->jobs;
    if (jobs > total - first)
        jobs = total - first;
    struct shared sh = {.setup = setup,
                        .seed = seed,
                        .reps = reps,
                        .opts = opts,
                        .first = first,
                        .next = first,
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
        model_totals_add(totals, &workers[k].totals);
        model_totals_cleanup(&workers[k].totals);
    }
    free(workers);
    /* Replications are handed out in order and each one taken is finished, so the
     * finished ones are always first..next-1. */
    *finished = sh.next;
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

static int farm(struct experiment *ex, const struct model_setup *setup, uint64_t seed, int total,
                const struct experiment_options *opts, struct error *err);

int experiment_extend(struct experiment *ex, const struct model_setup *setup, uint64_t seed,
                      int total, const struct experiment_options *opts, struct error *err)
{
    if (total <= ex->replications)
        return 0;
    if (reserve(ex, setup, total))
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    if (opts->runner && opts->trace && ex->replications == 0) {
        /* replication 0 writes the trace: here, then the rest through the runner */
        struct experiment_options here = *opts;
        here.runner = NULL;
        if (experiment_extend(ex, setup, seed, 1, &here, err))
            return -1;
    }
    if (opts->runner && total > ex->replications)
        return farm(ex, setup, seed, total, opts, err);
    int finished;
    int rc = replicate(setup, seed, ex->replications, total, ex->reps + ex->replications,
                       &ex->totals, opts, &finished, err);
    ex->replications = finished;
    return rc;
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
                                       .stop = s->stop,
                                       .runner = s->runner};
}

void experiment_cleanup(struct experiment *ex)
{
    for (int i = 0; i < ex->cap; i++)
        model_replication_cleanup(&ex->reps[i]);
    free(ex->reps);
    model_totals_cleanup(&ex->totals);
    *ex = (struct experiment){0};
}

/* ---- replications as a runner's tasks ----
 *
 * The context: seed, threads a task, the setup's keep_days, its scenario (scenario_pack) and
 * a live forecast's observed days. A task: its first replication and count. A result: each
 * replication's metrics, bids (and days when kept), then the block's daily counts and
 * savings histogram. */

static void pack_setup(const struct model_setup *setup, uint64_t seed, int jobs, struct pack *p)
{
    pack_u64(p, seed);
    pack_u64(p, (uint64_t)jobs);
    pack_u64(p, setup->keep_days);
    scenario_pack(setup->sc, p);
    const struct model_observed *o = setup->observed;
    pack_u64(p, o != NULL);
    if (o) {
        struct model_observed flat = *o;
        flat.online = flat.paper = NULL;
        pack_bytes(p, &flat, sizeof flat);
        pack_array(p, o->online, (size_t)o->days, sizeof *o->online);
        pack_array(p, o->paper, (size_t)o->days, sizeof *o->paper);
    }
}

/* A setup unpacked from a context, owning all it points to. */
struct shipped {
    uint64_t seed;
    int jobs;
    struct scenario *sc;
    struct model_observed observed;
    uint32_t *online, *paper;
    struct model_setup setup;
    bool ready; /* setup made */
};

static void shipped_close(void *held)
{
    struct shipped *sh = held;
    if (!sh)
        return;
    if (sh->ready)
        model_setup_cleanup(&sh->setup);
    scenario_destroy(sh->sc);
    free(sh->online);
    free(sh->paper);
    free(sh);
}

static void *shipped_open(const void *context, size_t len, struct error *err)
{
    struct shipped *sh = calloc(1, sizeof *sh);
    if (!sh) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        return NULL;
    }
    struct pack_reader r;
    pack_reader_init(&r, context, len);
    sh->seed = pack_read_u64(&r);
    sh->jobs = (int)pack_read_u64(&r);
    bool keep_days = pack_read_u64(&r) != 0;
    sh->sc = scenario_unpack(&r);
    bool observed = pack_read_u64(&r) != 0;
    if (observed && pack_read_bytes(&r, &sh->observed, sizeof sh->observed) == 0 &&
        sh->observed.days >= 0) {
        sh->online = pack_read_array(&r, (size_t)sh->observed.days, sizeof *sh->online);
        sh->paper = pack_read_array(&r, (size_t)sh->observed.days, sizeof *sh->paper);
        sh->observed.online = sh->online;
        sh->observed.paper = sh->paper;
    }
    if (r.failed || r.left || !sh->sc || sh->jobs < 1 || (observed && sh->observed.days < 0)) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "a replications task came with a damaged context");
        shipped_close(sh);
        return NULL;
    }
    if (model_setup_init(&sh->setup, sh->sc, err)) {
        shipped_close(sh);
        return NULL;
    }
    sh->ready = true;
    sh->setup.observed = observed ? &sh->observed : NULL;
    sh->setup.keep_days = keep_days;
    return sh;
}

static void pack_block(const struct model_setup *setup, const struct replication *reps, int n,
                       const struct model_totals *totals, struct pack *p)
{
    size_t per_rep = (size_t)setup->sc->scenario.rounds * M_COUNT;
    for (int i = 0; i < n; i++) {
        pack_bytes(p, reps[i].metrics, per_rep * sizeof *reps[i].metrics);
        pack_array(p, reps[i].bids, reps[i].n_bids, sizeof *reps[i].bids);
        if (reps[i].days)
            pack_bytes(p, reps[i].days, totals->days * DAY_COUNT * sizeof *reps[i].days);
    }
    pack_bytes(p, totals->daily, totals->days * DAILY_COUNT * sizeof *totals->daily);
    pack_bytes(p, totals->hist, (totals->bins + 2) * sizeof *totals->hist);
}

/* Reads what pack_block wrote for n replications into reps and *totals. Returns 0 or -1. */
static int unpack_block(struct pack_reader *r, const struct model_setup *setup,
                        struct replication *reps, int n, struct model_totals *totals)
{
    size_t per_rep = (size_t)setup->sc->scenario.rounds * M_COUNT;
    for (int i = 0; i < n && !r->failed; i++) {
        pack_read_bytes(r, reps[i].metrics, per_rep * sizeof *reps[i].metrics);
        uint64_t bids = pack_read_u64(r);
        const void *at = bids <= r->left / sizeof *reps[i].bids
                             ? pack_read_view(r, (size_t)bids * sizeof *reps[i].bids)
                             : NULL;
        if (!at)
            return -1;
        if (bids > reps[i].cap_bids) {
            struct bid_record *grown = realloc(reps[i].bids, (size_t)bids * sizeof *grown);
            if (!grown)
                return -1;
            reps[i].bids = grown;
            reps[i].cap_bids = (size_t)bids;
        }
        if (bids)
            memcpy(reps[i].bids, at, (size_t)bids * sizeof *reps[i].bids);
        reps[i].n_bids = (size_t)bids;
        if (reps[i].days)
            pack_read_bytes(r, reps[i].days, totals->days * DAY_COUNT * sizeof *reps[i].days);
    }
    pack_read_bytes(r, totals->daily, totals->days * DAILY_COUNT * sizeof *totals->daily);
    pack_read_bytes(r, totals->hist, (totals->bins + 2) * sizeof *totals->hist);
    return r->failed || r->left ? -1 : 0;
}

static int block_run(void *held, const void *task, size_t len, struct pack *result,
                     struct error *err)
{
    struct shipped *sh = held;
    struct pack_reader r;
    pack_reader_init(&r, task, len);
    uint64_t first = pack_read_u64(&r), count = pack_read_u64(&r);
    if (r.failed || r.left || count == 0 || count > INT32_MAX || first > INT32_MAX - count)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "a damaged replications task");
    int n = (int)count;
    struct replication *reps = calloc(count, sizeof *reps);
    struct model_totals totals = {0};
    int made = 0, rc = reps && model_totals_init(&totals, &sh->setup) == 0 ? 0 : -1;
    for (; rc == 0 && made < n; made++)
        rc = model_replication_init(&reps[made], &sh->setup);
    if (rc) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    } else {
        struct experiment_options opts = {.jobs = sh->jobs};
        int finished;
        rc = replicate(&sh->setup, sh->seed, (int)first, (int)first + n, reps, &totals, &opts,
                       &finished, err);
        if (rc == 0)
            pack_block(&sh->setup, reps, n, &totals, result);
    }
    for (int i = 0; i < made; i++)
        model_replication_cleanup(&reps[i]);
    free(reps);
    model_totals_cleanup(&totals);
    return rc;
}

const struct runner_executor experiment_executor = {shipped_open, block_run, shipped_close};

/* An experiment_extend handed to a runner: replications first..total-1 in blocks. */
struct farm {
    struct experiment *ex;
    const struct model_setup *setup;
    const struct experiment_options *opts;
    int first, total, block;
    size_t n_blocks;
    size_t merged;               /* blocks whose totals are in ex->totals: always the first */
    struct model_totals *totals; /* a block's totals while blocks before it are still out */
    bool *arrived;
    int arrived_reps;
    double started;
};

static int block_first(const struct farm *f, size_t k)
{
    return f->first + (int)k * f->block;
}

static int block_count(const struct farm *f, size_t k)
{
    int end = block_first(f, k) + f->block;
    return (end < f->total ? end : f->total) - block_first(f, k);
}

static int farm_task(void *ctx, size_t k, struct pack *out, struct error *err)
{
    (void)err;
    const struct farm *f = ctx;
    pack_u64(out, (uint64_t)block_first(f, k));
    pack_u64(out, (uint64_t)block_count(f, k));
    return 0;
}

static void farm_describe(void *ctx, size_t k, char *buf, size_t size)
{
    const struct farm *f = ctx;
    snprintf(buf, size, "replications %d to %d of %s", block_first(f, k) + 1,
             block_first(f, k) + block_count(f, k), f->setup->sc->scenario.name);
}

/* Merges a block's result into the experiment: its replications into their places at once,
 * its counts once every block before it is in, so what a stop keeps is a prefix. */
static int farm_done(void *ctx, size_t k, const void *result, size_t len, struct error *err)
{
    struct farm *f = ctx;
    struct pack_reader r;
    pack_reader_init(&r, result, len);
    if (f->arrived[k] || model_totals_init(&f->totals[k], f->setup))
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    f->arrived[k] = true;
    if (unpack_block(&r, f->setup, f->ex->reps + block_first(f, k), block_count(f, k),
                     &f->totals[k])) {
        char what[200];
        farm_describe(f, k, what, sizeof what);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "the result of %s came back damaged",
                         what);
    }
    for (; f->merged < f->n_blocks && f->arrived[f->merged]; f->merged++) {
        model_totals_add(&f->ex->totals, &f->totals[f->merged]);
        model_totals_cleanup(&f->totals[f->merged]);
    }
    f->arrived_reps += block_count(f, k);
    report(f->opts, f->first, f->arrived_reps, f->total, f->started);
    return 0;
}

static int farm(struct experiment *ex, const struct model_setup *setup, uint64_t seed, int total,
                const struct experiment_options *opts, struct error *err)
{
    const struct runner *runner = opts->runner;
    int count = total - ex->replications, per = 8 * (runner->width < 1 ? 1 : runner->width);
    struct farm f = {.ex = ex,
                     .setup = setup,
                     .opts = opts,
                     .first = ex->replications,
                     .total = total,
                     .block = (count + per - 1) / per,
                     .started = now_seconds()};
    f.n_blocks = (size_t)((count + f.block - 1) / f.block);
    f.totals = calloc(f.n_blocks, sizeof *f.totals);
    f.arrived = calloc(f.n_blocks, sizeof *f.arrived);
    struct pack context = {0};
    pack_setup(setup, seed, opts->jobs < 1 ? 1 : opts->jobs, &context);
    int rc;
    if (!f.totals || !f.arrived || context.failed) {
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    } else {
        struct runner_job job = {.kind = RUNNER_REPLICATIONS,
                                 .context = context.data,
                                 .context_len = context.len,
                                 .n_tasks = f.n_blocks,
                                 .task = farm_task,
                                 .done = farm_done,
                                 .describe = farm_describe,
                                 .ctx = &f,
                                 .stop = opts->stop};
        rc = runner->run(runner, &job, err);
    }
    for (size_t k = f.merged; f.arrived && k < f.n_blocks; k++)
        if (f.arrived[k])
            model_totals_cleanup(&f.totals[k]);
    /* what is kept: the blocks merged, a prefix of the replications */
    ex->replications = f.merged < f.n_blocks ? block_first(&f, f.merged) : total;
    free(f.totals);
    free(f.arrived);
    pack_free(&context);
    if (rc && err->kind == ERROR_INTERRUPTED)
        snprintf(err->message, sizeof err->message, "interrupted after %d of %d replications",
                 ex->replications, total);
    return rc;
}
