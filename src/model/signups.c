/* signups.c - the registration side of a replication: sign-ups arriving by the day's
 * profile, forms in the post and in data entry, registrations counted for the next auction,
 * households registering again in later rounds, and a live forecast's observed sign-ups. */
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "memory.h"
#include "model_int.h"

uint32_t model_record_grow(struct model *m)
{
    assert(m->free_rec == NO_RECORD);
    if (m->n_rec == m->cap_rec) {
        if (m->cap_rec >= WHO_RECORD) /* record numbers fit in 31 bits */
            return NO_RECORD;
        size_t cap = m->cap_rec ? 2 * m->cap_rec : 1024;
        struct record *rec = memory_grow(m->rec, m->cap_rec * sizeof *rec, cap * sizeof *rec);
        if (!rec)
            return NO_RECORD;
        m->rec = rec;
        m->cap_rec = cap;
    }
    m->live_rec++;
    return (uint32_t)m->n_rec++;
}

/* Ends household i's registration. One that did not switch may register again next round:
 * its record goes with it (r, or one made from *h when it has none); otherwise r (or
 * NO_RECORD) is freed. */
int model_finish(struct model *m, uint32_t i, const struct household *h, uint32_t r,
                 enum state final, double t)
{
    uint8_t hs = m->hs[i];
    assert((hs & HS_STATE) < ST_SWITCHED && final >= ST_SWITCHED);
    m->hs[i] = (uint8_t)((hs & HS_PAPER) | final);
    m->finished++;
    if (final == ST_SWITCHED || final == ST_LATE) {
        model_record_free(m, r);
        return 0;
    }
    const struct scenario *sc = m->sc;
    double u = stream_uniform(m->rng[P_ROUNDS]);
    double when = stream_uniform(m->rng[P_ROUNDS]);
    double next = floor(t / sc->scenario.interval_days) + 1; /* no int: it may be huge */
    if (u < sc->rounds.reregister_prob && next < sc->scenario.rounds) {
        assert(h || r != NO_RECORD); /* an offer's end: the household is known */
        if ((r = model_record_keep(m, i, h, r)) == NO_RECORD)
            return -1;
        return schedule(m, next * sc->scenario.interval_days + when * sc->registration.window_days,
                        EV_REGISTER, r);
    }
    model_record_free(m, r);
    return 0;
}

/* The record of household i, drawn at an auction while its form was on its way, taken from
 * the waiting; NO_RECORD if it is not there (then no auction is left for it). Its entry is
 * only marked taken (forms are entered in no order: removing each would move half the list);
 * the next auction sweeps the taken out. */
static uint32_t take_waiting(struct model *m, uint32_t i)
{
    size_t lo = 0, hi = m->n_waiting;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (m->waiting[mid].hh < i)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == m->n_waiting || m->waiting[lo].hh != i)
        return NO_RECORD;
    uint32_t r = m->waiting[lo].record;
    assert(r != NO_RECORD); /* a household's form is entered once */
    m->waiting[lo].record = NO_RECORD;
    m->waiting_taken++;
    return r;
}

/* A registration counts for the round whose auction comes next, or is late after the last.
 * The caller says the channel: a form's household is only written here, not read, so its
 * byte (forms are entered in no order of memory) is not waited for. */
static inline int enter(struct model *m, uint32_t who, bool paper, double t)
{
    uint32_t i = who_household(m, who);
    /* Its record, if it has been drawn: one registering again, or a form drawn while on
     * its way. Households not drawn yet are drawn at the auction. */
    uint32_t r = who & WHO_RECORD ? who & ~WHO_RECORD
                 : i < m->drawn   ? take_waiting(m, i)
                                  : NO_RECORD;
    if (m->next_auction >= m->sc->scenario.rounds) {
        trace(m, t, "late", i, paper, "");
        return model_finish(m, i, NULL, r, ST_LATE, t);
    }
    assert(r != NO_RECORD || i >= m->drawn);
    if (r != NO_RECORD &&
        model_hold(&m->entered, &m->n_entered, &m->cap_entered, (struct held){i, r}))
        return -1;
    m->hs[i] = (uint8_t)(ST_ENTERED | (paper ? HS_PAPER : 0));
    (*metric(m, m->next_auction, M_REGISTERED))++;
    (*metric(m, m->next_auction, paper ? M_REGISTERED_PAPER : M_REGISTERED_ONLINE))++;
    count_channel(m, t, DAILY_REGISTERED_ONLINE, paper);
    trace(m, t, "registered", i, paper, "");
    return 0;
}

static int start_entry(struct model *m, uint32_t who, double t)
{
    m->busy++;
    double rate = m->sc->paper.forms_per_clerk_day;
    return schedule(m, t + stream_exponential(m->rng[P_PAPER], 1.0 / rate), EV_ENTRY_DONE, who);
}

static double postal_delay(struct model *m)
{
    const struct scenario *sc = m->sc;
    return stream_flat(m->rng[P_PAPER], sc->paper.postal_delay_min, sc->paper.postal_delay_max);
}

/* A household begins a registration: online it counts at once, paper goes in the post for
 * `delay` days (drawn here when negative). */
static int begin_registration_after(struct model *m, uint32_t who, double t, double delay)
{
    uint32_t i = who_household(m, who);
    m->started++;
    if (!hh_paper(m, i)) {
        count_day(m, t, DAY_ONLINE);
        return enter(m, who, false, t);
    }
    set_state(m, i, ST_PAPER);
    m->paper_pending++;
    if (delay < 0)
        delay = postal_delay(m);
    trace(m, t, "form_sent", i, 1, "");
    return schedule(m, t + delay, EV_FORM_ARRIVES, who);
}

static int begin_registration(struct model *m, uint32_t who, double t)
{
    return begin_registration_after(m, who, t, -1);
}

static int grow_households(struct model *m)
{
    if (m->n_hh < m->cap_hh)
        return 0;
    if (m->cap_hh >= WHO_RECORD / 2) /* households are numbered in 31 bits */
        return -1;
    size_t cap = m->cap_hh ? m->cap_hh * 2 : 1024;
    uint8_t *hs = memory_grow(m->hs, m->cap_hh * sizeof *hs, cap * sizeof *hs);
    if (!hs)
        return -1;
    m->hs = hs;
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

/* A new household of the sign-up process (grow_households has made room): a number and a
 * channel; what it is, is drawn at its auction. */
static uint32_t new_household(struct model *m, bool paper)
{
    uint32_t i = (uint32_t)m->n_hh++;
    m->hs[i] = (uint8_t)(ST_NEW | (paper ? HS_PAPER : 0));
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
    set_state(m, i, ST_PAPER);
    return model_on_form_arrives(m, i, t);
}

int model_on_arrival(struct model *m, int round, double t)
{
    if (observed_days(m, round))
        return on_arrival_unobserved(m, round, t);
    if (grow_households(m))
        return -1;
    bool paper = stream_uniform(m->rng[P_CHANNEL]) < m->sc->registration.paper_share;
    if (begin_registration(m, new_household(m, paper), t))
        return -1;
    return next_arrival(m, round);
}

int model_on_register_again(struct model *m, uint32_t r, double t)
{
    struct household *h = &m->rec[r].h;
    uint32_t i = m->rec[r].hh;
    double u = stream_uniform(m->rng[P_ROUNDS]);
    /* A returning switcher's fixed term has ended: it is on a market tariff again. */
    if (hh_state(m, i) == ST_SWITCHED)
        h->market_row = household_market_row(m->setup->households, h->payment, u);
    set_state(m, i, ST_NEW);
    return begin_registration(m, r | WHO_RECORD, t);
}

/* The form joins the queue for data entry (the household stays ST_PAPER: untouched, as
 * forms arrive in no order of memory). */
int model_on_form_arrives(struct model *m, uint32_t who, double t)
{
    count_day(m, t, DAY_PAPER_RECEIVED);
    trace(m, t, "form_arrives", who_household(m, who), 1, "");
    if (m->busy < m->sc->paper.clerks)
        return start_entry(m, who, t);
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
    m->queue[(m->q_head + m->q_len++) % m->q_cap] = who;
    return 0;
}

int model_on_entry_done(struct model *m, uint32_t who, double t)
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
    return enter(m, who, true, t);
}
