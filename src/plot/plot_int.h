/* plot_int.h - what the parts of the chart module share; private to src/plot/. */
#ifndef SWITCHSIM_PLOT_INT_H
#define SWITCHSIM_PLOT_INT_H

#include <stddef.h>
#include <stdio.h>

#include "switchsim/error.h"
#include "switchsim/metric.h"
#include "switchsim/plot.h"
#include "table.h"

#define PLOT_PATH_SIZE 1200
#define PLOT_CHARTS_MAX 48
#define PLOT_SWEEP_METRICS_MAX 24

/* Okabe-Ito colours, readable by colour-blind readers and in grey print. */
#define GP_BLUE "#0072B2"
#define GP_ORANGE "#E69F00"
#define GP_GREEN "#009E73"
#define GP_RED "#D55E00"
#define GP_SKY "#56B4E9"
/* 95% CI whiskers from (x, low) by (0, high - low): vectors, as error bars leave a gap. */
#define GP_CI_BARS "with vectors heads size screen 0.008,90 linecolor rgb '#333333' linewidth 1.5"

/* One chart made: its name, and its words for people (the report and the bulletin). */
struct plot_chart {
    char name[48];
    char alt[700];     /* what it shows and says, for a reader who cannot see it */
    char caption[700]; /* how to read it */
};

/* The text of the bulletin and the report, kept as plain-text items that each writer
 * escapes and marks up its own way, so both say the same thing. */
enum doc_kind {
    DOC_HEADING, /* a section heading */
    DOC_PARA,    /* a paragraph */
    DOC_BULLET,  /* an item of a list */
    DOC_CHART,   /* a chart, by name (its words are in the chart list) */
    DOC_HEAD,    /* a table's header row: cells apart by DOC_SEP */
    DOC_ROW,     /* a table row */
    DOC_NOTE,    /* "how to read the ranges" */
};
#define DOC_SEP '\t'

struct doc_item {
    enum doc_kind kind;
    char *text;
};

/* One plot_results call: where it writes, what it has made, and the words so far. Every
 * file is written into `dir`, a fresh private folder inside the output folder `out`, and
 * gnuplot draws there; only complete files are then renamed into `out`, so a full disk or a
 * failing chart never leaves a truncated or empty file over a good one. */
struct plot_job {
    const char *dir, *fmt;
    const char *out;     /* the output folder */
    const char *results; /* the results folder */
    char **staged;       /* files complete in dir, in the order made */
    size_t n_staged;
    char name[200];       /* chart titles: the title and overrides, cleaned, cut to one line */
    char title[400];      /* scenario.title, else the name (a compare: "A vs B"), cleaned */
    char title_a[300], title_b[300]; /* a compare's two scenarios */
    char overrides[600];  /* scenario.overrides, cleaned; empty when none */
    struct plot_list *made;
    struct plot_chart charts[PLOT_CHARTS_MAX];
    size_t n_charts;
    struct doc_item *doc;
    size_t n_doc;
    int oom; /* an item could not be kept */
    struct error *err;
    bool uncertain; /* the scenario draws fitted parameters per replication */
    bool forecast;  /* a live forecast's folder: its own section leads, the run's follows */
    double reps;    /* replications behind the figures; 0 when unknown */
};

/* A short text built piece by piece, cut at its size. */
struct words {
    char s[2400];
    size_t n;
};

/* ---- read.c: the results folder ---- */

/* The first non-empty value of `key` in the INI file at path into buf (cleaned). Returns 0,
 * or -1 (buf "") when the file cannot be read or does not give it. */
int plot_scenario_value(const char *path, const char *key, char *buf, size_t size);

/* The number `key` of RESULTS_DIR/FILE (file "" for none), or NaN when it gives none. */
double plot_scenario_number(const char *results_dir, const char *file, const char *key);

/* Whether RESULTS_DIR/scenario.ini gives `key` a non-empty value. */
bool plot_scenario_says(const char *results_dir, const char *key);

/* A row of summary.csv. */
struct plot_stat {
    int round; /* 1..R, 0 for all rounds */
    char metric[48];
    double mean, lo, hi, n;
    double pi_lo, pi_hi; /* the 90% forecast range (pi90_low, p05 in older files), or NaN */
};

struct plot_summary {
    struct plot_stat *rows;
    size_t n;
    int rounds;
};

/* savings_hist.csv: the finite bins, and what lies below and above them. */
struct plot_hist {
    size_t n;
    double *lo, *hi, *count;
    double under, over, over_low;
};

/* daily.csv. */
struct plot_daily {
    size_t n;
    double *v; /* n x 7: day, then the six series */
};

/* The timeline draws the registry's six daily counters, in daily.csv's order. */
_Static_assert(DAILY_COUNT == 6, "a row of struct plot_daily is the day and six counters");

/* sweep.csv: the varied keys, then each metric's mean and 95% CI. */
struct plot_grid_metric {
    char name[64];
    int col[3]; /* mean, ci95_low, ci95_high; -1 when absent */
};

struct plot_grid {
    struct table t;
    int nkeys;
    char **key; /* the names of the nkeys varied keys, without blanks around them */
    size_t nm;
    struct plot_grid_metric m[PLOT_SWEEP_METRICS_MAX];
    double *v;        /* nrow x nm x 3 */
    size_t *order[2]; /* distinct values of each key, as the row first holding each, sorted */
    size_t nval[2];
    int numeric[2];
    size_t *pos[2]; /* per row, the index of its value in order[] */
};

/* compare.csv. */
struct plot_compare_row {
    char metric[64];
    double a, b, d, lo, hi, n;
};

struct plot_compare {
    struct plot_compare_row *rows;
    size_t n;
};

/* A result file of numbers (fan.csv, forecast.csv, fit.csv, backtest.csv): the columns
 * asked for, by row; text columns kept as text. */
struct plot_numbers {
    size_t n, ncol;
    double *v;   /* n x ncol; NaN for a text or empty cell */
    char **text; /* n x ncol; the cell's text, cleaned */
};

/* Every result file a folder holds. */
struct plot_inputs {
    struct plot_summary sum;
    struct plot_hist hist;
    struct plot_daily daily;
    struct plot_grid sweep;
    struct plot_compare cmp;
    struct plot_numbers fan, forecast, fit, backtest, params, reps;
    int has_sum, has_hist, has_daily, has_sweep, has_cmp;
    int has_fan, has_forecast, has_fit, has_backtest, has_params, has_reps;
    char scenario_file[32]; /* scenario.ini, or calibrated.ini of a calibration; "" if none */
};

/* The columns of each result file of numbers, in struct plot_numbers' order. */
#define PLOT_FAN_COLUMNS                                                                       \
    "day", "observed_registered", "registered_p05", "registered_p25", "registered_p50",        \
        "registered_p75", "registered_p95", "switched_p05", "switched_p25", "switched_p50",    \
        "switched_p75", "switched_p95"
#define PLOT_FORECAST_COLUMNS "metric", "observed", "median", "lo50", "hi50", "lo90", "hi90"
#define PLOT_FIT_COLUMNS                                                                       \
    "scenario", "round", "metric", "observed", "sd", "fitted", "fitted_ci95_low",              \
        "fitted_ci95_high", "z"
#define PLOT_BACKTEST_COLUMNS                                                                  \
    "day", "coverage50", "coverage90", "median_abs_error_registered",                          \
        "median_abs_error_switched", "width90_switched", "width90_registered"
#define PLOT_PARAMS_COLUMNS "parameter", "estimate", "se", "ci95_low", "ci95_high"

/* Cell (row, col) of a result file of numbers. */
double plot_num(const struct plot_numbers *t, size_t row, size_t col);
const char *plot_num_text(const struct plot_numbers *t, size_t row, size_t col);

/* Reads every result file in dir; any malformed one is ERROR_INPUT (file, line, column), a
 * folder with none of summary.csv, sweep.csv and compare.csv too. Returns 0, or -1 with
 * *err filled and *in empty. */
int plot_inputs_read(struct plot_inputs *in, const char *dir, struct error *err);
void plot_inputs_cleanup(struct plot_inputs *in);

/* Whether dir/name exists. */
int plot_has_file(const char *dir, const char *name);

/* Strips blanks from both ends of s, in place; returns where the text now starts. */
char *plot_trim(char *s);

/* The summary row of metric in round (0 for all rounds), or NULL. */
const struct plot_stat *plot_stat_find(const struct plot_summary *s, int round, const char *metric);
/* The all-rounds row, or round 1's when the file has no `all` row. */
const struct plot_stat *plot_stat_all(const struct plot_summary *s, const char *metric);

/* A grid point's value of key k as written; as a number (NaN when not one); metric m's
 * mean, ci95_low or ci95_high (which = 0, 1, 2). */
const char *plot_grid_key_value(const struct plot_grid *sw, int k, size_t row);
double plot_grid_key_number(const struct plot_grid *sw, int k, size_t row);
double plot_grid_value(const struct plot_grid *sw, size_t row, size_t m, int which);

/* ---- plot.c ---- */

/* plot_results without running gnuplot: every script, data file and the bulletin, moved
 * into out_dir when complete. For the fuzz harness of plot's reader. */
int plot_scripts(const char *results_dir, const char *out_dir, const char *format,
                 struct plot_list *made, struct error *err);

/* ---- gnuplot.c: scripts, data and running gnuplot ---- */

/* The chart names plot itself makes (fixed ones, and sweep_* / heat_*): whether `file` is
 * one of them with extension gp, dat, png, svg or pdf. */
int plot_own_file(const char *file);

/* Creates FILE in the job's private folder (O_EXCL, no link followed) for writing; NULL
 * with the error recorded. */
FILE *plot_out_open(struct plot_job *j, const char *file);
/* Closes f and, when all of it was written, stages FILE to be moved into the output folder.
 * Returns 0, or -1 with the error recorded. */
int plot_out_close(struct plot_job *j, FILE *f, const char *file);
/* Stages FILE, complete in the private folder. Returns 0, or -1 (out of memory, recorded). */
int plot_stage(struct plot_job *j, const char *file);
/* Renames every staged file into the output folder, in order, listing each in j->made.
 * Returns 0, or -1 with the error recorded. */
int plot_move_staged(struct plot_job *j);

FILE *gp_dat_open(struct plot_job *j, const char *chart, const char *columns);
int gp_dat_close(struct plot_job *j, FILE *f, const char *chart);
void gp_dat_num(FILE *f, double x, int first);
void gp_dat_stat(FILE *f, const struct plot_stat *st, double scale);

FILE *gp_open(struct plot_job *j, const char *chart, const char *about, int height);
/* Closes CHART.gp and queues the chart, with its words: alt (what it shows and says) and
 * caption (how to read it). */
int gp_close(struct plot_job *j, FILE *f, const char *chart, const char *alt,
             const char *caption);

void gp_quote(FILE *f, const char *s, int tic);
int gp_title_two_lines(const struct plot_job *j, const char *what);
void gp_title(FILE *f, const struct plot_job *j, const char *cmd, const char *what);
void gp_set(FILE *f, const char *cmd, const char *text);
void gp_label(FILE *f, const char *text, const char *at, const char *pos, const char *extra);

/* An axis range and its tick step, with the decimals a tick label needs. */
struct gp_scale {
    double lo, hi, step;
    int dec;
};

struct gp_scale gp_axis_steps(double lo, double hi, int from_zero, int integer, int steps);
struct gp_scale gp_axis_nice(double lo, double hi, int from_zero, int integer);
void gp_axis(FILE *f, const char *ax, struct gp_scale a, enum metric_unit u, const char *plus);

/* Draws CHART from CHART.gp in the private folder, in format fmt (png, svg or pdf: the
 * script's argument). Returns 0 (staged when stage), -1 with the error recorded, -2
 * when gnuplot is not installed. */
int gp_run(struct plot_job *j, const char *chart, const char *fmt, int stage);

/* ---- words.c: numbers and words as people read them; the document items ---- */

/* Appends printf-style text to w (cut at its size). */
void words_add(struct words *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* metric_about of x, with the extra figures a range [lo, hi] needs to read apart. */
char *words_about(char *buf, size_t size, double x, enum metric_unit u, int extra);
/* "A and B" (joined by `and`) of a forecast range in metric_about's rounding, with the
 * extra figures it needs; "" when unknown or a single value. */
const char *words_range(char *buf, size_t size, double lo, double hi, enum metric_unit u,
                        const char *and);
/* The registry's words for the metric called `name`, or, for a metric it does not know, the
 * name itself as label and axis, with plain numbers. */
struct metric_info words_metric(const char *name);
/* metric_brief of the metric called `name`, or the name itself. */
const char *metric_brief_of(const char *name);
/* A scenario key for people: "reserve margin (£ a year)", from scenario_key_label. */
void words_key(char *buf, size_t size, const char *key);
/* A value of key as people read it: shares of a probability key as percentages. */
void words_key_value(char *buf, size_t size, const char *key, const char *value);

/* Adds a document item (text copied); a failure to keep it sets j->oom. */
void doc_add(struct plot_job *j, enum doc_kind kind, const char *text);
/* The chart called `name` when made, else NULL. */
const struct plot_chart *doc_chart(const struct plot_job *j, const char *name);
/* Adds the chart `name` to the document when it was made. */
void doc_chart_add(struct plot_job *j, const char *name);
/* The "how to read the ranges" note. */
void doc_note_ranges(struct plot_job *j, int ranges, int cis);
void doc_free(struct plot_job *j);

/* ---- the sections: charts and words for each kind of results ---- */

/* Each draws its charts and adds its words. Returns 0, or -1 with the error recorded. */
int plot_run_section(struct plot_job *j, const struct plot_inputs *in);      /* run.c */
int plot_sweep_section(struct plot_job *j, const struct plot_grid *sw);      /* sweep.c */
int plot_compare_section(struct plot_job *j, const struct plot_compare *cp); /* compare.c */
int plot_forecast_section(struct plot_job *j, const struct plot_inputs *in); /* live.c */
int plot_fit_section(struct plot_job *j, const struct plot_inputs *in);      /* live.c */
int plot_backtest_section(struct plot_job *j, const struct plot_inputs *in); /* live.c */

/* timeline.c: the run's day-by-day chart of daily.csv, its days marked from the scenario
 * FILE in the results folder. Returns 1 when drawn, 0 when there is nothing to draw, or -1
 * with the error recorded. */
int plot_chart_timeline(struct plot_job *j, const struct plot_daily *dl, const char *file);

/* bulletin.c: the headline sentences of a run; bulletin.md from the document items. */
void plot_bulletin_run(struct plot_job *j, const struct plot_summary *s);
int plot_bulletin_write(struct plot_job *j);

/* report.c: report.html from the document items, the charts (as SVG, drawn into the
 * private folder) and the results folder. */
int plot_report_write(struct plot_job *j, const struct plot_inputs *in);

#endif
