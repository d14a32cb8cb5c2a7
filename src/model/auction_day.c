/* auction_day.c - auction day and after: every lot's reverse auction, each registered
 * household's personal offer and its answer, cooling off, the transfer, and the saving. */
#include <stdlib.h>

#include "auction.h"
#include "market.h"
#include "model_int.h"
#include "offers.h"

static int record_bid(struct model *m, const struct bid_record *b)
{
    struct replication *r = m->out;
    if (r->n_bids == r->cap_bids) {
        struct bid_record *bids = model_grow_array(r->bids, &r->cap_bids, sizeof *bids, 64);
        if (!bids)
            return -1;
        r->bids = bids;
    }
    r->bids[r->n_bids++] = *b;
    return 0;
}

/* Runs the auction of every lot: participation and costs are drawn in a fixed order (all
 * suppliers, all lots) whatever happens, so bids draw the same numbers in every scenario. */
static int run_auctions(struct model *m, int round, double t)
{
    const struct scenario *sc = m->sc;
    const struct model_setup *setup = m->setup;
    size_t n = sc->n_suppliers;
    const struct round_row *rr = &sc->round_rows[round];
    struct bid *bids = malloc(n * sizeof *bids);
    if (!bids)
        return -1;
    int bidders = 0;
    for (size_t s = 0; s < n; s++) {
        bids[s].supplier = (int)s;
        bids[s].participates = stream_uniform(m->rng[P_BIDS]) < sc->suppliers[s].participation;
        bidders += bids[s].participates;
    }
    *metric(m, round, M_BIDDERS) = bidders;
    *metric(m, round, M_AUCTION_FAILED) = 0;
    double dd_reference = market_reference_cost(sc, setup->best_row[PAY_DIRECT_DEBIT], 1.0);
    for (int lot = 0; lot < PAY_COUNT; lot++) {
        int best = setup->best_row[lot];
        double market_best = best >= 0 ? market_reference_cost(sc, best, rr->market_index) : 0;
        double benchmark = sc->auction.benchmark == BENCHMARK_AVERAGE
                               ? market_average_cost(sc, (enum payment)lot, rr->market_index)
                               : market_best;
        double reserve = benchmark - sc->auction.reserve_margin;
        double ratio = best >= 0 ? market_reference_cost(sc, best, 1.0) / dd_reference : 1.0;
        for (size_t s = 0; s < n; s++) {
            const struct supplier_row *sup = &sc->suppliers[s];
            double scale = rr->cost_index * ratio;
            double low = sup->cost_low * scale, high = sup->cost_high * scale;
            double u = stream_uniform(m->rng[P_BIDS]);
            bids[s].cost = low + u * (high - low);
            bids[s].amount =
                auction_bid(sup, sc->auction.rule, bids[s].cost, low, high, n, reserve);
        }
        struct auction_result res;
        const struct model_observed *obs = m->setup->observed;
        if (round == 0 && obs && obs->auction) {
            /* a live forecast after auction day: the observed result, whoever bid what */
            bool won = best >= 0 && !isnan(obs->price[lot]);
            res = (struct auction_result){.failed = !won,
                                          .winner = won ? 0 : -1,
                                          .price = won ? obs->price[lot] : NAN,
                                          .runner_up = -1,
                                          .runner_price = NAN,
                                          .bidders = bidders};
        } else if (best >= 0) {
            auction_clear(bids, n, sc->auction.rule, reserve, &res);
        } else {
            res = (struct auction_result){
                .failed = true, .winner = -1, .runner_up = -1, .price = NAN, .runner_price = NAN};
        }
        m->lot_failed[lot] = res.failed;
        if (res.failed && best >= 0) /* a lot the market has no tariff for holds nobody */
            (*metric(m, round, M_AUCTION_FAILED))++;
        if (lot == PAY_DIRECT_DEBIT) {
            *metric(m, round, M_WINNING_ANNUAL_COST) = res.failed ? NAN : res.price;
            *metric(m, round, M_MARKET_BEST_COST) = market_best;
        }
        /* The winning tariff is the lot's best market tariff scaled to the price. */
        double shape_cost = best >= 0 ? market_reference_cost(sc, best, 1.0) : 1.0;
        int who[2] = {res.winner, res.runner_up};
        double price[2] = {res.price, res.runner_price};
        for (int k = 0; k < 2; k++) {
            m->lot_offer[lot][k] = who[k];
            m->lot_factor[lot][k] = who[k] >= 0 ? price[k] / shape_cost : 0;
            double cap = who[k] >= 0 && !(round == 0 && obs && obs->auction)
                             ? sc->suppliers[who[k]].capacity
                             : 0;
            m->winner_capacity_left[lot][k] = cap > 0 ? cap : INFINITY;
        }
        for (size_t s = 0; s < n; s++) {
            bool observed_result = round == 0 && obs && obs->auction;
            struct bid_record b = {(uint16_t)round, (uint8_t)lot,
                                   (uint8_t)(observed_result           ? 0
                                             : (int)s == res.winner    ? 1
                                             : (int)s == res.runner_up ? 2
                                                                       : 0),
                                   (uint16_t)s, bids[s].participates ? bids[s].amount : NAN};
            if (record_bid(m, &b)) {
                free(bids);
                return -1;
            }
        }
        if (m->trace) {
            char detail[200];
            if (res.failed)
                snprintf(detail, sizeof detail, "lot %s failed: %d bidders, reserve %.2f",
                         scenario_payment_name((enum payment)lot), res.bidders, reserve);
            else
                snprintf(detail, sizeof detail, "lot %s won by %s at %.2f (reserve %.2f)",
                         scenario_payment_name((enum payment)lot),
                         round == 0 && obs && obs->auction ? "(observed)"
                                                           : sc->suppliers[res.winner].name,
                         res.price, reserve);
            trace(m, t, "auction", -1, -1, detail);
        }
    }
    free(bids);
    return 0;
}

/* Makes household i, *h, its personal offer and draws its answer. Its record is r, or
 * (NO_RECORD) h is a copy of its own, drawn now, and a record is made only if it will be
 * needed: for a switch under way, or a registration to come. (Inlined in both of the
 * auction's loops: it is the heart of an auction of millions.) */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline int
make_offer(struct model *m, uint32_t i, struct household *h, uint32_t r, int round, double t)
{
    const struct scenario *sc = m->sc;
    int lot = h->payment, k = 0;
    while (k < 2 && (m->lot_offer[lot][k] < 0 || m->winner_capacity_left[lot][k] < 1))
        k++;
    if (m->lot_failed[lot] || k == 2) {
        (*metric(m, round, M_NO_OFFER))++;
        trace(m, t, "no_offer", i, is_paper(h), m->lot_failed[lot] ? "lot failed" : "capacity");
        return model_finish(m, i, h, r, ST_NO_OFFER, t);
    }
    m->winner_capacity_left[lot][k] -= 1;
    double index = sc->round_rows[round].market_index;
    const struct tariff *shape = &sc->market[m->setup->best_row[lot]].tariff;
    double current = household_cost(h, &sc->market[h->market_row].tariff) * index;
    double offered = household_cost(h, shape) * m->lot_factor[lot][k];
    h->saving = (float)(current - offered);
    (*metric(m, round, M_OFFERS))++;
    if (h->saving > 0) {
        (*metric(m, round, M_OFFERS_SAVING))++;
        (*metric(m, round, M_SAVING_OFFERED_TOTAL)) += h->saving;
    }

    double u = stream_uniform(m->rng[P_OFFERS]);
    double delay = is_paper(h) ? sc->paper.postal_delay_min +
                                     u * (sc->paper.postal_delay_max - sc->paper.postal_delay_min)
                               : u * sc->offers.email_delay_max_days;
    double receipt = t + sc->offers.send_delay_days + delay;
    /* What a switch would meet is drawn now, in household order, so that two scenarios on
     * common random numbers give each household the same fate whoever else accepts. */
    double fail =
        lot == PAY_PREPAYMENT ? sc->switching.fail_prob_prepayment : sc->switching.fail_prob;
    h->flags &= (uint8_t) ~(HH_CANCELS | HH_FAILS | HH_RETURNS);
    if (stream_uniform(m->rng[P_SWITCHING]) < sc->switching.cancel_prob)
        h->flags |= HH_CANCELS;
    if (stream_uniform(m->rng[P_SWITCHING]) < fail)
        h->flags |= HH_FAILS;
    if (stream_uniform(m->rng[P_SWITCHING]) < sc->rounds.return_prob)
        h->flags |= HH_RETURNS;
    double p = offer_accept_probability(sc, h->saving, is_paper(h), h->flags & HH_VULNERABLE);
    double e = stream_exponential(m->rng[P_DECISIONS], 1.0);
    double wait = offer_accept_delay(sc, p, e, is_paper(h) ? 0.0 : delay);
    if (m->trace) {
        char detail[96];
        snprintf(detail, sizeof detail, "saving %.2f, p %.3f%s", h->saving, p,
                 k ? ", runner-up" : "");
        trace(m, t, "offer", i, is_paper(h), detail);
    }
    /* Every draw above is made for every offer, so the streams stay aligned whoever saves. */
    if (!(h->saving > 0)) {
        (*metric(m, round, M_NO_SAVING))++;
        trace(m, t, "no_saving", i, is_paper(h), "its current deal costs no more than the offer");
        return model_finish(m, i, h, r, ST_NO_SAVING, receipt + sc->offers.window_days);
    }
    if (wait < 0) {
        (*metric(m, round, M_DECLINED))++;
        trace(m, t, "decline", i, is_paper(h), "lets the acceptance window pass");
        return model_finish(m, i, h, r, ST_DECLINED, receipt + sc->offers.window_days);
    }
    set_state(m, i, ST_OFFERED);
    if ((r = model_record_keep(m, i, h, r)) == NO_RECORD)
        return -1;
    m->rec[r].round = (uint16_t)round;
    /* The acceptance is counted now, on the day it will come: the counts are read only at
     * the end. Its event, in its place in time, then just passes the household on, told
     * by the item whether it will cancel, without reaching the record (but to trace it). */
    double accepted = receipt + wait;
    (*metric(m, round, M_ACCEPTED))++;
    count_daily(m, accepted, DAILY_ACCEPTED_ONLINE, h);
    assert(r < ACCEPT_CANCELS);
    uint32_t tag = r | (h->flags & HH_CANCELS ? ACCEPT_CANCELS : 0);
    return eventline_push(&m->lines[LINE_ACCEPT], m->cal, accepted, i, tag,
                          false); /* sorted after the offers */
}

/* Orders drawn households by number (qsort). */
static int by_household(const void *a, const void *b)
{
    uint32_t x = ((const struct held *)a)->hh, y = ((const struct held *)b)->hh;
    return (x > y) - (x < y);
}

int model_on_auction(struct model *m, int round, double t)
{
    assert(round == m->next_auction);
    *metric(m, round, M_PAPER_LATE) = (double)m->paper_pending;
    if (run_auctions(m, round, t))
        return -1;
    m->next_auction = round + 1;
    /* Every household entered since the last auction gets its offer, in the order of their
     * numbers: first those drawn already (registering again, or drawn while their forms
     * were on their way), all numbered below those not drawn yet. */
    if (m->n_entered > 1)
        qsort(m->entered, m->n_entered, sizeof *m->entered, by_household);
    for (size_t k = 0; k < m->n_entered; k++) {
        uint32_t r = m->entered[k].record;
        if (make_offer(m, m->rec[r].hh, &m->rec[r].h, r, round, t))
            return -1;
    }
    m->n_entered = 0;
    /* The waiting taken since the last auction go (in one sweep; the rest stay in order). */
    if (m->waiting_taken) {
        size_t kept = 0;
        for (size_t k = 0; k < m->n_waiting; k++)
            if (m->waiting[k].record != NO_RECORD)
                m->waiting[kept++] = m->waiting[k];
        m->n_waiting = kept;
        m->waiting_taken = 0;
    }
    /* Then the households that registered since the last auction are drawn, in the order
     * they registered: entered ones get their offers; those whose forms are on their way
     * wait, drawn, for the next auction (when there is none, they will be late). */
    bool later = round + 1 < m->sc->scenario.rounds;
    size_t n = m->n_hh;
    struct household h, next;
    if (m->drawn < n)
        household_draw(m->setup->households, m->sc, m->rng[P_HOUSEHOLDS], &next);
    for (; m->drawn < n; m->drawn++) {
        uint32_t i = (uint32_t)m->drawn;
        h = next;
        /* The next household is drawn before this one's offer is made, so that the CPU can
         * work on both at once (the draws of an offer hang one on another). */
        if (m->drawn + 1 < n)
            household_draw(m->setup->households, m->sc, m->rng[P_HOUSEHOLDS], &next);
        uint8_t hs = m->hs[i];
        if (hs & HS_PAPER)
            h.flags |= HH_PAPER;
        if ((hs & HS_STATE) == ST_ENTERED) {
            if (make_offer(m, i, &h, NO_RECORD, round, t))
                return -1;
        } else if (later) {
            assert((hs & HS_STATE) == ST_PAPER);
            uint32_t r = model_record_keep(m, i, &h, NO_RECORD);
            if (r == NO_RECORD ||
                model_hold(&m->waiting, &m->n_waiting, &m->cap_waiting, (struct held){i, r}))
                return -1;
        }
    }
    if (eventline_sort(&m->lines[LINE_ACCEPT], m->cal))
        return -1;
    if (round + 1 < m->sc->scenario.rounds)
        return schedule(m, (round + 1) * m->sc->scenario.interval_days, EV_ROUND_START,
                        (uint32_t)round + 1);
    return 0;
}

int model_on_accept(struct model *m, uint32_t i, uint32_t tag, double t)
{
    uint32_t r = tag & ~ACCEPT_CANCELS;
    if (m->trace)
        trace(m, t, "accept", i, is_paper(&m->rec[r].h), "");
    /* Only a household that cancels has anything happen when its cooling off ends: the
     * others join the line of transfers now, due when they would have joined it then plus
     * the transfer's days (the same sum, so the same time to the last bit), and their
     * records are not reached a time more in between. */
    double cooled = t + m->sc->switching.cooling_off_days;
    if (tag & ACCEPT_CANCELS)
        return eventline_push(&m->lines[LINE_COOLED], m->cal, cooled, i, r, true);
    return eventline_push(&m->lines[LINE_TRANSFERRED], m->cal,
                          cooled + m->sc->switching.transfer_days, i, r, true);
}

int model_on_cooled(struct model *m, uint32_t r, double t)
{
    struct household *h = &m->rec[r].h;
    uint32_t i = m->rec[r].hh;
    assert(h->flags & HH_CANCELS); /* (no other household waits in this line) */
    (*metric(m, m->rec[r].round, M_CANCELLED))++;
    trace(m, t, "cancel", i, is_paper(h), "");
    return model_finish(m, i, h, r, ST_CANCELLED, t);
}

int model_on_transferred(struct model *m, uint32_t r, double t)
{
    const struct scenario *sc = m->sc;
    struct household *h = &m->rec[r].h;
    uint32_t i = m->rec[r].hh;
    int round = m->rec[r].round;
    if (h->flags & HH_FAILS) {
        (*metric(m, round, M_FAILED))++;
        trace(m, t, "transfer_failed", i, is_paper(h), "");
        return model_finish(m, i, h, r, ST_FAILED, t);
    }
    (*metric(m, round, M_SWITCHED))++;
    (*metric(m, round, is_paper(h) ? M_SWITCHED_PAPER : M_SWITCHED_ONLINE))++;
    (*metric(m, round, M_SAVING_TOTAL)) += h->saving;
    count_daily(m, t, DAILY_SWITCHED_ONLINE, h);
    count_day(m, t, DAY_SWITCHED);
    struct model_totals *tot = m->totals;
    double bin = (double)h->saving / sc->output.savings_bin;
    size_t slot = h->saving < 0 ? 0 : bin >= (double)tot->bins ? tot->bins + 1 : (size_t)bin + 1;
    tot->hist[slot]++;
    if (m->trace) {
        char detail[48];
        snprintf(detail, sizeof detail, "saving %.2f", h->saving);
        trace(m, t, "switched", i, is_paper(h), detail);
    }
    /* When the fixed term ends, a switcher may come back to the next round after it: it
     * keeps its record. */
    double next = floor((t + sc->rounds.fixed_term_days) / sc->scenario.interval_days) + 1;
    bool returns = (h->flags & HH_RETURNS) && next < sc->scenario.rounds;
    if (model_finish(m, i, h, returns ? NO_RECORD : r, ST_SWITCHED, t))
        return -1;
    if (!returns)
        return 0;
    double when = stream_uniform(m->rng[P_ROUNDS]);
    return schedule(m, next * sc->scenario.interval_days + when * sc->registration.window_days,
                    EV_REGISTER, r);
}
