/* model.h - one replication of collective switching, round after round, on the calendar. */
#ifndef SWITCHSIM_MODEL_H
#define SWITCHSIM_MODEL_H

#include <stdbool.h>
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
    struct model_spare *spare; /* the model's arrays, kept for the thread's next replication */
};

/* What one replication reports. metrics is rounds * M_COUNT; bids grows as needed. */
struct replication {
    double *metrics;
    struct bid_record *bids;
    size_t n_bids, cap_bids;
    uint32_t *days; /* with keep_days: model_totals' days x DAY_COUNT counts; else NULL */
};

/* What a live forecast knows of round 1 (see forecast.h). */
struct model_observed {
    int days;                     /* days 0..days-1 of the window are observed */
    const uint32_t *online;       /* per day: online registrations made */
    const uint32_t *paper;        /* per day: paper forms received */
    /* Gamma posteriors (shape, rate) of round 1's online and paper registration rates, in
     * registrations per round: each replication draws its registration.expected (their sum)
     * and paper_share (the paper one's part) from them. */
    double online_shape, online_rate, paper_shape, paper_rate;
    bool auction;             /* round 1's auction has happened, with: */
    double price[PAY_COUNT];  /* each lot's winning annual cost for the reference household;
                                 NaN when the lot failed */
};

/* Per day of a replication, kept when the setup asks (fan charts, backtests). */
enum day_column { DAY_ONLINE, DAY_PAPER_RECEIVED, DAY_SWITCHED, DAY_COUNT };

/* Prepared once per scenario, shared read-only by every replication. */
struct model_setup {
    const struct scenario *sc;
    struct household_model *households; /* owned */
    double horizon;                     /* no counted event happens after it */
    double *profile_cdf;                /* n_profile + 1 cumulative registration weights */
    int best_row[PAY_COUNT];
    /* A live forecast: round 1 replays these observed days and simulates the rest (NULL =
     * none); set after model_setup_init, owned by the caller. */
    const struct model_observed *observed;
    bool keep_days; /* each replication keeps its days (struct replication's days) */
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
