/* mm1.c - benchmark: an M/M/1 queue (arrival rate 0.9, service rate 1) on the event calendar. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>

#include "calendar.h"
#include "stream.h"

#define LAMBDA 0.9
#define MU 1.0
#define SEED UINT64_C(20150202)
#define PURPOSE_ARRIVALS 0
#define PURPOSE_SERVICES 1

enum mm1_kind { MM1_ARRIVAL, MM1_DEPARTURE };

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

static int mm1_start_service(struct mm1 *m, double now)
{
    double s = gsl_ran_exponential(m->services, 1.0 / MU);
    return calendar_schedule(m->cal, now + s, MM1_DEPARTURE, 0, NULL);
}

static int mm1_handle(void *ctx, const struct calendar_event *ev)
{
    struct mm1 *m = ctx;
    if (ev->kind == MM1_ARRIVAL) {
        if (mm1_push(m, ev->time) != 0)
            return -1;
        if (++m->arrived < m->customers) {
            double a = gsl_ran_exponential(m->arrivals, 1.0 / LAMBDA);
            if (calendar_schedule(m->cal, ev->time + a, MM1_ARRIVAL, 0, NULL) != 0)
                return -1;
        }
        if (m->count == 1)
            return mm1_start_service(m, ev->time);
        return 0;
    }
    m->total += ev->time - m->ring[m->head];
    m->head = (m->head + 1) & m->mask;
    if (--m->count > 0)
        return mm1_start_service(m, ev->time);
    return 0;
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
    clock_gettime(CLOCK_MONOTONIC, &t0);
    int rc = calendar_schedule(m.cal, gsl_ran_exponential(m.arrivals, 1.0 / LAMBDA), MM1_ARRIVAL, 0,
                               NULL);
    if (rc == 0)
        rc = calendar_run(m.cal, INFINITY, mm1_handle, &m);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (rc != 0) {
        fprintf(stderr, "mm1: out of memory\n");
        return 1;
    }

    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("mean time in system %.4f (exact %g), customers %lu, seconds %.3f\n",
           m.total / (double)n, 1.0 / (MU - LAMBDA), n, seconds);
    calendar_destroy(m.cal);
    gsl_rng_free(m.arrivals);
    gsl_rng_free(m.services);
    free(m.ring);
    return 0;
}
