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
 * resolved scenario.ini (recording the replications done) into dir (created if missing), with a
 * PARTIAL mark among them when partial is true (an interrupted run) and removing an old mark
 * otherwise. Each file is written to a temporary name first and all are renamed only when every one
 * is complete, so a failure leaves no partial results. Returns 0, or -1 with *err filled. */
int results_write(const struct experiment *ex, const struct scenario *sc, const char *dir,
                  bool partial, struct error *err);

/* results_write, with n_extra (at most 8) more files of the same set, extra_names[k] written
 * by extra_write(f, k, extra_ctx), put in place together with the run's. */
int results_write_with(const struct experiment *ex, const struct scenario *sc, const char *dir,
                       bool partial, size_t n_extra, const char *const *extra_names,
                       output_writer extra_write, const void *extra_ctx, struct error *err);

/* Prints the headline figures with their 95% CIs, round by round, for people. */
void results_print(const struct experiment *ex, const struct scenario *sc, FILE *out);

#endif
