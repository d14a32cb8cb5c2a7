/* sweep.c - the charts of a sweep (a line or a heatmap per metric) and its bulletin section. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "plot_int.h"

/* A chart name from a metric: the metric itself when known (safe letters), else by number. */
static void metric_chart(char *buf, size_t size, const char *prefix, const char *metric, size_t k)
{
    if (metric_find(metric, strlen(metric)) >= 0)
        snprintf(buf, size, "%s_%s", prefix, metric);
    else
        snprintf(buf, size, "%s_metric%zu", prefix, k + 1);
}

static double scale_of(enum metric_unit u)
{
    return u == UNIT_SHARE ? 100 : 1;
}

/* The row holding each value of the only key (the last such row). */
static void grid_rows(const struct plot_grid *sw, size_t *row)
{
    for (size_t i = 0; i < sw->t.nrow; i++)
        row[sw->pos[0][i]] = i;
}

/* x tics at the values of key k, as written in sweep.csv (every few when there are many). */
static void key_tics(FILE *f, const struct plot_grid *sw, int k, const char *ax)
{
    size_t n = sw->nval[k], every = n > 15 ? (n + 14) / 15 : 1;
    fprintf(f, "set %stics nomirror out (", ax);
    for (size_t v = 0; v < n; v += every) {
        fputs(v ? ", " : "", f);
        char text[80], shown[80];
        const char *value = plot_grid_key_value(sw, k, sw->order[k][v]);
        words_key_value(shown, sizeof shown, sw->key[k], value);
        text_clean(text, 28, shown); /* long text values would run into each other */
        if (strlen(text) < strlen(shown))
            strcat(text, "…");
        gp_quote(f, text, 1);
        fprintf(f, " %.10g",
                sw->numeric[k] && ax[0] == 'x' && sw->nkeys == 1
                    ? plot_grid_key_number(sw, k, sw->order[k][v])
                    : (double)(v + 1));
    }
    fputs(")\n", f);
}

/* Whether every auction at grid point `row` failed: no winning tariff in any campaign. */
static bool auction_failed_at(const struct plot_grid *sw, size_t row)
{
    for (size_t m = 0; m < sw->nm; m++)
        if (!strcmp(sw->m[m].name, metric_name(M_WINNING_ANNUAL_COST)))
            return isnan(plot_grid_value(sw, row, m, 0));
    return false;
}

/* Why grid point `row` has no value of a metric: its auction failed (no winning tariff), or
 * the metric is not defined there. */
static const char *no_value(const struct plot_grid *sw, size_t row)
{
    return auction_failed_at(sw, row) ? "auction failed" : "no value";
}

/* One headline metric against the only varied key, with its 95% CI as a band. */
static int chart_sweep1(struct plot_job *j, const struct plot_grid *sw, size_t m, char *chart,
                        size_t size)
{
    struct metric_info mi = words_metric(sw->m[m].name);
    double sc = scale_of(mi.unit), lo = INFINITY, hi = -INFINITY;
    size_t n = sw->nval[0], *row = malloc(n * sizeof *row);
    if (!row)
        return error_set(j->err, ERROR_SYSTEM, sw->t.file, 0, "", "out of memory");
    grid_rows(sw, row);
    for (size_t v = 0; v < n; v++)
        for (int w = 0; w < 3; w++) {
            double x = plot_grid_value(sw, row[v], m, w) * sc;
            if (isfinite(x)) {
                lo = fmin(lo, x);
                hi = fmax(hi, x);
            }
        }
    if (!isfinite(lo)) {
        free(row);
        return 0;
    }
    metric_chart(chart, size, "sweep", sw->m[m].name, m);
    char cols[160];
    snprintf(cols, sizeof cols, "%s,mean,ci95_low,ci95_high", sw->numeric[0] ? "value" : "index");
    FILE *d = gp_dat_open(j, chart, cols);
    if (!d) {
        free(row);
        return -1;
    }
    for (size_t v = 0; v < n; v++) {
        double mean = plot_grid_value(sw, row[v], m, 0) * sc;
        double a = plot_grid_value(sw, row[v], m, 1) * sc,
               b = plot_grid_value(sw, row[v], m, 2) * sc;
        gp_dat_num(d, sw->numeric[0] ? plot_grid_key_number(sw, 0, row[v]) : (double)(v + 1), 1);
        gp_dat_num(d, mean, 0);
        gp_dat_num(d, isfinite(a) ? a : mean, 0);
        gp_dat_num(d, isfinite(b) ? b : mean, 0);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart)) {
        free(row);
        return -1;
    }
    char what[300], key[200], raw[200];
    words_key(raw, sizeof raw, sw->key[0]);
    text_clean(key, sizeof key, raw);
    snprintf(what, sizeof what, "%s by %s", mi.label, key);
    FILE *f = gp_open(j, chart, "one headline metric of a sweep with its 95% CI", 0);
    if (!f) {
        free(row);
        return -1;
    }
    gp_title(f, j, "set title", what);
    gp_set(f, "set xlabel", key);
    gp_set(f, "set ylabel", mi.axis);
    double min_span = 0.1 * fmax(fabs(lo), fabs(hi)); /* a flat metric stays a flat line */
    if (hi - lo < min_span) {
        double mid = (lo + hi) / 2;
        lo = lo >= 0 ? fmax(0, mid - min_span / 2) : mid - min_span / 2;
        hi = lo + min_span;
    }
    gp_axis(f, "y", gp_axis_nice(lo, hi + (hi - lo) * 0.05, lo >= 0 && lo < 0.5 * hi, 0), mi.unit,
            NULL);
    fputs("set key below horizontal maxrows 1\nset bmargin 6\n", f);
    size_t gaps = 0;
    for (size_t v = 0; v < n; v++)
        if (isnan(plot_grid_value(sw, row[v], m, 0))) {
            char at[96];
            snprintf(at, sizeof at, "first %.10g, graph 0.05",
                     sw->numeric[0] ? plot_grid_key_number(sw, 0, row[v]) : (double)(v + 1));
            gp_label(f, no_value(sw, row[v]), at, "left",
                     "rotate by 90 textcolor rgb '" GP_RED "'");
            gaps++;
        }
    char dat[96];
    snprintf(dat, sizeof dat, "%.60s.dat", chart);
    if (sw->numeric[0]) {
        double x0 = plot_grid_key_number(sw, 0, row[0]),
               x1 = plot_grid_key_number(sw, 0, row[n - 1]);
        double pad = x1 > x0 ? (x1 - x0) * 0.04 : fmax(fabs(x0) * 0.5, 0.5);
        if (n <= 12)
            key_tics(f, sw, 0, "x");
        else
            gp_axis(f, "x", gp_axis_nice(x0, x1, 0, 0), UNIT_NUMBER, NULL);
        fprintf(f, "set xrange [%.10g:%.10g]\nplot ", x0 - pad, x1 + pad);
        gp_quote(f, dat, 0);
        fputs(" using 1:3:4 with filledcurves linecolor rgb '" GP_SKY "' "
              "fillstyle transparent solid 0.35 noborder title '95% CI of the average', \\\n"
              "     '' using 1:2 with linespoints linewidth 2 pointtype 7 pointsize 1.5 "
              "linecolor rgb '" GP_BLUE "' title 'average'\n",
              f);
    } else {
        key_tics(f, sw, 0, "x");
        fprintf(f, "set xrange [0.4:%.1f]\nplot ", n + 0.6);
        gp_quote(f, dat, 0);
        fputs(" using 1:2:3:4 with yerrorbars linewidth 2 pointtype 7 pointsize 2 "
              "linecolor rgb '" GP_BLUE "' title 'average and its 95% CI'\n",
              f);
    }
    char alt[700], cap[700], a[64], b[64];
    snprintf(alt, sizeof alt, "Line chart of the %s (average) against %s, from %s to %s%s.",
             mi.label, key, metric_figure(a, sizeof a, lo / sc, mi.unit, false),
             metric_figure(b, sizeof b, hi / sc, mi.unit, false),
             gaps ? "; at some points the auction fails and there is no value" : "");
    snprintf(cap, sizeof cap,
             "The %s at each value of %s: the average over the simulated campaigns, with the "
             "95%% confidence interval of that average.%s",
             mi.label, key, gaps ? " Red notes mark points with no value." : "");
    free(row);
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* One headline metric over two varied keys, as a labelled heatmap. */
static int chart_sweep2(struct plot_job *j, const struct plot_grid *sw, size_t m, char *chart,
                        size_t size)
{
    struct metric_info mi = words_metric(sw->m[m].name);
    double sc = scale_of(mi.unit), lo = INFINITY, hi = -INFINITY;
    size_t n1 = sw->nval[0], n2 = sw->nval[1];
    double *g = malloc(n1 * n2 * sizeof *g);
    if (!g)
        return error_set(j->err, ERROR_SYSTEM, sw->t.file, 0, "", "out of memory");
    for (size_t i = 0; i < n1 * n2; i++)
        g[i] = NAN;
    /* a point where no auction cleared is left white and says so, whatever its figure (a
     * saving of nothing there is no saving to weigh) */
    for (size_t i = 0; i < sw->t.nrow; i++)
        g[sw->pos[0][i] * n2 + sw->pos[1][i]] =
            auction_failed_at(sw, i) ? NAN : plot_grid_value(sw, i, m, 0) * sc;
    for (size_t i = 0; i < n1 * n2; i++)
        if (isfinite(g[i])) {
            lo = fmin(lo, g[i]);
            hi = fmax(hi, g[i]);
        }
    if (!isfinite(lo)) {
        free(g);
        return 0;
    }
    metric_chart(chart, size, "heat", sw->m[m].name, m);
    FILE *d = gp_dat_open(j, chart, "index of the first key,index of the second key,mean");
    if (!d) {
        free(g);
        return -1;
    }
    for (size_t a = 0; a < n1; a++)
        for (size_t b = 0; b < n2; b++) {
            gp_dat_num(d, (double)(a + 1), 1);
            gp_dat_num(d, (double)(b + 1), 0);
            gp_dat_num(d, g[a * n2 + b], 0);
            fputc('\n', d);
        }
    if (gp_dat_close(j, d, chart)) {
        free(g);
        return -1;
    }
    FILE *f = gp_open(j, chart, "one headline metric of a two-key sweep as a heatmap", 0);
    if (!f) {
        free(g);
        return -1;
    }
    char key1[200], key2[200], raw[200];
    words_key(raw, sizeof raw, sw->key[0]);
    text_clean(key1, sizeof key1, raw);
    words_key(raw, sizeof raw, sw->key[1]);
    text_clean(key2, sizeof key2, raw);
    gp_title(f, j, "set title", mi.label);
    gp_set(f, "set xlabel", key1);
    gp_set(f, "set ylabel", key2);
    fputs("set lmargin 14\nset ylabel offset character -1.5,0\n", f);
    /* money of a million or more in millions throughout, cells and colour bar alike */
    int millions = mi.unit == UNIT_POUND && fmax(fabs(lo), fabs(hi)) >= 1e6;
    char cblabel[300];
    snprintf(cblabel, sizeof cblabel, "%s", mi.axis);
    if (millions) {
        char *paren = strstr(cblabel, "(£");
        if (paren)
            snprintf(paren, sizeof cblabel - (size_t)(paren - cblabel), "(£ million a year)");
    }
    fputs("set rmargin at screen 0.8\nset colorbox user origin screen 0.83, graph 0 size "
          "screen 0.025, graph 1\n",
          f);
    gp_set(f, "set cblabel", cblabel);
    fputs("set cblabel offset character 2.5,0\n", f);
    struct gp_scale cb = gp_axis_nice(lo, hi, 0, 0);
    if (millions) {
        struct gp_scale c = gp_axis_nice(lo / 1e6, hi / 1e6, 0, 0);
        fprintf(f, "set cbrange [%.10g:%.10g]\nset cbtics (", c.lo * 1e6, c.hi * 1e6);
        long nt = lround((c.hi - c.lo) / c.step);
        for (long t = 0; t <= nt && t <= 200; t++) {
            char num[64], text[80];
            double v = c.lo + (double)t * c.step;
            snprintf(text, sizeof text, "£%.*fm", c.dec, fabs(v) < c.step * 1e-9 ? 0 : v);
            (void)num;
            fputs(t ? ", " : "", f);
            gp_quote(f, text, 1);
            fprintf(f, " %.10g", v * 1e6);
        }
        fputs(")\n", f);
        cb.lo = c.lo * 1e6;
        cb.hi = c.hi * 1e6;
    } else
        gp_axis(f, "cb", cb, mi.unit, NULL);
    key_tics(f, sw, 0, "x");
    key_tics(f, sw, 1, "y");
    fprintf(f,
            "set xrange [0.5:%.1f]\nset yrange [0.5:%.1f]\nunset grid\nunset key\n"
            "set border 0\nset tics scale 0\n"
            "set palette defined (0 '#440154', 1 '#3B528B', 2 '#21918C', 3 '#5EC962', "
            "4 '#FDE725')\n",
            n1 + 0.5, n2 + 0.5);
    size_t gaps = 0;
    if (n1 * n2 <= 150) {
        const char *font = n1 <= 6 ? "20" : n1 <= 10 ? "16" : "12";
        for (size_t a = 0; a < n1; a++)
            for (size_t b = 0; b < n2; b++) {
                double x = g[a * n2 + b];
                char text[64], at[96], extra[96];
                snprintf(at, sizeof at, "first %zu, first %zu", a + 1, b + 1);
                size_t row = 0;
                for (size_t i = 0; i < sw->t.nrow; i++)
                    if (sw->pos[0][i] == a && sw->pos[1][i] == b)
                        row = i;
                if (!isfinite(x)) {
                    snprintf(extra, sizeof extra, "font ',%s' textcolor rgb '#555555'", font);
                    gp_label(f, no_value(sw, row), at, "center", extra);
                    gaps++;
                    continue;
                }
                if (millions)
                    snprintf(text, sizeof text, "%s£%.2fm", x < 0 ? "-" : "", fabs(x) / 1e6);
                else
                    metric_figure(text, sizeof text, x / sc, mi.unit, false);
                snprintf(extra, sizeof extra, "font ',%s' textcolor rgb '%s'", font,
                         (x - cb.lo) / (cb.hi - cb.lo) < 0.6 ? "#ffffff" : "#000000");
                gp_label(f, text, at, "center", extra);
            }
    }
    char dat[96];
    snprintf(dat, sizeof dat, "%.60s.dat", chart);
    fputs("plot ", f);
    gp_quote(f, dat, 0);
    fputs(" using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder "
          "fillcolor palette notitle\n",
          f);
    char alt[700], cap[700], a1[64], b1[64];
    snprintf(alt, sizeof alt,
             "Heatmap of the %s (average) over %s (across) and %s (up), from %s to %s%s.",
             mi.label, key1, key2, metric_figure(a1, sizeof a1, lo / sc, mi.unit, false),
             metric_figure(b1, sizeof b1, hi / sc, mi.unit, false),
             gaps ? "; at some points the auction fails and there is no value" : "");
    snprintf(cap, sizeof cap,
             "The %s at each pair of settings, averaged over the simulated campaigns: lighter "
             "cells are higher.%s",
             mi.label, gaps ? " Cells marked \"auction failed\": no auction cleared there, so no household "
                    "had an offer." : "");
    free(g);
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* "reserve margin (£ a year) 50" or "..., paper share (%) 5%" of a grid point. */
static void point_words(struct words *w, const struct plot_grid *sw, size_t row)
{
    for (int k = 0; k < sw->nkeys; k++) {
        char key[200], value[200];
        words_key(key, sizeof key, sw->key[k]);
        words_key_value(value, sizeof value, sw->key[k], plot_grid_key_value(sw, k, row));
        words_add(w, "%s%s %s", k ? ", " : "", key, value);
    }
}

static int grid_metric_index(const struct plot_grid *sw, const char *name)
{
    for (size_t m = 0; m < sw->nm; m++)
        if (strcmp(sw->m[m].name, name) == 0)
            return (int)m;
    return -1;
}

/* A grid point's value of metric m as text: "before VALUE after". */
static void grid_value(struct words *w, const struct plot_grid *sw, size_t row, size_t m,
                       const char *before, const char *after)
{
    struct metric_info mi = words_metric(sw->m[m].name);
    char v[64];
    metric_figure(v, sizeof v, plot_grid_value(sw, row, m, 0), mi.unit, false);
    words_add(w, "%s%s%s", before, v, after);
}

int plot_sweep_section(struct plot_job *j, const struct plot_grid *sw)
{
    char chart[PLOT_SWEEP_METRICS_MAX][64];
    int drawn[PLOT_SWEEP_METRICS_MAX] = {0};
    for (size_t m = 0; m < sw->nm && sw->nkeys <= 2; m++) {
        int rc = sw->nkeys == 1 ? chart_sweep1(j, sw, m, chart[m], sizeof chart[m])
                                : chart_sweep2(j, sw, m, chart[m], sizeof chart[m]);
        if (rc < 0)
            return -1;
        drawn[m] = rc;
    }
    struct words w = {0};
    words_add(&w, "How the forecast changes with ");
    for (int k = 0; k < sw->nkeys; k++) {
        char key[200];
        words_key(key, sizeof key, sw->key[k]);
        words_add(&w, "%s%s", k ? " and " : "", key);
    }
    doc_add(j, DOC_HEADING, w.s);
    w = (struct words){0};
    words_add(&w, "%zu settings were simulated, each with the same chance events; figures are "
                  "averages over the simulated campaigns.%s",
              sw->t.nrow, sw->nkeys > 2 ? " Charts are drawn for sweeps over one or two keys only." : "");
    doc_add(j, DOC_PARA, w.s);
    int best_m = grid_metric_index(sw, metric_name(M_SWITCHED));
    if (best_m < 0)
        best_m = 0;
    size_t best = 0, second = SIZE_MAX;
    for (size_t i = 1; i < sw->t.nrow; i++)
        if (plot_grid_value(sw, i, (size_t)best_m, 0) >
                plot_grid_value(sw, best, (size_t)best_m, 0) ||
            isnan(plot_grid_value(sw, best, (size_t)best_m, 0)))
            best = i;
    for (size_t i = 0; i < sw->t.nrow; i++)
        if (i != best && (second == SIZE_MAX || plot_grid_value(sw, i, (size_t)best_m, 0) >
                                                    plot_grid_value(sw, second, (size_t)best_m, 0)))
            second = i;
    struct metric_info bi = words_metric(sw->m[best_m].name);
    w = (struct words){0};
    words_add(&w, "Best setting (most %s): ", bi.label);
    point_words(&w, sw, best);
    if (strcmp(bi.name, metric_name(M_SWITCHED)) == 0)
        grid_value(&w, sw, best, (size_t)best_m, ", with about ", " households switching");
    else
        grid_value(&w, sw, best, (size_t)best_m, ": ", "");
    static const enum metric also[] = {M_SAVING_TOTAL, M_SAVING_MEAN, M_CONVERSION};
    static const char *const before[] = {", saving ", ", ", ", "};
    static const char *const after[] = {" a year", " a year for each", " of those who sign up"};
    for (int k = 0; k < 3; k++) {
        int m = grid_metric_index(sw, metric_name(also[k]));
        if (m >= 0 && m != best_m && isfinite(plot_grid_value(sw, best, (size_t)m, 0)))
            grid_value(&w, sw, best, (size_t)m, before[k], after[k]);
    }
    words_add(&w, ".");
    if (second != SIZE_MAX) {
        double best_lo = plot_grid_value(sw, best, (size_t)best_m, 1);
        double second_hi = plot_grid_value(sw, second, (size_t)best_m, 2);
        if (isfinite(best_lo) && isfinite(second_hi) && best_lo > second_hi)
            words_add(&w, " It is clearly ahead of every other setting.");
        else if (isfinite(best_lo) && isfinite(second_hi)) {
            words_add(&w, " The runner-up (");
            point_words(&w, sw, second);
            words_add(&w, ") does about as well: the simulations cannot tell the two apart.");
        }
    }
    doc_add(j, DOC_PARA, w.s);
    for (size_t m = 0; m < sw->nm; m++) {
        size_t lo = SIZE_MAX, hi = SIZE_MAX, gaps = 0;
        for (size_t i = 0; i < sw->t.nrow; i++) {
            double x = plot_grid_value(sw, i, m, 0);
            if (isnan(x)) {
                gaps++;
                continue;
            }
            if (lo == SIZE_MAX || x < plot_grid_value(sw, lo, m, 0))
                lo = i;
            if (hi == SIZE_MAX || x > plot_grid_value(sw, hi, m, 0))
                hi = i;
        }
        if (lo == SIZE_MAX)
            continue;
        struct metric_info mi = words_metric(sw->m[m].name);
        char a[64], b[64];
        metric_figure(a, sizeof a, plot_grid_value(sw, lo, m, 0), mi.unit, false);
        metric_figure(b, sizeof b, plot_grid_value(sw, hi, m, 0), mi.unit, false);
        w = (struct words){0};
        words_add(&w, "%s: ", mi.label);
        if (strcmp(a, b) == 0) /* flat */
            words_add(&w, "%s at every setting", a);
        else {
            grid_value(&w, sw, lo, m, "lowest ", " (");
            point_words(&w, sw, lo);
            grid_value(&w, sw, hi, m, "), highest ", " (");
            point_words(&w, sw, hi);
            words_add(&w, ")");
        }
        if (gaps)
            words_add(&w, "; no value at %zu setting%s, where the auction fails", gaps,
                      gaps == 1 ? "" : "s");
        words_add(&w, ".");
        doc_add(j, DOC_BULLET, w.s);
    }
    for (size_t m = 0; m < sw->nm; m++)
        if (drawn[m])
            doc_chart_add(j, chart[m]);
    j->reps = 0;
    doc_note_ranges(j, 0, 1);
    return 0;
}
