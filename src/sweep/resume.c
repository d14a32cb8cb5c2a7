/* resume.c - what lets an interrupted sweep resume: each finished point's row in
 * DIR/.points/P.csv, written atomically and checked whole when read back, and the grid's
 * fingerprint (the scenario as resolved, its tables, the overrides and the grid) in
 * .points/grid.txt, so that --resume only ever finishes the very sweep that was started.
 * Split from sweep.c. */
#include <ctype.h>
#include <dirent.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchsim/output.h"
#include "sweep_int.h"
#include "text.h"

static void write_text(FILE *f, size_t k, const void *ctx)
{
    (void)k;
    fputs(ctx, f);
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

int sweep_point_store(const char *points_dir, const struct sweep *sw, size_t p, const char *figures,
                      size_t len, struct error *err)
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

/* The row of grid point p (sweep_int.h): damaged when not exactly one line, holding the
 * point's own values as sweep_point_store writes them, then a number or nothing for the mean
 * and CI bounds of each headline metric. */
char *sweep_point_row(const char *points_dir, const struct sweep *sw, size_t p)
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

int sweep_points_begin(const char *path, const struct sweep *sw, const struct settings *s,
                       const struct scenario *base, const char *dir, const char *points_dir,
                       struct error *err)
{
    char grid_path[1300];
    snprintf(grid_path, sizeof grid_path, "%s/grid.txt", points_dir);
    char *fingerprint = sweep_fingerprint(path, sw, s, base);
    if (!fingerprint)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    int rc = 0;
    char *previous = previous_fingerprint(grid_path);
    bool started = previous != NULL, resuming = started && s->resume && !strcmp(previous, fingerprint);
    free(previous);
    if (s->resume && started && !resuming)
        rc = error_set(err, ERROR_INPUT, "--resume", 0, "",
                       "the sweep in %s/ was started with other settings; run it without "
                       "--resume",
                       dir);
    else if (!resuming) {
        remove_points(points_dir);
        const char *names[] = {"grid.txt"};
        rc = output_write_files(points_dir, 1, names, write_text, fingerprint, err);
    }
    free(fingerprint);
    return rc;
}
