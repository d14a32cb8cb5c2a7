/* eventline.h - events that wait in a line beside the calendar, which holds one event for the head.
 */
#ifndef SWITCHSIM_EVENTLINE_H
#define SWITCHSIM_EVENTLINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "calendar.h"

/* Events that come due in the order they are added (after a fixed delay), or that arrive as
 * one batch sorted once, need no heap: they wait in a line, and the calendar holds a single
 * event for the line's head, of the line's own kind and subject. That keeps the heap small,
 * and fast, in runs of millions, and an item costs 16 bytes against the calendar's 28.
 * Events come out in the same order as they would from the calendar alone. */
struct eventline_item {
    double time;
    uint32_t subject;
    uint32_t tag; /* the caller's, carried with the item (it costs no room: padding else) */
};

/* The waiting items are a ring: items[(head + k) % cap] for k < count, in time order, cap
 * a power of two (or 0). A fixed-delay line cycles through its ring without moving an
 * item, and holds only as much memory as waits in it at most. */
struct eventline {
    uint32_t kind, subject; /* of the calendar event that stands for the head */
    struct eventline_item *items;
    size_t head, count, cap;
    calendar_handle armed; /* the calendar event for the head; 0 when none */
};

/* An empty line whose head is announced to the calendar as event (kind, subject). */
void eventline_init(struct eventline *l, uint32_t kind, uint32_t subject);

/* Frees the line's items; the line is empty afterwards. */
void eventline_cleanup(struct eventline *l);

/* Adds `subject` due at t, with the caller's `tag` (which eventline_pop gives back with it).
 * With arm, the item must not be due before the last one (a fixed-delay line) and the head
 * is announced to cal; without, any order is taken until eventline_sort. Returns 0, or -1
 * when out of memory (the line is then unchanged). */
int eventline_push(struct eventline *l, struct calendar *cal, double t, uint32_t subject,
                   uint32_t tag, bool arm);

/* Puts the waiting items in time order (ties by subject) after unordered pushes, and
 * announces the new head to cal. Returns 0, or -1 when out of memory (the items are then
 * unsorted, and nothing is announced). */
int eventline_sort(struct eventline *l, struct calendar *cal);

/* Takes the head, whose calendar event has just come out, into *out, and announces the next
 * head. Returns 0, or -1 when the calendar is out of memory. */
int eventline_pop(struct eventline *l, struct calendar *cal, struct eventline_item *out);

/* The item `ahead` places behind the head, if that many wait (else NULL): so a caller can
 * fetch what that item will need into the cache while earlier ones are handled (events of
 * a line reach their subjects out of order). */
static inline const struct eventline_item *eventline_peek(const struct eventline *l, size_t ahead)
{
    return l->count > ahead ? &l->items[(l->head + ahead) & (l->cap - 1)] : NULL;
}

#endif
