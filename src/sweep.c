/* sweep.c - a grid of scenario variations: --vary specs and the points they span. */
#include <dirent.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <time.h>
#include <unistd.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>

#include "runner_int.h"
#include "switchsim/experiment.h"
#include "switchsim/output.h"
#include "switchsim/pack.h"
#include "switchsim/precision.h"
#include "switchsim/results.h"
#include "switchsim/sweep.h"
#include "text.h"

static int bad(struct error *err, const char *spec, const char *why)
{
    char where[700];
    snprintf(where, sizeof where, "--vary %s", spec);
    return error_set(err, ERROR_INPUT, where, 0, "", "%s", why);
}

static int push(struct sweep_axis *ax, const char *text, size_t len)
{
    char **v = realloc(ax->values, (ax->n + 1) * sizeof *v);
    if (!v)
        return -1;
    ax->values = v;
    if (!(v[ax->n] = strndup(text, len)))
        return -1;
    ax->n++;
    return 0;
}

static bool number(const char *s, size_t len, double *out)
{
    char buf[64];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end;
    errno = 0;
    *out = strtod(buf, &end);
    return !errno && *end == '\0' && isfinite(*out);
}

int sweep_add(struct sweep *sw, const char *spec, struct error *err)
{
    const char *eq = strchr(spec, '=');
    if (!eq || eq == spec || !memchr(spec, '.', (size_t)(eq - spec)) || !eq[1])
        return bad(err, spec, "expected SECTION.KEY=V1,V2,... or SECTION.KEY=LO:HI:STEP");
    if (sw->n_axes == SWEEP_MAX_KEYS)
        return bad(err, spec, "too many --vary keys");
    size_t klen = (size_t)(eq - spec);
    if (klen >= sizeof sw->axes[0].key)
        return bad(err, spec, "key too long");
    for (size_t a = 0; a < sw->n_axes; a++)
        if (strlen(sw->axes[a].key) == klen && !strncmp(sw->axes[a].key, spec, klen))
            return bad(err, spec, "this key is already varied");
    struct sweep_axis *ax = &sw->axes[sw->n_axes++];
    *ax = (struct sweep_axis){0};
    memcpy(ax->key, spec, klen);
    if (!(ax->spec = strdup(spec)))
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    const char *v = eq + 1;
    const char *c1 = strchr(v, ':');
    int oom = 0;
    if (c1 && !strchr(v, ',')) {
        const char *c2 = strchr(c1 + 1, ':');
        double lo, hi, step;
        if (!c2 || strchr(c2 + 1, ':') || !number(v, (size_t)(c1 - v), &lo) ||
            !number(c1 + 1, (size_t)(c2 - c1 - 1), &hi) || !number(c2 + 1, strlen(c2 + 1), &step))
            return bad(err, spec, "a range is LO:HI:STEP with three numbers");
        if (!(step > 0) || hi < lo)
            return bad(err, spec, "a range needs LO <= HI and STEP > 0");
        double count = floor((hi - lo) / step + 1e-9) + 1;
        if (count > SWEEP_MAX_POINTS)
            return bad(err, spec, "too many points");
        /* 10 significant digits read well (0.3, not 0.30000000000000004); use more only
         * when neighbouring points would otherwise print the same */
        int digits = 10;
        for (; digits < 17; digits++) {
            bool distinct = true;
            char a[64], b[64];
            for (size_t i = 1; i < (size_t)count && distinct; i++) {
                snprintf(a, sizeof a, "%.*g", digits, lo + step * (double)(i - 1));
                snprintf(b, sizeof b, "%.*g", digits, lo + step * (double)i);
                distinct = strcmp(a, b) != 0;
            }
            if (distinct)
                break;
        }
        for (size_t i = 0; i < (size_t)count && !oom; i++) {
            char text[64];
            snprintf(text, sizeof text, "%.*g", digits, lo + step * (double)i);
            oom = push(ax, text, strlen(text));
        }
    } else {
        for (const char *p = v;;) {
            const char *comma = strchr(p, ',');
            size_t len = comma ? (size_t)(comma - p) : strlen(p);
            if (len == 0)
                return bad(err, spec, "empty value in the list");
            if ((oom = push(ax, p, len)))
                break;
            if (!comma)
                break;
            p = comma + 1;
        }
    }
    if (oom)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    size_t points = 1;
    for (size_t a = 0; a < sw->n_axes; a++) {
        points *= sw->axes[a].n;
        if (points > SWEEP_MAX_POINTS)
            return bad(err, spec, "the grid has too many points");
    }
    sw->n_points = points;
    return 0;
}

const char *sweep_value(const struct sweep *sw, size_t p, size_t a)
{
    size_t stride = 1;
    for (size_t b = a + 1; b < sw->n_axes; b++)
        stride *= sw->axes[b].n;
    return sw->axes[a].values[(p / stride) % sw->axes[a].n];
}

void sweep_setting(const struct sweep *sw, size_t p, size_t a, char *buf, size_t size)
{
    snprintf(buf, size, "%s=%s", sw->axes[a].key, sweep_value(sw, p, a));
}

void sweep_cleanup(struct sweep *sw)
{
    for (size_t a = 0; a < sw->n_axes; a++) {
        for (size_t i = 0; i < sw->axes[a].n; i++)
            free(sw->axes[a].values[i]);
        free(sw->axes[a].values);
        free(sw->axes[a].spec);
    }
    *sw = (struct sweep){0};
}

/* ---- running a sweep ---- */

/* The settings of grid point p as --set overrides, in settings[a] (each 700 bytes). */
static void point_settings(const struct sweep *sw, size_t p, char (*settings)[700],
                           const char **extra)
{
    for (size_t a = 0; a < sw->n_axes; a++) {
        sweep_setting(sw, p, a, settings[a], sizeof settings[a]);
        extra[a] = settings[a];
    }
}

static void write_text(FILE *f, size_t k, const void *ctx)
{
    (void)k;
    fputs(ctx, f);
}

/* The figures of a point's sweep.csv row into *text (the caller frees it): for each headline
 * metric over all rounds ",MEAN,CI95_LOW,CI95_HIGH", then a line end; from sc's replications
 * on `jobs` threads, in batches when s has a precision target, stopped by s->stop, handed to
 * s->runner when it is set. Returns 0, or -1 with *err filled. */
static int point_figures(const struct scenario *sc, const struct settings *s, int jobs,
                         char **text, struct error *err)
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

/* The varied values of point p as the start of its row, through output_csv_text (the caller
 * frees it; NULL when out of memory). */
static char *point_keys(const struct sweep *sw, size_t p, size_t *len)
{
    char *keys = NULL;
    *len = 0;
    FILE *f = open_memstream(&keys, len);
    for (size_t a = 0; f && a < sw->n_axes; a++) {
        if (a)
            fputc(',', f);
        output_csv_text(f, sweep_value(sw, p, a));
    }
    if (!f || fclose(f)) {
        free(keys);
        return NULL;
    }
    return keys;
}

/* Stores point p's row, its values then `figures` (len bytes), in points_dir/P.csv, atomically. */
static int point_store(const char *points_dir, const struct sweep *sw, size_t p,
                       const char *figures, size_t len, struct error *err)
{
    size_t keys_len;
    char *keys = point_keys(sw, p, &keys_len);
    char *row = keys ? malloc(keys_len + len + 1) : NULL;
    if (!row) {
        free(keys);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    memcpy(row, keys, keys_len);
    memcpy(row + keys_len, figures, len);
    row[keys_len + len] = '\0';
    char name[64];
    snprintf(name, sizeof name, "%zu.csv", p);
    const char *names[] = {name};
    int rc = output_write_files(points_dir, 1, names, write_text, row, err);
    free(row);
    free(keys);
    return rc;
}

/* Runs grid point p and stores its sweep.csv row in points_dir/P.csv (atomically). */
static int sweep_point(const char *path, const struct sweep *sw, const struct settings *s, size_t p,
                       const char *points_dir, int jobs, struct error *err)
{
    char settings[SWEEP_MAX_KEYS][700];
    const char *extra[SWEEP_MAX_KEYS];
    point_settings(sw, p, settings, extra);
    struct scenario *sc = settings_load(path, s, extra, sw->n_axes, err);
    if (!sc)
        return -1;
    char *figures;
    int rc = point_figures(sc, s, jobs, &figures, err);
    if (rc == 0)
        rc = point_store(points_dir, sw, p, figures, strlen(figures), err);
    free(figures);
    scenario_destroy(sc);
    return rc;
}

/* The row of grid point p as its file in points_dir holds it whole (the caller frees it),
 * or NULL when the file is missing or damaged: not exactly one line, holding the point's own
 * values as sweep_point writes them, then a number or nothing for the mean and CI bounds of
 * each headline metric. A damaged point is run again. */
static char *point_row(const char *points_dir, const struct sweep *sw, size_t p)
{
    char path[1300];
    snprintf(path, sizeof path, "%s/%zu.csv", points_dir, p);
    struct text t;
    struct error ignored = {0};
    if (text_read(&t, path, path, (size_t)1 << 20, NULL, "", &ignored))
        return NULL;
    size_t keys_len;
    char *keys = point_keys(sw, p, &keys_len);
    bool ok = keys && t.len > keys_len && t.data[t.len - 1] == '\n' &&
              !memchr(t.data, '\n', t.len - 1) && !memcmp(t.data, keys, keys_len);
    const char *at = t.data + keys_len;
    for (int m = 0; m < M_COUNT && ok; m++) {
        if (!metric_info((enum metric)m)->headline)
            continue;
        for (int k = 0; k < 3 && ok; k++) {
            size_t len = strcspn(at + 1, ",\n");
            char field[64], *end;
            ok = *at == ',' && len < sizeof field;
            if (ok && len > 0) {
                memcpy(field, at + 1, len);
                field[len] = '\0';
                strtod(field, &end);
                ok = *end == '\0' && !isspace((unsigned char)field[0]);
            }
            at += 1 + len;
        }
    }
    ok = ok && *at == '\n';
    char *row = ok ? strndup(t.data, t.len) : NULL;
    free(keys);
    text_cleanup(&t);
    return row;
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
        char *row = point_row(pool->points_dir, pool->sw, p);
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
    char settings[SWEEP_MAX_KEYS][700];
    const char *extra[SWEEP_MAX_KEYS];
    point_settings(f->sw, f->todo[k], settings, extra);
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
    if (point_store(f->points_dir, f->sw, f->todo[k], result, len, err))
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
        char *row = point_row(points_dir, sw, p); /* done before an interruption */
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

/* Runs every point of the grid not already done: side by side on the threads, or through
 * s->runner; returns 0 or -1 with *err filled, and the number of points done in *done. */
static int sweep_points(const char *path, const struct sweep *sw, const struct settings *s,
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

/* What makes a sweep's points comparable: on --resume it must not have changed. */
static char *sweep_fingerprint(const char *path, const struct sweep *sw, const struct settings *s,
                               const struct scenario *base)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f)
        return NULL;
    fprintf(f, "scenario %s\nseed %" PRIu64 "\nreplications %d\n", path, base->scenario.seed,
            base->scenario.replications);
    /* the scenario as resolved, and what its tables hold: editing either starts afresh */
    scenario_write(base, f);
    const char *tables[] = {base->households.market, base->auction.suppliers, base->rounds.table,
                            base->registration.profile};
    for (size_t k = 0; k < sizeof tables / sizeof *tables; k++) {
        if (!tables[k][0])
            continue;
        uint32_t hash = 2166136261u; /* FNV-1a of the file's bytes */
        FILE *t = fopen(tables[k], "rb");
        for (int c; t && (c = getc(t)) != EOF;)
            hash = (hash ^ (uint32_t)c) * 16777619u;
        if (t)
            fclose(t);
        fprintf(f, "table %s %08x\n", tables[k], hash);
    }
    for (size_t k = 0; k < s->n_sets; k++)
        fprintf(f, "set %s\n", s->sets[k]);
    for (size_t a = 0; a < sw->n_axes; a++)
        fprintf(f, "vary %s\n", sw->axes[a].spec);
    if (s->has_precision)
        fprintf(f, "precision %s=%.17g\n", metric_name(s->precision_metric), s->precision);
    fclose(f);
    return text;
}

/* Removes every point result (NUMBER.csv) in points_dir, whatever grid left it. */
static void remove_points(const char *points_dir)
{
    DIR *d = opendir(points_dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        size_t digits = strspn(e->d_name, "0123456789");
        if (digits == 0 || strcmp(e->d_name + digits, ".csv"))
            continue;
        char path[1500];
        snprintf(path, sizeof path, "%s/%s", points_dir, e->d_name);
        unlink(path);
    }
    closedir(d);
}

struct sweep_files {
    const struct sweep *sw;
    char **rows; /* each point's row, checked whole */
    const struct scenario *base;
};

static void write_sweep_file(FILE *f, size_t k, const void *ctx)
{
    const struct sweep_files *s = ctx;
    if (k == 1) {
        scenario_write(s->base, f);
        return;
    }
    for (size_t a = 0; a < s->sw->n_axes; a++)
        fprintf(f, "%s%s", a ? "," : "", s->sw->axes[a].key);
    for (int m = 0; m < M_COUNT; m++) {
        if (!metric_info((enum metric)m)->headline)
            continue;
        const char *name = metric_name((enum metric)m);
        fprintf(f, ",%s_mean,%s_ci95_low,%s_ci95_high", name, name, name);
    }
    fputc('\n', f);
    for (size_t p = 0; p < s->sw->n_points; p++)
        fputs(s->rows[p], f);
}

/* Checks every point's scenario before any runs, so bad input writes nothing; a bad value is
 * blamed on the --vary it came from. */
static int sweep_check(const char *path, const struct sweep *sw, const struct settings *s,
                       struct error *err)
{
    for (size_t p = 0; p < sw->n_points; p++) {
        char settings[SWEEP_MAX_KEYS][700];
        const char *extra[SWEEP_MAX_KEYS];
        point_settings(sw, p, settings, extra);
        struct scenario *sc = settings_load(path, s, extra, sw->n_axes, err);
        if (!sc) {
            for (size_t a = 0; a < sw->n_axes; a++)
                if (!strncmp(err->file, "--set ", 6) && !strcmp(err->file + 6, settings[a]))
                    snprintf(err->file, sizeof err->file, "--vary %.500s", sw->axes[a].spec);
            return -1;
        }
        scenario_destroy(sc);
    }
    return 0;
}

/* The fingerprint an interrupted sweep left in grid_path, or NULL. */
static char *previous_fingerprint(const char *grid_path)
{
    struct text t;
    struct error ignored = {0};
    if (text_read(&t, grid_path, grid_path, (size_t)16 << 20, NULL, "", &ignored))
        return NULL;
    char *copy = strndup(t.data, t.len);
    text_cleanup(&t);
    return copy;
}

int sweep_run(const char *path, const struct sweep *sw, const struct settings *s,
              struct sweep_result *out, struct error *err)
{
    *out = (struct sweep_result){.n_points = sw->n_points};
    struct scenario *base = settings_load(path, s, NULL, 0, err);
    if (!base)
        return -1;
    char *fingerprint = NULL;
    char points_dir[1200], grid_path[1300], name[2048];
    int rc = sweep_check(path, sw, s, err);
    snprintf(out->name, sizeof out->name, "%s", base->scenario.name);
    out->replications = base->scenario.replications;
    /* a folder per grid: the varied keys and their values are part of its name */
    size_t used = (size_t)snprintf(name, sizeof name, "%s-sweep", base->scenario.name);
    for (size_t a = 0; a < sw->n_axes && used < sizeof name; a++)
        used += (size_t)snprintf(name + used, sizeof name - used, "%s%s", a ? "," : "--",
                                 sw->axes[a].spec);
    if (rc == 0)
        rc = settings_folder(s, name, out->dir, sizeof out->dir, err);
    snprintf(points_dir, sizeof points_dir, "%s/.points", out->dir);
    snprintf(grid_path, sizeof grid_path, "%s/grid.txt", points_dir);
    struct output_set set = {.fd = -1};
    if (rc == 0) /* held from here: the points are worked out inside it */
        rc = output_set_hold(out->dir, &set, err);
    if (rc == 0 && !s->resume)
        rc = settings_check_folder(s, out->dir, "scenario.ini", base, err);
    if (rc == 0 && !(fingerprint = sweep_fingerprint(path, sw, s, base)))
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    if (rc == 0) {
        char *previous = previous_fingerprint(grid_path);
        bool resuming = s->resume && previous && !strcmp(previous, fingerprint);
        free(previous);
        if (s->resume && previous && !resuming)
            rc = error_set(err, ERROR_INPUT, "--resume", 0, "",
                           "the sweep in %s/ was started with other settings; run it without "
                           "--resume",
                           out->dir);
        else if (!resuming) {
            remove_points(points_dir);
            const char *names[] = {"grid.txt"};
            rc = output_write_files(points_dir, 1, names, write_text, fingerprint, err);
        }
    }
    if (rc == 0)
        rc = sweep_points(path, sw, s, points_dir, &out->done, err);
    char **rows = rc == 0 ? calloc(sw->n_points, sizeof *rows) : NULL;
    if (rc == 0 && !rows)
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    for (size_t p = 0; p < sw->n_points && rc == 0; p++)
        if (!(rows[p] = point_row(points_dir, sw, p)))
            rc = error_set(err, ERROR_SYSTEM, points_dir, 0, "",
                           "the result of point %zu is missing or damaged", p + 1);
    const char *names[] = {"sweep.csv", "scenario.ini"};
    struct sweep_files files = {sw, rows, base};
    if (rc == 0) /* the points go with the old folder */
        rc = output_set_write(&set, 2, names, write_sweep_file, &files, err);
    output_set_release(&set);
    for (size_t p = 0; rows && p < sw->n_points; p++)
        free(rows[p]);
    free(rows);
    free(fingerprint);
    scenario_destroy(base);
    return rc;
}
