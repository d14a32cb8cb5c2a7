/* mm1.c - benchmark: an M/M/1 queue (arrival rate 0.9, service rate 1) on the event calendar. */
/*
 * A model as switchsim's are written: its own streams (stream.h: MT19937 as GSL runs it,
 * drawn inline), an event loop of calendar_pop and a handler. Each stream's exponentials
 * are drawn 32 at a time into a buffer, the very same numbers in the same order: the
 * logarithm behind each (a few dozen cycles of latency) is then not waited for by the
 * comparison that places the next event in the calendar, which would otherwise stall on
 * it, half the time mispredicted. Prints the mean time in system and the CPU seconds of
 * the simulation.
 */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "calendar.h"
#include "stream.h"

#define LAMBDA 0.9
#define MU 1.0
#define SEED UINT64_C(20150202)
#define PURPOSE_ARRIVALS 0
#define PURPOSE_SERVICES 1

enum mm1_kind { MM1_ARRIVAL, MM1_DEPARTURE };

/* Exponential variates of one stream, drawn a block at a time: v[n - 1] is the next. */
struct mm1_draws {
    double v[32];
    int n;
};

static inline double mm1_draw(struct mm1_draws *d, const gsl_rng *r, double mean)
{
    if (d->n == 0) {
        for (int i = 32; i-- > 0;) /* v[31] first: the stream's order */
            d->v[i] = stream_exponential(r, mean);
        d->n = 32;
    }
    return d->v[--d->n];
}

/* The customers in the system (the first one in service) as a ring of arrival times. */
struct mm1 {
    struct calendar *cal;
    gsl_rng *arrivals;
    gsl_rng *services;
    double *ring;
    size_t mask;
    size_t head;
    size_t count;
    unsigned long arrived;
    unsigned long customers;
    double total; /* sum of times in system */
    struct mm1_draws interarrival, service;
};

static int mm1_push(struct mm1 *m, double t)
{
    if (m->count > m->mask) {
        size_t cap = 2 * (m->mask + 1);
        double *ring = malloc(cap * sizeof *ring);
        if (!ring)
            return -1;
        for (size_t i = 0; i < m->count; i++)
            ring[i] = m->ring[(m->head + i) & m->mask];
        free(m->ring);
        m->ring = ring;
        m->mask = cap - 1;
        m->head = 0;
    }
    m->ring[(m->head + m->count++) & m->mask] = t;
    return 0;
}

/* Handles one event; a service starts when a customer arrives at an empty system or leaves
 * one behind. Returns 0, or -1 when out of memory. */
static int mm1_handle(struct mm1 *m, const struct calendar_event *ev)
{
    bool start;
    if (ev->kind == MM1_ARRIVAL) {
        if (mm1_push(m, ev->time) != 0)
            return -1;
        if (++m->arrived < m->customers) {
            double a = mm1_draw(&m->interarrival, m->arrivals, 1.0 / LAMBDA);
            if (calendar_schedule(m->cal, ev->time + a, MM1_ARRIVAL, 0, NULL) != 0)
                return -1;
        }
        start = m->count == 1;
    } else {
        m->total += ev->time - m->ring[m->head];
        m->head = (m->head + 1) & m->mask;
        start = --m->count > 0;
    }
    if (!start)
        return 0;
    double s = mm1_draw(&m->service, m->services, 1.0 / MU);
    return calendar_schedule(m->cal, ev->time + s, MM1_DEPARTURE, 0, NULL);
}

int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000UL;
    if (n == 0) {
        fprintf(stderr, "usage: mm1 CUSTOMERS\n");
        return 2;
    }
    struct mm1 m;
    memset(&m, 0, sizeof m);
    m.customers = n;
    m.mask = 1023;
    m.cal = calendar_create(16);
    m.arrivals = stream_create(SEED, 0, PURPOSE_ARRIVALS);
    m.services = stream_create(SEED, 0, PURPOSE_SERVICES);
    m.ring = malloc((m.mask + 1) * sizeof *m.ring);
    if (!m.cal || !m.arrivals || !m.services || !m.ring) {
        fprintf(stderr, "mm1: out of memory\n");
        return 1;
    }

    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    double first = mm1_draw(&m.interarrival, m.arrivals, 1.0 / LAMBDA);
    int rc = calendar_schedule(m.cal, first, MM1_ARRIVAL, 0, NULL);
    struct calendar_event ev; /* the event loop of a model: pop, handle, until none is left */
    while (rc == 0 && calendar_pop(m.cal, &ev))
        rc = mm1_handle(&m, &ev);
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    if (rc != 0) {
        fprintf(stderr, "mm1: out of memory\n");
        return 1;
    }

    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("mean time in system %.4f (exact %g), customers %lu, cpu_seconds %.3f\n",
           m.total / (double)n, 1.0 / (MU - LAMBDA), n, seconds);
    calendar_destroy(m.cal);
    gsl_rng_free(m.arrivals);
    gsl_rng_free(m.services);
    free(m.ring);
    return 0;
}
