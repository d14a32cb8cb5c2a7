/* calendar.c - the event calendar: a 4-ary min-heap of (time, key) with lazy cancellation
 * (schedule and pop themselves are inline, in calendar.h). */
#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "calendar.h"
#include "memory.h"

/*
 * Layout. The heap holds 16-byte entries ordered by (time, key), where
 * key = seq << CALENDAR_SLOT_BITS | slot: seq grows with every schedule, so equal times come
 * out in scheduling order, and keys are unique, so the order is total. The payload of an event
 * lives in a 12-byte slot, found through the low bits of the key; slots are recycled
 * through a free list. That is 28 bytes per pending event (times the growth slack).
 *
 * A slot's generation is odd while its event is pending and even otherwise (free, or
 * cancelled but still in the heap). A handle is generation << 32 | slot: it is never 0
 * (the generation is odd) and it goes stale as soon as the event comes out or is
 * cancelled, because both bump the generation. A generation wraps only after 2^31 reuses of
 * one slot. A handle from another calendar is recognised only when it names no pending
 * event here (handles carry no calendar identity).
 *
 * The front. An event scheduled before every entry in the heap (the next arrival of a
 * Poisson process, the next customer's service, the next item of an event line) is kept
 * apart, in front of the heap, rather than sifted up to its root: when it is popped next,
 * as it usually is, neither schedule nor pop touches the heap. The front is always before
 * every entry in the heap; an event scheduled before the front pushes the front into the
 * heap. Entries below means the heap and the front together.
 *
 * The heap's root is the last entry of a cache line (the array starts 3 entries into a
 * 64-byte boundary), so the four children of every node share one cache line: a sift down
 * a large heap (the forms in the post of a campaign of millions) touches a line a level.
 *
 * Cancelling only marks the slot; the entry is dropped when it reaches the top. When
 * cancelled entries outnumber pending ones (and number PURGE_MIN or more) the heap is
 * purged, so the heap stays within twice the pending events plus PURGE_MIN even when most
 * events are cancelled.
 *
 * Limits: 2^26 entries at once (calendar_schedule then fails as if out of memory) and 2^38 - 1
 * schedules between resets (asserted).
 */

#define SLOT_LIMIT (UINT64_C(1) << CALENDAR_SLOT_BITS) /* at most this many entries at once */
#define NO_SLOT CALENDAR_NO_SLOT
#define MIN_CAPACITY 16
#define PURGE_MIN 256 /* purge only heaps with at least this many cancelled entries */

/*
 * An entry's rank: (time, key) as one unsigned number that orders entries as
 * calendar_entry_less does, so that a sift down picks the least of four children with
 * arithmetic rather than branches (which child is least is a coin toss the processor
 * cannot predict: guessing wrong three times a level cost more than the level's memory).
 * Times are never negative and never NaN: the bits of such a double, its sign bit
 * cleared (-0 is 0), grow with it.
 */
#if defined(__SIZEOF_INT128__)
typedef unsigned __int128 rank_t;

static inline rank_t rank(const struct calendar_entry *e)
{
    uint64_t bits;
    memcpy(&bits, &e->time, sizeof bits);
    return (rank_t)(bits & ~(UINT64_C(1) << 63)) << 64 | e->key;
}

/* The index, i or j, of the lesser rank, which goes to *r. */
static inline size_t lesser(size_t i, rank_t ri, size_t j, rank_t rj, rank_t *r)
{
    bool b = rj < ri;
    *r = b ? rj : ri;
    return i ^ ((i ^ j) & -(size_t)b); /* b ? j : i, which GCC would branch on */
}

/* Moves e down from the hole at i in the heap h[0..n) to its place. */
static inline void calendar_sift_down(struct calendar_entry *h, size_t n, size_t i,
                                      struct calendar_entry e)
{
    rank_t re = rank(&e);
    for (;;) {
        size_t c = 4 * i + 1;
        rank_t rc;
        if (c + 4 <= n) {
            /* All four children exist: a tournament of three comparisons. */
            rank_t ra, rb;
            size_t a = lesser(c, rank(&h[c]), c + 1, rank(&h[c + 1]), &ra);
            size_t b = lesser(c + 2, rank(&h[c + 2]), c + 3, rank(&h[c + 3]), &rb);
            c = lesser(a, ra, b, rb, &rc);
        } else if (c < n) {
            rc = rank(&h[c]);
            for (size_t j = c + 1; j < n; j++)
                c = lesser(c, rc, j, rank(&h[j]), &rc);
        } else {
            break;
        }
        if (!(rc < re))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
}
#else
/* Moves e down from the hole at i in the heap h[0..n) to its place. */
static inline void calendar_sift_down(struct calendar_entry *h, size_t n, size_t i,
                                      struct calendar_entry e)
{
    for (;;) {
        size_t c = 4 * i + 1;
        if (c + 4 <= n) {
            /* All four children exist: a tournament of three comparisons. */
            size_t a = calendar_entry_less(&h[c + 1], &h[c]) ? c + 1 : c;
            size_t b = calendar_entry_less(&h[c + 3], &h[c + 2]) ? c + 3 : c + 2;
            c = calendar_entry_less(&h[b], &h[a]) ? b : a;
        } else if (c < n) {
            for (size_t j = c + 1; j < n; j++)
                if (calendar_entry_less(&h[j], &h[c]))
                    c = j;
        } else {
            break;
        }
        if (!calendar_entry_less(&h[c], &e))
            break;
        h[i] = h[c];
        i = c;
    }
    h[i] = e;
}
#endif

void calendar_heap_insert(struct calendar *cal, struct calendar_entry e)
{
    struct calendar_entry *h = cal->heap;
    size_t i = cal->len++;
    while (i > 0) {
        size_t parent = (i - 1) >> 2;
        if (!calendar_entry_less(&e, &h[parent]))
            break;
        h[i] = h[parent];
        i = parent;
    }
    h[i] = e;
}

void calendar_heap_add(struct calendar *cal, struct calendar_entry e)
{
    calendar_heap_insert(cal, e);
    if (cal->len >= cal->ring_retune)
        calendar_ring_tune(cal);
}

void calendar_heap_remove_top(struct calendar *cal)
{
    assert(cal->len > 1);
    size_t n = --cal->len;
    calendar_sift_down(cal->heap, n, 0, cal->heap[n]);
}

static inline void calendar_free_slot(struct calendar *cal, uint32_t s)
{
    cal->slots[s].kind = cal->free_head;
    cal->free_head = s;
}

/* Restores the heap order of heap[0..len): O(len). */
static void heapify(struct calendar *cal)
{
    size_t n = cal->len;
    if (n > 1)
        for (size_t i = (n - 2) / 4 + 1; i-- > 0;)
            calendar_sift_down(cal->heap, n, i, cal->heap[i]);
}

/* Keeps the pending entries of a[0..n), in order, freeing the slots of the cancelled ones;
 * returns how many are kept. */
static size_t keep_pending(struct calendar *cal, struct calendar_entry *a, size_t n)
{
    size_t kept = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t s = calendar_entry_slot(&a[i]);
        if (cal->slots[s].gen & 1u)
            a[kept++] = a[i];
        else
            calendar_free_slot(cal, s);
    }
    return kept;
}

/*
 * The ring's buckets (below) hold their entries in chunks of CHUNK_ENTRIES, linked, cut
 * from blocks of a huge page each: a bucket takes a chunk when its last is full and gives
 * them all back when it is emptied, so the ring holds memory for the entries it holds at
 * most, on few pages, rather than each of its buckets an array as long as it ever was.
 * The first chunk of a block is not handed out: it links the blocks, for freeing.
 */
#define CHUNK_ENTRIES 63
#define BLOCK_BYTES MEMORY_LARGE
#define BLOCK_CHUNKS (BLOCK_BYTES / sizeof(struct calendar_chunk))

struct calendar_chunk {
    struct calendar_entry e[CHUNK_ENTRIES];
    struct calendar_chunk *next;
    uint32_t n;
};
_Static_assert(sizeof(struct calendar_chunk) <= 1024, "a chunk in 1 KiB");

/* An empty chunk, or NULL when out of memory. */
static struct calendar_chunk *chunk_take(struct calendar *cal)
{
    struct calendar_chunk *c = cal->spare_chunks;
    if (c) {
        cal->spare_chunks = c->next;
    } else {
        if (!cal->chunk_block || cal->chunks_cut == BLOCK_CHUNKS) {
            struct calendar_chunk *block = memory_grow(NULL, 0, BLOCK_BYTES);
            if (!block)
                return NULL;
            block[0].next = cal->chunk_block;
            cal->chunk_block = block;
            cal->chunks_cut = 1;
        }
        c = &cal->chunk_block[cal->chunks_cut++];
    }
    c->next = NULL;
    c->n = 0;
    return c;
}

/* Empties bucket b (whose entries have gone elsewhere), its chunks back to the spares. */
static void bucket_clear(struct calendar *cal, struct calendar_bucket *b)
{
    if (b->first) {
        b->last->next = cal->spare_chunks;
        cal->spare_chunks = b->first;
    }
    cal->ring_count -= b->n;
    *b = (struct calendar_bucket){0};
}

/* Keeps the pending entries of bucket b, freeing the slots of the cancelled ones and giving
 * back the chunks left empty (the others may be left part full: new entries go to the
 * last). */
static void bucket_keep_pending(struct calendar *cal, struct calendar_bucket *b)
{
    struct calendar_chunk **link = &b->first, *last = NULL, *next;
    uint32_t kept = 0;
    for (struct calendar_chunk *c = b->first; c; c = next) {
        next = c->next;
        c->n = (uint32_t)keep_pending(cal, c->e, c->n);
        if (c->n == 0) {
            c->next = cal->spare_chunks;
            cal->spare_chunks = c;
        } else {
            *link = last = c;
            link = &c->next;
            kept += c->n;
        }
    }
    *link = NULL;
    b->last = last;
    cal->ring_count -= b->n - kept;
    b->n = kept;
}

/* Drops every cancelled entry and rebuilds the heap: O(len + ring_count). */
static void calendar_purge(struct calendar *cal)
{
    if (cal->has_front) {
        uint32_t s = calendar_entry_slot(&cal->front);
        if (!(cal->slots[s].gen & 1u)) {
            calendar_free_slot(cal, s);
            cal->has_front = false;
        }
    }
    cal->len = keep_pending(cal, cal->heap, cal->len);
    for (size_t b = 0; cal->ring_count && b < CALENDAR_RING_BUCKETS; b++)
        bucket_keep_pending(cal, &cal->ring[b]);
    cal->cancelled = 0;
    heapify(cal);
}

/*
 * The ring. A heap of the forms in the post of a campaign of millions holds tens of
 * thousands of entries, and each pop sifts through all its levels. So once the heap
 * reaches RING_MIN entries, the near future is cut into CALENDAR_RING_BUCKETS buckets of
 * equal length, numbered from time 0 (bucket floor(time * ring_scale)), and an event
 * scheduled into one of the buckets from ring_first on goes there, unsorted, at the cost
 * of an append. Events before them (the bucket of now) and after them go to the
 * heap as before. When the earliest entry of the heap and the front is not before the
 * ring's first bucket (or there is none), that bucket is emptied into the heap and the
 * ring moves on a bucket: so the entry popped is still the least (time, key) of all, and
 * the order is exactly the heap's own. The heap holds about a bucket's worth.
 *
 * Tuning: the ring is made to reach a quarter beyond the time within which 15 in 16 of the
 * heap's entries fall (a sample of how far ahead of now they lie), so that nearly all wait
 * in buckets, a 1024th of them in each. A bucket that reaches the heap with more than
 * RING_TOO_FULL entries, or a heap that doubles (events beyond the ring), has the ring tuned
 * anew: everything goes back into the heap, and is cut again. A tuning costs O(entries),
 * and comes only after the heap has doubled, or after twice as many entries as it handled
 * have come out of the ring since the last.
 */
#define RING_MIN 2048
#define RING_TOO_FULL 512
#define RING_SAMPLE 255
#define RING_NUMBER_LIMIT 4503599627370496.0 /* 2^52: bucket numbers stay whole doubles */

static void ring_off(struct calendar *cal)
{
    cal->ring_scale = 0.0;
    cal->ring_first = INFINITY; /* no time is in a bucket */
}

int calendar_ring_put(struct calendar *cal, struct calendar_entry e)
{
    size_t number = (size_t)(e.time * cal->ring_scale);
    struct calendar_bucket *b = &cal->ring[number & (CALENDAR_RING_BUCKETS - 1)];
    struct calendar_chunk *c = b->last;
    if (!c || c->n == CHUNK_ENTRIES) {
        struct calendar_chunk *fresh = chunk_take(cal);
        if (!fresh)
            return -1;
        if (c)
            c->next = fresh;
        else
            b->first = fresh;
        b->last = c = fresh;
    }
    c->e[c->n++] = e;
    b->n++;
    cal->ring_count++;
    return 0;
}

void calendar_ring_settle(struct calendar *cal)
{
    while (cal->ring_count) {
        const struct calendar_entry *top = calendar_top(cal);
        if (top && !calendar_ring_reached(cal, top->time))
            return;
        struct calendar_bucket *b =
            &cal->ring[(size_t)cal->ring_first & (CALENDAR_RING_BUCKETS - 1)];
        cal->ring_first += 1.0;
        if (b->n == 0)
            continue;
        if (cal->has_front) { /* it may be after some of the bucket's */
            calendar_heap_insert(cal, cal->front);
            cal->has_front = false;
        }
        for (const struct calendar_chunk *c = b->first; c; c = c->next)
            for (uint32_t k = 0; k < c->n; k++) /* (not calendar_heap_add: no tuning midway) */
                calendar_heap_insert(cal, c->e[k]);
        bool full = b->n > RING_TOO_FULL;
        cal->ring_pulls = cal->ring_pulls > b->n ? cal->ring_pulls - b->n : 0;
        bucket_clear(cal, b);
        if (full && cal->ring_pulls == 0)
            calendar_ring_tune(cal);
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

void calendar_ring_tune(struct calendar *cal)
{
    if (!cal->ring && !(cal->ring = calloc(CALENDAR_RING_BUCKETS, sizeof *cal->ring))) {
        cal->ring_retune = SIZE_MAX; /* no memory for it: a plain heap */
        return;
    }
    /* Everything back into the heap (it has room for every entry). */
    if (cal->has_front) {
        cal->heap[cal->len++] = cal->front;
        cal->has_front = false;
    }
    for (size_t b = 0; cal->ring_count && b < CALENDAR_RING_BUCKETS; b++) {
        struct calendar_bucket *bucket = &cal->ring[b];
        for (const struct calendar_chunk *c = bucket->first; c; c = c->next) {
            memcpy(cal->heap + cal->len, c->e, c->n * sizeof *c->e);
            cal->len += c->n;
        }
        bucket_clear(cal, bucket);
    }
    assert(cal->ring_count == 0);
    ring_off(cal);
    size_t n = cal->len;
    cal->ring_retune = 2 * (n > RING_MIN ? n : RING_MIN);
    /* Tuned anew for a full bucket only after twice as many as there are now have come out
     * of the ring: more than a tuning puts in it, so ties (which no bucket can split) do
     * not have it tuned again and again. */
    cal->ring_pulls = 2 * n;
    /* How far ahead the entries lie: a sample spread over the array. */
    double ahead[RING_SAMPLE];
    size_t m = n < RING_SAMPLE ? n : RING_SAMPLE;
    for (size_t k = 0; k < m; k++)
        ahead[k] = cal->heap[k * n / m].time - cal->now;
    qsort(ahead, m, sizeof *ahead, cmp_double);
    double reach = m ? 1.25 * ahead[m * 15 / 16] : 0.0;
    double scale = CALENDAR_RING_BUCKETS / reach;
    double first = floor(cal->now * scale) + 1.0;
    if (reach > 0 && isfinite(scale) && scale > 0 &&
        first + CALENDAR_RING_BUCKETS < RING_NUMBER_LIMIT) {
        cal->ring_scale = scale;
        cal->ring_first = first;
        /* Entries in the ring's stretch go to their buckets; the rest stay. */
        size_t kept = 0;
        for (size_t i = 0; i < n; i++) {
            struct calendar_entry e = cal->heap[i];
            if (!calendar_ring_has(cal, e.time) || calendar_ring_put(cal, e) != 0)
                cal->heap[kept++] = e;
        }
        cal->len = kept;
    }
    heapify(cal);
}

#define HEAP_SKEW 3 /* entries before the root, in the root's cache line */

/* Room for cap heap entries, laid out as above; NULL when out of memory. */
static struct calendar_entry *heap_alloc(size_t cap)
{
    void *p;
    if (posix_memalign(&p, 64, (cap + HEAP_SKEW) * sizeof(struct calendar_entry)) != 0)
        return NULL;
    return (struct calendar_entry *)p + HEAP_SKEW;
}

static void heap_free(struct calendar_entry *heap)
{
    if (heap)
        free(heap - HEAP_SKEW);
}

/* Doubles the room for entries and slots. Returns 0, or -1 with the calendar unchanged
 * (a block that did grow is kept, unused, and reused by the next attempt). */
static int calendar_grow(struct calendar *cal)
{
    if (cal->cap >= SLOT_LIMIT)
        return -1;
    size_t cap = cal->cap * 2;
    if (cap > SLOT_LIMIT)
        cap = SLOT_LIMIT;
    struct calendar_entry *heap = heap_alloc(cap);
    if (!heap)
        return -1;
    memcpy(heap, cal->heap, cal->len * sizeof *heap);
    heap_free(cal->heap);
    cal->heap = heap;
    struct calendar_slot *slots =
        memory_grow(cal->slots, cal->cap * sizeof *slots, cap * sizeof *slots);
    if (!slots)
        return -1;
    cal->slots = slots;
    cal->cap = cap;
    return 0;
}

struct calendar *calendar_create(size_t capacity_hint)
{
    struct calendar *cal = malloc(sizeof *cal);
    if (!cal)
        return NULL;
    size_t cap = capacity_hint < MIN_CAPACITY ? MIN_CAPACITY : capacity_hint;
    if (cap > SLOT_LIMIT)
        cap = SLOT_LIMIT;
    cal->cap = cap;
    cal->ring = NULL;
    cal->spare_chunks = NULL;
    cal->chunk_block = NULL;
    cal->chunks_cut = 0;
    cal->heap = heap_alloc(cap);
    cal->slots = memory_grow(NULL, 0, cap * sizeof *cal->slots);
    if (!cal->heap || !cal->slots) {
        calendar_destroy(cal);
        return NULL;
    }
    cal->has_front = false;
    cal->len = 0;
    cal->cancelled = 0;
    cal->slots_used = 0;
    cal->free_head = NO_SLOT;
    cal->seq_key = 0;
    cal->now = 0.0;
    cal->ring_count = 0;
    cal->ring_retune = RING_MIN;
    cal->ring_pulls = 0;
    ring_off(cal);
    return cal;
}

void calendar_destroy(struct calendar *cal)
{
    if (!cal)
        return;
    heap_free(cal->heap);
    memory_free(cal->slots, cal->cap * sizeof *cal->slots);
    for (struct calendar_chunk *block = cal->chunk_block, *older; block; block = older) {
        older = block[0].next;
        memory_free(block, BLOCK_BYTES);
    }
    free(cal->ring);
    free(cal);
}

void calendar_reset(struct calendar *cal)
{
    /* Pending events' handles must go stale; every slot becomes free, lowest first. */
    for (size_t i = 0; i < cal->len; i++) {
        struct calendar_slot *slot = &cal->slots[calendar_entry_slot(&cal->heap[i])];
        slot->gen += slot->gen & 1u;
    }
    if (cal->has_front) {
        struct calendar_slot *slot = &cal->slots[calendar_entry_slot(&cal->front)];
        slot->gen += slot->gen & 1u;
    }
    for (size_t b = 0; cal->ring_count && b < CALENDAR_RING_BUCKETS; b++) {
        struct calendar_bucket *bucket = &cal->ring[b];
        for (const struct calendar_chunk *c = bucket->first; c; c = c->next)
            for (uint32_t k = 0; k < c->n; k++) {
                struct calendar_slot *slot = &cal->slots[calendar_entry_slot(&c->e[k])];
                slot->gen += slot->gen & 1u;
            }
        bucket_clear(cal, bucket);
    }
    ring_off(cal); /* its chunks are kept, for reuse */
    cal->ring_retune = RING_MIN;
    cal->ring_pulls = 0;
    cal->free_head = NO_SLOT;
    for (uint32_t s = cal->slots_used; s-- > 0;)
        calendar_free_slot(cal, s);
    cal->has_front = false;
    cal->len = 0;
    cal->cancelled = 0;
    cal->seq_key = 0;
    cal->now = 0.0;
}

int calendar_make_room(struct calendar *cal)
{
    assert(cal->free_head == NO_SLOT &&
           cal->len + cal->has_front + cal->ring_count == cal->slots_used);
    if (cal->slots_used == cal->cap && calendar_grow(cal) != 0)
        return -1;
    uint32_t s = cal->slots_used++;
    cal->slots[s].gen = 0; /* even: free */
    calendar_free_slot(cal, s);
    return 0;
}

bool calendar_cancel(struct calendar *cal, calendar_handle handle)
{
    uint32_t s = (uint32_t)handle;
    uint32_t gen = (uint32_t)(handle >> 32);
    if (s >= cal->slots_used || !(gen & 1u) || cal->slots[s].gen != gen)
        return false;
    cal->slots[s].gen++;
    cal->cancelled++;
    if (cal->cancelled >= PURGE_MIN &&
        2 * cal->cancelled > cal->len + cal->has_front + cal->ring_count)
        calendar_purge(cal);
    return true;
}

double calendar_next_time(struct calendar *cal)
{
    const struct calendar_entry *e;
    for (;;) {
        if (cal->ring_count)
            calendar_ring_due(cal);
        if (!(e = calendar_top(cal)))
            break;
        uint32_t s = calendar_entry_slot(e);
        if (cal->slots[s].gen & 1u)
            return e->time;
        cal->cancelled--;
        calendar_drop_top(cal, s);
    }
    return INFINITY;
}

double calendar_now(const struct calendar *cal)
{
    return cal->now;
}

size_t calendar_size(const struct calendar *cal)
{
    return cal->len + cal->has_front + cal->ring_count - cal->cancelled;
}

int calendar_run(struct calendar *cal, double until, calendar_handler handler, void *ctx)
{
    assert(!isnan(until) && until >= cal->now);
    struct calendar_event ev;
    while (calendar_take(cal, until, &ev)) {
        int rc = handler(ctx, &ev);
        if (rc != 0)
            return rc;
    }
    if (isfinite(until))
        cal->now = until;
    return 0;
}
