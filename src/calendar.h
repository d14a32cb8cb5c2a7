/* calendar.h - the event calendar: a priority queue of timed events with FIFO ties. */
#ifndef SWITCHSIM_CALENDAR_H
#define SWITCHSIM_CALENDAR_H

#include <assert.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* An event as it comes out of the calendar: its time and a small payload whose meaning
 * belongs to the caller (kind of event, and the subject it concerns, e.g. an index). */
struct calendar_event {
    double time;
    uint32_t kind;
    uint32_t subject;
};

/* Names one scheduled event, for calendar_cancel(). Never 0. */
typedef uint64_t calendar_handle;

/* The calendar's own layout (calendar.c says how it works): here only so that schedule and
 * pop, a few dozen instructions each, inline into the simulations that call them millions
 * of times. Nothing outside calendar.[ch] touches these fields. */
struct calendar_entry {
    double time;
    uint64_t key; /* seq << CALENDAR_SLOT_BITS | slot */
};

struct calendar_slot { /* when the slot is free, kind links the free list */
    uint32_t kind;
    uint32_t subject;
    uint32_t gen;
};

struct calendar_chunk; /* a few dozen entries of a bucket (calendar.c) */

struct calendar_bucket { /* entries of one stretch of the near future, in no order */
    struct calendar_chunk *first, *last; /* a list of chunks; entries go to the last */
    uint32_t n;                          /* entries in the bucket */
};

struct calendar {
    struct calendar_entry *heap;
    struct calendar_slot *slots;
    struct calendar_entry front; /* the earliest entry, when has_front */
    bool has_front;
    size_t len;       /* entries in the heap: pending plus cancelled (the front apart) */
    size_t cap;       /* room in heap and in slots, for every entry below */
    size_t cancelled; /* cancelled entries still in the heap, the front or the ring */
    /* The ring: CALENDAR_RING_BUCKETS buckets of the near future (ring_scale and ring_first
     * say which); ring_count is 0 while it is off (ring_scale 0) */
    struct calendar_bucket *ring;
    size_t ring_count;   /* entries in the ring's buckets */
    double ring_scale;   /* buckets per unit of time; 0 while off */
    double ring_first;   /* the number of the first bucket (a whole number) */
    size_t ring_retune;  /* the heap length at which the ring is (re)considered */
    size_t ring_pulls;   /* entries to come out of the ring before a full bucket retunes it */
    struct calendar_chunk *spare_chunks; /* chunks no bucket holds, linked */
    struct calendar_chunk *chunk_block;  /* the block chunks are being cut from, if any: */
    size_t chunks_cut;                   /* chunks cut from it so far */
    uint32_t slots_used; /* slots ever handed out since creation (the rest are uninitialised) */
    uint32_t free_head;  /* first free slot below slots_used, or CALENDAR_NO_SLOT */
    uint64_t seq_key;    /* the next sequence number, shifted into place in a key */
    double now;
};

/* Inlined whatever the compiler's guess: the schedule and pop below are the engine's hot
 * path, called millions of times a second. */
#if defined(__GNUC__)
#define CALENDAR_INLINE static inline __attribute__((always_inline))
#else
#define CALENDAR_INLINE static inline
#endif

#define CALENDAR_SLOT_BITS 26
#define CALENDAR_NO_SLOT UINT32_MAX
#define CALENDAR_RING_BUCKETS 1024

/* Creates an empty calendar at time 0 with room for capacity_hint pending events
 * (it grows as needed). Returns NULL when out of memory. */
struct calendar *calendar_create(size_t capacity_hint);

/* Frees the calendar and every pending event. NULL is a no-op. */
void calendar_destroy(struct calendar *cal);

/* Empties the calendar and sets its clock back to 0, keeping its memory for reuse. */
void calendar_reset(struct calendar *cal);

/* Schedules an event at `time` (not before calendar_now()). Events at equal times come out
 * in the order they were scheduled. Stores the event's handle in *handle unless handle is
 * NULL. Returns 0, or -1 when out of memory (the calendar is then unchanged). */
CALENDAR_INLINE int calendar_schedule(struct calendar *cal, double time, uint32_t kind,
                                      uint32_t subject, calendar_handle *handle);

/* Cancels a pending event. Returns true if it was pending; false if it has already come
 * out, was already cancelled, or the handle is not this calendar's. */
bool calendar_cancel(struct calendar *cal, calendar_handle handle);

/* Takes the earliest pending event into *out and advances the clock to its time.
 * Returns false (and leaves *out alone) when nothing is pending. */
CALENDAR_INLINE bool calendar_pop(struct calendar *cal, struct calendar_event *out);

/* The time of the earliest pending event, or +infinity when none is pending. */
double calendar_next_time(struct calendar *cal);

/* The current time: the time of the last event popped (0 at start). */
double calendar_now(const struct calendar *cal);

/* How many events are pending (cancelled ones are not counted). */
size_t calendar_size(const struct calendar *cal);

/* Called for each event by calendar_run(); may schedule and cancel events. Returns 0 to
 * go on, anything else to stop the run at once (that value is returned by the run). */
typedef int (*calendar_handler)(void *ctx, const struct calendar_event *ev);

/* Pops and handles every event with time <= until, in order (until = INFINITY runs
 * until empty); then, if it was not stopped, sets the clock to until when finite.
 * Returns 0, or the handler's non-zero value. */
int calendar_run(struct calendar *cal, double until, calendar_handler handler, void *ctx);

/* The inline parts. Out of line, in calendar.c, and not for callers: */

/* Puts a free slot on the empty free list, growing the calendar if it is full (every slot
 * is in use exactly when the free list is empty). Returns 0 or -1. */
int calendar_make_room(struct calendar *cal);

/* Puts e in the heap, up from a new hole at the end to its place. */
void calendar_heap_insert(struct calendar *cal, struct calendar_entry e);

/* calendar_heap_insert, then the ring started or tuned anew if the heap has grown so far. */
void calendar_heap_add(struct calendar *cal, struct calendar_entry e);

/* Removes the top of the heap, which holds two entries or more. */
void calendar_heap_remove_top(struct calendar *cal);

/* The ring: moves the buckets that are due into the heap (so that the earliest entry is
 * the front or the heap's top); puts e in its bucket (returns 0, or -1 when out of
 * memory); starts the ring, or tunes it anew, when the heap has grown. */
void calendar_ring_settle(struct calendar *cal);
int calendar_ring_put(struct calendar *cal, struct calendar_entry e);
void calendar_ring_tune(struct calendar *cal);

static inline bool calendar_entry_less(const struct calendar_entry *a,
                                       const struct calendar_entry *b)
{
    return a->time < b->time || (a->time == b->time && a->key < b->key);
}

static inline uint32_t calendar_entry_slot(const struct calendar_entry *e)
{
    return (uint32_t)(e->key & ((UINT64_C(1) << CALENDAR_SLOT_BITS) - 1));
}

/* Puts e in the heap; heaps of one or two, as an M/M/1 queue keeps, without a call. */
static inline void calendar_heap_put(struct calendar *cal, struct calendar_entry e)
{
    if (cal->len > 1) {
        calendar_heap_add(cal, e);
    } else if (cal->len == 1 && calendar_entry_less(&e, &cal->heap[0])) {
        cal->heap[1] = cal->heap[0];
        cal->heap[0] = e;
        cal->len = 2;
    } else {
        cal->heap[cal->len++] = e;
    }
}

/* The earliest entry (the front, or the top of the heap), or NULL when there is none. */
static inline const struct calendar_entry *calendar_top(const struct calendar *cal)
{
    return cal->has_front ? &cal->front : cal->len > 0 ? &cal->heap[0] : NULL;
}

/* Whether `time` is not before the ring's first bucket (never while the ring is off: its
 * first bucket is then infinitely far), and whether it falls in one of its buckets. */
static inline bool calendar_ring_reached(const struct calendar *cal, double time)
{
    return time * cal->ring_scale >= cal->ring_first;
}

static inline bool calendar_ring_has(const struct calendar *cal, double time)
{
    double x = time * cal->ring_scale;
    return x >= cal->ring_first && x < cal->ring_first + CALENDAR_RING_BUCKETS;
}

/* Frees slot s and removes the earliest entry, whose slot it is. */
static inline void calendar_drop_top(struct calendar *cal, uint32_t s)
{
    cal->slots[s].kind = cal->free_head;
    cal->free_head = s;
    if (cal->has_front) {
        cal->has_front = false;
    } else if (cal->len > 2) {
        calendar_heap_remove_top(cal);
    } else { /* a heap of one or two: the other one, if any, is the new top (heap[1] is
              * there to read either way: a heap has room for 16) */
        cal->heap[0] = cal->heap[1];
        cal->len--;
    }
}

/* With the ring on (large calendars): moves the buckets that are due into the heap, and
 * fetches the slot of the earliest entry into the cache, so that it is there when the
 * next pop reads it (the slots of a large calendar are reached in no order of memory). */
CALENDAR_INLINE void calendar_ring_due(struct calendar *cal)
{
    const struct calendar_entry *e = calendar_top(cal);
    if (!e || calendar_ring_reached(cal, e->time))
        calendar_ring_settle(cal);
#if defined(__GNUC__)
    if ((e = calendar_top(cal)))
        __builtin_prefetch(&cal->slots[calendar_entry_slot(e)]);
#endif
}

CALENDAR_INLINE int calendar_schedule(struct calendar *cal, double time, uint32_t kind,
                                      uint32_t subject, calendar_handle *handle)
{
    assert(time >= cal->now); /* false for NaN too */
    if (cal->free_head == CALENDAR_NO_SLOT && calendar_make_room(cal) != 0)
        return -1;
    uint32_t s = cal->free_head;
    struct calendar_slot *slot = &cal->slots[s];
    cal->free_head = slot->kind;
    uint32_t gen = slot->gen + 1; /* odd: pending */
    slot->gen = gen;
    slot->kind = kind;
    slot->subject = subject;
    struct calendar_entry e = {time, cal->seq_key | s};
    cal->seq_key += UINT64_C(1) << CALENDAR_SLOT_BITS;
    assert(cal->seq_key != 0); /* 2^38 - 1 schedules between resets */
    if (!cal->has_front && (cal->len == 0 || calendar_entry_less(&e, &cal->heap[0]))) {
        cal->front = e; /* before everything but perhaps the ring: the front */
        cal->has_front = true;
    } else if (calendar_ring_has(cal, time)) {
        if (calendar_ring_put(cal, e) != 0) {
            slot->gen++; /* the slot goes back: the calendar is unchanged */
            slot->kind = cal->free_head;
            cal->free_head = s;
            cal->seq_key -= UINT64_C(1) << CALENDAR_SLOT_BITS;
            return -1;
        }
    } else {
        if (cal->has_front && calendar_entry_less(&e, &cal->front)) {
            struct calendar_entry old = cal->front; /* the new front; the old one goes in */
            cal->front = e;
            e = old;
        }
        calendar_heap_put(cal, e);
    }
    if (handle)
        *handle = (uint64_t)gen << 32 | s;
    return 0;
}

/* Takes the earliest pending event if its time is <= until: the heart of pop and run.
 * Cancelled entries on the way are dropped. */
CALENDAR_INLINE bool calendar_take(struct calendar *cal, double until, struct calendar_event *out)
{
    const struct calendar_entry *e;
    if (cal->ring_count)
        calendar_ring_due(cal);
    while ((e = calendar_top(cal))) {
        double time = e->time;
        uint32_t s = calendar_entry_slot(e);
        struct calendar_slot *slot = &cal->slots[s];
        if (slot->gen & 1u) {
            if (time > until) /* never, for pop: nothing is after INFINITY */
                return false;
            out->time = time;
            out->kind = slot->kind;
            out->subject = slot->subject;
            slot->gen++;
            cal->now = time;
            calendar_drop_top(cal, s);
            if (cal->ring_count) /* for the next pop, while the caller handles this one */
                calendar_ring_due(cal);
            return true;
        }
        cal->cancelled--;
        calendar_drop_top(cal, s);
        if (cal->ring_count)
            calendar_ring_due(cal);
    }
    return false;
}

CALENDAR_INLINE bool calendar_pop(struct calendar *cal, struct calendar_event *out)
{
    return calendar_take(cal, INFINITY, out);
}

#endif
