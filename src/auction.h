/* auction.h - the sealed-bid reverse auction: bidding strategies and clearing one lot. */
#ifndef SWITCHSIM_AUCTION_H
#define SWITCHSIM_AUCTION_H

#include <stdbool.h>
#include <stddef.h>

#include "switchsim/scenario.h"

/* One supplier's bid in one lot: the annual cost in £ of its tariff for the reference
 * household. Non-participants are left out of clearing. */
struct bid {
    int supplier; /* row in the supplier table */
    bool participates;
    double cost;   /* its private cost, £/year for the reference household */
    double amount; /* its bid, £/year for the reference household */
};

/* The outcome of one lot. Prices are what the household is offered (annual cost for the
 * reference household): under first price the winner's own bid, under second price the
 * next-lowest bid, capped by the reserve. */
struct auction_result {
    bool failed; /* no bid at or under the reserve: no offers go out */
    int winner;  /* index into the bids array, -1 when failed */
    double price;
    int runner_up; /* next-best bid at or under the reserve, -1 if none */
    double runner_price;
    int bidders; /* participants */
};

/* The risk-neutral symmetric equilibrium bid of a first-price procurement auction for a
 * supplier with cost `cost`, when each of `others` rival suppliers takes part with
 * probability q and has a cost uniform on [low, high], and bids above `reserve` lose:
 *   b(c) = c + (integral from c to U of H(t) dt) / H(c),  H(t) = (1 - q F(t))^others,
 * U = min(high, reserve). With q = 1 and no binding reserve this is c + (high - c) / n.
 * A cost at or above U bids its cost. */
double auction_equilibrium_bid(double cost, double low, double high, double q, int others,
                               double reserve);

/* The bid of supplier `s` with private cost `cost` under `rule`, given how many suppliers
 * may bid (n_suppliers) and the lot's reserve. Cost-plus bids cost x (1 + markup) under
 * either rule; equilibrium bids are the formula above under first price and the cost
 * itself (truthful) under second price. low/high are the supplier's cost range after
 * scaling for lot and round. */
double auction_bid(const struct supplier_row *s, enum auction_rule rule, double cost, double low,
                   double high, size_t n_suppliers, double reserve);

/* Ranks the participating bids by amount (ties to the lower supplier index) and clears the
 * lot under `rule` with `reserve` (the most a winning tariff may cost the reference
 * household). Fills *out. */
void auction_clear(const struct bid *bids, size_t n, enum auction_rule rule, double reserve,
                   struct auction_result *out);

#endif
