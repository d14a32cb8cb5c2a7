/* output.h - what every writer of files for people shares: folders and readable numbers. */
#ifndef SWITCHSIM_OUTPUT_H
#define SWITCHSIM_OUTPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "switchsim/error.h"

/* Writes x with `dec` decimals and thousands separators into buf ("12,346" for 12345.6 and
 * dec 0; "n/a" for NaN, "infinity" and "-infinity") and returns buf. */
char *output_number(char *buf, size_t size, double x, int dec);

/* Creates folder dir and any missing parents (mkdir -p). Returns 0, or -1 with errno set
 * (ENOTDIR when something that is not a folder is in the way). */
int output_make_dir(const char *dir);

/* Prints text padded with spaces to `width` characters (UTF-8 counted as characters), on
 * the left (align < 0) or the right (align > 0). */
void output_cell(FILE *out, const char *text, int width, int align);

/* Removes folder `name` in the folder open as fd with the files in it (one level: what
 * switchsim's own working folders hold; a link is removed, never followed). */
void output_remove_flat_at(int fd, const char *name);

/* Writes into buf the default folder for the results or charts of `name` under `parent`
 * ("results" or "plots"): PARENT/NAME with every byte but ASCII letters, digits, '_', '-',
 * '.' (not first) and UTF-8 characters made '_' (and those of invalid UTF-8, C1 controls and
 * bidirectional controls), and then, when any was, the FNV-1a hash of the name
 * added ("PARENT/NAME-1a2b3c4d"), so names that differ only there do not share a folder;
 * likewise when the name is cut to its first OUTPUT_NAME_MAX bytes (folder names have a
 * limit). PARENT/scenario for an empty name. Returns 0, or -1 when it does not fit in size
 * bytes. */
#define OUTPUT_NAME_MAX 160
int output_folder(const char *parent, const char *name, char *buf, size_t size);

/* Writes x as a CSV field: whole numbers without decimals, others with 10 significant
 * digits; NaN as an empty field. */
void output_csv_number(FILE *f, double x);

/* Writes s as a CSV field, quoted through libcsv only when it holds a comma, quote, tab or
 * line end. Text a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a
 * carriage return, and not a plain number such as -1.5) is written after a single quote,
 * as OWASP advises: '=cmd|... shows as text. */
void output_csv_text(FILE *f, const char *s);

/* Writes the file names[k] for k = 0..n-1 through write(f, k, ctx). */
typedef void (*output_writer)(FILE *f, size_t k, const void *ctx);

/* Creates, in folder parent, a file (or with folder, a folder) with a fresh unpredictable
 * name ".BASE.<16 hex digits>": O_CREAT|O_EXCL|O_NOFOLLOW (mkdir), modes 0666 (0777) less the
 * umask, so nothing planted in parent can redirect it. Writes its path into buf. Returns the
 * open descriptor (write only) of a file, 0 for a folder, or -1 with errno set. */
int output_temp(const char *parent, const char *base, bool folder, char *buf, size_t size);

/* Writes each file dir/names[k] whole, in place: each to a fresh name (output_temp) first,
 * all renamed over their names only once every one is complete, so a failure while writing
 * leaves the old files as they were and no temporary file. For working files such as a
 * sweep's points; result sets go through output_set_write. Creates dir (and its parents) if
 * missing. Returns 0, or -1 with *err filled. */
int output_write_files(const char *dir, size_t n, const char *const *names, output_writer write,
                       const void *ctx, struct error *err);

/* A result folder held by one command, from before it runs until its set is in place: other
 * switchsim processes are refused it (flock), and the set is written whole or not at all. */
struct output_set {
    int fd;          /* the folder, locked; -1 when not held */
    char path[1100]; /* as given */
    bool created;    /* made by output_set_hold: removed again while still empty */
};

/* Holds folder dir for a command that will write a result set into it, creating it (and its
 * parents) when missing. Refuses as bad input (ERROR_INPUT) a symbolic link, something that
 * is not a folder, the current folder or one that holds it, and a folder holding anything
 * but switchsim's result files (it will be replaced whole); refuses (ERROR_SYSTEM) a folder
 * another switchsim holds, saying so. Returns 0 with *set held, or -1 with *err filled and
 * *set not held (safe for output_set_release). */
int output_set_hold(const char *dir, struct output_set *set, struct error *err);

/* Writes the set, names[k] for k = 0..n-1, into a fresh folder beside the held one
 * (output_temp: ".NAME.new.<hex>", with the held folder's permissions), then swaps it in with
 * one rename (renameat2 RENAME_EXCHANGE; where the file system has no exchange, the old
 * folder is moved aside first, so the set is absent for a moment, never mixed) and removes
 * the old set. A reader sees the old set or the new one, never a mix; a failure leaves the
 * old set as it was, and so does a kill (which may leave the fresh folder beside it). The
 * new folder stays held. Returns 0, or -1 with *err filled. */
int output_set_write(struct output_set *set, size_t n, const char *const *names,
                     output_writer write, const void *ctx, struct error *err);

/* Lets the folder go, and removes it when output_set_hold created it and nothing was
 * written into it. A set not held is a no-op. */
void output_set_release(struct output_set *set);

#endif
