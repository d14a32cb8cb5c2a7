/* compare.h - paired differences between two scenarios run on common random numbers. */
#ifndef SWITCHSIM_COMPARE_H
#define SWITCHSIM_COMPARE_H

#include <stdio.h>

#include "switchsim/experiment.h"
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

#endif
