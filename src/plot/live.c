/* live.c - the charts and words of a live forecast (fan.csv, forecast.csv), a calibration
 * (fit.csv, parameters.csv) and a backtest (backtest.csv). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

/* ---- forecast ---- */

/* One panel of the fan: the 90% and 50% bands, the median, and the observed points. */
static void fan_panel(FILE *f, const char *title, const char *ylabel, int c, double top,
                      int observed, int bottom)
{
    gp_set(f, "set title", title);
    gp_set(f, "set ylabel", ylabel);
    gp_set(f, "set xlabel", bottom ? "day of campaign" : "");
    gp_axis(f, "y", gp_axis_nice(0, top * 1.05, 1, 0), UNIT_COUNT, NULL);
    /* sign-ups rise early, switches late: each key where its lines are not */
    fprintf(f, "set key %s noopaque\nplot ", observed ? "bottom right" : "top left");
    fprintf(f,
            "'fan.dat' using 1:%d:%d with filledcurves fillcolor rgb '" GP_SKY "' fillstyle "
            "solid 0.3 noborder title '90%% forecast range', \\\n"
            "     '' using 1:%d:%d with filledcurves fillcolor rgb '" GP_SKY "' fillstyle solid "
            "0.6 noborder title '50%% range', \\\n"
            "     '' using 1:%d with lines linewidth 2 linecolor rgb '" GP_BLUE "' title 'median'",
            c, c + 4, c + 1, c + 3, c + 2);
    if (observed)
        fputs(", \\\n     '' using 1:2 with points pointtype 7 pointsize 0.9 linecolor rgb '#000000' "
              "title 'observed sign-ups'",
              f);
    fputc('\n', f);
}

static int chart_fan(struct plot_job *j, const struct plot_numbers *fan, double *seen_day)
{
    const char *chart = "fan";
    double top_reg = 0, top_sw = 0, last = NAN;
    *seen_day = NAN;
    FILE *d = gp_dat_open(j, chart,
                          "day,observed_registered,registered p05,p25,p50,p75,p95,switched p05,"
                          "p25,p50,p75,p95 (cumulative)");
    if (!d)
        return -1;
    for (size_t i = 0; i < fan->n; i++) {
        for (size_t k = 0; k < fan->ncol; k++)
            gp_dat_num(d, plot_num(fan, i, k), k == 0);
        fputc('\n', d);
        top_reg = fmax(top_reg, plot_num(fan, i, 6));
        top_sw = fmax(top_sw, plot_num(fan, i, 11));
        if (isfinite(plot_num(fan, i, 1)))
            *seen_day = plot_num(fan, i, 0);
        last = plot_num(fan, i, 0);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "cumulative sign-ups and switches: forecast fan", 1100);
    if (!f)
        return -1;
    const char *what = "forecast of sign-ups and switches";
    fprintf(f, "set multiplot layout 2,1 margins 0.1,0.97,0.09,%s spacing 0,0.12 ",
            gp_title_two_lines(j, what) ? "0.82" : "0.86");
    gp_title(f, j, "title", what);
    gp_axis(f, "x", gp_axis_nice(plot_num(fan, 0, 0), last, 0, 1), UNIT_COUNT, NULL);
    if (isfinite(*seen_day))
        fprintf(f,
                "set arrow 1 from first %.10g, graph 0 to first %.10g, graph 1 nohead back "
                "dashtype 3 linecolor rgb '#777777'\n",
                *seen_day, *seen_day);
    fan_panel(f, "households signed up, cumulative", "households", 3, top_reg, 1, 0);
    fan_panel(f, "households switched, cumulative", "households", 8, top_sw, 0, 1);
    fputs("unset multiplot\n", f);
    char alt[700], cap[700], a[64], b[64], c[64];
    size_t n = fan->n - 1;
    snprintf(alt, sizeof alt,
             "Two fan charts over %.0f days: cumulative sign-ups, observed for the first %.0f, "
             "reaching %s (median; 90%% range %s to %s), and cumulative switches.",
             last, *seen_day + 1, metric_figure(a, sizeof a, plot_num(fan, n, 4), UNIT_COUNT, false),
             metric_figure(b, sizeof b, plot_num(fan, n, 2), UNIT_COUNT, false),
             metric_figure(c, sizeof c, plot_num(fan, n, 6), UNIT_COUNT, false));
    snprintf(cap, sizeof cap,
             "Where the campaign may go from the sign-ups so far (black dots, up to the dotted "
             "line): the light band is the 90%% forecast range, the darker band the 50%% range, "
             "the line the median.");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

static int forecast_row(const struct plot_numbers *fc, const char *metric)
{
    for (size_t i = 0; i < fc->n; i++)
        if (!strcmp(plot_num_text(fc, i, 0), metric))
            return (int)i;
    return -1;
}

int plot_forecast_section(struct plot_job *j, const struct plot_inputs *in)
{
    double seen = NAN;
    if (in->has_fan && in->fan.n > 0 && chart_fan(j, &in->fan, &seen) < 0)
        return -1;
    doc_add(j, DOC_HEADING, "Live forecast");
    if (in->has_forecast) {
        const struct plot_numbers *fc = &in->forecast;
        int reg = forecast_row(fc, metric_name(M_REGISTERED)), sw = forecast_row(fc, metric_name(M_SWITCHED)),
            tot = forecast_row(fc, metric_name(M_SAVING_TOTAL));
        char a[64], b[160];
        struct words w = {0};
        if (reg >= 0 && isfinite(plot_num(fc, (size_t)reg, 1))) {
            if (isfinite(seen))
                words_add(&w, "In the first %.0f day%s, ", seen + 1, seen == 0 ? "" : "s");
            words_add(&w, "%s households have signed up. ",
                      metric_figure(a, sizeof a, plot_num(fc, (size_t)reg, 1), UNIT_COUNT, false));
        }
        if (reg >= 0) {
            double lo = plot_num(fc, (size_t)reg, 5), hi = plot_num(fc, (size_t)reg, 6);
            words_add(&w, "We expect about %s sign-ups by the deadline",
                      words_about(a, sizeof a, plot_num(fc, (size_t)reg, 2), UNIT_COUNT,
                                  metric_about_extra(lo, hi, UNIT_COUNT)));
            if (words_range(b, sizeof b, lo, hi, UNIT_COUNT, " and ")[0])
                words_add(&w, " (most likely between %s)", b);
        }
        if (sw >= 0) {
            double lo = plot_num(fc, (size_t)sw, 5), hi = plot_num(fc, (size_t)sw, 6);
            words_add(&w, "%s about %s households to switch", reg >= 0 ? ", and" : "We expect",
                      words_about(a, sizeof a, plot_num(fc, (size_t)sw, 2), UNIT_COUNT,
                                  metric_about_extra(lo, hi, UNIT_COUNT)));
            if (words_range(b, sizeof b, lo, hi, UNIT_COUNT, " and ")[0])
                words_add(&w, ", most likely between %s", b);
        }
        if (tot >= 0) {
            double lo = plot_num(fc, (size_t)tot, 5), hi = plot_num(fc, (size_t)tot, 6);
            words_add(&w, ", saving about %s a year",
                      words_about(a, sizeof a, plot_num(fc, (size_t)tot, 2), UNIT_POUND,
                                  metric_about_extra(lo, hi, UNIT_POUND)));
            if (words_range(b, sizeof b, lo, hi, UNIT_POUND, " and ")[0])
                words_add(&w, " (between %s)", b);
        }
        words_add(&w, ".");
        doc_add(j, DOC_PARA, w.s);
    }
    doc_chart_add(j, "fan");
    j->uncertain = true; /* the sign-ups so far set the registration rates' uncertainty */
    doc_note_ranges(j, 1, 0);
    return 0;
}

/* ---- calibration ---- */

static int chart_fit(struct plot_job *j, const struct plot_numbers *fit)
{
    const char *chart = "fit";
    size_t k = 0;
    double lo = 100, hi = 100;
    FILE *d = gp_dat_open(j, chart,
                          "position,observed (100),observed_low,observed_high,fitted,fitted_low,"
                          "fitted_high (each as % of the observed figure)");
    if (!d)
        return -1;
    for (size_t i = 0; i < fit->n; i++) {
        double obs = plot_num(fit, i, 3), sd = plot_num(fit, i, 4);
        if (!(fabs(obs) > 0))
            continue;
        double s = 100 / fabs(obs), v[6] = {100,
                                            100 - 196 * sd / fabs(obs),
                                            100 + 196 * sd / fabs(obs),
                                            plot_num(fit, i, 5) * s,
                                            plot_num(fit, i, 6) * s,
                                            plot_num(fit, i, 7) * s};
        gp_dat_num(d, (double)(fit->n - i), 1);
        for (int c = 0; c < 6; c++) {
            gp_dat_num(d, v[c], 0);
            if (isfinite(v[c])) {
                lo = fmin(lo, v[c]);
                hi = fmax(hi, v[c]);
            }
        }
        fputc('\n', d);
        k++;
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    if (k == 0)
        return 0;
    FILE *f = gp_open(j, chart, "observed figures against the fitted model", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "observed figures against the fitted model");
    gp_set(f, "set xlabel", "% of the observed figure (lines: 95% intervals)");
    double pad = fmax((hi - lo) * 0.1, 1);
    gp_axis(f, "x", gp_axis_nice(lo - pad, hi + pad, 0, 0), UNIT_SHARE, NULL);
    fprintf(f, "set yrange [0.4:%.1f]\nset ytics nomirror out scale 0 (", fit->n + 0.6);
    for (size_t i = 0; i < fit->n; i++) {
        char label[200];
        struct metric_info mi = words_metric(plot_num_text(fit, i, 2));
        snprintf(label, sizeof label, "%s", metric_brief_of(mi.name));
        fputs(i ? ", " : "", f);
        gp_quote(f, label, 1);
        fprintf(f, " %zu", fit->n - i);
    }
    fputs(")\nset key below horizontal maxrows 1\nset bmargin 6\nunset grid\n"
          "set grid xtics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n"
          "plot 'fit.dat' using 2:($1+0.12):3:4 with xerrorbars pointtype 5 pointsize 2 "
          "linewidth 2 linecolor rgb '" GP_RED "' title 'observed (95% of its uncertainty)', \\\n"
          "     '' using 5:($1-0.12):6:7 with xerrorbars pointtype 7 pointsize 2 linewidth 2 "
          "linecolor rgb '" GP_BLUE "' title 'fitted model (95% interval)'\n",
          f);
    char alt[700];
    snprintf(alt, sizeof alt,
             "Dot chart of %zu observed figures and the fitted model's value for each, as a "
             "percentage of the observed figure.",
             k);
    return gp_close(j, f, chart, alt,
                    "How closely the fitted model reproduces each published figure: red, the "
                    "figure with its own uncertainty; blue, what the model gives, with its 95% "
                    "interval. Overlapping lines mean the model fits.")
               ? -1
               : 1;
}

int plot_fit_section(struct plot_job *j, const struct plot_inputs *in)
{
    const struct plot_numbers *fit = &in->fit;
    if (chart_fit(j, fit) < 0)
        return -1;
    doc_add(j, DOC_HEADING, "Calibration: the model against the published figures");
    for (size_t i = 0; i < fit->n; i++) {
        struct metric_info mi = words_metric(plot_num_text(fit, i, 2));
        char a[64], b[64], c[64], e[64];
        struct words w = {0};
        words_add(&w, "%s: observed %s, the fitted model gives %s (95%% interval %s to %s)",
                  mi.label, metric_figure(a, sizeof a, plot_num(fit, i, 3), mi.unit, false),
                  metric_figure(b, sizeof b, plot_num(fit, i, 5), mi.unit, false),
                  metric_figure(c, sizeof c, plot_num(fit, i, 6), mi.unit, false),
                  metric_figure(e, sizeof e, plot_num(fit, i, 7), mi.unit, false));
        double z = plot_num(fit, i, 8);
        words_add(&w, "%s.", isfinite(z) && fabs(z) > 2 ? ": a poor fit" : "");
        doc_add(j, DOC_BULLET, w.s);
    }
    doc_chart_add(j, "fit");
    if (in->has_params) {
        char head[200];
        snprintf(head, sizeof head, "parameter%cestimate%cstandard error%c95%% interval", DOC_SEP,
                 DOC_SEP, DOC_SEP);
        doc_add(j, DOC_HEAD, head);
        for (size_t i = 0; i < in->params.n; i++) {
            char row[700];
            snprintf(row, sizeof row, "%.200s%c%.6g%c%.4g%c%.6g to %.6g",
                     plot_num_text(&in->params, i, 0), DOC_SEP, plot_num(&in->params, i, 1),
                     DOC_SEP, plot_num(&in->params, i, 2), DOC_SEP, plot_num(&in->params, i, 3),
                     plot_num(&in->params, i, 4));
            doc_add(j, DOC_ROW, row);
        }
    }
    doc_add(j, DOC_PARA,
            "A parameter's 95% interval is where the published figures put it; a wide one means "
            "they do not pin it down. Running the calibrated scenario (calibrated.ini) draws "
            "these parameters afresh in every simulated campaign, so its forecast ranges carry "
            "this uncertainty.");
    return 0;
}

/* ---- backtest ---- */

/* A backtest chart's data and script: CHART.dat holds the day, then backtest.csv's columns
 * cols[0..n-1], each times scale (columns names them all), and *top (when not NULL) the
 * largest of those, NaN ignored; CHART.gp is opened with `what` as its title, the days on x
 * and ylabel on y. Returns the script, or NULL with the error recorded. */
static FILE *backtest_open(struct plot_job *j, const struct plot_numbers *bt, const char *chart,
                           const char *columns, const int *cols, size_t n, double scale,
                           double *top, const char *what, const char *ylabel)
{
    FILE *d = gp_dat_open(j, chart, columns);
    if (!d)
        return NULL;
    if (top)
        *top = 0;
    for (size_t i = 0; i < bt->n; i++) {
        gp_dat_num(d, plot_num(bt, i, 0), 1);
        for (size_t k = 0; k < n; k++) {
            gp_dat_num(d, scale * plot_num(bt, i, (size_t)cols[k]), 0);
            if (top)
                *top = fmax(*top, scale * plot_num(bt, i, (size_t)cols[k]));
        }
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return NULL;
    FILE *f = gp_open(j, chart, what, 0);
    if (!f)
        return NULL;
    gp_title(f, j, "set title", what);
    gp_set(f, "set xlabel", "day of the campaign the forecast was made");
    gp_set(f, "set ylabel", ylabel);
    double x0 = plot_num(bt, 0, 0), x1 = plot_num(bt, bt->n - 1, 0);
    gp_axis(f, "x", gp_axis_nice(x0 - 1, x1 + 1, 0, 1), UNIT_COUNT, NULL);
    return f;
}

static int chart_coverage(struct plot_job *j, const struct plot_numbers *bt)
{
    const char *chart = "coverage";
    static const int cols[] = {1, 2};
    FILE *f = backtest_open(j, bt, chart, "day,coverage50 (%),coverage90 (%)", cols, 2, 100, NULL,
                            "how often the forecast ranges held the truth",
                            "campaigns whose outcome fell in the range (%)");
    if (!f)
        return -1;
    double x0 = plot_num(bt, 0, 0), x1 = plot_num(bt, bt->n - 1, 0);
    gp_axis(f, "y", gp_axis_nice(0, 100, 1, 0), UNIT_SHARE, NULL);
    fputs("set key below horizontal maxrows 1\nset bmargin 6\n"
          "set arrow from graph 0, first 90 to graph 1, first 90 nohead dashtype 2 linecolor rgb '" GP_BLUE "'\n"
          "set arrow from graph 0, first 50 to graph 1, first 50 nohead dashtype 2 linecolor rgb '" GP_ORANGE "'\n",
          f);
    gp_label(f, "aim: 90%", "graph 0.99, first 92", "right", "textcolor rgb '" GP_BLUE "'");
    gp_label(f, "aim: 50%", "graph 0.99, first 52", "right", "textcolor rgb '" GP_ORANGE "'");
    fputs("plot 'coverage.dat' using 1:3 with linespoints linewidth 2 pointtype 7 pointsize 1.5 "
          "linecolor rgb '" GP_BLUE "' title '90% range', \\\n"
          "     '' using 1:2 with linespoints linewidth 2 dashtype 2 pointtype 5 pointsize 1.5 "
          "linecolor rgb '" GP_ORANGE "' title '50% range'\n",
          f);
    char alt[700], a[48], b[48];
    snprintf(alt, sizeof alt,
             "Line chart of how often the 90%% and 50%% forecast ranges held the true outcome, "
             "for forecasts made on days %.0f to %.0f: %s and %s on the last day.",
             x0, x1, metric_figure(a, sizeof a, plot_num(bt, bt->n - 1, 2), UNIT_SHARE, false),
             metric_figure(b, sizeof b, plot_num(bt, bt->n - 1, 1), UNIT_SHARE, false));
    return gp_close(j, f, chart, alt,
                    "Checked on simulated campaigns whose outcome is known: a good 90% range "
                    "holds the outcome about 90% of the time (dashed lines are the aims).")
               ? -1
               : 1;
}

static int chart_error(struct plot_job *j, const struct plot_numbers *bt)
{
    const char *chart = "error";
    static const int cols[] = {5, 4, 6};
    double top;
    FILE *f = backtest_open(j, bt, chart,
                            "day,width90_switched,median_abs_error_switched,width90_registered",
                            cols, 3, 1, &top, "how the forecasts narrow", "households");
    if (!f)
        return -1;
    double x0 = plot_num(bt, 0, 0), x1 = plot_num(bt, bt->n - 1, 0);
    gp_axis(f, "y", gp_axis_nice(0, top * 1.1, 1, 0), UNIT_COUNT, NULL);
    fputs("set key below horizontal maxrows 1\nset bmargin 6\n"
          "plot 'error.dat' using 1:2 with linespoints linewidth 2 pointtype 7 pointsize 1.5 "
          "linecolor rgb '" GP_BLUE "' title 'switches: width of the 90% range', \\\n"
          "     '' using 1:3 with linespoints linewidth 2 dashtype 2 pointtype 5 pointsize 1.5 "
          "linecolor rgb '" GP_RED "' title 'typical error of the median', \\\n"
          "     '' using 1:4 with linespoints linewidth 2 dashtype 3 pointtype 9 pointsize 1.5 "
          "linecolor rgb '" GP_GREEN "' title 'sign-ups: width of the 90% range'\n",
          f);
    char alt[700], a[48], b[48];
    snprintf(alt, sizeof alt,
             "Line chart of the width of the 90%% range of switches, from %s households on day "
             "%.0f to %s on day %.0f.",
             metric_figure(a, sizeof a, plot_num(bt, 0, 5), UNIT_COUNT, false), x0,
             metric_figure(b, sizeof b, plot_num(bt, bt->n - 1, 5), UNIT_COUNT, false), x1);
    return gp_close(j, f, chart, alt,
                    "How wide the 90% ranges of sign-ups and switches are, and how far the "
                    "median of switches typically misses, by the day the forecast was made.")
               ? -1
               : 1;
}

int plot_backtest_section(struct plot_job *j, const struct plot_inputs *in)
{
    const struct plot_numbers *bt = &in->backtest;
    if (chart_coverage(j, bt) < 0 || chart_error(j, bt) < 0)
        return -1;
    doc_add(j, DOC_HEADING, "How good are live forecasts? A backtest");
    for (size_t i = 0; i < bt->n; i++) {
        char a[48], b[48], c[48], e[48];
        struct words w = {0};
        words_add(&w,
                  "Forecasts made on day %.0f: the 90%% range held the outcome %s of the time "
                  "(aim 90%%), the 50%% range %s (aim 50%%); the 90%% range of sign-ups was %s "
                  "households wide, and of switches %s.",
                  plot_num(bt, i, 0), metric_figure(a, sizeof a, plot_num(bt, i, 2), UNIT_SHARE, false),
                  metric_figure(b, sizeof b, plot_num(bt, i, 1), UNIT_SHARE, false),
                  metric_figure(c, sizeof c, plot_num(bt, i, 6), UNIT_COUNT, false),
                  metric_figure(e, sizeof e, plot_num(bt, i, 5), UNIT_COUNT, false));
        doc_add(j, DOC_BULLET, w.s);
    }
    doc_chart_add(j, "coverage");
    doc_chart_add(j, "error");
    return 0;
}
