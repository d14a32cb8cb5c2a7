/* auction.c - the sealed-bid reverse auction: bidding strategies and clearing one lot. */
#include <assert.h>
#include <math.h>

#include "auction.h"

double auction_equilibrium_bid(double cost, double low, double high, double q, int others,
                               double reserve)
{
    double upper = fmin(high, reserve);
    if (cost >= upper || high <= low)
        return cost;
    if (others <= 0 || q <= 0.0)
        return upper; /* no rival can undercut: bid the most that can still win */
    /* With F uniform, the integral of (1 - qF)^m from c to U has a closed form. */
    double m = others;
    double hc = 1.0 - q * (cost - low) / (high - low);
    double hu = 1.0 - q * (upper - low) / (high - low);
    double integral = (high - low) / (q * (m + 1.0)) * (pow(hc, m + 1.0) - pow(hu, m + 1.0));
    double denom = pow(hc, m);
    if (denom <= 0.0)
        return cost;
    return cost + integral / denom;
}

double auction_bid(const struct supplier_row *s, enum auction_rule rule, double cost, double low,
                   double high, size_t n_suppliers, double reserve)
{
    if (s->strategy == STRATEGY_MARKUP)
        return cost * (1.0 + s->markup);
    if (rule == RULE_SECOND_PRICE)
        return cost;
    return auction_equilibrium_bid(cost, low, high, s->participation, (int)n_suppliers - 1,
                                   reserve);
}

/* True when bid a ranks before bid b. */
static bool ranks_before(const struct bid *a, const struct bid *b)
{
    return a->amount < b->amount || (a->amount == b->amount && a->supplier < b->supplier);
}

void auction_clear(const struct bid *bids, size_t n, enum auction_rule rule, double reserve,
                   struct auction_result *out)
{
    /* The three best participating bids are all clearing needs. */
    int best[3] = {-1, -1, -1};
    out->bidders = 0;
    for (size_t i = 0; i < n; i++) {
        if (!bids[i].participates)
            continue;
        out->bidders++;
        int j = (int)i;
        for (int k = 0; k < 3; k++) {
            if (best[k] < 0 || ranks_before(&bids[j], &bids[best[k]])) {
                int displaced = best[k];
                best[k] = j;
                j = displaced;
                if (j < 0)
                    break;
            }
        }
    }
    out->winner = out->runner_up = -1;
    out->price = out->runner_price = NAN;
    out->failed = best[0] < 0 || bids[best[0]].amount > reserve;
    if (out->failed)
        return;
    out->winner = best[0];
    bool runner_ok = best[1] >= 0 && bids[best[1]].amount <= reserve;
    if (rule == RULE_FIRST_PRICE) {
        out->price = bids[best[0]].amount;
    } else {
        out->price = runner_ok ? bids[best[1]].amount : reserve;
    }
    if (runner_ok) {
        out->runner_up = best[1];
        if (rule == RULE_FIRST_PRICE) {
            out->runner_price = bids[best[1]].amount;
        } else {
            bool third_ok = best[2] >= 0 && bids[best[2]].amount <= reserve;
            out->runner_price = third_ok ? bids[best[2]].amount : reserve;
        }
    }
    assert(out->price <= reserve || rule == RULE_FIRST_PRICE);
}
