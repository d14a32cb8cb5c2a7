/* stream.h - named random streams on GSL generators, derived from (seed, replication, purpose). */
#ifndef SWITCHSIM_STREAM_H
#define SWITCHSIM_STREAM_H

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* A purpose is a small number naming one kind of draw (the model names its own: arrivals,
 * household attributes, bids, ...). Streams for different (replication, purpose) pairs
 * under one seed are seeded differently, so each part of a model draws the same numbers
 * whatever the other parts do: common random numbers across scenarios. */
#define STREAM_MAX_PURPOSES 64u

/* The GSL seed of stream (seed, replication, purpose): a bijection of
 * (replication, purpose) for a fixed seed, so no two streams of one run coincide. */
unsigned long stream_seed(uint64_t seed, uint32_t replication, uint32_t purpose);

/* A new generator seeded for (seed, replication, purpose): a gsl_rng of type stream_mt19937,
 * which gives exactly the numbers of GSL's gsl_rng_mt19937 under the same seed, so any GSL
 * function may draw from it. Returns NULL when out of memory; free it with gsl_rng_free(). */
gsl_rng *stream_create(uint64_t seed, uint32_t replication, uint32_t purpose);

/* Reseeds an existing generator for (seed, replication, purpose), as if newly created. */
void stream_reseed(gsl_rng *r, uint64_t seed, uint32_t replication, uint32_t purpose);

/*
 * Fast draws. GSL's mt19937 makes each number through two calls (gsl_rng_uniform, then the
 * generator's get); stream_mt19937 keeps MT19937 as GSL runs it but tempers a block of 624
 * outputs at a time, so the functions below take a number with a load and an add. They
 * give bit for bit what the GSL function named beside each gives on gsl_rng_mt19937 (the
 * same formula, tested in test_stream.c), and take only generators from stream_create.
 */
#define STREAM_MT_N 624

/* The state of a stream_mt19937 generator (r->state). */
struct stream_state {
    uint32_t next;                 /* next output to hand out; STREAM_MT_N: make a block */
    uint32_t out[STREAM_MT_N];     /* the tempered outputs of the current block */
    uint32_t mt[STREAM_MT_N];      /* MT19937's state after making that block */
};

/* The generator type of stream_create: MT19937 seeded and run exactly as gsl_rng_mt19937. */
extern const gsl_rng_type *stream_mt19937;

/* Makes the next block of 624 outputs. Not for callers: the draws below call it. */
void stream_refill(struct stream_state *s);

/* gsl_rng_get: the next 32-bit output. */
static inline uint32_t stream_get(const gsl_rng *r)
{
    struct stream_state *s = r->state;
    if (__builtin_expect(s->next >= STREAM_MT_N, 0))
        stream_refill(s);
    return s->out[s->next++];
}

/* gsl_rng_uniform: uniform on [0, 1). */
static inline double stream_uniform(const gsl_rng *r)
{
    return stream_get(r) / 4294967296.0;
}

/* gsl_rng_uniform_pos: uniform on (0, 1). */
static inline double stream_uniform_pos(const gsl_rng *r)
{
    uint32_t k;
    do
        k = stream_get(r);
    while (k == 0);
    return k / 4294967296.0;
}

/* gsl_ran_exponential: exponential with mean mu. */
static inline double stream_exponential(const gsl_rng *r, double mu)
{
    return -mu * log1p(-stream_uniform(r));
}

/* gsl_ran_flat: uniform on [a, b). */
static inline double stream_flat(const gsl_rng *r, double a, double b)
{
    double u = stream_uniform(r);
    return a * (1 - u) + b * u;
}

/* gsl_ran_ugaussian: standard normal by the polar (Box-Muller) method. */
static inline double stream_ugaussian(const gsl_rng *r)
{
    double x, y, r2;
    do {
        x = -1 + 2 * stream_uniform_pos(r);
        y = -1 + 2 * stream_uniform_pos(r);
        r2 = x * x + y * y;
    } while (r2 > 1.0 || r2 == 0);
    return 1.0 * y * sqrt(-2.0 * log(r2) / r2);
}

#endif
