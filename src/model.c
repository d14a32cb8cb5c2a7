/* model.c - one replication of collective switching, round after round, on the calendar. */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <csv.h>
#include <gsl/gsl_randist.h>

#include "auction.h"
#include "calendar.h"
#include "eventline.h"
#include "households.h"
#include "market.h"
#include "memory.h"
#include "switchsim/model.h"
#include "offers.h"
#include "stream.h"

/* The model's random streams: one purpose each, so changing one part of a scenario leaves
 * the other parts' draws alone. */
enum purpose {
    P_ARRIVALS,   /* registration times */
    P_CHANNEL,    /* online or paper */
    P_HOUSEHOLDS, /* household attributes */
    P_PAPER,      /* postal delays, data entry */
    P_BIDS,       /* participation and private costs */
    P_OFFERS,     /* offer delivery */
    P_DECISIONS,  /* acceptance */
    P_SWITCHING,  /* cancellation and transfer failure */
    P_ROUNDS,     /* registering again, returning */
    P_COUNT,
    P_PARAMETERS = P_COUNT, /* the replication's draw of uncertain parameters (not the model's) */
    P_FORECAST,             /* a live forecast's draw of round 1's registration rates */
    P_REPLAY,               /* when within its day each observed sign-up happened */
};

enum event_kind {
    EV_ROUND_START, /* subject: round */
    EV_ARRIVAL,     /* a new household registers; subject: round */
    EV_REGISTER,    /* a known household registers again */
    EV_FORM_ARRIVES,
    EV_ENTRY_DONE,
    EV_AUCTION, /* subject: round */
    EV_ACCEPT,
    EV_COOLED,
    EV_TRANSFERRED,
    EV_LINE,         /* the head of a line comes due; subject: line */
    EV_KNOWN_ONLINE, /* a live forecast's observed online registration */
    EV_KNOWN_FORM,   /* a live forecast's observed paper form, received */
};

/* Events after a fixed delay (cooling off, transfer), and the acceptances an auction's
 * offers bring (one batch, sorted once), wait in event lines, not the heap (eventline.h). */
enum line_id { LINE_ACCEPT, LINE_COOLED, LINE_TRANSFERRED, LINE_COUNT };

static const enum event_kind line_kind[LINE_COUNT] = {EV_ACCEPT, EV_COOLED, EV_TRANSFERRED};

/* A household's place in its current registration. Final states come last. */
enum state {
    ST_NEW,
    ST_POST,      /* form in the post */
    ST_QUEUE,     /* form waiting for, or in, data entry */
    ST_ENTERED,   /* registered, waiting for the auction */
    ST_ACCEPTING, /* offered; will accept at its accept event */
    ST_COOLING,
    ST_TRANSFER,
    ST_SWITCHED, /* finals from here */
    ST_DECLINED,
    ST_CANCELLED,
    ST_FAILED,
    ST_LATE,
    ST_NO_OFFER,
    ST_NO_SAVING,
};

struct model {
    const struct model_setup *setup;
    const struct scenario *sc;
    struct calendar *cal;
    gsl_rng *rng[P_COUNT];
    gsl_rng *replay; /* a live forecast's: P_REPLAY */
    struct replication *out;
    struct model_totals *totals;
    FILE *trace;

    struct household *hh;
    size_t n_hh, cap_hh;

    /* the registration process of the current round */
    double arr_s, arr_expected;
    size_t arr_day;

    /* the paper path */
    uint32_t *queue; /* FIFO ring of forms waiting for a clerk */
    size_t q_head, q_len, q_cap;
    int busy;
    uint64_t paper_pending; /* forms in the post or the queue */

    struct eventline lines[LINE_COUNT];

    int next_auction;           /* round whose auction comes next; rounds when all are done */
    uint64_t started, finished; /* registrations begun and ended in a final state */
    double winner_capacity_left[PAY_COUNT][2];
    int lot_offer[PAY_COUNT][2]; /* supplier rows offering: winner, runner-up */
    double lot_factor[PAY_COUNT][2];
    bool lot_failed[PAY_COUNT];
};

static double *metric(struct model *m, int round, enum metric k)
{
    return &m->out->metrics[(size_t)round * M_COUNT + k];
}

static bool is_paper(const struct household *h)
{
    return h->flags & HH_PAPER;
}

static void trace_write(struct model *m, double t, const char *event, long subject, int channel,
                        const char *detail)
{
    fprintf(m->trace, "%.6f,%s,", t, event);
    if (subject >= 0)
        fprintf(m->trace, "%ld", subject);
    fprintf(m->trace, ",%s,", channel < 0 ? "" : channel ? "paper" : "online");
    if (*detail)
        csv_fwrite(m->trace, detail, strlen(detail));
    fputc('\n', m->trace);
}

/* Writes an event to the trace, if there is one (inline: most runs have none). */
static inline void trace(struct model *m, double t, const char *event, long subject, int channel,
                         const char *detail)
{
    if (m->trace)
        trace_write(m, t, event, subject, channel, detail);
}

static void count_daily(struct model *m, double t, enum daily_column online_column,
                        const struct household *h)
{
    size_t day = (size_t)t;
    assert(day < m->totals->days);
    m->totals->daily[day * DAILY_COUNT + online_column + (is_paper(h) ? 1 : 0)]++;
}

/* A replication's own day counts, kept for fan charts and backtests. */
static void count_day(struct model *m, double t, enum day_column c)
{
    size_t day = (size_t)t;
    if (m->out->days && day < m->totals->days)
        m->out->days[day * DAY_COUNT + c]++;
}

/* Times are sums like round * interval + day, which rounding may put an ulp before now
 * (auction.day = interval_days): such a time is now. */
static int schedule(struct model *m, double t, enum event_kind kind, uint32_t subject)
{
    double now = calendar_now(m->cal);
    assert(t >= now - 1e-9 * fmax(1.0, fabs(now)));
    return calendar_schedule(m->cal, fmax(t, now), kind, subject, NULL);
}

/* The array `items` (of elements of `size` bytes, *cap of them) with twice the room, or
 * `first` elements when it has none; *cap is updated. Returns NULL, with the array and *cap
 * unchanged, when out of memory. */
static void *grow_array(void *items, size_t *cap, size_t size, size_t first)
{
    size_t n = *cap ? *cap * 2 : first;
    void *p = realloc(items, n * size);
    if (p)
        *cap = n;
    return p;
}

static int line_push(struct model *m, enum line_id id, double t, uint32_t i, bool arm)
{
    return eventline_push(&m->lines[id], m->cal, t, i, arm);
}

/* Ends a registration; a household that did not switch may register again next round. */
static int finish(struct model *m, uint32_t i, enum state final, double t)
{
    struct household *h = &m->hh[i];
    assert(h->state < ST_SWITCHED && final >= ST_SWITCHED);
    h->state = (uint8_t) final;
    m->finished++;
    if (final == ST_SWITCHED || final == ST_LATE)
        return 0;
    const struct scenario *sc = m->sc;
    double u = stream_uniform(m->rng[P_ROUNDS]);
    double when = stream_uniform(m->rng[P_ROUNDS]);
    double next = floor(t / sc->scenario.interval_days) + 1; /* no int: it may be huge */
    if (u < sc->rounds.reregister_prob && next < sc->scenario.rounds)
        return schedule(m, next * sc->scenario.interval_days + when * sc->registration.window_days,
                        EV_REGISTER, i);
    return 0;
}

/* A registration counts for the round whose auction comes next, or is late after the last. */
static int enter(struct model *m, uint32_t i, double t)
{
    struct household *h = &m->hh[i];
    if (m->next_auction >= m->sc->scenario.rounds) {
        trace(m, t, "late", i, is_paper(h), "");
        return finish(m, i, ST_LATE, t);
    }
    h->state = ST_ENTERED;
    h->round = (uint16_t)m->next_auction;
    (*metric(m, h->round, M_REGISTERED))++;
    (*metric(m, h->round, is_paper(h) ? M_REGISTERED_PAPER : M_REGISTERED_ONLINE))++;
    count_daily(m, t, DAILY_REGISTERED_ONLINE, h);
    trace(m, t, "registered", i, is_paper(h), "");
    return 0;
}

static int start_entry(struct model *m, uint32_t i, double t)
{
    m->busy++;
    double rate = m->sc->paper.forms_per_clerk_day;
    return schedule(m, t + stream_exponential(m->rng[P_PAPER], 1.0 / rate), EV_ENTRY_DONE, i);
}

static double postal_delay(struct model *m)
{
    const struct scenario *sc = m->sc;
    return stream_flat(m->rng[P_PAPER], sc->paper.postal_delay_min, sc->paper.postal_delay_max);
}

/* A household begins a registration: online it counts at once, paper goes in the post for
 * `delay` days (drawn here when negative). */
static int begin_registration_after(struct model *m, uint32_t i, double t, double delay)
{
    struct household *h = &m->hh[i];
    m->started++;
    if (!is_paper(h)) {
        count_day(m, t, DAY_ONLINE);
        return enter(m, i, t);
    }
    h->state = ST_POST;
    m->paper_pending++;
    if (delay < 0)
        delay = postal_delay(m);
    trace(m, t, "form_sent", i, 1, "");
    return schedule(m, t + delay, EV_FORM_ARRIVES, i);
}

static int begin_registration(struct model *m, uint32_t i, double t)
{
    return begin_registration_after(m, i, t, -1);
}

static int grow_households(struct model *m)
{
    if (m->n_hh < m->cap_hh)
        return 0;
    if (m->cap_hh >= UINT32_MAX / 2) /* households are numbered in 32 bits */
        return -1;
    size_t cap = m->cap_hh ? m->cap_hh * 2 : 1024;
    struct household *hh = memory_grow(m->hh, m->cap_hh * sizeof *hh, cap * sizeof *hh);
    if (!hh)
        return -1;
    m->hh = hh;
    m->cap_hh = cap;
    return 0;
}

/* Time of the arrival at cumulative expected count s in a round's window: the inverse of
 * the profile's cumulative intensity, walking forward day by day. */
static double arrival_time(struct model *m, double s)
{
    const struct scenario *sc = m->sc;
    double y = s / m->arr_expected, window = sc->registration.window_days;
    const double *w = sc->profile;
    while (m->arr_day + 1 < sc->n_profile && y >= m->setup->profile_cdf[m->arr_day + 1])
        m->arr_day++;
    size_t d = m->arr_day;
    double within = w[d] > 0 ? (y - m->setup->profile_cdf[d]) / w[d] : 0;
    double length = fmin(1.0, window - (double)d);
    return (double)d + fmin(fmax(within, 0.0), 1.0) * length;
}

static int next_arrival(struct model *m, int round)
{
    m->arr_s += stream_exponential(m->rng[P_ARRIVALS], 1.0);
    if (m->arr_s >= m->arr_expected)
        return 0;
    double t = round * m->sc->scenario.interval_days + arrival_time(m, m->arr_s);
    return schedule(m, t, EV_ARRIVAL, (uint32_t)round);
}

/* The days of round 1 a live forecast has observed: 0 when there is no forecast. */
static int observed_days(const struct model *m, int round)
{
    return round == 0 && m->setup->observed ? m->setup->observed->days : 0;
}

/* A live forecast's observed sign-ups, each at a random time within its day: online
 * registrations as they were made, paper forms as they were received. */
static int replay_observed(struct model *m)
{
    const struct model_observed *o = m->setup->observed;
    for (int d = 0; d < o->days; d++) {
        for (uint32_t k = 0; k < o->online[d]; k++)
            if (schedule(m, d + gsl_rng_uniform(m->replay), EV_KNOWN_ONLINE, 0))
                return -1;
        for (uint32_t k = 0; k < o->paper[d]; k++)
            if (schedule(m, d + gsl_rng_uniform(m->replay), EV_KNOWN_FORM, 0))
                return -1;
    }
    return 0;
}

static int on_round_start(struct model *m, int round)
{
    const struct scenario *sc = m->sc;
    m->arr_s = 0;
    m->arr_day = 0;
    m->arr_expected = sc->registration.expected * sc->round_rows[round].registration_index;
    double t = calendar_now(m->cal);
    trace(m, t, "round_start", -1, -1, "");
    if (schedule(m, round * sc->scenario.interval_days + sc->auction.day, EV_AUCTION,
                 (uint32_t)round))
        return -1;
    if (observed_days(m, round) && replay_observed(m))
        return -1;
    return m->arr_expected > 0 ? next_arrival(m, round) : 0;
}

/* A new household of the sign-up process, created at t. */
static uint32_t new_household(struct model *m, bool paper)
{
    uint32_t i = (uint32_t)m->n_hh++;
    struct household *h = &m->hh[i];
    household_draw(m->setup->households, m->sc, m->rng[P_HOUSEHOLDS], h);
    if (paper)
        h->flags |= HH_PAPER;
    h->state = ST_NEW;
    h->round = 0;
    return i;
}

/* An arrival of round 1 in a live forecast: the sign-ups already observed are replayed, so
 * only those not seen yet count, an independent thinning of the same process: an online one
 * made after the last observed day, a paper form still in the post then. */
static int on_arrival_unobserved(struct model *m, int round, double t)
{
    int days = observed_days(m, round);
    bool paper = gsl_rng_uniform(m->rng[P_CHANNEL]) < m->sc->registration.paper_share;
    double delay = paper ? postal_delay(m) : -1;
    if (t + (paper ? delay : 0) >= days) {
        if (grow_households(m))
            return -1;
        if (begin_registration_after(m, new_household(m, paper), t, delay))
            return -1;
    }
    return next_arrival(m, round);
}

static int on_known_online(struct model *m, double t)
{
    if (grow_households(m))
        return -1;
    return begin_registration(m, new_household(m, false), t);
}

static int on_form_arrives(struct model *m, uint32_t i, double t);

static int on_known_form(struct model *m, double t)
{
    if (grow_households(m))
        return -1;
    uint32_t i = new_household(m, true);
    m->started++;
    m->paper_pending++;
    m->hh[i].state = ST_POST;
    return on_form_arrives(m, i, t);
}

static int on_arrival(struct model *m, int round, double t)
{
    if (observed_days(m, round))
        return on_arrival_unobserved(m, round, t);
    if (grow_households(m))
        return -1;
    uint32_t i = (uint32_t)m->n_hh++;
    struct household *h = &m->hh[i];
    household_draw(m->setup->households, m->sc, m->rng[P_HOUSEHOLDS], h);
    if (stream_uniform(m->rng[P_CHANNEL]) < m->sc->registration.paper_share)
        h->flags |= HH_PAPER;
    h->state = ST_NEW;
    h->round = 0;
    if (begin_registration(m, i, t))
        return -1;
    return next_arrival(m, round);
}

static int on_register_again(struct model *m, uint32_t i, double t)
{
    struct household *h = &m->hh[i];
    double u = stream_uniform(m->rng[P_ROUNDS]);
    /* A returning switcher's fixed term has ended: it is on a market tariff again. */
    if (h->state == ST_SWITCHED)
        h->market_row = household_market_row(m->setup->households, h->payment, u);
    h->state = ST_NEW;
    return begin_registration(m, i, t);
}

static int on_form_arrives(struct model *m, uint32_t i, double t)
{
    m->hh[i].state = ST_QUEUE;
    count_day(m, t, DAY_PAPER_RECEIVED);
    trace(m, t, "form_arrives", i, 1, "");
    if (m->busy < m->sc->paper.clerks)
        return start_entry(m, i, t);
    if (m->q_len == m->q_cap) {
        size_t cap = m->q_cap ? m->q_cap * 2 : 256;
        uint32_t *q = malloc(cap * sizeof *q);
        if (!q)
            return -1;
        for (size_t k = 0; k < m->q_len; k++)
            q[k] = m->queue[(m->q_head + k) % m->q_cap];
        free(m->queue);
        m->queue = q;
        m->q_cap = cap;
        m->q_head = 0;
    }
    m->queue[(m->q_head + m->q_len++) % m->q_cap] = i;
    return 0;
}

static int on_entry_done(struct model *m, uint32_t i, double t)
{
    m->busy--;
    m->paper_pending--;
    if (m->q_len > 0) {
        uint32_t next = m->queue[m->q_head];
        m->q_head = (m->q_head + 1) % m->q_cap;
        m->q_len--;
        if (start_entry(m, next, t))
            return -1;
    }
    return enter(m, i, t);
}

static int record_bid(struct model *m, const struct bid_record *b)
{
    struct replication *r = m->out;
    if (r->n_bids == r->cap_bids) {
        struct bid_record *bids = grow_array(r->bids, &r->cap_bids, sizeof *bids, 64);
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

/* Makes household i its personal offer and draws its answer. */
static int make_offer(struct model *m, uint32_t i, int round, double t)
{
    const struct scenario *sc = m->sc;
    struct household *h = &m->hh[i];
    int lot = h->payment, k = 0;
    while (k < 2 && (m->lot_offer[lot][k] < 0 || m->winner_capacity_left[lot][k] < 1))
        k++;
    if (m->lot_failed[lot] || k == 2) {
        (*metric(m, round, M_NO_OFFER))++;
        trace(m, t, "no_offer", i, is_paper(h), m->lot_failed[lot] ? "lot failed" : "capacity");
        return finish(m, i, ST_NO_OFFER, t);
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
        h->payment == PAY_PREPAYMENT ? sc->switching.fail_prob_prepayment : sc->switching.fail_prob;
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
        return finish(m, i, ST_NO_SAVING, receipt + sc->offers.window_days);
    }
    if (wait < 0) {
        (*metric(m, round, M_DECLINED))++;
        trace(m, t, "decline", i, is_paper(h), "lets the acceptance window pass");
        return finish(m, i, ST_DECLINED, receipt + sc->offers.window_days);
    }
    h->state = ST_ACCEPTING;
    return line_push(m, LINE_ACCEPT, receipt + wait, i, false); /* sorted after the offers */
}

static int on_auction(struct model *m, int round, double t)
{
    assert(round == m->next_auction);
    *metric(m, round, M_PAPER_LATE) = (double)m->paper_pending;
    if (run_auctions(m, round, t))
        return -1;
    m->next_auction = round + 1;
    for (size_t i = 0; i < m->n_hh; i++) {
        if (m->hh[i].state != ST_ENTERED)
            continue;
        assert(m->hh[i].round == round);
        if (make_offer(m, (uint32_t)i, round, t))
            return -1;
    }
    if (eventline_sort(&m->lines[LINE_ACCEPT], m->cal))
        return -1;
    if (round + 1 < m->sc->scenario.rounds)
        return schedule(m, (round + 1) * m->sc->scenario.interval_days, EV_ROUND_START,
                        (uint32_t)round + 1);
    return 0;
}

static int on_accept(struct model *m, uint32_t i, double t)
{
    struct household *h = &m->hh[i];
    h->state = ST_COOLING;
    (*metric(m, h->round, M_ACCEPTED))++;
    count_daily(m, t, DAILY_ACCEPTED_ONLINE, h);
    trace(m, t, "accept", i, is_paper(h), "");
    return line_push(m, LINE_COOLED, t + m->sc->switching.cooling_off_days, i, true);
}

static int on_cooled(struct model *m, uint32_t i, double t)
{
    struct household *h = &m->hh[i];
    if (h->flags & HH_CANCELS) {
        (*metric(m, h->round, M_CANCELLED))++;
        trace(m, t, "cancel", i, is_paper(h), "");
        return finish(m, i, ST_CANCELLED, t);
    }
    h->state = ST_TRANSFER;
    return line_push(m, LINE_TRANSFERRED, t + m->sc->switching.transfer_days, i, true);
}

static int on_transferred(struct model *m, uint32_t i, double t)
{
    const struct scenario *sc = m->sc;
    struct household *h = &m->hh[i];
    if (h->flags & HH_FAILS) {
        (*metric(m, h->round, M_FAILED))++;
        trace(m, t, "transfer_failed", i, is_paper(h), "");
        return finish(m, i, ST_FAILED, t);
    }
    (*metric(m, h->round, M_SWITCHED))++;
    (*metric(m, h->round, is_paper(h) ? M_SWITCHED_PAPER : M_SWITCHED_ONLINE))++;
    (*metric(m, h->round, M_SAVING_TOTAL)) += h->saving;
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
    if (finish(m, i, ST_SWITCHED, t))
        return -1;
    /* When the fixed term ends, a switcher may come back to the next round after it. */
    double next = floor((t + sc->rounds.fixed_term_days) / sc->scenario.interval_days) + 1;
    if (!(h->flags & HH_RETURNS) || next >= sc->scenario.rounds)
        return 0;
    double when = stream_uniform(m->rng[P_ROUNDS]);
    return schedule(m, next * sc->scenario.interval_days + when * sc->registration.window_days,
                    EV_REGISTER, i);
    return 0;
}

/* Lines reach their households in time order, which is no order in memory: the household
 * of an item a few places ahead is fetched into the cache while the ones before it are
 * handled. (A macro: GCC takes a function that does nothing but prefetch for one without
 * effect, and drops its calls.) */
#define PREFETCH_AHEAD 32
#if defined(__GNUC__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static int dispatch(struct model *m, const struct calendar_event *ev)
{
    double t = ev->time;
    uint32_t s = ev->subject;
    switch ((enum event_kind)ev->kind) {
    case EV_ROUND_START: return on_round_start(m, (int)s);
    case EV_ARRIVAL: return on_arrival(m, (int)s, t);
    case EV_REGISTER: return on_register_again(m, s, t);
    case EV_FORM_ARRIVES: return on_form_arrives(m, s, t);
    case EV_ENTRY_DONE: return on_entry_done(m, s, t);
    case EV_AUCTION: return on_auction(m, (int)s, t);
    case EV_ACCEPT: return on_accept(m, s, t);
    case EV_COOLED: return on_cooled(m, s, t);
    case EV_TRANSFERRED: return on_transferred(m, s, t);
    case EV_KNOWN_ONLINE: return on_known_online(m, t);
    case EV_KNOWN_FORM: return on_known_form(m, t);
    case EV_LINE: {
        struct eventline_item item;
        if (eventline_pop(&m->lines[s], m->cal, &item))
            return -1;
        uint32_t ahead;
        if (eventline_peek(&m->lines[s], PREFETCH_AHEAD, &ahead)) {
            PREFETCH(&m->hh[ahead]);
            PREFETCH((const char *)&m->hh[ahead] + sizeof *m->hh - 1); /* may be 2 lines */
        }
        struct calendar_event due = {item.time, line_kind[s], item.subject};
        return dispatch(m, &due);
    }
    }
    assert(!"unknown event");
    return -1;
}

/* Derived metrics, once every registration has ended. */
static void finish_metrics(struct model *m)
{
    for (int r = 0; r < m->sc->scenario.rounds; r++) {
        double *x = metric(m, r, 0);
        metric_derive(x);
        /* Every registration counted for a round ended in exactly one final state. */
        assert(x[M_REGISTERED] == x[M_SWITCHED] + x[M_DECLINED] + x[M_CANCELLED] + x[M_FAILED] +
                                      x[M_NO_OFFER] + x[M_NO_SAVING]);
        assert(x[M_OFFERS] == x[M_ACCEPTED] + x[M_DECLINED] + x[M_NO_SAVING]);
        assert(x[M_ACCEPTED] == x[M_SWITCHED] + x[M_CANCELLED] + x[M_FAILED]);
    }
}

static void model_free(struct model *m)
{
    calendar_destroy(m->cal);
    for (int p = 0; p < P_COUNT; p++)
        gsl_rng_free(m->rng[p]);
    gsl_rng_free(m->replay);
    memory_free(m->hh, m->cap_hh * sizeof *m->hh);
    free(m->queue);
    for (int k = 0; k < LINE_COUNT; k++)
        eventline_cleanup(&m->lines[k]);
}

/* Draws the uncertain parameters of base (base->n_params > 0) into *sc, a copy of base:
 * x = estimate + L z with z standard normal from r, redrawn until within every parameter's
 * bounds (a thousand tries; then clamped), so the draws follow the truncated multivariate
 * normal. Writes them to trace unless it is NULL. */
static void draw_parameters(const struct scenario *base, gsl_rng *r, struct scenario *sc,
                            FILE *trace_file)
{
    size_t n = base->n_params;
    double z[64], x[64];
    bool inside = false;
    for (int attempt = 0; attempt < 1000 && !inside; attempt++) {
        for (size_t i = 0; i < n; i++)
            z[i] = gsl_ran_gaussian_ziggurat(r, 1.0);
        inside = true;
        for (size_t i = 0; i < n; i++) {
            const struct scenario_param *p = &base->params[i];
            x[i] = p->estimate;
            for (size_t j = 0; j <= i; j++)
                x[i] += base->param_chol[i * n + j] * z[j];
            inside &= x[i] >= p->lower && x[i] <= p->upper;
        }
    }
    for (size_t i = 0; i < n; i++) {
        const struct scenario_param *p = &base->params[i];
        char why[160];
        x[i] = fmin(fmax(x[i], p->lower), p->upper);
        int bad = scenario_set_number(sc, p->key, x[i], why, sizeof why);
        assert(!bad); /* the loader checked the bounds against the key's range */
        (void)bad;
        if (trace_file)
            fprintf(trace_file, "0.000000,parameter,,,%s=%.10g\n", p->key, x[i]);
    }
}

static int run_drawn(const struct model_setup *setup, uint64_t seed, uint32_t index,
                     struct replication *out, struct model_totals *totals, FILE *trace_file,
                     struct error *err);

int model_run(const struct model_setup *setup, uint64_t seed, uint32_t index,
              struct replication *out, struct model_totals *totals, FILE *trace_file,
              struct error *err)
{
    if (trace_file)
        fputs("time,event,household,channel,detail\n", trace_file);
    if (setup->sc->n_params == 0 && !setup->observed)
        return run_drawn(setup, seed, index, out, totals, trace_file, err);
    /* This replication's parameters, on their own streams: the model's draws stay the same. */
    struct scenario drawn = *setup->sc;
    if (setup->sc->n_params) {
        gsl_rng *r = stream_create(seed, index, P_PARAMETERS);
        if (!r)
            return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        draw_parameters(setup->sc, r, &drawn, trace_file);
        gsl_rng_free(r);
    }
    if (setup->observed) {
        /* a live forecast: round 1's online and paper rates from their posteriors */
        const struct model_observed *o = setup->observed;
        gsl_rng *r = stream_create(seed, index, P_FORECAST);
        if (!r)
            return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        double online =
            o->online_shape > 0 ? gsl_ran_gamma(r, o->online_shape, 1 / o->online_rate) : 0;
        double paper = o->paper_shape > 0 ? gsl_ran_gamma(r, o->paper_shape, 1 / o->paper_rate) : 0;
        gsl_rng_free(r);
        double index1 = drawn.round_rows[0].registration_index;
        drawn.registration.expected = (online + paper) / index1;
        if (online + paper > 0)
            drawn.registration.paper_share = paper / (online + paper);
        if (trace_file)
            fprintf(trace_file, "0.000000,forecast,,,expected=%.10g paper_share=%.10g\n",
                    drawn.registration.expected, drawn.registration.paper_share);
    }
    struct model_setup local;
    if (model_setup_init(&local, &drawn, err))
        return -1;
    local.observed = setup->observed;
    local.keep_days = setup->keep_days;
    assert(local.horizon == setup->horizon); /* fitted keys change no day of the model */
    int rc = run_drawn(&local, seed, index, out, totals, trace_file, err);
    model_setup_cleanup(&local);
    return rc;
}

/* model_run for a scenario whose parameters are set. */
static int run_drawn(const struct model_setup *setup, uint64_t seed, uint32_t index,
                     struct replication *out, struct model_totals *totals, FILE *trace_file,
                     struct error *err)
{
    const struct scenario *sc = setup->sc;
    struct model m = {.setup = setup, .sc = sc, .out = out, .totals = totals, .trace = trace_file};
    memset(out->metrics, 0, (size_t)sc->scenario.rounds * M_COUNT * sizeof *out->metrics);
    out->n_bids = 0;
    int rc = -1;
    for (int k = 0; k < LINE_COUNT; k++)
        eventline_init(&m.lines[k], EV_LINE, (uint32_t)k);
    m.cal = calendar_create(1024);
    if (!m.cal)
        goto done;
    for (int p = 0; p < P_COUNT; p++)
        if (!(m.rng[p] = stream_create(seed, index, (uint32_t)p)))
            goto done;
    if (setup->observed && !(m.replay = stream_create(seed, index, P_REPLAY)))
        goto done;
    if (out->days)
        memset(out->days, 0, totals->days * DAY_COUNT * sizeof *out->days);
    if (schedule(&m, 0.0, EV_ROUND_START, 0))
        goto done;
    struct calendar_event ev;
    while (calendar_pop(m.cal, &ev))
        if (dispatch(&m, &ev))
            goto done;
    assert(m.started == m.finished);
    for (size_t i = 0; i < m.n_hh; i++)
        assert(m.hh[i].state >= ST_SWITCHED);
    finish_metrics(&m);
    rc = 0;
done:
    if (rc)
        error_set(err, ERROR_SYSTEM, "", 0, "",
                  "out of memory (or over 67 million pending events) in replication %u", index);
    model_free(&m);
    return rc;
}

int model_setup_init(struct model_setup *setup, const struct scenario *sc, struct error *err)
{
    *setup = (struct model_setup){.sc = sc};
    if (!(setup->households = calloc(1, sizeof *setup->households)) ||
        household_model_init(setup->households, sc)) {
        free(setup->households);
        setup->households = NULL;
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    for (int p = 0; p < PAY_COUNT; p++)
        setup->best_row[p] = market_best_row(sc, (enum payment)p);
    assert(setup->best_row[PAY_DIRECT_DEBIT] >= 0); /* the loader makes sure */
    setup->profile_cdf = calloc(sc->n_profile + 1, sizeof *setup->profile_cdf);
    if (!setup->profile_cdf) {
        model_setup_cleanup(setup);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    for (size_t d = 0; d < sc->n_profile; d++)
        setup->profile_cdf[d + 1] = setup->profile_cdf[d] + sc->profile[d];
    setup->horizon = scenario_horizon_days(sc);
    return 0;
}

void model_setup_cleanup(struct model_setup *setup)
{
    if (setup->households)
        household_model_cleanup(setup->households);
    free(setup->households);
    setup->households = NULL;
    free(setup->profile_cdf);
    setup->profile_cdf = NULL;
}

int model_totals_init(struct model_totals *t, const struct model_setup *setup)
{
    const struct scenario *sc = setup->sc;
    t->days = (size_t)ceil(setup->horizon);
    t->bins = (size_t)ceil(sc->output.savings_max / sc->output.savings_bin);
    t->daily = calloc(t->days * DAILY_COUNT, sizeof *t->daily);
    t->hist = calloc(t->bins + 2, sizeof *t->hist);
    if (!t->daily || !t->hist) {
        model_totals_cleanup(t);
        return -1;
    }
    return 0;
}

void model_totals_add(struct model_totals *into, const struct model_totals *from)
{
    for (size_t k = 0; k < into->days * DAILY_COUNT; k++)
        into->daily[k] += from->daily[k];
    for (size_t k = 0; k < into->bins + 2; k++)
        into->hist[k] += from->hist[k];
}

void model_totals_cleanup(struct model_totals *t)
{
    free(t->daily);
    free(t->hist);
    t->daily = t->hist = NULL;
}

int model_replication_init(struct replication *rep, const struct model_setup *setup)
{
    *rep = (struct replication){0};
    rep->metrics = calloc((size_t)setup->sc->scenario.rounds * M_COUNT, sizeof *rep->metrics);
    if (rep->metrics && setup->keep_days &&
        !(rep->days = calloc((size_t)ceil(setup->horizon) * DAY_COUNT, sizeof *rep->days))) {
        free(rep->metrics);
        rep->metrics = NULL;
    }
    return rep->metrics ? 0 : -1;
}

void model_replication_cleanup(struct replication *rep)
{
    free(rep->metrics);
    free(rep->bids);
    free(rep->days);
    *rep = (struct replication){0};
}
