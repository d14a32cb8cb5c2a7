/* signups.c - the sign-ups and auction result a live forecast starts from, and the posterior
 * of the campaign's scale and paper share they give (split off forecast.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_sort.h>

#include "forecast_int.h"
#include "switchsim/stats.h"
#include "table.h"

#define FILE_MAX ((size_t)16 << 20)

/* A whole number >= 0 of a cell, else an error at its line and column. */
static int count_of(const struct table *t, size_t row, int col, uint32_t *out, struct error *err)
{
    const char *s = table_cell(t, row, (size_t)col);
    char *end;
    double v = strtod(s, &end);
    if (!*s || *end || !(v >= 0) || v != floor(v) || v > 1e9)
        return error_set(err, ERROR_INPUT, t->file, t->line[row + 1], table_header(t, (size_t)col),
                         "expected a whole number of households >= 0, got '%.40s'", s);
    *out = (uint32_t)v;
    return 0;
}

static int columns(const struct table *t, const char *const *names, int *col, size_t n,
                   const char *header, struct error *err)
{
    for (size_t c = 0; c < n; c++)
        if ((col[c] = table_column(t, names[c])) < 0)
            return error_set(err, ERROR_INPUT, t->file, t->ncol ? t->line[0] : 1, names[c],
                             "column missing (the header is %s)", header);
    if (t->nrow == 0)
        return error_set(err, ERROR_INPUT, t->file, t->line[0], "", "no rows");
    return 0;
}

int forecast_read_signups(const struct scenario *sc, const char *path, struct observation *o,
                          struct error *err)
{
    static const char *const names[] = {"day", "online", "paper"};
    int window = (int)ceil(sc->registration.window_days), col[3];
    struct table t;
    if (table_read(&t, path, path, FILE_MAX, 100000, NULL, "", err))
        return -1;
    int rc = columns(&t, names, col, 3, "day,online,paper", err);
    if (rc == 0 && (!(o->online = calloc(t.nrow, sizeof *o->online)) ||
                    !(o->paper = calloc(t.nrow, sizeof *o->paper))))
        rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    for (size_t r = 0; r < t.nrow && rc == 0; r++) {
        uint32_t day;
        if ((rc = count_of(&t, r, col[0], &day, err)))
            break;
        if (day != r)
            rc = error_set(err, ERROR_INPUT, path, t.line[r + 1], "day",
                           "expected day %zu: days run 0, 1, 2, ... one row each, with no gap", r);
        else if ((int)day >= window)
            rc = error_set(err, ERROR_INPUT, path, t.line[r + 1], "day",
                           "day %u is beyond the registration window (days 0 to %d of "
                           "registration.window_days = %g)",
                           day, window - 1, sc->registration.window_days);
        else if (!(rc = count_of(&t, r, col[1], &o->online[r], err)))
            rc = count_of(&t, r, col[2], &o->paper[r], err);
        if (rc == 0) {
            o->n_online += o->online[r];
            o->n_paper += o->paper[r];
        }
    }
    o->m.days = rc == 0 ? (int)t.nrow : 0;
    o->m.online = o->online;
    o->m.paper = o->paper;
    table_cleanup(&t);
    return rc;
}

int forecast_read_auction(const char *path, struct observation *o, struct error *err)
{
    static const char *const names[] = {"lot", "winning_annual_cost"};
    int col[2], line_of[PAY_COUNT] = {0};
    struct table t;
    if (table_read(&t, path, path, FILE_MAX, 100, NULL, "", err))
        return -1;
    int rc = columns(&t, names, col, 2, "lot,winning_annual_cost", err);
    o->m.auction = true;
    for (int p = 0; p < PAY_COUNT; p++)
        o->m.price[p] = NAN; /* a lot not listed failed */
    for (size_t r = 0; r < t.nrow && rc == 0; r++) {
        const char *lot = table_cell(&t, r, (size_t)col[0]);
        const char *cost = table_cell(&t, r, (size_t)col[1]);
        int p = 0;
        while (p < PAY_COUNT && strcmp(scenario_payment_name((enum payment)p), lot))
            p++;
        char *end;
        double v = strtod(cost, &end);
        if (p == PAY_COUNT)
            rc =
                error_set(err, ERROR_INPUT, path, t.line[r + 1], "lot",
                          "'%.40s' is not a lot: direct_debit, standard_credit or prepayment", lot);
        else if (line_of[p])
            rc = error_set(err, ERROR_INPUT, path, t.line[r + 1], "lot",
                           "%s is already given on line %d", lot, line_of[p]);
        else if (!*cost || *end || !(v > 0) || !isfinite(v))
            rc = error_set(err, ERROR_INPUT, path, t.line[r + 1], "winning_annual_cost",
                           "expected an annual cost in £ above 0, got '%.40s'", cost);
        else {
            line_of[p] = t.line[r + 1];
            o->m.price[p] = v;
        }
    }
    table_cleanup(&t);
    return rc;
}

double forecast_online_share(const struct scenario *sc, int days)
{
    double w = 0;
    for (int d = 0; d < days && (size_t)d < sc->n_profile; d++)
        w += sc->profile[d];
    return w;
}

double forecast_paper_share_arrived(const struct scenario *sc, int days)
{
    /* Forms are sent through each day as the profile says (flat within a day, the last day
     * only its part inside the window) and take a postal delay uniform on [min, max]. */
    const int steps = 256;
    double lo = sc->paper.postal_delay_min, hi = sc->paper.postal_delay_max, share = 0;
    for (size_t d = 0; d < sc->n_profile; d++) {
        double length = fmin(1.0, sc->registration.window_days - (double)d);
        for (int k = 0; k < steps; k++) {
            double t = (double)d + (k + 0.5) / steps * length, left = days - t, p;
            if (hi > lo)
                p = fmin(fmax((left - lo) / (hi - lo), 0), 1);
            else
                p = left >= lo ? 1 : 0;
            share += sc->profile[d] / steps * p;
        }
    }
    return share;
}

int forecast_posterior(const struct scenario *sc, struct observation *o, struct error *err)
{
    double m = sc->registration.expected * sc->round_rows[0].registration_index;
    double s = (sc->registration.expected_sd > 0 ? sc->registration.expected_sd : m / 2) *
               sc->round_rows[0].registration_index;
    if (!(m > 0))
        return error_set(err, ERROR_INPUT, sc->path, 0, "registration.expected",
                         "a forecast needs a prior of sign-ups above 0");
    double a0 = (m / s) * (m / s), b0 = m / (s * s), pi = sc->registration.paper_share;
    o->m.online_shape = (1 - pi) * a0 + o->n_online;
    o->m.paper_shape = pi * a0 + o->n_paper;
    o->m.online_rate = b0 + forecast_online_share(sc, o->m.days);
    o->m.paper_rate = b0 + forecast_paper_share_arrived(sc, o->m.days);
    return 0;
}

void forecast_observation_cleanup(struct observation *o)
{
    free(o->online);
    free(o->paper);
    *o = (struct observation){0};
}

double forecast_quantile(double *x, size_t n, double q)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (!isnan(x[i]))
            x[k++] = x[i];
    gsl_sort(x, 1, k);
    return stats_prediction_quantile(x, k, q);
}
