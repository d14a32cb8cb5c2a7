/* tables.c - the scenario's CSV tables, typed and checked (split off scenario.c). */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_int.h"
#include "table.h"

/* Tables are small lists typed by people; the model indexes their rows in 16 bits. */
#define TABLE_MAX_ROWS 10000

/* ---------------------------------------------------------------------------------------
 * Tables: a column list per table, parsed by the same value parser into row structs. */

struct column {
    const char *name;
    struct spec spec;
};

#define COL(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

static const struct column market_columns[] = {
    {"supplier", {COL(struct market_row, supplier), .type = V_STRING, .flags = F_NONEMPTY}},
    {"payment", {COL(struct market_row, payment), .type = V_ENUM, .names = scenario_payment_names}},
    {"elec_unit_p",
     {COL(struct market_row, tariff.elec_unit), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
    {"elec_standing_p_day",
     {COL(struct market_row, tariff.elec_standing), .type = V_DOUBLE, .min = 0, .max = 1000}},
    {"gas_unit_p",
     {COL(struct market_row, tariff.gas_unit), .type = V_DOUBLE, .min = 0, .max = 1000}},
    {"gas_standing_p_day",
     {COL(struct market_row, tariff.gas_standing), .type = V_DOUBLE, .min = 0, .max = 1000}},
    {"share", {COL(struct market_row, share), .type = V_PROB, .min = 0, .max = 1}},
};

static const struct column supplier_columns[] = {
    {"supplier", {COL(struct supplier_row, name), .type = V_STRING, .flags = F_NONEMPTY}},
    {"participation",
     {COL(struct supplier_row, participation), .type = V_PROB, .min = 0, .max = 1}},
    {"cost_low",
     {COL(struct supplier_row, cost_low), .type = V_DOUBLE, .min = 0, .max = 1e6,
      .flags = F_MIN_OPEN}},
    {"cost_high",
     {COL(struct supplier_row, cost_high), .type = V_DOUBLE, .min = 0, .max = 1e6,
      .flags = F_MIN_OPEN}},
    {"strategy",
     {COL(struct supplier_row, strategy), .type = V_ENUM, .names = scenario_strategy_names}},
    {"markup",
     {COL(struct supplier_row, markup), .type = V_DOUBLE, .min = 0, .max = 100,
      .flags = F_BLANK_NAN}},
    {"capacity", {COL(struct supplier_row, capacity), .type = V_DOUBLE, .min = 0, .max = 1e9}},
};

struct round_stage {
    int round;
    struct round_row r;
};

static const struct column round_columns[] = {
    {"round", {COL(struct round_stage, round), .type = V_INT, .min = 1, .max = 1000}},
    {"market_index",
     {COL(struct round_stage, r.market_index), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
    {"cost_index",
     {COL(struct round_stage, r.cost_index), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
    {"registration_index",
     {COL(struct round_stage, r.registration_index), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
};

struct profile_stage {
    int day;
    double weight;
};

static const struct column profile_columns[] = {
    {"day", {COL(struct profile_stage, day), .type = V_INT, .min = 0, .max = 3650}},
    {"weight", {COL(struct profile_stage, weight), .type = V_DOUBLE, .min = 0, .max = 1e12}},
};

static const struct column source_columns[] = {
    {"key", {COL(struct scenario_source, key), .type = V_STRING, .flags = F_NONEMPTY}},
    {"source", {COL(struct scenario_source, source), .type = V_STRING, .flags = F_NONEMPTY}},
};

struct table_spec {
    const struct column *cols;
    size_t ncols;
    size_t row_size;
};

#define TABLE(cols, row)                                                                           \
    {                                                                                              \
        cols, sizeof cols / sizeof cols[0], sizeof(row)                                            \
    }
static const struct table_spec market_table = TABLE(market_columns, struct market_row);
static const struct table_spec supplier_table = TABLE(supplier_columns, struct supplier_row);
static const struct table_spec round_table = TABLE(round_columns, struct round_stage);
static const struct table_spec profile_table = TABLE(profile_columns, struct profile_stage);
static const struct table_spec source_table = TABLE(source_columns, struct scenario_source);

#define TABLE_COLS_MAX 8 /* at least the widest table + 1 */

/* ---------------------------------------------------------------------------------------
 * Tables: CSV read by the table module, then typed column by column. The header row names
 * the columns, in any order. */

static void csv_column_list(const struct table_spec *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < t->ncols && used < size; c++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", c ? "," : "", t->cols[c].name);
}

/* Whether a header field may be quoted in an error as a misspelt column name: a short
 * word of ASCII letters, digits, '_', '-', '.' and spaces. */
static bool column_like(const char *name)
{
    size_t n = strlen(name);
    return n > 0 && n <= 40 &&
           strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-. ") == n;
}

/* Maps each header field of raw to its column of t in map[]. */
static int csv_header(const struct table *raw, const struct table_spec *t, const char *key,
                      int *map, struct error *err)
{
    bool seen[TABLE_COLS_MAX] = {false};
    char list[200];
    csv_column_list(t, list, sizeof list);
    int line = raw->line[0];
    for (size_t i = 0; i < raw->ncol; i++) {
        const char *name = table_header(raw, i);
        size_t c = 0;
        while (c < t->ncols && strcmp(t->cols[c].name, name) != 0)
            c++;
        if (c == t->ncols && column_like(name))
            return error_set(err, ERROR_INPUT, raw->file, line, name,
                             "unknown column; the first row must be the header %s", list);
        if (c == t->ncols) /* not echoed: the key may name any file, /etc/shadow say */
            return error_set(err, ERROR_INPUT, raw->file, line, key,
                             "field %zu of the first row is not a column name; the first row "
                             "must be the header %s",
                             i + 1, list);
        if (seen[c])
            return error_set(err, ERROR_INPUT, raw->file, line, name,
                             "column given twice in the header");
        seen[c] = true;
        map[i] = (int)c;
    }
    for (size_t c = 0; c < t->ncols; c++)
        if (!seen[c])
            return error_set(err, ERROR_INPUT, raw->file, line, t->cols[c].name,
                             "column missing from the header (expected %s)", list);
    return 0;
}

void scenario_table_where(const struct load *ld, int k, char *display, size_t display_size,
                          char *where, size_t where_size, int *where_line)
{
    const char *path = (const char *)ld->sc + scenario_keys[k].spec.offset;
    size_t dirlen = strlen(ld->realdir);
    const char *slash = strrchr(ld->path, '/');
    if (strncmp(path, ld->realdir, dirlen) == 0 && path[dirlen] == '/' && !ld->key_set[k]) {
        if (slash)
            snprintf(display, display_size, "%.*s%s", (int)(slash - ld->path), ld->path,
                     path + dirlen);
        else
            snprintf(display, display_size, "%s", path + dirlen + 1);
    } else {
        snprintf(display, display_size, "%s", path);
    }
    scenario_key_where(ld, k, where, where_size, where_line);
}

/* A loaded table: rows (row structs) and the line each came from, both owned by the
 * caller; the file as errors show it; the line of the header row. */
struct table_rows {
    void *rows;
    int *lines;
    size_t n;
    int header_line;
    char file[SCENARIO_PATH_MAX + 64];
};

/* Loads the table named by key k into *tr. The file shown in errors is the path relative
 * to the working directory when the table sits under the scenario's directory. */
static int table_load(struct load *ld, int k, const struct table_spec *t, struct table_rows *tr)
{
    char *display = tr->file;
    const char *path = (const char *)ld->sc + scenario_keys[k].spec.offset;
    char where[sizeof ld->err->file];
    struct text_origin origin = {where, 0};
    scenario_table_where(ld, k, display, sizeof tr->file, where, sizeof where, &origin.line);
    const char *key = scenario_keys[k].full;
    struct table raw;
    if (table_read(&raw, path, display, FILE_SIZE_MAX, TABLE_MAX_ROWS, &origin, key, ld->err))
        return -1;
    char list[200];
    int map[TABLE_COLS_MAX];
    int rc = 0;
    csv_column_list(t, list, sizeof list);
    if (raw.ncol == 0)
        rc = error_set(ld->err, ERROR_INPUT, display, 1, key,
                       "empty table; expected the header %s and at least one row", list);
    else if (raw.ncol > t->ncols)
        rc = error_set(ld->err, ERROR_INPUT, display, raw.line[0], key,
                       "the header has %zu fields; expected the header %s", raw.ncol, list);
    else
        rc = csv_header(&raw, t, key, map, ld->err);
    if (rc == 0 && raw.nrow == 0)
        rc = error_set(ld->err, ERROR_INPUT, display, raw.line[0], key,
                       "the table has a header but no rows");
    char *rows = NULL;
    int *lines = NULL;
    if (rc == 0 &&
        (!(rows = calloc(raw.nrow, t->row_size)) || !(lines = malloc(raw.nrow * sizeof *lines))))
        rc = scenario_oom(ld->err);
    for (size_t r = 0; r < raw.nrow && rc == 0; r++) {
        lines[r] = raw.line[r + 1];
        for (size_t i = 0; i < raw.ncol && rc == 0; i++) {
            const struct column *col = &t->cols[map[i]];
            char why[400];
            const char *cell = table_cell(&raw, r, i);
            if ((col->spec.flags & F_BLANK_NAN) && cell[0] == '\0') {
                double blank = NAN;
                memcpy(rows + r * t->row_size + col->spec.offset, &blank, sizeof blank);
                continue;
            }
            if (scenario_value_parse(&col->spec, cell, rows + r * t->row_size,
                                     why, sizeof why) < 0)
                rc = error_set(ld->err, ERROR_INPUT, display, lines[r], col->name, "%s", why);
        }
    }
    tr->header_line = raw.ncol ? raw.line[0] : 0;
    tr->n = raw.nrow;
    table_cleanup(&raw);
    if (rc) {
        free(rows);
        free(lines);
        return -1;
    }
    tr->rows = rows;
    tr->lines = lines;
    return 0;
}

static int tables_market(struct load *ld)
{
    struct scenario *sc = ld->sc;
    struct table_rows tr;
    if (table_load(ld, KEY(households, market), &market_table, &tr) < 0)
        return -1;
    sc->market = tr.rows;
    sc->n_market = tr.n;
    int rc = 0;
    double sum[PAY_COUNT] = {0};
    size_t count[PAY_COUNT] = {0}, last[PAY_COUNT] = {0};
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        const struct market_row *r = &sc->market[i];
        for (size_t j = 0; j < i && rc == 0; j++)
            if (sc->market[j].payment == r->payment &&
                strcmp(sc->market[j].supplier, r->supplier) == 0)
                rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "supplier",
                               "%s already has a %s row (line %d)", r->supplier,
                               scenario_payment_names[r->payment], tr.lines[j]);
        sum[r->payment] += r->share;
        count[r->payment]++;
        last[r->payment] = i;
    }
    const double hh[PAY_COUNT] = {sc->households.direct_debit_share,
                                  sc->households.standard_credit_share,
                                  sc->households.prepayment_share};
    for (int p = 0; p < PAY_COUNT && rc == 0; p++) {
        if (count[p] > 0 && fabs(sum[p] - 1) > SHARE_TOLERANCE)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[last[p]], "share",
                           "shares of the %s rows must sum to 1, but sum to %.10g",
                           scenario_payment_names[p], sum[p]);
        else if (count[p] == 0 && hh[p] > 0)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.header_line, "payment",
                           "no %s rows, but households.%s_share is %s", scenario_payment_names[p],
                           scenario_payment_names[p], scenario_shortest(hh[p]).s);
    }
    if (rc == 0 && count[PAY_DIRECT_DEBIT] == 0)
        rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.header_line, "payment",
                       "no direct_debit rows: supplier costs are quoted for direct debit, so "
                       "the market needs at least one direct_debit tariff");
    free(tr.lines);
    return rc;
}

static int tables_suppliers(struct load *ld)
{
    struct scenario *sc = ld->sc;
    struct table_rows tr;
    if (table_load(ld, KEY(auction, suppliers), &supplier_table, &tr) < 0)
        return -1;
    sc->suppliers = tr.rows;
    sc->n_suppliers = tr.n;
    int rc = 0;
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        struct supplier_row *r = &sc->suppliers[i];
        if (isnan(r->markup) && r->strategy == STRATEGY_MARKUP)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "markup",
                           "a markup supplier needs its markup (leave it empty only for "
                           "equilibrium)");
        else if (isnan(r->markup))
            r->markup = 0; /* not used: an equilibrium supplier's bid follows from its cost */
        else if (r->cost_high < r->cost_low)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "cost_high",
                           "cost_high (%s) is below cost_low (%s)", scenario_shortest(r->cost_high).s,
                           scenario_shortest(r->cost_low).s);
        for (size_t j = 0; j < i && rc == 0; j++)
            if (strcmp(sc->suppliers[j].name, r->name) == 0)
                rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "supplier",
                               "%s is already listed on line %d", r->name, tr.lines[j]);
    }
    free(tr.lines);
    return rc;
}

static int tables_rounds(struct load *ld)
{
    struct scenario *sc = ld->sc;
    size_t want = (size_t)sc->scenario.rounds;
    sc->round_rows = calloc(want, sizeof *sc->round_rows);
    if (!sc->round_rows)
        return scenario_oom(ld->err);
    if (sc->rounds.table[0] == '\0') {
        for (size_t r = 0; r < want; r++)
            sc->round_rows[r] = (struct round_row){1, 1, 1};
        return 0;
    }
    struct table_rows tr;
    if (table_load(ld, KEY(rounds, table), &round_table, &tr) < 0)
        return -1;
    const struct round_stage *st = tr.rows;
    int *seen = calloc(want, sizeof *seen);
    int rc = seen ? 0 : scenario_oom(ld->err);
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        int r = st[i].round;
        if ((size_t)r > want)
            continue; /* a longer tariff scenario serves a shorter run */
        if (seen[r - 1])
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "round",
                           "round %d given twice (first on line %d)", r, seen[r - 1]);
        else {
            seen[r - 1] = tr.lines[i];
            sc->round_rows[r - 1] = st[i].r;
        }
    }
    for (size_t r = 0; r < want && rc == 0; r++)
        if (!seen[r])
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[tr.n - 1], "round",
                           "round %zu is missing: the table must give each round 1..%zu once",
                           r + 1, want);
    free(seen);
    free(tr.rows);
    free(tr.lines);
    return rc;
}

static int tables_profile(struct load *ld)
{
    struct scenario *sc = ld->sc;
    double window = sc->registration.window_days;
    size_t days = (size_t)ceil(window);
    if (sc->registration.profile[0] == '\0') {
        /* Flat over [0, window): the last day counts only its part inside the window. */
        sc->profile = malloc(days * sizeof *sc->profile);
        if (!sc->profile)
            return scenario_oom(ld->err);
        sc->n_profile = days;
        for (size_t d = 0; d < days; d++)
            sc->profile[d] = (fmin((double)d + 1, window) - (double)d) / window;
        return 0;
    }
    struct table_rows tr;
    if (table_load(ld, KEY(registration, profile), &profile_table, &tr) < 0)
        return -1;
    const struct profile_stage *st = tr.rows;
    int rc = 0;
    double sum = 0;
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        if (st[i].day != (int)i)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "day",
                           "expected day %zu (days run 0, 1, 2, ... one row each), got %d", i,
                           st[i].day);
        sum += st[i].weight;
    }
    if (rc == 0 && tr.n != days)
        rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[tr.n - 1], "day",
                       "the profile has %zu days, but registration.window_days = %s needs "
                       "exactly %zu (days 0..%zu)",
                       tr.n, scenario_shortest(window).s, days, days - 1);
    if (rc == 0 && !(sum > 0))
        rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[tr.n - 1], "weight",
                       "weights sum to 0; at least one must be positive");
    if (rc == 0) {
        sc->profile = malloc(tr.n * sizeof *sc->profile);
        if (!sc->profile)
            rc = scenario_oom(ld->err);
    }
    if (rc == 0) {
        sc->n_profile = tr.n;
        for (size_t i = 0; i < tr.n; i++)
            sc->profile[i] = st[i].weight / sum;
    }
    free(tr.rows);
    free(tr.lines);
    return rc;
}

/* Each key of a sources table is a scenario key, cited once. */
static int sources_check(const struct scenario_source *rows, const int *lines, size_t n,
                         const char *file, struct error *err)
{
    for (size_t i = 0; i < n; i++) {
        if (scenario_key_find(rows[i].key) < 0) {
            char hint[160];
            scenario_key_suggest(rows[i].key, hint, sizeof hint);
            return error_set(err, ERROR_INPUT, file, lines[i], "key", "unknown key %s%s",
                             rows[i].key, hint);
        }
        for (size_t j = 0; j < i; j++)
            if (strcmp(rows[j].key, rows[i].key) == 0)
                return error_set(err, ERROR_INPUT, file, lines[i], "key",
                                 "%s already has a source (line %d)", rows[i].key, lines[j]);
    }
    return 0;
}

static int tables_sources(struct load *ld)
{
    if (ld->sc->scenario.sources[0] == '\0')
        return 0;
    struct table_rows tr;
    if (table_load(ld, KEY(scenario, sources), &source_table, &tr) < 0)
        return -1;
    int rc = sources_check(tr.rows, tr.lines, tr.n, tr.file, ld->err);
    free(tr.rows); /* checked only: the report reads them from the results folder's copy */
    free(tr.lines);
    return rc;
}

int scenario_sources_read(const char *path, const char *display, struct scenario_source **rows,
                          size_t *n, struct error *err)
{
    struct table raw;
    *rows = NULL;
    *n = 0;
    if (table_read(&raw, path, display, FILE_SIZE_MAX, TABLE_MAX_ROWS, NULL, "scenario.sources",
                   err))
        return -1;
    int kc = table_column(&raw, "key"), sc = table_column(&raw, "source"), rc = 0;
    int *lines = NULL;
    if (kc < 0 || sc < 0 || raw.ncol != 2)
        rc = error_set(err, ERROR_INPUT, display, raw.ncol ? raw.line[0] : 1, "scenario.sources",
                       "expected the header key,source");
    else if (!(*rows = calloc(raw.nrow + 1, sizeof **rows)) ||
             !(lines = malloc((raw.nrow + 1) * sizeof *lines)))
        rc = error_set(err, ERROR_SYSTEM, display, 0, "", "out of memory");
    for (size_t r = 0; r < raw.nrow && rc == 0; r++) {
        struct scenario_source *row = &(*rows)[r];
        char why[400];
        lines[r] = raw.line[r + 1];
        if (scenario_value_parse(&source_columns[0].spec, table_cell(&raw, r, (size_t)kc),
                                 row, why, sizeof why) < 0)
            rc = error_set(err, ERROR_INPUT, display, lines[r], "key", "%s", why);
        else if (scenario_value_parse(&source_columns[1].spec, table_cell(&raw, r, (size_t)sc),
                                      row, why, sizeof why) < 0)
            rc = error_set(err, ERROR_INPUT, display, lines[r], "source", "%s", why);
    }
    if (rc == 0)
        rc = sources_check(*rows, lines, raw.nrow, display, err);
    if (rc == 0)
        *n = raw.nrow;
    free(lines);
    table_cleanup(&raw);
    if (rc) {
        free(*rows);
        *rows = NULL;
    }
    return rc;
}

int scenario_tables_load(struct load *ld)
{
    int rc = tables_market(ld);
    if (rc == 0)
        rc = tables_suppliers(ld);
    if (rc == 0)
        rc = tables_rounds(ld);
    if (rc == 0)
        rc = tables_profile(ld);
    if (rc == 0)
        rc = tables_sources(ld);
    return rc;
}
