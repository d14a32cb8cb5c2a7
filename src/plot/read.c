/* read.c - the chart module reads a results folder: its CSV files and its scenario names. */
#include <assert.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "switchsim/scenario.h"
#include "table.h"
#include "text.h"
#include "plot_int.h"

char *plot_trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Whether the len bytes at s end in "_mean": a sweep.csv column of a metric's means. */
static int is_mean(const char *s, size_t len)
{
    return len >= 5 && memcmp(s + len - 5, "_mean", 5) == 0;
}

/* Reads the result file dir/name into t and finds its columns names[0..n) (idx[i]; blanks
 * around a header field do not count). A file with no header, or without one of the named
 * columns, is ERROR_INPUT on the header's line; t is empty then. */
static int result_read(struct table *t, const char *dir, const char *name, const char *const *names,
                       int *idx, size_t n, struct error *err)
{
    char path[PLOT_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (table_read(t, path, path, (size_t)1 << 30, 10000000, NULL, "", err))
        return -1;
    if (t->ncol == 0) {
        table_cleanup(t);
        return error_set(err, ERROR_INPUT, path, 0, "", "empty file: no header");
    }
    for (size_t i = 0; i < n; i++)
        if ((idx[i] = table_column(t, names[i])) < 0) {
            error_set(err, ERROR_INPUT, t->file, t->line[0], names[i], "missing column");
            table_cleanup(t);
            return -1;
        }
    return 0;
}

/* Header field col of t without the blanks around it: where it starts, its length in *len. */
static const char *header_span(const struct table *t, size_t col, size_t *len)
{
    const char *h = table_header(t, col);
    h += strspn(h, " \t");
    size_t n = strlen(h);
    while (n > 0 && strchr(" \t\r\n", h[n - 1]))
        n--;
    *len = n;
    return h;
}

/* The number in a cell: empty is NaN; "inf" and "-inf" are accepted. */
static int cell_num(const struct table *t, size_t row, int col, double *out, struct error *err)
{
    char buf[128];
    const char *text = table_cell(t, row, (size_t)col);
    snprintf(buf, sizeof buf, "%s", text);
    char *s = plot_trim(buf), *end;
    if (!*s) {
        *out = NAN;
        return 0;
    }
    errno = 0;
    *out = strtod(s, &end);
    if (*end || strlen(text) >= sizeof buf) {
        size_t len;
        const char *h = header_span(t, (size_t)col, &len);
        char key[sizeof err->key];
        snprintf(key, sizeof key, "%.*s", (int)len, h);
        return error_set(err, ERROR_INPUT, t->file, t->line[row + 1], key, "not a number: '%.40s'",
                         s);
    }
    return 0;
}

static int sum_read(struct plot_summary *s, const char *dir, struct error *err)
{
    static const char *const names[] = {"round", "metric", "mean", "ci95_low", "ci95_high", "n"};
    int c[6];
    struct table t;
    memset(s, 0, sizeof *s);
    if (result_read(&t, dir, "summary.csv", names, c, 6, err))
        return -1;
    /* the forecast range: its own columns, or the 5% and 95% quantiles of older files */
    int pi_lo = table_column(&t, "pi90_low"), pi_hi = table_column(&t, "pi90_high");
    if (pi_lo < 0 || pi_hi < 0) {
        pi_lo = table_column(&t, "p05");
        pi_hi = table_column(&t, "p95");
    }
    int bad = 0;
    if (!(s->rows = calloc(t.nrow + 1, sizeof *s->rows)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        struct plot_stat *st = &s->rows[s->n++];
        char round[32];
        snprintf(round, sizeof round, "%s", table_cell(&t, i, (size_t)c[0]));
        char *rs = plot_trim(round), *end;
        long r = strcmp(rs, "all") == 0 ? 0 : strtol(rs, &end, 10);
        if (strcmp(rs, "all") != 0 && (!*rs || *end || r < 1 || r > 1000000)) {
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "round",
                            "not a round number or 'all': '%.20s'", rs);
            break;
        }
        st->round = (int)r;
        if (r > s->rounds)
            s->rounds = (int)r;
        snprintf(st->metric, sizeof st->metric, "%s", table_cell(&t, i, (size_t)c[1]));
        plot_trim(st->metric);
        if (!st->metric[0])
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "metric", "empty metric name");
        else
            bad = cell_num(&t, i, c[2], &st->mean, err) || cell_num(&t, i, c[3], &st->lo, err) ||
                  cell_num(&t, i, c[4], &st->hi, err) || cell_num(&t, i, c[5], &st->n, err);
        st->pi_lo = st->pi_hi = NAN;
        if (!bad && pi_lo >= 0 && pi_hi >= 0)
            bad =
                cell_num(&t, i, pi_lo, &st->pi_lo, err) || cell_num(&t, i, pi_hi, &st->pi_hi, err);
    }
    table_cleanup(&t);
    if (bad) {
        free(s->rows);
        s->rows = NULL;
        return -1;
    }
    return 0;
}

const struct plot_stat *plot_stat_find(const struct plot_summary *s, int round, const char *metric)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].round == round && strcmp(s->rows[i].metric, metric) == 0)
            return &s->rows[i];
    return NULL;
}

/* The all-rounds row, or round 1's when the file has no `all` row. */
const struct plot_stat *plot_stat_all(const struct plot_summary *s, const char *metric)
{
    const struct plot_stat *st = plot_stat_find(s, 0, metric);
    return st ? st : s->rounds == 1 ? plot_stat_find(s, 1, metric) : NULL;
}

static void hist_free(struct plot_hist *h)
{
    free(h->lo);
    free(h->hi);
    free(h->count);
    memset(h, 0, sizeof *h);
}

static int hist_read(struct plot_hist *h, const char *dir, struct error *err)
{
    static const char *const names[] = {"bin_low", "bin_high", "count"};
    int c[3];
    struct table t;
    memset(h, 0, sizeof *h);
    if (result_read(&t, dir, "savings_hist.csv", names, c, 3, err))
        return -1;
    h->lo = malloc((t.nrow + 1) * sizeof *h->lo);
    h->hi = malloc((t.nrow + 1) * sizeof *h->hi);
    h->count = malloc((t.nrow + 1) * sizeof *h->count);
    int bad = 0;
    if (!h->lo || !h->hi || !h->count)
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        double lo, hi, n;
        if ((bad = cell_num(&t, i, c[0], &lo, err) || cell_num(&t, i, c[1], &hi, err) ||
                   cell_num(&t, i, c[2], &n, err)))
            break;
        if (!(n >= 0) || !isfinite(n))
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "count",
                            "not a count: '%.40s'", table_cell(&t, i, (size_t)c[2]));
        else if (isinf(lo) && lo < 0)
            h->under += n;
        else if (isinf(hi) && hi > 0) {
            h->over += n;
            h->over_low = lo;
        } else if (!(hi > lo))
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "bin_high",
                            "bin_high must exceed bin_low");
        else {
            h->lo[h->n] = lo;
            h->hi[h->n] = hi;
            h->count[h->n++] = n;
        }
    }
    table_cleanup(&t);
    if (bad) {
        hist_free(h);
        return -1;
    }
    return 0;
}

static int daily_read(struct plot_daily *dl, const char *dir, struct error *err)
{
    const char *names[1 + DAILY_COUNT] = {"day"};
    for (int k = 0; k < DAILY_COUNT; k++)
        names[1 + k] = metric_daily_name((enum daily_column)k);
    int c[7];
    struct table t;
    memset(dl, 0, sizeof *dl);
    if (result_read(&t, dir, "daily.csv", names, c, 7, err))
        return -1;
    int bad = 0;
    if (!(dl->v = malloc((t.nrow + 1) * 7 * sizeof *dl->v)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        for (int k = 0; k < 7 && !bad; k++) {
            double *x = &dl->v[dl->n * 7 + (size_t)k];
            if ((bad = cell_num(&t, i, c[k], x, err)))
                break;
            if (isnan(*x))
                *x = 0;
            if (!isfinite(*x) || *x < 0)
                bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], names[k],
                                "not a count: '%.40s'", table_cell(&t, i, (size_t)c[k]));
        }
        dl->n++;
    }
    table_cleanup(&t);
    if (bad) {
        free(dl->v);
        dl->v = NULL;
        return -1;
    }
    return 0;
}

static void grid_free(struct plot_grid *sw)
{
    table_cleanup(&sw->t);
    for (int k = 0; sw->key && k < sw->nkeys; k++)
        free(sw->key[k]);
    free(sw->key);
    free(sw->v);
    for (int k = 0; k < 2; k++) {
        free(sw->order[k]);
        free(sw->pos[k]);
    }
    memset(sw, 0, sizeof *sw);
}

const char *plot_grid_key_value(const struct plot_grid *sw, int k, size_t row)
{
    return table_cell(&sw->t, row, (size_t)k);
}

double plot_grid_key_number(const struct plot_grid *sw, int k, size_t row)
{
    char *end;
    const char *s = plot_grid_key_value(sw, k, row);
    double x = strtod(s, &end);
    return *s && !*end && isfinite(x) ? x : NAN;
}

double plot_grid_value(const struct plot_grid *sw, size_t row, size_t m, int which)
{
    return sw->v[(row * sw->nm + m) * 3 + (size_t)which];
}

/* The distinct values of key k, sorted by number when all are numbers, else in file order. */
static int grid_keys(struct plot_grid *sw, int k)
{
    size_t n = sw->t.nrow;
    sw->order[k] = malloc((n + 1) * sizeof *sw->order[k]);
    sw->pos[k] = malloc((n + 1) * sizeof *sw->pos[k]);
    if (!sw->order[k] || !sw->pos[k])
        return -1;
    sw->numeric[k] = 1;
    for (size_t i = 0; i < n; i++) {
        size_t v = 0;
        while (v < sw->nval[k] &&
               strcmp(plot_grid_key_value(sw, k, sw->order[k][v]), plot_grid_key_value(sw, k, i)))
            v++;
        if (v == sw->nval[k])
            sw->order[k][sw->nval[k]++] = i;
        if (isnan(plot_grid_key_number(sw, k, i)))
            sw->numeric[k] = 0;
    }
    if (sw->numeric[k]) /* insertion sort: sweeps are small */
        for (size_t a = 1; a < sw->nval[k]; a++)
            for (size_t b = a; b > 0 && plot_grid_key_number(sw, k, sw->order[k][b - 1]) >
                                            plot_grid_key_number(sw, k, sw->order[k][b]);
                 b--) {
                size_t t = sw->order[k][b];
                sw->order[k][b] = sw->order[k][b - 1];
                sw->order[k][b - 1] = t;
            }
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < sw->nval[k]; v++)
            if (strcmp(plot_grid_key_value(sw, k, sw->order[k][v]),
                       plot_grid_key_value(sw, k, i)) == 0) {
                sw->pos[k][i] = v;
                break;
            }
    return 0;
}

static int grid_read(struct plot_grid *sw, const char *dir, struct error *err)
{
    memset(sw, 0, sizeof *sw);
    if (result_read(&sw->t, dir, "sweep.csv", NULL, NULL, 0, err))
        return -1;
    struct table *t = &sw->t;
    size_t len;
    const char *h;
    for (; (size_t)sw->nkeys < t->ncol; sw->nkeys++) {
        h = header_span(t, (size_t)sw->nkeys, &len);
        if (is_mean(h, len))
            break;
    }
    if (sw->nkeys < 1 || (size_t)sw->nkeys == t->ncol) {
        error_set(err, ERROR_INPUT, t->file, t->line[0], "",
                  "expected the varied keys, then <metric>_mean columns");
        grid_free(sw);
        return -1;
    }
    for (size_t c = (size_t)sw->nkeys; c < t->ncol && sw->nm < PLOT_SWEEP_METRICS_MAX; c++) {
        h = header_span(t, c, &len);
        if (!is_mean(h, len) || len - 5 >= sizeof sw->m[0].name || len == 5)
            continue;
        struct plot_grid_metric *m = &sw->m[sw->nm++];
        char lo[96], hi[96];
        snprintf(m->name, sizeof m->name, "%.*s", (int)(len - 5), h);
        for (size_t k = 0; k + 1 < sw->nm; k++)
            if (!strcmp(sw->m[k].name, m->name)) { /* its charts would have one name */
                error_set(err, ERROR_INPUT, t->file, t->line[0], m->name,
                          "column %s_mean given twice", m->name);
                grid_free(sw);
                return -1;
            }
        snprintf(lo, sizeof lo, "%s_ci95_low", m->name);
        snprintf(hi, sizeof hi, "%s_ci95_high", m->name);
        m->col[0] = (int)c;
        m->col[1] = table_column(t, lo);
        m->col[2] = table_column(t, hi);
    }
    int bad = 0;
    if ((sw->key = calloc((size_t)sw->nkeys, sizeof *sw->key)))
        for (int k = 0; k < sw->nkeys && !bad; k++) {
            h = header_span(t, (size_t)k, &len);
            bad = !(sw->key[k] = strndup(h, len));
        }
    if (bad || !sw->key || !(sw->v = malloc((t->nrow * sw->nm + 1) * 3 * sizeof *sw->v)) ||
        (sw->nkeys <= 2 && grid_keys(sw, 0)) || (sw->nkeys == 2 && grid_keys(sw, 1)))
        bad = error_set(err, ERROR_SYSTEM, t->file, 0, "", "out of memory");
    for (size_t i = 0; i < t->nrow && !bad; i++)
        for (size_t m = 0; m < sw->nm && !bad; m++)
            for (int w = 0; w < 3 && !bad; w++) {
                double *x = &sw->v[(i * sw->nm + m) * 3 + (size_t)w];
                *x = NAN;
                if (sw->m[m].col[w] >= 0)
                    bad = cell_num(t, i, sw->m[m].col[w], x, err);
            }
    if (!bad && t->nrow == 0)
        bad = error_set(err, ERROR_INPUT, t->file, t->line[0], "", "no grid points");
    if (bad) {
        grid_free(sw);
        return -1;
    }
    return 0;
}

static int cmp_read(struct plot_compare *cp, const char *dir, struct error *err)
{
    static const char *const names[] = {"metric",        "a_mean",         "b_mean", "diff_mean",
                                        "diff_ci95_low", "diff_ci95_high", "n"};
    int c[7];
    struct table t;
    memset(cp, 0, sizeof *cp);
    if (result_read(&t, dir, "compare.csv", names, c, 7, err))
        return -1;
    int bad = 0;
    if (!(cp->rows = calloc(t.nrow + 1, sizeof *cp->rows)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        struct plot_compare_row *r = &cp->rows[cp->n++];
        text_clean(r->metric, sizeof r->metric, table_cell(&t, i, (size_t)c[0]));
        plot_trim(r->metric);
        if (!r->metric[0])
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "metric", "empty metric name");
        double *x[] = {&r->a, &r->b, &r->d, &r->lo, &r->hi, &r->n};
        for (int k = 0; k < 6 && !bad; k++)
            bad = cell_num(&t, i, c[k + 1], x[k], err);
    }
    table_cleanup(&t);
    if (bad) {
        free(cp->rows);
        cp->rows = NULL;
        return -1;
    }
    return 0;
}

static void numbers_free(struct plot_numbers *t)
{
    for (size_t i = 0; t->text && i < t->n * t->ncol; i++)
        free(t->text[i]);
    free(t->text);
    free(t->v);
    memset(t, 0, sizeof *t);
}

double plot_num(const struct plot_numbers *t, size_t row, size_t col)
{
    return t->v[row * t->ncol + col];
}

const char *plot_num_text(const struct plot_numbers *t, size_t row, size_t col)
{
    return t->text[row * t->ncol + col];
}

/* Reads dir/name's columns names[0..n) (each must be there): text columns (those listed in
 * `texts`, by index bit) kept as text, the rest as numbers. */
static int numbers_read(struct plot_numbers *out, const char *dir, const char *name,
                        const char *const *names, size_t n, unsigned texts, struct error *err)
{
    int c[16];
    struct table t;
    memset(out, 0, sizeof *out);
    assert(n <= 16);
    if (result_read(&t, dir, name, names, c, n, err))
        return -1;
    int bad = 0;
    out->ncol = n;
    if (!(out->v = calloc(t.nrow * n + 1, sizeof *out->v)) ||
        !(out->text = calloc(t.nrow * n + 1, sizeof *out->text)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        out->n++;
        for (size_t k = 0; k < n && !bad; k++) {
            double *x = &out->v[i * n + k];
            char clean[256];
            text_clean(clean, sizeof clean, table_cell(&t, i, (size_t)c[k]));
            if (!(out->text[i * n + k] = strdup(plot_trim(clean))))
                bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
            else if (texts & (1u << k))
                *x = NAN;
            else
                bad = cell_num(&t, i, c[k], x, err);
        }
    }
    if (!bad && t.nrow == 0)
        bad = error_set(err, ERROR_INPUT, t.file, t.line[0], "", "no rows");
    table_cleanup(&t);
    if (bad) {
        numbers_free(out);
        return -1;
    }
    return 0;
}

/* What plot_scenario_name looks for: the first non-empty value of key. */
struct name_search {
    const char *key;
    char *buf;
    size_t size;
    int found;
};

/* scenario_each_value's callback: keeps the first non-empty scenario.name (inih has trimmed
 * it). */
static void name_value(void *ctx, const char *key, const char *value, int line)
{
    struct name_search *ns = ctx;
    (void)line;
    if (ns->found || strcmp(key, ns->key) != 0 || value[0] == '\0')
        return;
    ns->found = 1;
    if (ns->size > 0)
        text_clean(ns->buf, ns->size, value);
}

int plot_scenario_name(const char *results_dir, const char *file, char *buf, size_t size,
                       struct error *err)
{
    char path[PLOT_PATH_SIZE];
    if (snprintf(path, sizeof path, "%s/%s", results_dir, file) >= (int)sizeof path)
        return error_set(err, ERROR_INPUT, results_dir, 0, "", "folder path too long");
    struct name_search ns = {.key = "scenario.name", .buf = buf, .size = size};
    if (scenario_each_value(path, name_value, &ns, err))
        return -1;
    if (!ns.found)
        return error_set(err, ERROR_INPUT, path, 0, "scenario.name",
                         "no name in section [scenario]");
    return 0;
}

int plot_has_file(const char *dir, const char *name)
{
    char path[PLOT_PATH_SIZE];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

void plot_inputs_cleanup(struct plot_inputs *in)
{
    free(in->sum.rows);
    hist_free(&in->hist);
    free(in->daily.v);
    grid_free(&in->sweep);
    free(in->cmp.rows);
    numbers_free(&in->fan);
    numbers_free(&in->forecast);
    numbers_free(&in->fit);
    numbers_free(&in->backtest);
    numbers_free(&in->params);
    numbers_free(&in->reps);
}

/* Reads every result file the folder holds; any malformed one is an error. */
int plot_inputs_read(struct plot_inputs *in, const char *dir, struct error *err)
{
    memset(in, 0, sizeof *in);
    in->has_sum = plot_has_file(dir, "summary.csv");
    in->has_sweep = plot_has_file(dir, "sweep.csv");
    in->has_cmp = plot_has_file(dir, "compare.csv");
    in->has_fan = plot_has_file(dir, "fan.csv");
    in->has_forecast = plot_has_file(dir, "forecast.csv");
    in->has_fit = plot_has_file(dir, "fit.csv");
    in->has_backtest = plot_has_file(dir, "backtest.csv");
    in->has_params = in->has_fit && plot_has_file(dir, "parameters.csv");
    in->has_reps = in->has_sum && plot_has_file(dir, "replications.csv");
    snprintf(in->scenario_file, sizeof in->scenario_file, "%s",
             plot_has_file(dir, "scenario.ini")     ? "scenario.ini"
             : plot_has_file(dir, "calibrated.ini") ? "calibrated.ini"
             : in->has_backtest                     ? ""
                                                    : "scenario.ini");
    if (!in->has_sum && !in->has_sweep && !in->has_cmp && !in->has_fit && !in->has_backtest)
        return error_set(err, ERROR_INPUT, dir, 0, "",
                         "not a results folder: no summary.csv, sweep.csv, compare.csv, fit.csv "
                         "or backtest.csv");
    static const char *const fan[] = {PLOT_FAN_COLUMNS}, *const fc[] = {PLOT_FORECAST_COLUMNS},
                             *const fit[] = {PLOT_FIT_COLUMNS}, *const bt[] = {PLOT_BACKTEST_COLUMNS},
                             *const par[] = {PLOT_PARAMS_COLUMNS};
    const char *const reps[] = {"round", metric_name(M_SWITCHED)};
#define N_OF(a) (sizeof(a) / sizeof *(a))
    if ((in->has_fan && numbers_read(&in->fan, dir, "fan.csv", fan, N_OF(fan), 0, err)) ||
        (in->has_forecast &&
         numbers_read(&in->forecast, dir, "forecast.csv", fc, N_OF(fc), 1u, err)) ||
        (in->has_fit && numbers_read(&in->fit, dir, "fit.csv", fit, N_OF(fit), 7u, err)) ||
        (in->has_backtest &&
         numbers_read(&in->backtest, dir, "backtest.csv", bt, N_OF(bt), 0, err)) ||
        (in->has_params &&
         numbers_read(&in->params, dir, "parameters.csv", par, N_OF(par), 1u, err)) ||
        (in->has_reps &&
         numbers_read(&in->reps, dir, "replications.csv", reps, N_OF(reps), 0, err))) {
        plot_inputs_cleanup(in);
        return -1;
    }
#undef N_OF
    if (in->has_sum) {
        in->has_hist = plot_has_file(dir, "savings_hist.csv");
        in->has_daily = plot_has_file(dir, "daily.csv");
    }
    if ((in->has_sum && sum_read(&in->sum, dir, err)) ||
        (in->has_hist && hist_read(&in->hist, dir, err)) ||
        (in->has_daily && daily_read(&in->daily, dir, err)) ||
        (in->has_sweep && grid_read(&in->sweep, dir, err)) ||
        (in->has_cmp && cmp_read(&in->cmp, dir, err))) {
        plot_inputs_cleanup(in);
        return -1;
    }
    return 0;
}

int plot_scenario_value(const char *path, const char *key, char *buf, size_t size)
{
    struct error ignored = {0};
    struct name_search ns = {.key = key, .buf = buf, .size = size};
    buf[0] = '\0';
    return scenario_each_value(path, name_value, &ns, &ignored) == 0 && ns.found ? 0 : -1;
}

double plot_scenario_number(const char *results_dir, const char *file, const char *key)
{
    char path[PLOT_PATH_SIZE], v[200], *end;
    snprintf(path, sizeof path, "%s/%s", results_dir, file);
    if (!file[0] || plot_scenario_value(path, key, v, sizeof v))
        return NAN;
    double x = strtod(v, &end);
    return end != v && !*end ? x : NAN;
}

bool plot_scenario_says(const char *results_dir, const char *key)
{
    char path[PLOT_PATH_SIZE], value[8];
    struct error ignored = {0};
    struct name_search ns = {.key = key, .buf = value, .size = sizeof value};
    snprintf(path, sizeof path, "%s/scenario.ini", results_dir);
    return scenario_each_value(path, name_value, &ns, &ignored) == 0 && ns.found;
}
