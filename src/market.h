/* market.h - tariffs and what they cost a household over a year. */
#ifndef SWITCHSIM_MARKET_H
#define SWITCHSIM_MARKET_H

#include <stdbool.h>

#include "switchsim/scenario.h"

/* Annual cost in £ of `t` for a household using elec_kwh and gas_kwh a year; gas parts
 * count only when dual is true. */
double market_tariff_cost(const struct tariff *t, double elec_kwh, double gas_kwh, bool dual);

/* The market row index of the cheapest tariff for the scenario's reference household among
 * rows of `payment`, or -1 when the market has none for that payment method. */
int market_best_row(const struct scenario *sc, enum payment payment);

/* The market-share-weighted mean annual cost in £ of the rows of `payment` for the
 * reference household in a round whose market index is `index` (the shares of a payment
 * method's rows sum to 1); 0 when the market has no row for it. */
double market_average_cost(const struct scenario *sc, enum payment payment, double index);

/* Annual cost in £ for the reference household of market row `row` in a round whose
 * market index is `index`. */
double market_reference_cost(const struct scenario *sc, int row, double index);

#endif
