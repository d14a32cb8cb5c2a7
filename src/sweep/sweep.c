/* sweep.c - a grid of scenario variations: --vary specs and the points they span, and the
 * sweep command: every point checked, the folder held, the points run (points.c) and kept
 * for a resume (resume.c), then sweep.csv written whole. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchsim/output.h"
#include "sweep_int.h"

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

void sweep_point_settings(const struct sweep *sw, size_t p, char (*settings)[SWEEP_SETTING_SIZE],
                          const char **extra)
{
    for (size_t a = 0; a < sw->n_axes; a++) {
        sweep_setting(sw, p, a, settings[a], sizeof settings[a]);
        extra[a] = settings[a];
    }
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
        char settings[SWEEP_MAX_KEYS][SWEEP_SETTING_SIZE];
        const char *extra[SWEEP_MAX_KEYS];
        sweep_point_settings(sw, p, settings, extra);
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

int sweep_run(const char *path, const struct sweep *sw, const struct settings *s,
              struct sweep_result *out, struct error *err)
{
    *out = (struct sweep_result){.n_points = sw->n_points};
    struct scenario *base = settings_load(path, s, NULL, 0, err);
    if (!base)
        return -1;
    char points_dir[1200], name[2048];
    int rc = sweep_check(path, sw, s, err);
    snprintf(out->name, sizeof out->name, "%s", base->scenario.name);
    out->replications = base->scenario.replications;
    /* a folder per grid: the varied keys and their values are part of its name */
    size_t used = (size_t)snprintf(name, sizeof name, "%s-sweep", base->scenario.name);
    for (size_t a = 0; a < sw->n_axes && used < sizeof name; a++)
        used += (size_t)snprintf(name + used, sizeof name - used, "%s%s", a ? "," : "--",
                                 sw->axes[a].spec);
    struct output_set set = {.fd = -1};
    if (rc == 0) /* held from here: the points are worked out inside it */
        rc = settings_hold_folder(s, name, "", out->dir, sizeof out->dir, &set, err);
    snprintf(points_dir, sizeof points_dir, "%s/.points", out->dir);
    if (rc == 0 && !s->resume)
        rc = settings_check_folder(s, out->dir, "scenario.ini", base, err);
    if (rc == 0)
        rc = sweep_points_begin(path, sw, s, base, out->dir, points_dir, err);
    if (rc == 0)
        rc = sweep_points(path, sw, s, points_dir, &out->done, err);
    char **rows = rc == 0 ? calloc(sw->n_points, sizeof *rows) : NULL;
    if (rc == 0 && !rows)
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    for (size_t p = 0; p < sw->n_points && rc == 0; p++)
        if (!(rows[p] = sweep_point_row(points_dir, sw, p)))
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
    scenario_destroy(base);
    return rc;
}
