/* stream.c - named random streams: MT19937 generators seeded from (seed, replication, purpose). */
#include <assert.h>
#include <limits.h>

#include "stream.h"

/* The zero case below needs a seed GSL sees as nonzero but truncates to 32 bits. */
_Static_assert(ULONG_MAX > 0xffffffffUL, "stream_seed needs a 64-bit unsigned long");

/* splitmix64 (Steele, Lea and Flood): spreads any 64-bit seed over all bits. */
static uint64_t stream_splitmix64(uint64_t x)
{
    x += UINT64_C(0x9e3779b97f4a7c15);
    x = (x ^ (x >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    x = (x ^ (x >> 27)) * UINT64_C(0x94d049bb133111eb);
    return x ^ (x >> 31);
}

/* The MurmurHash3 finaliser: a bijection on 32-bit words with full avalanche. */
static uint32_t stream_fmix32(uint32_t h)
{
    h ^= h >> 16;
    h *= 0x85ebca6bu;
    h ^= h >> 13;
    h *= 0xc2b2ae35u;
    h ^= h >> 16;
    return h;
}

/*
 * s = fmix32(replication * STREAM_MAX_PURPOSES + purpose + base(seed)) mod 2^32: the
 * counter is a bijection of (replication, purpose) while it fits in 32 bits, adding base is
 * one, and so is fmix32. MT19937 takes 32-bit seeds, but GSL replaces seed 0 by 4357, which
 * would make the stream whose s is 0 repeat the one whose s is 4357. So s = 0 is passed as
 * 2^32: nonzero for GSL's check, and 0 once GSL keeps the low 32 bits (mt[0] = 0).
 */
unsigned long stream_seed(uint64_t seed, uint32_t replication, uint32_t purpose)
{
    assert(purpose < STREAM_MAX_PURPOSES);
    assert(replication <= UINT32_MAX / STREAM_MAX_PURPOSES);
    uint64_t z = stream_splitmix64(seed);
    uint32_t base = (uint32_t)(z ^ (z >> 32));
    uint32_t s = stream_fmix32(replication * STREAM_MAX_PURPOSES + purpose + base);
    return s != 0 ? (unsigned long)s : 1UL << 32;
}

/* gsl_rng_alloc reports running out of memory through GSL's error handler: it returns NULL
 * only once the caller has turned the default (aborting) handler off. */
gsl_rng *stream_create(uint64_t seed, uint32_t replication, uint32_t purpose)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (r)
        gsl_rng_set(r, stream_seed(seed, replication, purpose));
    return r;
}

void stream_reseed(gsl_rng *r, uint64_t seed, uint32_t replication, uint32_t purpose)
{
    gsl_rng_set(r, stream_seed(seed, replication, purpose));
}
