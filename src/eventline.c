/* eventline.c - events that wait in a line beside the calendar, which holds one event for the head.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "eventline.h"
#include "memory.h"

void eventline_init(struct eventline *l, uint32_t kind, uint32_t subject)
{
    *l = (struct eventline){.kind = kind, .subject = subject};
}

void eventline_cleanup(struct eventline *l)
{
    memory_free(l->items, l->cap * sizeof *l->items);
    eventline_init(l, l->kind, l->subject);
}

static int arm(struct eventline *l, struct calendar *cal)
{
    assert(!l->armed && l->count > 0);
    return calendar_schedule(cal, l->items[l->head].time, l->kind, l->subject, &l->armed);
}

/* Doubles the ring, its waiting items still in order from head. Returns 0 or -1. */
static int grow(struct eventline *l)
{
    size_t cap = l->cap ? l->cap * 2 : 1024, size = sizeof *l->items;
    struct eventline_item *items = memory_grow(l->items, l->cap * size, cap * size);
    if (!items)
        return -1;
    /* The items from head to the old end keep their place; those that had wrapped round
     * to the start go after them. */
    size_t first = l->cap - l->head;
    if (l->count > first) {
        size_t wrapped = l->count - first;
        memcpy(items + l->cap, items, wrapped * size);
    }
    l->items = items;
    l->cap = cap;
    return 0;
}

int eventline_push(struct eventline *l, struct calendar *cal, double t, uint32_t subject,
                   uint32_t tag, bool arm_head)
{
    if (l->count == l->cap && grow(l))
        return -1;
    size_t mask = l->cap - 1;
    assert(!arm_head || l->count == 0 || l->items[(l->head + l->count - 1) & mask].time <= t);
    l->items[(l->head + l->count++) & mask] = (struct eventline_item){t, subject, tag};
    return arm_head && !l->armed ? arm(l, cal) : 0;
}

/*
 * Sorting a batch: a least-significant-digit radix sort on the 96-bit key (time, subject),
 * a byte at a time, in place of qsort, whose comparator calls made it the largest cost of
 * an auction's batch of acceptances. Times are never negative (nor NaN), so their bits,
 * read as unsigned integers, are in the order of the times (-0 is taken as +0, as the
 * comparison of doubles does). One pass counts every byte of every key; a byte that is the
 * same in all keys (the top of the exponent, the high bytes of small subjects) costs no
 * pass. The order is the one qsort gave with time then subject, and the same whatever the
 * order pushed, as no two items have both equal.
 */
enum { KEY_BYTES = 12 };

static inline unsigned item_byte(const struct eventline_item *it, int b)
{
    if (b < 4)
        return (it->subject >> (8 * b)) & 0xffu;
    double t = it->time + 0.0; /* -0 becomes +0 */
    uint64_t bits;
    memcpy(&bits, &t, sizeof bits);
    return (unsigned)(bits >> (8 * (b - 4))) & 0xffu;
}

/* Sorts items[0..n) by (time, subject). Returns 0, or -1 when out of memory (unchanged). */
static int sort_items(struct eventline_item *items, size_t n)
{
    if (n < 2)
        return 0;
    uint32_t(*count)[256] = calloc(KEY_BYTES, sizeof *count);
    struct eventline_item *tmp = memory_grow(NULL, 0, n * sizeof *tmp);
    if (!count || !tmp) {
        free(count);
        memory_free(tmp, n * sizeof *tmp);
        return -1;
    }
    bool by_subject = true; /* pushed in subject order, as an auction's offers are */
    for (size_t i = 0; i < n; i++) {
        double t = items[i].time + 0.0;
        uint64_t bits;
        memcpy(&bits, &t, sizeof bits);
        uint32_t s = items[i].subject;
        for (int b = 0; b < 4; b++)
            count[b][(s >> (8 * b)) & 0xffu]++;
        for (int b = 0; b < 8; b++)
            count[4 + b][(bits >> (8 * b)) & 0xffu]++;
        by_subject &= i == 0 || s > items[i - 1].subject;
    }
    /* Items already in subject order need only the passes on time: each pass is stable. */
    struct eventline_item *from = items, *to = tmp;
    for (int b = by_subject ? 4 : 0; b < KEY_BYTES; b++) {
        uint32_t *c = count[b];
        if (c[item_byte(&from[0], b)] == n)
            continue; /* the same byte in every key */
        uint32_t sum = 0;
        for (int d = 0; d < 256; d++) {
            uint32_t k = c[d];
            c[d] = sum;
            sum += k;
        }
        for (size_t i = 0; i < n; i++)
            to[c[item_byte(&from[i], b)]++] = from[i];
        struct eventline_item *x = from;
        from = to;
        to = x;
    }
    if (from != items)
        memcpy(items, from, n * sizeof *items);
    free(count);
    memory_free(tmp, n * sizeof *tmp);
    return 0;
}

static void reverse(struct eventline_item *a, size_t n)
{
    for (size_t i = 0, j = n; i + 1 < j; i++, j--) {
        struct eventline_item x = a[i];
        a[i] = a[j - 1];
        a[j - 1] = x;
    }
}

int eventline_sort(struct eventline *l, struct calendar *cal)
{
    if (l->armed) {
        calendar_cancel(cal, l->armed);
        l->armed = 0;
    }
    if (l->count == 0)
        return 0; /* nothing waits (and items may be NULL) */
    assert(l->count <= UINT32_MAX);
    if (l->head + l->count > l->cap) { /* wrapped round: rotate the ring to start at head */
        reverse(l->items, l->head);
        reverse(l->items + l->head, l->cap - l->head);
        reverse(l->items, l->cap);
        l->head = 0;
    }
    if (sort_items(l->items + l->head, l->count))
        return -1;
    return arm(l, cal);
}

/* Items per huge page of a large ring (which memory_grow puts on a huge-page boundary). */
#define PAGE_ITEMS (MEMORY_LARGE / sizeof(struct eventline_item))

int eventline_pop(struct eventline *l, struct calendar *cal, struct eventline_item *out)
{
    l->armed = 0;
    size_t next = l->head + 1;
    *out = l->items[l->head];
    l->head = next & (l->cap - 1);
    l->count--;
    /* A large ring at most half full gives back each huge page that its head leaves: a line
     * holds memory for what waits in it, not for all it ever held (an auction's batch is
     * consumed while the lines after it fill). A fuller one keeps its pages, which its
     * tail will soon reach again: giving them back would only have them cleared anew. */
    if (l->cap >= 2 * PAGE_ITEMS && next % PAGE_ITEMS == 0 && 2 * l->count <= l->cap)
        memory_release(l->items + (next - PAGE_ITEMS), MEMORY_LARGE);
    if (l->count == 0) {
        l->head = 0;
        return 0;
    }
    return arm(l, cal);
}
