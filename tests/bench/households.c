/* households.c - benchmark: a replication of a scenario at N expected registrations. */
/*
 * Prints the households simulated per CPU second on one thread (replications one after
 * another: a user's run of a campaign of that size, which REPLICATIONS repeats so a small
 * campaign is timed over enough households) and the peak memory per household of one
 * replication (the process's peak resident memory, everything included).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

#include "switchsim/experiment.h"

int main(int argc, char **argv)
{
    if (argc != 3 && argc != 4) {
        fprintf(stderr, "usage: households SCENARIO.ini N [REPLICATIONS]\n");
        return 2;
    }
    char expected[64], clerks[64];
    double n = atof(argv[2]);
    /* Scale the clerks with the campaign so the paper path carries its share. Every size
     * runs the same model, the scenario's estimates: with its fitted uncertainty, each
     * replication would draw its own parameters, and a campaign of millions, one
     * replication, would be timed on one draw against the thousand of a small one. */
    snprintf(expected, sizeof expected, "registration.expected=%s", argv[2]);
    snprintf(clerks, sizeof clerks, "paper.clerks=%.0f", n / 2000 + 1);
    const char *sets[] = {expected, clerks, "uncertainty.parameters=", "uncertainty.covariance="};
    struct error err = {0};
    struct scenario *sc = scenario_load(argv[1], sets, sizeof sets / sizeof *sets, &err);
    if (!sc) {
        fprintf(stderr, "households: %s:%d: %s: %s\n", err.file, err.line, err.key, err.message);
        return 2;
    }
    struct model_setup setup;
    struct experiment ex;
    if (model_setup_init(&setup, sc, &err))
        return 1;
    struct timespec t0, t1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
    /* One replication, as a user's run of one campaign; argv[3] repeats it (one after
     * another, on one thread) to time small campaigns warm. */
    int reps = argc > 3 ? atoi(argv[3]) : 1;
    if (reps < 1)
        reps = 1;
    struct experiment_options opts = {.jobs = 1};
    if (experiment_run(&setup, 1, reps, &opts, &ex, &err))
        return 1;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
    double seconds = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
    double households = 0;
    for (int i = 0; i < reps; i++)
        for (int r = 0; r < ex.rounds; r++)
            households +=
                ex.reps[i].metrics[(size_t)r * M_COUNT + M_REGISTERED] +
                (r == ex.rounds - 1 ? ex.reps[i].metrics[(size_t)r * M_COUNT + M_PAPER_LATE] : 0);
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double peak = ru.ru_maxrss * 1024.0;
    /* peak memory is that of one replication: they run one at a time */
    printf("expected %.0f households %.0f cpu_seconds %.4f households/s %.0f peak_bytes %.0f "
           "bytes/household %.1f replications %d\n",
           n, households / reps, seconds, households / seconds, peak, peak * reps / households,
           reps);
    experiment_cleanup(&ex);
    model_setup_cleanup(&setup);
    scenario_destroy(sc);
    return 0;
}
