/* compare.h - paired differences between two scenarios run on common random numbers. */
#ifndef SWITCHSIM_COMPARE_H
#define SWITCHSIM_COMPARE_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/experiment.h"
#include "switchsim/settings.h"
#include "switchsim/stats.h"

/* One metric over all rounds: A's and B's summaries and that of the per-replication
 * difference B - A (replication i of B against replication i of A). */
struct compare_row {
    struct summary a, b, diff;
};

/* Compares metric m of two experiments with the same replication count, run with the same
 * seed so replication i of each drew from the same streams. */
void compare_metric(const struct experiment *a, const struct experiment *b, enum metric m,
                    struct compare_row *out);

/* Writes compare.csv (metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,n) to f. */
void compare_write_csv(const struct experiment *a, const struct experiment *b, FILE *f);

/* Prints, for people, each headline difference and whether its CI excludes zero. */
void compare_print(const struct experiment *a, const struct experiment *b, const char *name_a,
                   const char *name_b, FILE *out);

/* What a compare did, for printing. */
struct compare_result {
    struct scenario *a, *b; /* as loaded; B with A's seed and replications; owned */
    struct experiment ex_a, ex_b;
    char dir[1100]; /* where compare.csv is */
    bool partial;   /* interrupted while B ran: the finished pairs kept, PARTIAL */
};

/* Runs scenarios A and B (loaded with settings s; B then takes A's seed and replication
 * count) on common random numbers, replication i of each drawing from the same streams,
 * and writes compare.csv, scenario.ini (A), scenario_b.ini into s->out_dir or
 * results/<A name>-vs-<B name>/ (output_folder), held from before the runs and replaced
 * whole (output_set_hold, output_set_write). Returns 0 with *out filled; or -1 with
 * *err filled: ERROR_INPUT (a bad scenario, different round counts, an -o that does not
 * fit), ERROR_SYSTEM, or ERROR_INTERRUPTED: when that happened while B ran, the pairs both
 * finished are written with a PARTIAL mark and out->partial is set. *out is always safe for
 * compare_result_cleanup. */
int compare_run(const char *path_a, const char *path_b, const struct settings *s,
                struct compare_result *out, struct error *err);

/* Frees what a compare result holds; a zeroed one is a no-op. */
void compare_result_cleanup(struct compare_result *r);

#endif
