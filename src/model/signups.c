/* signups.c - the registration side of a replication: sign-ups arriving by the day's
 * profile, forms in the post and in data entry, registrations counted for the next auction,
 * households registering again in later rounds, and a live forecast's observed sign-ups. */
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "memory.h"
#include "model_int.h"

/* Ends a registration; a household that did not switch may register again next round. */
int model_finish(struct model *m, uint32_t i, enum state final, double t)
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

/* A registration counts for the round whose auction comes next, or is late after the last.
 * The caller says the channel: a form's household is only written here, not read, so its
 * cache line (forms are entered in no order of memory) is not waited for. */
static int enter(struct model *m, uint32_t i, bool paper, double t)
{
    if (m->next_auction >= m->sc->scenario.rounds) {
        trace(m, t, "late", i, paper, "");
        return model_finish(m, i, ST_LATE, t);
    }
    m->hh[i].state = ST_ENTERED;
    (*metric(m, m->next_auction, M_REGISTERED))++;
    (*metric(m, m->next_auction, paper ? M_REGISTERED_PAPER : M_REGISTERED_ONLINE))++;
    count_channel(m, t, DAILY_REGISTERED_ONLINE, paper);
    trace(m, t, "registered", i, paper, "");
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
        return enter(m, i, false, t);
    }
    h->state = ST_PAPER;
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

int model_on_round_start(struct model *m, int round)
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

int model_on_known_online(struct model *m, double t)
{
    if (grow_households(m))
        return -1;
    return begin_registration(m, new_household(m, false), t);
}

int model_on_known_form(struct model *m, double t)
{
    if (grow_households(m))
        return -1;
    uint32_t i = new_household(m, true);
    m->started++;
    m->paper_pending++;
    m->hh[i].state = ST_PAPER;
    return model_on_form_arrives(m, i, t);
}

int model_on_arrival(struct model *m, int round, double t)
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
    if (begin_registration(m, i, t))
        return -1;
    return next_arrival(m, round);
}

int model_on_register_again(struct model *m, uint32_t i, double t)
{
    struct household *h = &m->hh[i];
    double u = stream_uniform(m->rng[P_ROUNDS]);
    /* A returning switcher's fixed term has ended: it is on a market tariff again. */
    if (h->state == ST_SWITCHED)
        h->market_row =
            household_market_row(m->setup->households, household_payment(m->sc, h), u);
    h->state = ST_NEW;
    return begin_registration(m, i, t);
}

/* The form joins the queue for data entry (the household stays ST_PAPER: untouched, as
 * forms arrive in no order of memory). */
int model_on_form_arrives(struct model *m, uint32_t i, double t)
{
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

int model_on_entry_done(struct model *m, uint32_t i, double t)
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
    return enter(m, i, true, t);
}

