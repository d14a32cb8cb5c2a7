/* households.h - the registered households: who they are and what their energy costs them. */
#ifndef SWITCHSIM_HOUSEHOLDS_H
#define SWITCHSIM_HOUSEHOLDS_H

#include <stdbool.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

#include "switchsim/scenario.h"

enum {
    HH_DUAL = 1u << 0,  /* dual fuel, else electricity only */
    HH_PAPER = 1u << 1, /* registers on paper, else online */
    HH_VULNERABLE = 1u << 2,
    /* What its switch will meet, drawn with its offer (the model's): */
    HH_CANCELS = 1u << 3, /* cancels in cooling off if it accepts */
    HH_FAILS = 1u << 4,   /* its transfer fails */
    HH_RETURNS = 1u << 5, /* comes back when its fixed term ends */
};

/* One household, in 16 bytes: the model may hold many. (Its payment method is kept, not
 * taken from its tariff's row: a method whose share is all but 0 may be drawn and have no
 * rows, and then its lot has no tariff to offer.) */
struct household {
    float elec_kwh;
    float gas_kwh;
    float saving;        /* £/year of its current offer against its current tariff */
    uint16_t market_row; /* its current tariff: a row of the market table */
    uint8_t flags;       /* HH_* */
    uint8_t payment;     /* enum payment */
};
_Static_assert(sizeof(struct household) == 16, "a household in 16 bytes");

/* What drawing a household needs, prepared once from a scenario and shared read-only. */
struct household_model {
    double elec_mu, elec_sigma; /* log-normal: ln(kWh) ~ N(mu, sigma) */
    double gas_mu, gas_sigma;
    double payment_cdf[PAY_COUNT];
    /* per payment method: market rows and cumulative shares */
    int n_rows[PAY_COUNT];
    int *rows[PAY_COUNT];
    double *row_cdf[PAY_COUNT];
};

/* Prepares `hm` from `sc` (median and 90th percentile give the log-normal sigma).
 * Returns 0, or -1 when out of memory (hm is then empty and safe to clean up). */
int household_model_init(struct household_model *hm, const struct scenario *sc);
void household_model_cleanup(struct household_model *hm);

/* Draws a household's attributes from `r` (made by stream_create): always the same six
 * draws, in the same order, so other parts of a scenario do not shift this stream. Channel
 * is the caller's. */
void household_draw(const struct household_model *hm, const struct scenario *sc, gsl_rng *r,
                    struct household *hh);

/* Draws a new current tariff (a market row for its payment method) from one uniform u. */
uint16_t household_market_row(const struct household_model *hm, enum payment p, double u);

/* The household's annual cost in £ on tariff t. */
double household_cost(const struct household *hh, const struct tariff *t);

#endif
