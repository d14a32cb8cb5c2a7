/* lindley.c - benchmark floor: the M/M/1 queue of mm1.c by the Lindley recursion, no calendar. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_randist.h>

#include "stream.h"

#define LAMBDA 0.9
#define MU 1.0
#define SEED UINT64_C(20150202)
#define PURPOSE_ARRIVALS 0
#define PURPOSE_SERVICES 1

/*
 * The same streams and the same draws as mm1.c, in the same order within each stream:
 * interarrival times A_1..A_N (A_1 only places the first arrival, which the recursion does
 * not need, but it is drawn all the same) and service times S_1..S_N. The waiting time
 * follows W_1 = 0, W_{n+1} = max(0, W_n + S_n - A_{n+1}), and the time in system is
 * W_n + S_n: the same sample path as mm1.c, so the two means agree to rounding.
 *
 * With a second argument "taus2", the streams are GSL's taus2 (L'Ecuyer's maximally
 * equidistributed Tausworthe generator), seeded alike: one of the fastest generators GSL
 * has, so no simulator drawing its own numbers can beat this floor by a cheaper generator.
 * It is the floor of the performance bar; the MT19937 one draws mm1.c's very numbers.
 */
int main(int argc, char **argv)
{
    unsigned long n = argc > 1 ? strtoul(argv[1], NULL, 10) : 1000000UL;
    const char *generator = argc > 2 ? argv[2] : "mt19937";
    const gsl_rng_type *type = !strcmp(generator, "mt19937") ? gsl_rng_mt19937
                               : !strcmp(generator, "taus2") ? gsl_rng_taus2
                                                              : NULL;
    if (n == 0 || argc > 3 || !type) {
        fprintf(stderr, "usage: lindley CUSTOMERS [mt19937|taus2]\n");
        return 2;
    }
    gsl_rng *arrivals = gsl_rng_alloc(type);
    gsl_rng *services = gsl_rng_alloc(type);
    if (!arrivals || !services) {
        fprintf(stderr, "lindley: out of memory\n");
        return 1;
    }
    gsl_rng_set(arrivals, stream_seed(SEED, 0, PURPOSE_ARRIVALS));
    gsl_rng_set(services, stream_seed(SEED, 0, PURPOSE_SERVICES));

    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    double total = 0.0;
    double w = 0.0;
    (void)gsl_ran_exponential(arrivals, 1.0 / LAMBDA);
    for (unsigned long i = 0; i < n; i++) {
        double s = gsl_ran_exponential(services, 1.0 / MU);
        total += w + s;
        if (i + 1 < n) {
            w += s - gsl_ran_exponential(arrivals, 1.0 / LAMBDA);
            if (w < 0.0)
                w = 0.0;
        }
    }
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);

    double seconds = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    printf("mean time in system %.4f (exact %g), customers %lu, %s, cpu_seconds %.3f\n",
           total / (double)n, 1.0 / (MU - LAMBDA), n, generator, seconds);
    gsl_rng_free(arrivals);
    gsl_rng_free(services);
    return 0;
}
