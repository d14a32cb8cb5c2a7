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

/*
 * MT19937 (Matsumoto and Nishimura 1998) exactly as GSL's rng/mt.c runs it: the same
 * seeding (Knuth's multiplier; seed 0 taken as 4357), the same recurrence and tempering.
 * GSL makes the 624 words of a block at once but tempers one per call; here a block is
 * made and tempered in two plain loops over arrays, which the compiler can vectorise.
 */
#define MT_M 397
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

static inline uint32_t mt_twist(uint32_t a, uint32_t b, uint32_t c)
{
    uint32_t y = (a & MT_UPPER) | (b & MT_LOWER);
    return c ^ (y >> 1) ^ (-(y & 1u) & 0x9908b0dfu);
}

/* Where the compiler and the C library can choose a version at load time (GCC's target
 * clones, on x86-64), a block is also made with AVX2, twice as wide as the SSE2 every
 * x86-64 has: the same words either way. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__)
__attribute__((target_clones("avx2", "default")))
#endif
void stream_refill(struct stream_state *s)
{
    uint32_t *mt = s->mt;
    int k;
    /* 224 + 3 + 396 + 1 words: loops whose lengths are multiples of 4 vectorise at -O2. */
    for (k = 0; k < 224; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M]);
    for (; k < STREAM_MT_N - MT_M; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M]);
    for (; k < STREAM_MT_N - 1; k++)
        mt[k] = mt_twist(mt[k], mt[k + 1], mt[k + MT_M - STREAM_MT_N]);
    mt[STREAM_MT_N - 1] = mt_twist(mt[STREAM_MT_N - 1], mt[0], mt[MT_M - 1]);
    for (k = 0; k < STREAM_MT_N; k++) {
        uint32_t y = mt[k];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        s->out[k] = y;
    }
    s->next = 0;
}

static void mt_set(void *state, unsigned long seed)
{
    struct stream_state *s = state;
    if (seed == 0)
        seed = 4357;
    s->mt[0] = (uint32_t)seed;
    for (int i = 1; i < STREAM_MT_N; i++)
        s->mt[i] = 1812433253u * (s->mt[i - 1] ^ (s->mt[i - 1] >> 30)) + (uint32_t)i;
    s->next = STREAM_MT_N;
}

static unsigned long mt_get(void *state)
{
    struct stream_state *s = state;
    if (s->next >= STREAM_MT_N)
        stream_refill(s);
    return s->out[s->next++];
}

static double mt_get_double(void *state)
{
    return mt_get(state) / 4294967296.0;
}

static const gsl_rng_type stream_mt19937_type = {
    "switchsim-mt19937", 0xffffffffUL, 0, sizeof(struct stream_state),
    mt_set,              mt_get,       mt_get_double};

const gsl_rng_type *stream_mt19937 = &stream_mt19937_type;

/* gsl_rng_alloc reports running out of memory through GSL's error handler: it returns NULL
 * only once the caller has turned the default (aborting) handler off. */
gsl_rng *stream_create(uint64_t seed, uint32_t replication, uint32_t purpose)
{
    gsl_rng *r = gsl_rng_alloc(stream_mt19937);
    if (r)
        gsl_rng_set(r, stream_seed(seed, replication, purpose));
    return r;
}

void stream_reseed(gsl_rng *r, uint64_t seed, uint32_t replication, uint32_t purpose)
{
    gsl_rng_set(r, stream_seed(seed, replication, purpose));
}
