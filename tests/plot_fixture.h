/* plot_fixture.h - small but complete results folders written by hand for test_plot, whose
 * scenario name tries every way into a shell or gnuplot, and the checks that it got
 * nowhere. */
#ifndef SWITCHSIM_PLOT_FIXTURE_H
#define SWITCHSIM_PLOT_FIXTURE_H

#include <stddef.h>
#include <stdio.h>

/* The scenario name every folder gets: backquotes, quotes and system() that would each
 * create a marker file if gnuplot or a shell ran them; set by fixture_setup. */
extern char fixture_evil_name[1024];

/* A cmocka group setup: names this run's marker files and makes fixture_evil_name. */
int fixture_setup(void **state);

/* DIR/NAME opened for writing, failing the test when it cannot be. */
FILE *fixture_open(const char *dir, const char *name);

/* A scenario.ini whose name tries every way into a shell or gnuplot. */
void fixture_write_scenario(const char *dir);

/* A small but complete run folder: two rounds, every result file. */
void fixture_write_run(const char *dir);

/* sweep.csv's header: the varied keys (as given, comma-separated), then the mean and CI of
 * each headline metric; and a point's figures after its keys, for a point whose size is `x`
 * (bigger is more switching). */
void fixture_sweep_header(FILE *f, const char *keys);
void fixture_sweep_values(FILE *f, double x);

/* A sweep of one numeric key, its points out of order. */
void fixture_write_sweep1(const char *dir);

/* Two keys, one of them text: its name and values try to break out of gnuplot's strings. */
void fixture_write_sweep2(const char *dir);

/* A compare folder: A against B on every headline metric. */
void fixture_write_compare(const char *dir);

/* Fails the test unless dir/name exists and starts with the len bytes of magic. */
void fixture_assert_starts_with(const char *dir, const char *name, const char *magic, size_t len);

/* Fails the test if any marker file exists: scenario text ran as a command. */
void fixture_assert_no_markers(void);

/* Every backquote or `system` in dir/CHART.gp lies inside a single-quoted string. */
void fixture_assert_script_quoted(const char *dir, const char *chart);

/* Each headline metric has its chart PREFIX_METRIC.png in out, with every text in its
 * script quoted. */
void fixture_assert_headline_charts(const char *out, const char *prefix);

#endif
