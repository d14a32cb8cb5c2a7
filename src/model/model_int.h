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

/* Events after a fixed delay (cooling off, transfer), and the acceptances an auction's
 * offers bring (one batch, sorted once), wait in event lines, not the heap (eventline.h).
 * An item's subject is the household, its tag the round of the offer. */
enum line_id { LINE_ACCEPT, LINE_COOLED, LINE_TRANSFERRED, LINE_COUNT };

/* A household's place in its current registration. Final states come last. */
enum state {
    ST_NEW,
    ST_PAPER,     /* form in the post, or waiting for or in data entry */
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

static inline double *metric(struct model *m, int round, enum metric k)
{
    return &m->out->metrics[(size_t)round * M_COUNT + k];
}

static inline bool is_paper(const struct household *h)
{
    return h->flags & HH_PAPER;
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

/* Puts household i's next step of its offer in `round` in a line, due at t. */
static inline int line_push(struct model *m, enum line_id id, double t, uint32_t i, int round,
                            bool arm)
{
    return eventline_push(&m->lines[id], m->cal, t, i, (uint32_t)round, arm);
}

/* The array `items` (of elements of `size` bytes, *cap of them) with twice the room, or
 * `first` elements when it has none; *cap is updated. Returns NULL, with the array and *cap
 * unchanged, when out of memory. */
void *model_grow_array(void *items, size_t *cap, size_t size, size_t first);

/* signups.c: the events of registration, and the end of one. */
int model_finish(struct model *m, uint32_t i, enum state final, double t);
int model_on_round_start(struct model *m, int round);
int model_on_arrival(struct model *m, int round, double t);
int model_on_register_again(struct model *m, uint32_t i, double t);
int model_on_form_arrives(struct model *m, uint32_t i, double t);
int model_on_entry_done(struct model *m, uint32_t i, double t);
int model_on_known_online(struct model *m, double t);
int model_on_known_form(struct model *m, double t);

/* auction_day.c: the auction and the offers it brings, and what households do with them. */
int model_on_auction(struct model *m, int round, double t);
int model_on_accept(struct model *m, uint32_t i, int round, double t);
int model_on_cooled(struct model *m, uint32_t i, int round, double t);
int model_on_transferred(struct model *m, uint32_t i, int round, double t);

#endif
