/* model_int.h - what the parts of the model share: its state, its events and streams, and
 * the small steps every part takes (count, trace, schedule). Private to src/model/.
 *
 * model.c runs a replication (the event loop, parameter draws, setup); signups.c is the
 * registration side (arrivals, the post, data entry, rounds); auction_day.c the auction, the
 * offers and what households do with them. */
#ifndef SWITCHSIM_MODEL_INT_H
#define SWITCHSIM_MODEL_INT_H

#include <assert.h>
#include <math.h>
#include <stdio.h>

#include "calendar.h"
#include "eventline.h"
#include "households.h"
#include "stream.h"
#include "switchsim/model.h"

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
    EV_AUCTION,      /* subject: round */
    EV_LINE,         /* the head of a line comes due; subject: line */
    EV_KNOWN_ONLINE, /* a live forecast's observed online registration */
    EV_KNOWN_FORM,   /* a live forecast's observed paper form, received */
};

/* Events after a fixed delay (the end of cooling off for those who cancel then; the
 * transfer, from acceptance, for the others), and the acceptances an auction's offers bring
 * (one batch, sorted once), wait in event lines, not the heap (eventline.h). An item's
 * subject is the household, its tag the household's record (with ACCEPT_CANCELS, in the
 * accept line). */
enum line_id { LINE_ACCEPT, LINE_COOLED, LINE_TRANSFERRED, LINE_COUNT };

/* A household's place in its current registration. Final states come last. */
enum state {
    ST_NEW,
    ST_PAPER,    /* form in the post, or waiting for or in data entry */
    ST_ENTERED,  /* registered, waiting for the auction */
    ST_OFFERED,  /* will accept at its accept event, then cool off and transfer (or
                  * cancel): where it is on that way, the line holding its item says (so
                  * that the events of a switch, in no order of memory, touch the
                  * household only at its end) */
    ST_SWITCHED, /* finals from here */
    ST_DECLINED,
    ST_CANCELLED,
    ST_FAILED,
    ST_LATE,
    ST_NO_OFFER,
    ST_NO_SAVING,
};

/*
 * Households. The model keeps one byte for every household: its state, and whether it
 * registers on paper (HS_PAPER). What a household is (energy use, tariff, payment method)
 * is drawn when the first auction after its registration comes, households in the order
 * they registered, so each gets the numbers it would have got at registration; and it is
 * kept in a record only while something is still to happen to it: an offer it accepted,
 * a registration to come in a later round, a form still on its way at an auction before
 * the last. A campaign of millions so holds a byte a household, and records for the few
 * households whose switch is under way.
 *
 * Events of the paper path name who they are about: a household's number, or, with
 * WHO_RECORD, the record of a household registering again (households are numbered in 31
 * bits, so the two never meet).
 */
#define HS_PAPER 0x80u
#define HS_STATE 0x7fu
#define WHO_RECORD 0x80000000u
#define ACCEPT_CANCELS 0x80000000u /* in the tag of an item of LINE_ACCEPT, beside the record */
#define NO_RECORD UINT32_MAX

struct record {
    struct household h;
    uint32_t hh;    /* the household's number; the next free record when free */
    uint16_t round; /* of its current offer */
};

/* The arrays a replication leaves its thread's next one (in model_totals): so that they
 * are not given back to the system and asked for again, page by page, each replication. */
struct model_spare {
    uint8_t *hs;
    size_t cap_hh;
    struct record *rec;
    size_t cap_rec;
};

/* A drawn household, by number, and its record. */
struct held {
    uint32_t hh, record;
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

    uint8_t *hs; /* each household's state | HS_PAPER */
    size_t n_hh, cap_hh;
    size_t drawn; /* households [0, drawn) have been drawn (P_HOUSEHOLDS) */
    struct record *rec;
    size_t n_rec, cap_rec; /* records handed out at some time, and room */
    uint32_t free_rec;     /* first free record below n_rec, or NO_RECORD */
    size_t live_rec;       /* records in use */
    struct held *entered;  /* drawn households entered for the next auction */
    size_t n_entered, cap_entered;
    struct held *waiting; /* drawn while their forms were on their way, by number */
    size_t n_waiting, cap_waiting;
    size_t waiting_taken; /* entries of waiting taken since the last auction (record NO_RECORD) */

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

static inline double *metric(struct model *m, int round, enum metric k)
{
    return &m->out->metrics[(size_t)round * M_COUNT + k];
}

static inline bool is_paper(const struct household *h)
{
    return h->flags & HH_PAPER;
}

static inline enum state hh_state(const struct model *m, uint32_t i)
{
    return (enum state)(m->hs[i] & HS_STATE);
}

static inline bool hh_paper(const struct model *m, uint32_t i)
{
    return m->hs[i] & HS_PAPER;
}

static inline void set_state(struct model *m, uint32_t i, enum state s)
{
    m->hs[i] = (uint8_t)((m->hs[i] & HS_PAPER) | s);
}

/* A free record (its contents undefined), or NO_RECORD when out of memory. Records are
 * handed out last freed first, so those in use stay few and close together. */
uint32_t model_record_grow(struct model *m); /* signups.c: the slow path, no record free */

static inline uint32_t model_record_new(struct model *m)
{
    uint32_t r = m->free_rec;
    if (r == NO_RECORD)
        return model_record_grow(m);
    m->free_rec = m->rec[r].hh;
    m->live_rec++;
    return r;
}

static inline void model_record_free(struct model *m, uint32_t r)
{
    if (r == NO_RECORD)
        return;
    m->rec[r].hh = m->free_rec;
    m->free_rec = r;
    m->live_rec--;
}

/* The record of household i: r, or when it has none (r == NO_RECORD) a new one holding *h.
 * NO_RECORD when out of memory. */
static inline uint32_t model_record_keep(struct model *m, uint32_t i, const struct household *h,
                                         uint32_t r)
{
    if (r != NO_RECORD)
        return r;
    r = model_record_new(m);
    if (r != NO_RECORD) {
        m->rec[r].h = *h;
        m->rec[r].hh = i;
    }
    return r;
}

/* The household an event of the paper path is about. */
static inline uint32_t who_household(const struct model *m, uint32_t who)
{
    return who & WHO_RECORD ? m->rec[who & ~WHO_RECORD].hh : who;
}

void model_trace_write(struct model *m, double t, const char *event, long subject, int channel,
                       const char *detail);

/* Writes an event to the trace, if there is one (inline: most runs have none). */
static inline void trace(struct model *m, double t, const char *event, long subject, int channel,
                         const char *detail)
{
    if (m->trace)
        model_trace_write(m, t, event, subject, channel, detail);
}

/* Counts an event of a channel on its day of daily.csv: online_column, or the paper one
 * after it. */
static inline void count_channel(struct model *m, double t, enum daily_column online_column,
                                 bool paper)
{
    size_t day = (size_t)t;
    assert(day < m->totals->days);
    m->totals->daily[day * DAILY_COUNT + online_column + (paper ? 1 : 0)]++;
}

static inline void count_daily(struct model *m, double t, enum daily_column online_column,
                               const struct household *h)
{
    count_channel(m, t, online_column, is_paper(h));
}

/* A replication's own day counts, kept for fan charts and backtests. */
static inline void count_day(struct model *m, double t, enum day_column c)
{
    size_t day = (size_t)t;
    if (m->out->days && day < m->totals->days)
        m->out->days[day * DAY_COUNT + c]++;
}

/* Times are sums like round * interval + day, which rounding may put an ulp before now
 * (auction.day = interval_days): such a time is now. */
static inline int schedule(struct model *m, double t, enum event_kind kind, uint32_t subject)
{
    double now = calendar_now(m->cal);
    assert(t >= now - 1e-9 * fmax(1.0, fabs(now)));
    return calendar_schedule(m->cal, fmax(t, now), kind, subject, NULL);
}

/* The array `items` (of elements of `size` bytes, *cap of them) with twice the room, or
 * `first` elements when it has none; *cap is updated. Returns NULL, with the array and *cap
 * unchanged, when out of memory. */
void *model_grow_array(void *items, size_t *cap, size_t size, size_t first);

/* Appends x to the list (*list, *n of *cap). Returns 0, or -1 when out of memory. */
static inline int model_hold(struct held **list, size_t *n, size_t *cap, struct held x)
{
    if (*n == *cap) {
        struct held *l = model_grow_array(*list, cap, sizeof *l, 256);
        if (!l)
            return -1;
        *list = l;
    }
    (*list)[(*n)++] = x;
    return 0;
}

/* signups.c: the events of registration, and the end of one. */
int model_finish(struct model *m, uint32_t i, const struct household *h, uint32_t r,
                 enum state final, double t);
int model_on_round_start(struct model *m, int round);
int model_on_arrival(struct model *m, int round, double t);
int model_on_register_again(struct model *m, uint32_t r, double t);
int model_on_form_arrives(struct model *m, uint32_t who, double t);
int model_on_entry_done(struct model *m, uint32_t who, double t);
int model_on_known_online(struct model *m, double t);
int model_on_known_form(struct model *m, double t);

/* auction_day.c: the auction and the offers it brings, and what households do with them. */
int model_on_auction(struct model *m, int round, double t);
int model_on_accept(struct model *m, uint32_t household, uint32_t tag, double t);
int model_on_cooled(struct model *m, uint32_t r, double t);
int model_on_transferred(struct model *m, uint32_t r, double t);

#endif
