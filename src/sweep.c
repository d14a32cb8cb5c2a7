/* sweep.c - a grid of scenario variations: --vary specs and the points they span. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchsim/sweep.h"

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

void sweep_free(struct sweep *sw)
{
    for (size_t a = 0; a < sw->n_axes; a++) {
        for (size_t i = 0; i < sw->axes[a].n; i++)
            free(sw->axes[a].values[i]);
        free(sw->axes[a].values);
    }
    *sw = (struct sweep){0};
}
