/* plot.c - charts, a bulletin and a report drawn from a results folder of any kind.
 *
 * This file keeps the entry points. The rest was split off along its seams, the parts sharing
 * plot_int.h: read.c reads the results folder; gnuplot.c writes scripts and data, quotes text,
 * lays out axes and runs gnuplot; words.c writes numbers and markdown as people read them;
 * run.c, sweep.c and compare.c draw the charts of each kind of results (sweep.c and compare.c
 * with their words; a run's timeline is in timeline.c); live.c the forecast, calibration and
 * backtest charts; bulletin.c writes a run's sentences and bulletin.md; report.c writes
 * report.html. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "switchsim/output.h"
#include "switchsim/plot.h"
#include "switchsim/scenario.h"
#include "text.h"
#include "plot_int.h"

/* Removes the job's private folder and what is left in it (a failed chart's image). */
static void stage_remove(const char *stage)
{
    DIR *d = opendir(stage);
    if (d) {
        for (struct dirent *e; (e = readdir(d));)
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
                unlinkat(dirfd(d), e->d_name, 0);
        closedir(d);
    }
    rmdir(stage);
}

/* Removes the private folders (.plot-XXXXXX) that plots killed before they were done left in
 * the chart folder open as fd; called while holding it, so none is in use. */
static void stage_remove_stale(int fd)
{
    int again = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = again >= 0 ? fdopendir(again) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (strncmp(e->d_name, ".plot-", 6) || strlen(e->d_name) != 12)
            continue;
        output_remove_flat_at(fd, e->d_name);
    }
    if (d)
        closedir(d);
    else if (again >= 0)
        close(again);
}

/* The first non-empty value of key in RESULTS_DIR/FILE into buf (cleaned), or "". */
static void scenario_value(const char *results_dir, const char *file, const char *key, char *buf,
                           size_t size)
{
    char path[PLOT_PATH_SIZE];
    buf[0] = '\0';
    if (!file[0])
        return;
    snprintf(path, sizeof path, "%s/%s", results_dir, file);
    plot_scenario_value(path, key, buf, size);
}

/* The name a results folder goes by: its scenario's, or (a backtest, which keeps no
 * scenario) the folder's own. */
static int folder_name(const char *results_dir, const char *file, char *buf, size_t size,
                       struct error *err)
{
    if (file[0])
        return plot_scenario_name(results_dir, file, buf, size, err);
    char copy[PLOT_PATH_SIZE];
    snprintf(copy, sizeof copy, "%s", results_dir);
    size_t n = strlen(copy);
    while (n > 1 && copy[n - 1] == '/')
        copy[--n] = '\0';
    const char *slash = strrchr(copy, '/');
    text_clean(buf, size, slash ? slash + 1 : copy);
    if (!buf[0] || !strcmp(buf, ".") || !strcmp(buf, ".."))
        snprintf(buf, size, "backtest");
    return 0;
}

/* The job's words for people: the title, a compare's two, the overrides, the chart title. */
static int job_titles(struct plot_job *j, const struct plot_inputs *in, struct error *err)
{
    char name[SCENARIO_TITLE_MAX * 2], title[SCENARIO_TITLE_MAX * 2];
    if (folder_name(j->results, in->scenario_file, name, sizeof name, err))
        return -1;
    scenario_value(j->results, in->scenario_file, "scenario.title", title, sizeof title);
    snprintf(j->title_a, sizeof j->title_a, "%.290s", title[0] ? title : name);
    snprintf(j->title, sizeof j->title, "%s", j->title_a);
    if (in->has_cmp) {
        char b_name[SCENARIO_TITLE_MAX * 2], b_title[SCENARIO_TITLE_MAX * 2];
        struct error no_b = {0};
        if (plot_scenario_name(j->results, "scenario_b.ini", b_name, sizeof b_name, &no_b))
            snprintf(b_name, sizeof b_name, "B");
        scenario_value(j->results, "scenario_b.ini", "scenario.title", b_title, sizeof b_title);
        snprintf(j->title_b, sizeof j->title_b, "%.290s", b_title[0] ? b_title : b_name);
        /* two titles alike (a compare of one scenario's variants): the names tell them apart */
        if (!strcmp(j->title_a, j->title_b) && strcmp(name, b_name)) {
            snprintf(j->title_a, sizeof j->title_a, "%.290s", name);
            snprintf(j->title_b, sizeof j->title_b, "%.290s", b_name);
        }
        snprintf(j->title, sizeof j->title, "%.190s vs %.190s", j->title_a, j->title_b);
    }
    scenario_value(j->results, in->scenario_file, "scenario.overrides", j->overrides,
                   sizeof j->overrides);
    char chart[1100];
    snprintf(chart, sizeof chart, "%s%s%s%s", j->title, j->overrides[0] ? " (" : "", j->overrides,
             j->overrides[0] ? ")" : "");
    text_clean(j->name, 72, chart); /* a title line holds the name */
    if (strlen(chart) > strlen(j->name))
        strcat(j->name, "…");
    return 0;
}

/* Removes the charts, scripts and data that plot made before in the output folder (held
 * open as fd) but not this time: only files named as plot names its own. */
static void remove_stale(struct plot_job *j, int fd)
{
    int again = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = again >= 0 ? fdopendir(again) : NULL;
    for (struct dirent *e; d && (e = readdir(d));) {
        if (!plot_own_file(e->d_name))
            continue;
        int made = 0;
        for (size_t i = 0; i < j->n_staged && !made; i++)
            made = strcmp(j->staged[i], e->d_name) == 0;
        struct stat st;
        if (!made && fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
            S_ISREG(st.st_mode))
            unlinkat(fd, e->d_name, 0);
    }
    if (d)
        closedir(d);
    else if (again >= 0)
        close(again);
}

/* Draws every chart in the job's format (and a PNG beside each PDF, which the bulletin
 * shows), then an SVG of each for the report. Returns 0, or -1 with the first failure
 * recorded; when gnuplot is missing, stops at once. */
static int draw_charts(struct plot_job *j)
{
    int rc = 0;
    const char *fmts[3] = {j->fmt, strcmp(j->fmt, "pdf") == 0 ? "png" : NULL,
                           strcmp(j->fmt, "svg") != 0 ? "svg" : NULL};
    for (int f = 0; f < 3; f++)
        for (size_t i = 0; fmts[f] && i < j->n_charts; i++) {
            struct error later, *keep = j->err;
            if (rc)
                j->err = &later; /* the first failure is the one reported */
            int drawn = gp_run(j, j->charts[i].name, fmts[f], f < 2);
            j->err = keep;
            if (drawn == -2)
                return -1; /* no gnuplot: the rest would fail alike */
            if (drawn)
                rc = -1; /* the other charts are still drawn */
        }
    return rc;
}

/* Scripts, data, bulletin and report into a private folder in out_dir, then (when draw)
 * the charts by gnuplot there; whatever is complete is moved into out_dir. */
static int plot_make(const char *results_dir, const char *out_dir, const char *format, int draw,
                     struct plot_list *made, struct error *err)
{
    if (!format || (strcmp(format, "png") && strcmp(format, "svg") && strcmp(format, "pdf")))
        return error_set(err, ERROR_INPUT, "--format", 0, "",
                         "unknown chart format '%.20s': use png, svg or pdf", format ? format : "");
    if (strlen(results_dir) > PLOT_PATH_SIZE - 100 || strlen(out_dir) > PLOT_PATH_SIZE - 100)
        return error_set(err, ERROR_INPUT, strlen(out_dir) > PLOT_PATH_SIZE - 100 ? "-o" : "", 0,
                         "", "folder path longer than %d bytes", PLOT_PATH_SIZE - 100);
    struct stat st;
    if (stat(results_dir, &st))
        return error_set(err, ERROR_INPUT, results_dir, 0, "", "not a results folder: %s",
                         strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return error_set(err, ERROR_INPUT, results_dir, 0, "",
                         "not a results folder: not a folder");
    struct plot_job *j = calloc(1, sizeof *j);
    if (!j)
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "", "out of memory");
    *j = (struct plot_job){.out = out_dir,
                           .fmt = format,
                           .results = results_dir,
                           .made = made,
                           .err = err,
                           .uncertain = plot_scenario_says(results_dir, "uncertainty.parameters")};
    struct plot_inputs in;
    if (plot_inputs_read(&in, results_dir, err)) {
        free(j);
        return -1;
    }
    if (job_titles(j, &in, err)) {
        plot_inputs_cleanup(&in);
        free(j);
        return -1;
    }
    char stage[PLOT_PATH_SIZE];
    snprintf(stage, sizeof stage, "%s/.plot-XXXXXX", out_dir);
    int held = -1, rc = 0;
    if (output_make_dir(out_dir) ||
        (held = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
        rc = error_set(err, ERROR_SYSTEM, out_dir, 0, "", "cannot create folder: %s",
                       strerror(errno));
    else if (flock(held, LOCK_EX | LOCK_NB))
        rc = error_set(err, ERROR_SYSTEM, out_dir, 0, "",
                       "another switchsim is drawing charts into this folder; wait for it to "
                       "finish, or choose another folder with -o");
    else {
        stage_remove_stale(held); /* of plots killed before they were done */
        if (!mkdtemp(stage))
            rc = error_set(err, ERROR_SYSTEM, out_dir, 0, "", "cannot create folder: %s",
                           strerror(errno));
    }
    if (rc) {
        plot_inputs_cleanup(&in);
        if (held >= 0)
            close(held);
        free(j);
        return -1;
    }
    j->dir = stage;
    int fc = in.has_fan || in.has_forecast;
    j->forecast = fc;
    rc = (fc && plot_forecast_section(j, &in)) || (in.has_sum && plot_run_section(j, &in)) ||
                 (in.has_sweep && plot_sweep_section(j, &in.sweep)) ||
                 (in.has_cmp && plot_compare_section(j, &in.cmp)) ||
                 (in.has_fit && plot_fit_section(j, &in)) ||
                 (in.has_backtest && plot_backtest_section(j, &in))
             ? -1
             : 0;
    if (!rc && j->oom)
        rc = error_set(err, ERROR_SYSTEM, out_dir, 0, "", "out of memory");
    if (!rc)
        rc = plot_bulletin_write(j);
    int written = rc == 0; /* every script, data file and the bulletin is complete */
    if (written && draw && draw_charts(j))
        rc = -1;
    if (written && plot_report_write(j, &in) && !rc)
        rc = -1;
    plot_inputs_cleanup(&in);
    if (written && plot_move_staged(j))
        rc = -1;
    if (written && rc == 0)
        remove_stale(j, held);
    stage_remove(stage);
    close(held);
    for (size_t i = 0; i < j->n_staged; i++)
        free(j->staged[i]);
    free(j->staged);
    doc_free(j);
    free(j);
    return rc;
}

int plot_results(const char *results_dir, const char *out_dir, const char *format,
                 struct plot_list *made, struct error *err)
{
    return plot_make(results_dir, out_dir, format, 1, made, err);
}

int plot_scripts(const char *results_dir, const char *out_dir, const char *format,
                 struct plot_list *made, struct error *err)
{
    return plot_make(results_dir, out_dir, format, 0, made, err);
}

int plot_default_folder(const char *results_dir, char *buf, size_t size, struct error *err)
{
    char name[SCENARIO_NAME_MAX * 4], b_name[SCENARIO_NAME_MAX * 4], full[2 * sizeof name + 16];
    const char *file = plot_has_file(results_dir, "scenario.ini")     ? "scenario.ini"
                       : plot_has_file(results_dir, "calibrated.ini") ? "calibrated.ini"
                       : plot_has_file(results_dir, "backtest.csv")   ? ""
                                                                      : "scenario.ini";
    if (folder_name(results_dir, file, name, sizeof name, err))
        return -1;
    struct error no_b = {0}; /* a compare folder without B's scenario: just "-compare" */
    if (!file[0])
        snprintf(full, sizeof full, "%s", name); /* a backtest's folder is named for it */
    else if (!strcmp(file, "calibrated.ini"))
        snprintf(full, sizeof full, "%s-calibration", name);
    else if (plot_has_file(results_dir, "fan.csv") || plot_has_file(results_dir, "forecast.csv"))
        snprintf(full, sizeof full, "%s-forecast", name);
    else if (!plot_has_file(results_dir, "compare.csv"))
        snprintf(full, sizeof full, "%s%s", name,
                 plot_has_file(results_dir, "sweep.csv") ? "-sweep" : "");
    else if (plot_scenario_name(results_dir, "scenario_b.ini", b_name, sizeof b_name, &no_b))
        snprintf(full, sizeof full, "%s-compare", name);
    else
        snprintf(full, sizeof full, "%s-vs-%s", name, b_name);
    if (output_folder("plots", full, buf, size))
        return error_set(err, ERROR_INPUT, results_dir, 0, "",
                         "the chart folder's name does not fit in %zu bytes", size);
    return 0;
}
