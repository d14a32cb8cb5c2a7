/* results.h - the result files of a run: summary, replications, daily, savings, bids. */
#ifndef SWITCHSIM_RESULTS_H
#define SWITCHSIM_RESULTS_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/experiment.h"
#include "switchsim/output.h"
#include "switchsim/stats.h"

/* The per-replication value of metric m over all rounds: counts add up, ratios are taken
 * of the sums, prices and bidders are averaged over rounds, failed lots add up. */
double results_all_rounds(const struct experiment *ex, int rep, enum metric m);

/* The summary of metric m in round r (0-based; r == rounds means all rounds). */
void results_summary(const struct experiment *ex, int r, enum metric m, struct summary *out);

/* Writes summary.csv, replications.csv, daily.csv, savings_hist.csv, bids.csv and the
 * resolved scenario.ini (recording the replications done), with a PARTIAL mark among them when
 * partial is true (an interrupted run), as the result set of the held folder: written whole
 * beside it and swapped in (output_set_write), so the folder holds the old set or this one,
 * never a mix. Returns 0, or -1 with *err filled. */
int results_write(const struct experiment *ex, const struct scenario *sc, struct output_set *set,
                  bool partial, struct error *err);

/* results_write, with n_extra (at most 8) more files of the same set, extra_names[k] written
 * by extra_write(f, k, extra_ctx), put in place together with the run's. */
int results_write_with(const struct experiment *ex, const struct scenario *sc,
                       struct output_set *set,
                       bool partial, size_t n_extra, const char *const *extra_names,
                       output_writer extra_write, const void *extra_ctx, struct error *err);

/* Prints the headline figures with their 95% CIs, round by round, for people. */
void results_print(const struct experiment *ex, const struct scenario *sc, FILE *out);

#endif
