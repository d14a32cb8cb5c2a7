/* input.c - the --fit specs and the observed figures of past campaigns (split off calibrate.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "calibrate_int.h"
#include "table.h"

/* ---- --fit specs ---- */

static int bad_fit(struct error *err, const char *spec, const char *why)
{
    char where[400];
    snprintf(where, sizeof where, "--fit %.380s", spec);
    return error_set(err, ERROR_INPUT, where, 0, "", "%s", why);
}

bool calibrate_read_number(const char *s, size_t len, double *out)
{
    char buf[64], *end;
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    errno = 0;
    *out = strtod(buf, &end);
    return !errno && *end == '\0' && isfinite(*out);
}

int calibrate_add_fit(struct calibrate_spec *c, const char *spec, struct error *err)
{
    if (c->n == CALIBRATE_MAX_FITS)
        return bad_fit(err, spec, "too many parameters to fit");
    size_t klen = strcspn(spec, "=@");
    struct calibrate_fit f = {0};
    if (klen == 0 || klen >= sizeof f.key)
        return bad_fit(err, spec, "expected SECTION.KEY[=MEAN:SD][@LO:HI]");
    memcpy(f.key, spec, klen);
    struct scenario_key_info info = {0};
    bool known = false;
    for (size_t k = 0; k < scenario_key_count() && !known; k++)
        if (scenario_key_at(k, &info) == 0 && !strcmp(info.name, f.key))
            known = true;
    if (!known)
        return bad_fit(err, spec, "not a scenario key");
    if (!info.fit)
        return bad_fit(err, spec,
                       "this key cannot be fitted (switchsim check lists the keys that can: a "
                       "number that changes no table, day or round)");
    for (size_t k = 0; k < c->n; k++)
        if (!strcmp(c->fits[k].key, f.key))
            return bad_fit(err, spec, "this key is already fitted");
    scenario_number_range(f.key, &f.lower, &f.upper);
    const char *at = spec + klen;
    if (*at == '=') {
        const char *colon = strchr(at, ':'), *end = at + 1 + strcspn(at + 1, "@");
        if (!colon || colon > end ||
            !calibrate_read_number(at + 1, (size_t)(colon - at - 1), &f.prior_mean) ||
            !calibrate_read_number(colon + 1, (size_t)(end - colon - 1), &f.prior_sd))
            return bad_fit(err, spec, "a prior is =MEAN:SD, two numbers");
        if (!(f.prior_sd > 0))
            return bad_fit(err, spec, "a prior's sd must be above 0");
        f.has_prior = true;
        at = end;
    }
    if (*at == '@') {
        const char *colon = strchr(at, ':');
        double lo, hi;
        if (!colon || !calibrate_read_number(at + 1, (size_t)(colon - at - 1), &lo) ||
            !calibrate_read_number(colon + 1, strlen(colon + 1), &hi))
            return bad_fit(err, spec, "bounds are @LO:HI, two numbers");
        if (!(lo < hi))
            return bad_fit(err, spec, "bounds need LO < HI");
        f.lower = fmax(f.lower, lo);
        f.upper = fmin(f.upper, hi);
        if (!(f.lower < f.upper))
            return bad_fit(err, spec, "the bounds leave nothing of the key's range");
    } else if (*at) {
        return bad_fit(err, spec, "expected SECTION.KEY[=MEAN:SD][@LO:HI]");
    }
    c->fits[c->n++] = f;
    return 0;
}

/* ---- reading the observed figures ---- */

static int campaign_of(struct problem *p, const char *path, struct error *err)
{
    for (size_t c = 0; c < p->n_campaigns; c++)
        if (!strcmp(p->campaigns[c].path, path))
            return (int)c;
    if (p->n_campaigns == MAX_CAMPAIGNS)
        return error_set(err, ERROR_INPUT, path, 0, "", "more than %d campaigns", MAX_CAMPAIGNS);
    struct campaign *c = &p->campaigns[p->n_campaigns];
    snprintf(c->path, sizeof c->path, "%s", path);
    if (!(c->sc = settings_load(path, p->s, NULL, 0, err)))
        return -1;
    return (int)p->n_campaigns++;
}

int calibrate_read_observed(struct problem *p, const char *observed, struct error *err)
{
    static const char *const names[] = {"scenario", "round", "metric", "value", "sd"};
    struct table t;
    if (table_read(&t, observed, observed, (size_t)64 << 20, MAX_OBS, NULL, "", err))
        return -1;
    int col[5], rc = 0;
    for (int c = 0; c < 5 && rc == 0; c++)
        if ((col[c] = table_column(&t, names[c])) < 0)
            rc = error_set(err, ERROR_INPUT, observed, t.ncol ? t.line[0] : 1, names[c],
                           "column missing (the header is scenario,round,metric,value,sd)");
    if (rc == 0 && t.nrow == 0)
        rc = error_set(err, ERROR_INPUT, observed, t.line[0], "", "no observed figures");
    if (rc == 0 && !(p->obs = calloc(t.nrow, sizeof *p->obs)))
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    const char *slash = strrchr(observed, '/');
    for (size_t r = 0; r < t.nrow && rc == 0; r++) {
        struct calibrate_obs *o = &p->obs[p->n_obs];
        int line = t.line[r + 1];
        const char *file = table_cell(&t, r, (size_t)col[0]);
        const char *round = table_cell(&t, r, (size_t)col[1]);
        const char *metric = table_cell(&t, r, (size_t)col[2]);
        char path[1100];
        snprintf(o->scenario, sizeof o->scenario, "%s", file);
        if (file[0] == '/' || !slash)
            snprintf(path, sizeof path, "%s", file);
        else
            snprintf(path, sizeof path, "%.*s/%s", (int)(slash - observed), observed, file);
        int m = metric_find(metric, strlen(metric));
        char *end;
        long rn = strcmp(round, "all") ? strtol(round, &end, 10) : 0;
        if (!file[0])
            rc = error_set(err, ERROR_INPUT, observed, line, "scenario", "empty scenario file");
        else if (m < 0)
            rc = error_set(err, ERROR_INPUT, observed, line, "metric",
                           "'%.60s' is not a metric of summary.csv", metric);
        else if (strcmp(round, "all") && (!*round || *end || rn < 1 || rn > 1000))
            rc = error_set(err, ERROR_INPUT, observed, line, "round",
                           "expected a round number or 'all', got '%.20s'", round);
        else if (!calibrate_read_number(table_cell(&t, r, (size_t)col[3]),
                                        strlen(table_cell(&t, r, (size_t)col[3])), &o->value))
            rc = error_set(err, ERROR_INPUT, observed, line, "value", "expected a number");
        else if (!calibrate_read_number(table_cell(&t, r, (size_t)col[4]),
                                        strlen(table_cell(&t, r, (size_t)col[4])), &o->sd) ||
                 o->sd < 0)
            rc = error_set(err, ERROR_INPUT, observed, line, "sd", "expected a number >= 0");
        if (rc)
            break;
        o->metric = (enum metric)m;
        o->round = (int)rn;
        if ((o->campaign = campaign_of(p, path, err)) < 0) {
            rc = -1;
            break;
        }
        if (o->round > p->campaigns[o->campaign].sc->scenario.rounds)
            rc = error_set(err, ERROR_INPUT, observed, line, "round", "%s has %d round(s), not %d",
                           file, p->campaigns[o->campaign].sc->scenario.rounds, o->round);
        for (size_t q = 0; q < p->n_obs && rc == 0; q++)
            if (p->obs[q].campaign == o->campaign && p->obs[q].round == o->round &&
                p->obs[q].metric == o->metric)
                rc = error_set(err, ERROR_INPUT, observed, line, "metric",
                               "this figure of this campaign is already given");
        p->n_obs++;
    }
    table_cleanup(&t);
    return rc;
}
