/* eventline.c - events that wait in a line beside the calendar, which holds one event for the head.
 */
#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "eventline.h"

void eventline_init(struct eventline *l, uint32_t kind, uint32_t subject)
{
    *l = (struct eventline){.kind = kind, .subject = subject};
}

void eventline_cleanup(struct eventline *l)
{
    free(l->items);
    eventline_init(l, l->kind, l->subject);
}

static int arm(struct eventline *l, struct calendar *cal)
{
    assert(!l->armed && l->head < l->len);
    return calendar_schedule(cal, l->items[l->head].time, l->kind, l->subject, &l->armed);
}

int eventline_push(struct eventline *l, struct calendar *cal, double t, uint32_t subject,
                   bool arm_head)
{
    if (l->len == l->cap) {
        if (l->head > 0) { /* reuse the room of items already out */
            memmove(l->items, l->items + l->head, (l->len - l->head) * sizeof *l->items);
            l->len -= l->head;
            l->head = 0;
        } else {
            size_t cap = l->cap ? l->cap * 2 : 1024;
            struct eventline_item *items = realloc(l->items, cap * sizeof *items);
            if (!items)
                return -1;
            l->items = items;
            l->cap = cap;
        }
    }
    assert(!arm_head || l->len == l->head || l->items[l->len - 1].time <= t);
    l->items[l->len++] = (struct eventline_item){t, subject};
    return arm_head && !l->armed ? arm(l, cal) : 0;
}

static int item_order(const void *pa, const void *pb)
{
    const struct eventline_item *a = pa, *b = pb;
    if (a->time != b->time)
        return a->time < b->time ? -1 : 1;
    return (a->subject > b->subject) - (a->subject < b->subject);
}

int eventline_sort(struct eventline *l, struct calendar *cal)
{
    if (l->armed) {
        calendar_cancel(cal, l->armed);
        l->armed = 0;
    }
    if (l->head == l->len)
        return 0; /* nothing waits (and items may be NULL: qsort must not see it) */
    qsort(l->items + l->head, l->len - l->head, sizeof *l->items, item_order);
    return arm(l, cal);
}

int eventline_pop(struct eventline *l, struct calendar *cal, struct eventline_item *out)
{
    l->armed = 0;
    *out = l->items[l->head++];
    if (l->head == l->len) {
        l->head = l->len = 0;
        return 0;
    }
    if (l->head >= 4096 && 2 * l->head >= l->len) {
        /* Move the waiting items to the front once half the room is spent, so a line
         * touches memory in proportion to what waits in it, not to all it ever held. */
        memmove(l->items, l->items + l->head, (l->len - l->head) * sizeof *l->items);
        l->len -= l->head;
        l->head = 0;
    }
    return arm(l, cal);
}
