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

/* One plot_results call: where it writes, what it has made, and the bulletin so far. Every
 * file is written into `dir`, a fresh private folder inside the output folder `out`, and
 * gnuplot draws there; only complete files are then renamed into `out`, so a full disk or a
 * failing chart never leaves a truncated or empty file over a good one. */
struct plot_job {
    const char *dir, *fmt;
    const char *out; /* the output folder */
    char **staged;   /* files complete in dir, in the order made */
    size_t n_staged;
    char name[200]; /* scenario name, cleaned for titles */
    struct plot_list *made;
    char charts[PLOT_CHARTS_MAX][48];
    size_t n_charts;
    FILE *md; /* the bulletin, in memory until the end */
    char *md_text;
    size_t md_size;
    struct error *err;
    bool uncertain; /* the scenario draws fitted parameters per replication */
};

/* ---- read.c: the results folder ---- */

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

/* Every result file a folder holds. */
struct plot_inputs {
    struct plot_summary sum;
    struct plot_hist hist;
    struct plot_daily daily;
    struct plot_grid sweep;
    struct plot_compare cmp;
    int has_sum, has_hist, has_daily, has_sweep, has_cmp;
};

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
int gp_close(struct plot_job *j, FILE *f, const char *chart);

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

int gp_run(struct plot_job *j, const char *chart);

/* ---- words.c: numbers as people read them, and markdown ---- */

char *words_money(char *buf, size_t size, double x, int mdec);
int words_money_mdec(double lo, double hi);
char *words_value(char *buf, size_t size, double x, enum metric_unit u, int mdec);
char *words_diff(char *buf, size_t size, double x, enum metric_unit u, int mdec);
const char *words_ci(char *buf, size_t size, double lo, double hi, enum metric_unit u, int mdec,
                     int diff);
const char *words_stat(char *buf, size_t size, const struct plot_stat *s, enum metric_unit u);
/* ", most likely between A and B" for a forecast range, or nothing when it is unknown or a
 * single point; `between` names the words before the bounds. */
const char *words_range(char *buf, size_t size, const struct plot_stat *s, enum metric_unit u,
                        int mdec, const char *between);
struct metric_info words_metric(const char *name);
void words_md_text(FILE *md, const char *s);
void words_md_image(struct plot_job *j, const char *chart, const char *alt);

/* ---- the sections: charts and the bulletin text for each kind of results ---- */

/* Each draws its charts and writes its part of the bulletin. Returns 0, or -1 with the error
 * recorded. */
int plot_run_section(struct plot_job *j, const struct plot_inputs *in);      /* run.c */
int plot_sweep_section(struct plot_job *j, const struct plot_grid *sw);      /* sweep.c */
int plot_compare_section(struct plot_job *j, const struct plot_compare *cp); /* compare.c */

/* bulletin.c: the headline sentences of a run; the bulletin written to bulletin.md. */
void plot_bulletin_run(struct plot_job *j, const struct plot_summary *s, double reps,
                       double hist_mean, double hist_median);
int plot_bulletin_write(struct plot_job *j);

#endif
