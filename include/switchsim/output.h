/* output.h - what every writer of files for people shares: folders and readable numbers. */
#ifndef SWITCHSIM_OUTPUT_H
#define SWITCHSIM_OUTPUT_H

#include <stddef.h>
#include <stdio.h>

#include "switchsim/error.h"

/* Writes x with `dec` decimals and thousands separators into buf ("12,346" for 12345.6 and
 * dec 0; "n/a" for NaN, "infinity" and "-infinity") and returns buf. */
char *output_number(char *buf, size_t size, double x, int dec);

/* Creates folder dir and any missing parents (mkdir -p). Returns 0, or -1 with errno set
 * (ENOTDIR when something that is not a folder is in the way). */
int output_make_dir(const char *dir);

/* Writes into buf the default folder for the results or charts of `name` under `parent`
 * ("results" or "plots"): PARENT/NAME with every byte but ASCII letters, digits, '_', '-',
 * '.' (not first) and UTF-8 characters made '_' (and those of invalid UTF-8, C1 controls and
 * bidirectional controls), and then, when any was, the FNV-1a hash of the name
 * added ("PARENT/NAME-1a2b3c4d"), so names that differ only there do not share a folder;
 * PARENT/scenario for an empty name. Returns 0, or -1 when it does not fit in size bytes. */
int output_folder(const char *parent, const char *name, char *buf, size_t size);

/* Writes x as a CSV field: whole numbers without decimals, others with 10 significant
 * digits; NaN as an empty field. */
void output_csv_number(FILE *f, double x);

/* Writes s as a CSV field, quoted through libcsv only when it holds a comma, quote, tab or
 * line end. Text a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
 * carriage return, and not a plain number such as -1.5) is written after a single quote,
 * as OWASP advises: '=cmd|... shows as text. */
void output_csv_text(FILE *f, const char *s);

/* Writes file names[k] in dir by calling write(f, k, ctx), for k = 0..n-1: each to a
 * temporary name first, all renamed only once every one is complete, so a failure while
 * writing leaves no partial results (a rename failing midway, which is rare, leaves the
 * files renamed before it and no temporary file). Creates dir (and its parents) if missing.
 * Returns 0, or -1 with *err filled. */
typedef void (*output_writer)(FILE *f, size_t k, const void *ctx);
int output_write_files(const char *dir, size_t n, const char *const *names, output_writer write,
                       const void *ctx, struct error *err);

#endif
