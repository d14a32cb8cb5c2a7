/* points.c - running a sweep's grid points: side by side on the threads, each on its share
 * of them, or handed to a runner as tasks (a point's scenario in, its figures out). Split
 * from sweep.c; each point's row is stored by resume.c. */
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "runner_int.h"
#include "switchsim/experiment.h"
#include "switchsim/output.h"
#include "switchsim/pack.h"
#include "switchsim/precision.h"
#include "switchsim/results.h"
#include "sweep_int.h"

/* The figures of a point's sweep.csv row into *text (the caller frees it): for each headline
 * metric over all rounds ",MEAN,CI95_LOW,CI95_HIGH", then a line end; from sc's replications
 * on `jobs` threads, in batches when s has a precision target, stopped by s->stop, handed to
 * s->runner when it is set. Returns 0, or -1 with *err filled. */
static int point_figures(const struct scenario *sc, const struct settings *s, int jobs, char **text,
                         struct error *err)
{
    *text = NULL;
    struct model_setup setup;
    if (model_setup_init(&setup, sc, err))
        return -1;
    struct experiment_options eo = experiment_options_of(s, sc->scenario.name);
    eo.jobs = jobs;
    eo.progress = NULL; /* points run side by side: the sweep reports points done instead */
    struct experiment ex;
    struct precision_result pr;
    int rc = experiment_init(&ex, &setup, err);
    if (rc == 0)
        rc = precision_replicate(&ex, &setup, s, &eo, &pr, err);
    size_t len = 0;
    FILE *f = rc == 0 ? open_memstream(text, &len) : NULL;
    if (rc == 0 && !f)
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    for (int m = 0; f && m < M_COUNT; m++) {
        if (!metric_info((enum metric)m)->headline)
            continue;
        struct summary st;
        results_summary(&ex, ex.rounds, (enum metric)m, &st);
        double v[3] = {st.mean, st.ci_low, st.ci_high};
        for (int k = 0; k < 3; k++) {
            fputc(',', f);
            output_csv_number(f, v[k]);
        }
    }
    if (f) {
        fputc('\n', f);
        if (fclose(f) || !*text)
            rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    experiment_cleanup(&ex);
    model_setup_cleanup(&setup);
    return rc;
}

/* Runs grid point p and stores its sweep.csv row in points_dir/P.csv (atomically). */
static int sweep_point(const char *path, const struct sweep *sw, const struct settings *s, size_t p,
                       const char *points_dir, int jobs, struct error *err)
{
    char settings[SWEEP_MAX_KEYS][SWEEP_SETTING_SIZE];
    const char *extra[SWEEP_MAX_KEYS];
    sweep_point_settings(sw, p, settings, extra);
    struct scenario *sc = settings_load(path, s, extra, sw->n_axes, err);
    if (!sc)
        return -1;
    char *figures;
    int rc = point_figures(sc, s, jobs, &figures, err);
    if (rc == 0)
        rc = sweep_point_store(points_dir, sw, p, figures, strlen(figures), err);
    free(figures);
    scenario_destroy(sc);
    return rc;
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Grid points run side by side, each on its share of the threads. */
struct point_pool {
    const char *path;
    const struct sweep *sw;
    const struct settings *s;
    const char *points_dir;
    int jobs_per_point;
    pthread_mutex_t lock;
    size_t next, done, done_before;
    double started;
    bool failed;
    struct error err;
};

static void *point_worker(void *arg)
{
    struct point_pool *pool = arg;
    const struct settings *s = pool->s;
    for (;;) {
        pthread_mutex_lock(&pool->lock);
        size_t p = pool->next;
        bool go = !pool->failed && !(s->stop && *s->stop) && p < pool->sw->n_points;
        if (go)
            pool->next++;
        pthread_mutex_unlock(&pool->lock);
        if (!go)
            return NULL;
        char *row = sweep_point_row(pool->points_dir, pool->sw, p);
        if (row) { /* done before an interruption */
            free(row);
            pthread_mutex_lock(&pool->lock);
            pool->done++;
            pool->done_before++;
            pthread_mutex_unlock(&pool->lock);
            continue;
        }
        struct error err = {0};
        int rc =
            sweep_point(pool->path, pool->sw, s, p, pool->points_dir, pool->jobs_per_point, &err);
        pthread_mutex_lock(&pool->lock);
        if (rc && !pool->failed) {
            pool->failed = true;
            pool->err = err;
        } else if (rc == 0) {
            pool->done++;
            if (s->progress) {
                struct progress pr = {.label = "sweep",
                                      .unit = "points",
                                      .done = (long)pool->done,
                                      .total = (long)pool->sw->n_points,
                                      .done_here = (long)(pool->done - pool->done_before),
                                      .seconds = now_seconds() - pool->started};
                s->progress(s->progress_ctx, &pr);
            }
        }
        pthread_mutex_unlock(&pool->lock);
    }
}

/* ---- grid points as a runner's tasks ----
 *
 * The context: the precision target and the threads a point. A task: the point's scenario,
 * loaded here (scenario_pack). A result: the figures of its row (point_figures). The point's
 * row is stored here, as a point run on a thread stores it. */

struct point_context {
    struct settings s; /* the precision target; no stop, no runner */
    int jobs;
};

static void *point_open(const void *context, size_t len, struct error *err)
{
    struct point_context *c = calloc(1, sizeof *c);
    struct pack_reader r;
    pack_reader_init(&r, context, len);
    if (!c) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        return NULL;
    }
    c->jobs = (int)pack_read_u64(&r);
    c->s.has_precision = pack_read_u64(&r) != 0;
    c->s.precision_metric = (enum metric)pack_read_u64(&r);
    pack_read_bytes(&r, &c->s.precision, sizeof c->s.precision);
    c->s.jobs = c->jobs;
    if (r.failed || r.left || c->jobs < 1 || c->s.precision_metric >= M_COUNT) {
        free(c);
        error_set(err, ERROR_SYSTEM, "", 0, "", "a sweep point came with a damaged context");
        return NULL;
    }
    return c;
}

static int point_run(void *held, const void *task, size_t len, struct pack *result,
                     struct error *err)
{
    const struct point_context *c = held;
    struct pack_reader r;
    pack_reader_init(&r, task, len);
    struct scenario *sc = scenario_unpack(&r);
    if (!sc || r.left) {
        scenario_destroy(sc);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "a damaged sweep point");
    }
    char *figures;
    int rc = point_figures(sc, &c->s, c->jobs, &figures, err);
    if (rc == 0)
        pack_bytes(result, figures, strlen(figures));
    free(figures);
    scenario_destroy(sc);
    return rc;
}

static void point_close(void *held)
{
    free(held);
}

const struct runner_executor sweep_executor = {point_open, point_run, point_close};

struct point_farm {
    const char *path;
    const struct sweep *sw;
    const struct settings *s;
    const char *points_dir;
    size_t *todo; /* the points not done before, in grid order */
    size_t done, done_before;
    double started;
};

static int point_task(void *ctx, size_t k, struct pack *out, struct error *err)
{
    const struct point_farm *f = ctx;
    char settings[SWEEP_MAX_KEYS][SWEEP_SETTING_SIZE];
    const char *extra[SWEEP_MAX_KEYS];
    sweep_point_settings(f->sw, f->todo[k], settings, extra);
    struct scenario *sc = settings_load(f->path, f->s, extra, f->sw->n_axes, err);
    if (!sc)
        return -1;
    scenario_pack(sc, out);
    scenario_destroy(sc);
    return 0;
}

static void point_describe(void *ctx, size_t k, char *buf, size_t size)
{
    const struct point_farm *f = ctx;
    size_t used = (size_t)snprintf(buf, size, "point %zu (", f->todo[k] + 1);
    for (size_t a = 0; a < f->sw->n_axes && used < size; a++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s=%s", a ? ", " : "",
                                 f->sw->axes[a].key, sweep_value(f->sw, f->todo[k], a));
    if (used < size)
        snprintf(buf + used, size - used, ")");
}

static int point_done(void *ctx, size_t k, const void *result, size_t len, struct error *err)
{
    struct point_farm *f = ctx;
    if (sweep_point_store(f->points_dir, f->sw, f->todo[k], result, len, err))
        return -1;
    f->done++;
    const struct settings *s = f->s;
    if (s->progress) {
        struct progress pr = {.label = "sweep",
                              .unit = "points",
                              .done = (long)(f->done_before + f->done),
                              .total = (long)f->sw->n_points,
                              .done_here = (long)f->done,
                              .seconds = now_seconds() - f->started};
        s->progress(s->progress_ctx, &pr);
    }
    return 0;
}

/* Hands the points not done before to s->runner, one task a point, when there are at least
 * as many as it runs at once (else returns 1: run them one by one, each point's replications
 * through the runner). Returns 0 or -1 as sweep_points. */
static int point_farm(const char *path, const struct sweep *sw, const struct settings *s,
                      const char *points_dir, size_t *done, struct error *err)
{
    struct point_farm f = {.path = path, .sw = sw, .s = s, .points_dir = points_dir};
    if (!(f.todo = calloc(sw->n_points, sizeof *f.todo)))
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    size_t n = 0;
    for (size_t p = 0; p < sw->n_points; p++) {
        char *row = sweep_point_row(points_dir, sw, p); /* done before an interruption */
        if (row)
            f.done_before++;
        else
            f.todo[n++] = p;
        free(row);
    }
    if (n < (size_t)s->runner->width) {
        free(f.todo);
        return 1;
    }
    struct pack context = {0};
    double precision = s->precision;
    pack_u64(&context, (uint64_t)(s->jobs < 1 ? 1 : s->jobs));
    pack_u64(&context, s->has_precision);
    pack_u64(&context, (uint64_t)s->precision_metric);
    pack_bytes(&context, &precision, sizeof precision);
    struct runner_job job = {.kind = RUNNER_SWEEP_POINT,
                             .context = context.data,
                             .context_len = context.len,
                             .n_tasks = n,
                             .task = point_task,
                             .done = point_done,
                             .describe = point_describe,
                             .ctx = &f,
                             .stop = s->stop};
    f.started = now_seconds();
    int rc = context.failed ? error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory")
                            : s->runner->run(s->runner, &job, err);
    *done = f.done_before + f.done;
    pack_free(&context);
    free(f.todo);
    if (rc && err->kind == ERROR_INTERRUPTED)
        snprintf(err->message, sizeof err->message, "interrupted");
    return rc;
}

int sweep_points(const char *path, const struct sweep *sw, const struct settings *s,
                 const char *points_dir, size_t *done, struct error *err)
{
    int farmed = s->runner ? point_farm(path, sw, s, points_dir, done, err) : 1;
    if (farmed <= 0)
        return farmed;
    int jobs = s->jobs < 1 ? 1 : s->jobs;
    /* with a runner, points one by one, each point's replications through it */
    size_t workers = s->runner ? 1 : (size_t)jobs;
    if (workers > sw->n_points)
        workers = sw->n_points;
    struct point_pool pool = {.path = path,
                              .sw = sw,
                              .s = s,
                              .points_dir = points_dir,
                              .jobs_per_point = (int)((size_t)jobs / workers),
                              .started = now_seconds()};
    if (pool.jobs_per_point < 1)
        pool.jobs_per_point = 1;
    pthread_mutex_init(&pool.lock, NULL);
    pthread_t *threads = calloc(workers, sizeof *threads);
    size_t started = 1;
    if (threads)
        for (; started < workers; started++)
            if (pthread_create(&threads[started], NULL, point_worker, &pool))
                break;
    point_worker(&pool); /* the calling thread is a worker too */
    for (size_t k = 1; threads && k < started; k++)
        pthread_join(threads[k], NULL);
    free(threads);
    pthread_mutex_destroy(&pool.lock);
    *done = pool.done;
    if (pool.failed) {
        *err = pool.err;
        return -1;
    }
    if (pool.done < sw->n_points)
        return error_set(err, ERROR_INTERRUPTED, "", 0, "", "interrupted");
    return 0;
}
