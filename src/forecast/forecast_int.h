/* forecast_int.h - what forecast and backtest share: observed sign-ups and their posterior.
 * Private to src/forecast/. */
#ifndef SWITCHSIM_FORECAST_INT_H
#define SWITCHSIM_FORECAST_INT_H

#include <stddef.h>
#include <stdint.h>

#include "switchsim/forecast.h"
#include "switchsim/model.h"

/* What is known of round 1: the model's view, and the counts behind it. */
struct observation {
    struct model_observed m;
    uint32_t *online, *paper; /* per observed day; owned */
    double n_online, n_paper; /* totals so far */
};

/* Reads SIGNUPS.csv for scenario sc into o (days within the window, in order from 0).
 * Returns 0, or -1 with *err filled (ERROR_INPUT naming file, line and column). */
int forecast_read_signups(const struct scenario *sc, const char *path, struct observation *o,
                          struct error *err);

/* Reads AUCTION.csv into o. Returns 0, or -1 with *err filled. */
int forecast_read_auction(const char *path, struct observation *o, struct error *err);

/* Sets o's Gamma posteriors of round 1's online and paper registration rates from the prior
 * (mean registration.expected x round 1's registration_index, sd registration.expected_sd,
 * or half the mean when that is 0; split by registration.paper_share) and the counts of its
 * o->m.days observed days: the online rate's observed share of the window is the profile's
 * weight of those days; the paper one's, the weight of forms sent that have arrived by then,
 * given the postal delay. Returns 0, or -1 with *err filled when the prior is empty. */
int forecast_posterior(const struct scenario *sc, struct observation *o, struct error *err);

/* The share of the window's expected online sign-ups made in days 0..days-1, and of its
 * paper forms sent in the window that have arrived by the end of day days-1. */
double forecast_online_share(const struct scenario *sc, int days);
double forecast_paper_share_arrived(const struct scenario *sc, int days);

void forecast_observation_cleanup(struct observation *o);

/* Quantile q (0..1) of the n values x (sorted in place, NaNs last, not counted). */
double forecast_quantile(double *x, size_t n, double q);

#endif
