/* calendar.h - the event calendar: a priority queue of timed events with FIFO ties. */
#ifndef SWITCHSIM_CALENDAR_H
#define SWITCHSIM_CALENDAR_H

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

struct calendar;

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
int calendar_schedule(struct calendar *cal, double time, uint32_t kind, uint32_t subject,
                      calendar_handle *handle);

/* Cancels a pending event. Returns true if it was pending; false if it has already come
 * out, was already cancelled, or the handle is not this calendar's. */
bool calendar_cancel(struct calendar *cal, calendar_handle handle);

/* Takes the earliest pending event into *out and advances the clock to its time.
 * Returns false (and leaves *out alone) when nothing is pending. */
bool calendar_pop(struct calendar *cal, struct calendar_event *out);

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

#endif
