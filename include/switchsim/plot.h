/* plot.h - charts and a bulletin drawn by gnuplot from a results folder (run, sweep, compare). */
#ifndef SWITCHSIM_PLOT_H
#define SWITCHSIM_PLOT_H

#include <stddef.h>

#include "switchsim/error.h"

/* The files plot_results made, as paths (out_dir/NAME), in the order they were made.
 * Start it zeroed: struct plot_list made = {0}. */
struct plot_list {
    char **names;
    size_t n;
};

/* Frees every name and leaves the list empty, ready to fill again; NULL or an empty list is a
 * no-op. The struct itself belongs to the caller. */
void plot_list_cleanup(struct plot_list *list);

/* Draws every chart the results folder `results_dir` allows (a run, a sweep, or a compare,
 * recognised by which files it holds: summary.csv with daily.csv and savings_hist.csv when
 * present, sweep.csv, compare.csv) into out_dir (created if missing), in format "png", "svg"
 * or "pdf". Each chart NAME gets its script NAME.gp and its data NAME.dat beside it, so staff
 * can restyle and rerun it with `gnuplot NAME.gp` from out_dir; bulletin.md holds headline
 * sentences with 95% CIs and links the charts. Every piece of scenario text reaching a script
 * is quoted as data; gnuplot runs without a shell. Lists each file made in *made (also on
 * failure; the caller empties it with plot_list_cleanup). Returns 0; -1 with *err filled:
 * ERROR_INPUT for a bad format or a missing or malformed results folder or file (FILE:LINE:
 * column), ERROR_SYSTEM when out_dir cannot be written or gnuplot is missing or fails (the
 * scripts and bulletin are still written; when missing, the message says `gnuplot not found:
 * install it with apt-get install gnuplot-nox`). */
int plot_results(const char *results_dir, const char *out_dir, const char *format,
                 struct plot_list *made, struct error *err);

/* Writes into buf the folder plot_results should draw results_dir's charts in when the user
 * names none: plots/NAME for a run, plots/NAME-sweep when the folder holds sweep.csv, and for
 * a compare (compare.csv) plots/NAME-vs-B_NAME, or plots/NAME-compare when scenario_b.ini
 * has no name. NAME is scenario.ini's (as plot_scenario_name reads it), made safe for a path
 * by output_folder. Reads results_dir's scenario files only; creates nothing. Returns 0, or
 * -1 with *err filled (ERROR_INPUT: scenario.ini unreadable or without a name, or the folder
 * does not fit in size bytes). */
int plot_default_folder(const char *results_dir, char *buf, size_t size, struct error *err);

/* Copies the `name = ...` value of section [scenario] in RESULTS_DIR/FILE (scenario.ini, or
 * a compare's scenario_b.ini), read as scenario_load reads an INI file, into buf (trimmed,
 * control characters dropped, invalid UTF-8 made '?', truncated to size - 1 bytes at a UTF-8
 * character boundary). Returns 0; -1 with *err filled (ERROR_INPUT) when the file cannot be
 * read or has no non-empty name. */
int plot_scenario_name(const char *results_dir, const char *file, char *buf, size_t size,
                       struct error *err);

#endif
