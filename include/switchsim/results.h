/* results.h - the result files of a run: summary, replications, daily, savings, bids. */
#ifndef SWITCHSIM_RESULTS_H
#define SWITCHSIM_RESULTS_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/experiment.h"
#include "switchsim/stats.h"

/* The per-replication value of metric m over all rounds: counts add up, ratios are taken
 * of the sums, prices and bidders are averaged over rounds, failed lots add up. */
double results_all_rounds(const struct experiment *ex, int rep, enum metric m);

/* The summary of metric m in round r (0-based; r == rounds means all rounds). */
void results_summary(const struct experiment *ex, int r, enum metric m, struct summary *out);

/* Writes summary.csv, replications.csv, daily.csv, savings_hist.csv, bids.csv and the
 * resolved scenario.ini into dir (created if missing), with a PARTIAL mark among them when
 * partial is true (an interrupted run) and removing an old mark otherwise. Each file is
 * written to a temporary name first and all are renamed only when every one is complete, so
 * a failure leaves no partial results. Returns 0, or -1 with *err filled. */
int results_write(const struct experiment *ex, const struct scenario *sc, const char *dir,
                  bool partial, struct error *err);

/* Writes file names[k] in dir by calling write(f, k, ctx), for k = 0..n-1: each to a
 * temporary name first, all renamed only once every one is complete, so a failure while
 * writing leaves no partial results (a rename failing midway, which is rare, leaves the
 * files renamed before it and no temporary file). Creates dir (and its parents) if missing.
 * Returns 0, or -1 with *err filled. */
typedef void (*results_writer)(FILE *f, size_t k, const void *ctx);
int results_write_files(const char *dir, size_t n, const char *const *names, results_writer write,
                        const void *ctx, struct error *err);

/* Prints the headline figures with their 95% CIs, round by round, for people. */
void results_print(const struct experiment *ex, const struct scenario *sc, FILE *out);

#endif
