/* stream.h - named random streams on GSL generators, derived from (seed, replication, purpose). */
#ifndef SWITCHSIM_STREAM_H
#define SWITCHSIM_STREAM_H

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

/* A new generator (MT19937) seeded for (seed, replication, purpose).
 * Returns NULL when out of memory; free it with gsl_rng_free(). */
gsl_rng *stream_create(uint64_t seed, uint32_t replication, uint32_t purpose);

/* Reseeds an existing generator for (seed, replication, purpose), as if newly created. */
void stream_reseed(gsl_rng *r, uint64_t seed, uint32_t replication, uint32_t purpose);

#endif
