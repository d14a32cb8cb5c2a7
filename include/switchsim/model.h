/* model.h - one replication of collective switching, round after round, on the calendar. */
#ifndef SWITCHSIM_MODEL_H
#define SWITCHSIM_MODEL_H

#include <stdint.h>
#include <stdio.h>

#include "switchsim/error.h"
#include "switchsim/metric.h"
#include "switchsim/scenario.h"

struct household_model;

/* One bid of one replication, for bids.csv. */
struct bid_record {
    uint16_t round; /* from 0 */
    uint8_t lot;    /* enum payment */
    uint8_t won;    /* 1 winner, 2 runner-up taking overflow, 0 lost or did not bid */
    uint16_t supplier;
    double amount; /* NaN when the supplier did not take part */
};

/* Counts pooled over replications; a model adds into them, so one per thread. */
struct model_totals {
    size_t days;
    uint64_t *daily; /* days * DAILY_COUNT */
    size_t bins;     /* savings histogram: [0, bin), ... [max - bin, max) */
    uint64_t *hist;  /* bins + 2: underflow (below 0) first, overflow (max and up) last */
};

/* What one replication reports. metrics is rounds * M_COUNT; bids grows as needed. */
struct replication {
    double *metrics;
    struct bid_record *bids;
    size_t n_bids, cap_bids;
};

/* Prepared once per scenario, shared read-only by every replication. */
struct model_setup {
    const struct scenario *sc;
    struct household_model *households; /* owned */
    double horizon;                     /* no counted event happens after it */
    double *profile_cdf;                /* n_profile + 1 cumulative registration weights */
    int best_row[PAY_COUNT];
};

/* Fills *setup from sc (which must outlive it). Returns 0, or -1 with *err filled. */
int model_setup_init(struct model_setup *setup, const struct scenario *sc, struct error *err);
void model_setup_cleanup(struct model_setup *setup);

/* model_totals for a setup: zeroed counters. Returns 0 or -1 (out of memory). */
int model_totals_init(struct model_totals *t, const struct model_setup *setup);
void model_totals_add(struct model_totals *into, const struct model_totals *from);
void model_totals_cleanup(struct model_totals *t);

int model_replication_init(struct replication *rep, const struct model_setup *setup);
void model_replication_cleanup(struct replication *rep);

/* Runs replication `index` with seed `seed`: fills *out (its metrics are overwritten, its
 * bids replaced), adds daily counts and savings into *totals, and writes the event log as
 * CSV to trace unless trace is NULL. Every registration ends in exactly one final state;
 * that is asserted. Returns 0, or -1 with *err filled (out of memory). */
int model_run(const struct model_setup *setup, uint64_t seed, uint32_t index,
              struct replication *out, struct model_totals *totals, FILE *trace, struct error *err);

#endif
