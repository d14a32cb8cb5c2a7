/* recovery.c - the long parameter-recovery check: N synthetic repetitions (three campaigns each,
 * made from known parameters with a fresh seed), each calibrated; how often the 95% intervals
 * hold the truth. Usage: recovery [N] [REPLICATIONS]; prints a line per repetition and the
 * coverage, and exits 1 when it falls outside 90-99%. */
#include <stdio.h>
#include <stdlib.h>

#include "synthetic.h"

int main(int argc, char **argv)
{
    int n = argc > 1 ? atoi(argv[1]) : 50, reps = argc > 2 ? atoi(argv[2]) : 20;
    char dir[] = "/tmp/switchsim-recovery-XXXXXX";
    if (n < 1 || reps < 3 || !mkdtemp(dir))
        return 2;
    int covered[3] = {0}, all = 0;
    for (int k = 0; k < n; k++) {
        char observed[200], fit[200];
        snprintf(observed, sizeof observed, "%s/observed-%d.csv", dir, k);
        snprintf(fit, sizeof fit, "%s/fit", dir); /* a result folder holds results only */
        struct error err = {0};
        struct calibrate_result r;
        if (synthetic_observe(5000 + (uint64_t)k * 104729, observed, &err) ||
            synthetic_fit(observed, reps, fit, &r, &err)) {
            fprintf(stderr, "recovery: repetition %d: %s: %s\n", k + 1, err.key, err.message);
            return 1;
        }
        printf("repetition %3d:", k + 1);
        for (int j = 0; j < 3; j++) {
            int in = r.lo[j] <= synthetic_truth[j] && synthetic_truth[j] <= r.hi[j];
            covered[j] += in;
            all += in;
            printf("  %s %.3f [%.3f, %.3f]%s", synthetic_keys[j], r.estimate[j], r.lo[j], r.hi[j],
                   in ? "" : " MISSED");
        }
        printf("\n");
        fflush(stdout);
        calibrate_result_cleanup(&r);
    }
    double coverage = (double)all / (3.0 * n);
    for (int j = 0; j < 3; j++)
        printf("%s: truth %.2f inside its 95%% interval in %d of %d repetitions\n",
               synthetic_keys[j], synthetic_truth[j], covered[j], n);
    printf("coverage of the 95%% intervals: %d of %d (%.1f%%; target 90-99%%)\n", all, 3 * n,
           100 * coverage);
    return coverage >= 0.90 && coverage <= 0.99 ? 0 : 1;
}
