/* plot.c - charts and a bulletin drawn by gnuplot from a results folder (run, sweep, compare).
 *
 * This file keeps the entry points. The rest was split off along its seams, the parts sharing
 * plot_int.h: read.c reads the results folder; gnuplot.c writes scripts and data, quotes text,
 * lays out axes and runs gnuplot; words.c writes numbers and markdown as people read them;
 * run.c, sweep.c and compare.c draw the charts of each kind of results (sweep.c and compare.c
 * with their bulletin sections); bulletin.c writes a run's sentences and bulletin.md. */
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

/* Scripts, data and bulletin into a private folder in out_dir, then (when draw) the charts
 * by gnuplot there; whatever is complete is moved into out_dir. */
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
    struct plot_job j = {.out = out_dir,
                         .fmt = format,
                         .made = made,
                         .err = err,
                         .uncertain = plot_scenario_says(results_dir, "uncertainty.parameters")};
    struct plot_inputs in;
    char raw[1024];
    if (plot_inputs_read(&in, results_dir, err))
        return -1;
    if (plot_scenario_name(results_dir, "scenario.ini", raw, sizeof raw, err)) {
        plot_inputs_cleanup(&in);
        return -1;
    }
    char b_name[512];
    struct error no_b = {0};
    if (in.has_cmp &&
        plot_scenario_name(results_dir, "scenario_b.ini", b_name, sizeof b_name, &no_b) == 0) {
        /* a compare is titled by both scenarios: "A vs B" */
        size_t len = strlen(raw);
        snprintf(raw + len, sizeof raw - len, " vs %s", b_name);
    }
    text_clean(j.name, 72, raw); /* a title line holds the name */
    if (strlen(raw) > strlen(j.name))
        strcat(j.name, "…");
    char stage[PLOT_PATH_SIZE];
    snprintf(stage, sizeof stage, "%s/.plot-XXXXXX", out_dir);
    int held = -1;
    if (output_make_dir(out_dir) ||
        (held = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
        plot_inputs_cleanup(&in);
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "", "cannot create folder: %s",
                         strerror(errno));
    }
    if (flock(held, LOCK_EX | LOCK_NB)) {
        plot_inputs_cleanup(&in);
        close(held);
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "",
                         "another switchsim is drawing charts into this folder; wait for it to "
                         "finish, or choose another folder with -o");
    }
    stage_remove_stale(held); /* of plots killed before they were done */
    if (!mkdtemp(stage)) {
        plot_inputs_cleanup(&in);
        close(held);
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "", "cannot create folder: %s",
                         strerror(errno));
    }
    j.dir = stage;
    if (!(j.md = open_memstream(&j.md_text, &j.md_size))) {
        plot_inputs_cleanup(&in);
        rmdir(stage);
        close(held);
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "", "out of memory");
    }
    fputs("# ", j.md);
    words_md_text(j.md, raw);
    fputs("\n\n", j.md);
    int rc = (in.has_sum && plot_run_section(&j, &in)) ||
                     (in.has_sweep && plot_sweep_section(&j, &in.sweep)) ||
                     (in.has_cmp && plot_compare_section(&j, &in.cmp))
                 ? -1
                 : 0;
    plot_inputs_cleanup(&in);
    if (fclose(j.md) && !rc)
        rc = error_set(err, ERROR_SYSTEM, out_dir, 0, "", "out of memory");
    if (!rc)
        rc = plot_bulletin_write(&j);
    free(j.md_text);
    int written = rc == 0; /* every script, data file and the bulletin is complete */
    for (size_t i = 0; written && draw && i < j.n_charts; i++) {
        int drawn = gp_run(&j, j.charts[i]);
        if (drawn == -2) {
            rc = -1; /* no gnuplot: the rest would fail alike */
            break;
        }
        if (drawn)
            rc = -1; /* the first failure is reported; the other charts are still drawn */
    }
    if (written && plot_move_staged(&j))
        rc = -1;
    stage_remove(stage);
    close(held);
    for (size_t i = 0; i < j.n_staged; i++)
        free(j.staged[i]);
    free(j.staged);
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
    char name[SCENARIO_NAME_MAX * 4], b_name[SCENARIO_NAME_MAX * 4], full[2 * sizeof name + 8];
    if (plot_scenario_name(results_dir, "scenario.ini", name, sizeof name, err))
        return -1;
    struct error no_b = {0}; /* a compare folder without B's scenario: just "-compare" */
    if (!plot_has_file(results_dir, "compare.csv"))
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
