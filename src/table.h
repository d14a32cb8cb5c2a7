/* table.h - CSV tables read through libcsv into cells, each row knowing its line. */
#ifndef SWITCHSIM_TABLE_H
#define SWITCHSIM_TABLE_H

#include <stddef.h>

#include "switchsim/error.h"
#include "text.h"

struct table {
    char file[1100]; /* the file as errors name it */
    size_t ncol;     /* fields in the header; 0 for a file with no row at all */
    size_t nrow;     /* data rows, the header not counted */
    char *text;      /* every field's text, each NUL-terminated; owned */
    size_t *cell;    /* (nrow + 1) x ncol offsets into text, row-major; row 0 is the header */
    int *line;       /* the line each row starts on; line[0] is the header's */
    size_t text_len, text_cap, cell_cap, line_cap;
};

/* Reads the CSV file at `path` (through text_read: a regular UTF-8 text file of at most
 * max_size bytes, a BOM and CRLF line ends accepted) into *t. Fields may be quoted as libcsv
 * reads them (strictly); lines holding only blanks are skipped; the first row is the header
 * and every row must have as many fields as it. Errors name `display`, the line and `key`
 * (a ragged row: "row has N fields, the header has M"; a line break inside quotes; bad
 * quoting; more than max_rows data rows; a file that cannot be read is named at *origin as
 * text_read does). Returns 0, or -1 with *err filled (ERROR_INPUT, or ERROR_SYSTEM for out
 * of memory); *t is empty then, safe for table_cleanup. */
int table_read(struct table *t, const char *path, const char *display, size_t max_size,
               size_t max_rows, const struct text_origin *origin, const char *key,
               struct error *err);

/* Frees the table's memory and leaves it empty. */
void table_cleanup(struct table *t);

/* The text of data row `row` (0-based, header excluded) and column `col`. */
const char *table_cell(const struct table *t, size_t row, size_t col);

/* The text of header field `col`. */
const char *table_header(const struct table *t, size_t col);

/* The index of the header field equal to `name` (blanks around it ignored), or -1. */
int table_column(const struct table *t, const char *name);

#endif
