/* table.c - CSV tables read through libcsv into cells, each row knowing its line. */
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>

#include "table.h"

#define TABLE_COLS_MAX 4096 /* fields in one row */

struct reader {
    struct table *t;
    struct error *err;
    const char *key;
    size_t max_rows;
    int line, row_line;
    size_t nfields; /* of the row being read; its cells are at the end of t->cell */
    bool failed;
};

static void fail(struct reader *r, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void fail(struct reader *r, int line, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_set(r->err, ERROR_INPUT, r->t->file, line, r->key, "%s", msg);
    r->failed = true;
}

static void oom(struct reader *r)
{
    error_set(r->err, ERROR_SYSTEM, "", 0, "", "out of memory");
    r->failed = true;
}

/* Makes room for `more` items of `size` bytes after `used` in *items (capacity *cap). */
static int reserve(void **items, size_t *cap, size_t used, size_t more, size_t size)
{
    if (used + more <= *cap)
        return 0;
    size_t n = *cap ? *cap : 64;
    while (n < used + more)
        n *= 2;
    void *p = realloc(*items, n * size);
    if (!p)
        return -1;
    *items = p;
    *cap = n;
    return 0;
}

static void on_field(void *s, size_t len, void *data)
{
    struct reader *r = data;
    struct table *t = r->t;
    if (r->failed)
        return;
    if (r->nfields == 0)
        r->row_line = r->line;
    if (memchr(s, '\n', len) || memchr(s, '\r', len)) {
        fail(r, r->row_line, "line break inside a quoted field");
        return;
    }
    if (r->nfields == TABLE_COLS_MAX) {
        fail(r, r->row_line, "more than %d fields in a row", TABLE_COLS_MAX);
        return;
    }
    size_t cells = (t->nrow + (t->ncol ? 1 : 0)) * t->ncol + r->nfields;
    if (reserve((void **)&t->text, &t->text_cap, t->text_len, len + 1, 1) ||
        reserve((void **)&t->cell, &t->cell_cap, cells, 1, sizeof *t->cell)) {
        oom(r);
        return;
    }
    if (len)
        memcpy(t->text + t->text_len, s, len);
    t->text[t->text_len + len] = '\0';
    t->cell[cells] = t->text_len;
    t->text_len += len + 1;
    r->nfields++;
}

static void on_row(int c, void *data)
{
    (void)c;
    struct reader *r = data;
    struct table *t = r->t;
    size_t n = r->nfields;
    r->nfields = 0;
    if (r->failed)
        return;
    if (t->ncol == 0) {
        t->ncol = n;
    } else if (n != t->ncol) {
        fail(r, r->row_line, "row has %zu fields, the header has %zu", n, t->ncol);
        return;
    } else if (t->nrow == r->max_rows) {
        fail(r, r->row_line, "more than %zu rows", r->max_rows);
        return;
    } else {
        t->nrow++;
    }
    if (reserve((void **)&t->line, &t->line_cap, t->nrow, 1, sizeof *t->line)) {
        oom(r);
        return;
    }
    t->line[t->nrow] = r->row_line;
}

int table_read(struct table *t, const char *path, const char *display, size_t max_size,
               size_t max_rows, const struct text_origin *origin, const char *key,
               struct error *err)
{
    *t = (struct table){0};
    snprintf(t->file, sizeof t->file, "%s", display);
    struct text in;
    if (text_read(&in, path, display, max_size, origin, key, err))
        return -1;
    struct csv_parser p;
    if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
        text_cleanup(&in);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    struct reader r = {.t = t, .err = err, .key = key, .max_rows = max_rows};
    const char *s = in.data, *end = in.data + in.len;
    while (s < end && !r.failed) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop = nl ? nl : end;
        size_t n = (size_t)(stop - s);
        if (n > 0 && s[n - 1] == '\r')
            n--;
        r.line++;
        if (strspn(s, " \t") < n) { /* lines of blanks are skipped */
            if ((csv_parse(&p, s, n, on_field, on_row, &r) != n ||
                 csv_parse(&p, "\n", 1, on_field, on_row, &r) != 1) &&
                !r.failed)
                fail(&r, r.line, "malformed CSV: %s (check the quotes)",
                     csv_error(&p) == CSV_ENOMEM ? "out of memory" : "bad quoting");
        }
        s = nl ? nl + 1 : end;
    }
    if (!r.failed && csv_fini(&p, on_field, on_row, &r) != 0 && !r.failed)
        fail(&r, r.line, "malformed CSV: unterminated quoted field");
    csv_free(&p);
    text_cleanup(&in);
    if (r.failed) {
        table_cleanup(t);
        return -1;
    }
    return 0;
}

void table_cleanup(struct table *t)
{
    free(t->text);
    free(t->cell);
    free(t->line);
    char file[sizeof t->file];
    memcpy(file, t->file, sizeof file);
    *t = (struct table){0};
    memcpy(t->file, file, sizeof file);
}

const char *table_cell(const struct table *t, size_t row, size_t col)
{
    return t->text + t->cell[(row + 1) * t->ncol + col];
}

const char *table_header(const struct table *t, size_t col)
{
    return t->text + t->cell[col];
}

int table_column(const struct table *t, const char *name)
{
    size_t len = strlen(name);
    for (size_t c = 0; c < t->ncol; c++) {
        const char *h = table_header(t, c);
        h += strspn(h, " \t");
        size_t n = strlen(h);
        while (n > 0 && (h[n - 1] == ' ' || h[n - 1] == '\t'))
            n--;
        if (n == len && memcmp(h, name, len) == 0)
            return (int)c;
    }
    return -1;
}
