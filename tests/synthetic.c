/* synthetic.c - synthetic campaigns with known parameters, for checking that calibration
 * recovers them and that forecast ranges cover fresh campaigns as often as they say. */
#include <stdio.h>
#include <stdlib.h>

#include "switchsim/experiment.h"
#include "synthetic.h"

const char *const synthetic_campaigns[SYNTHETIC_CAMPAIGNS] = {
    "tests/data/calibrate/a.ini", "tests/data/calibrate/b.ini", "tests/data/calibrate/c.ini"};
const char *const synthetic_keys[3] = {"decisions.intercept", "decisions.saving_coef",
                                       "decisions.paper_coef"};
const double synthetic_truth[3] = {-1.8, 0.8, 1.2};

int synthetic_observe(uint64_t seed, const char *path, struct error *err)
{
    static const enum metric observed[] = {M_SWITCHED, M_CONVERSION_PAPER, M_SAVING_TOTAL};
    FILE *f = fopen(path, "w");
    if (!f)
        return error_set(err, ERROR_SYSTEM, path, 0, "", "cannot write");
    fputs("scenario,round,metric,value,sd\n", f);
    int rc = 0;
    char *cwd = realpath(".", NULL);
    for (size_t c = 0; c < SYNTHETIC_CAMPAIGNS && rc == 0; c++) {
        struct scenario *sc = scenario_load(synthetic_campaigns[c], NULL, 0, err);
        struct model_setup setup;
        struct experiment ex = {0};
        struct experiment_options eo = {.jobs = 1};
        if (!sc || model_setup_init(&setup, sc, err)) {
            scenario_destroy(sc);
            rc = -1;
            break;
        }
        /* each campaign its own seed: campaigns on common random numbers are not independent */
        if ((rc = experiment_run(&setup, seed + 7919 * c, 1, &eo, &ex, err)) == 0)
            for (size_t m = 0; m < sizeof observed / sizeof *observed; m++)
                fprintf(f, "%s/%s,1,%s,%.17g,0\n", cwd, synthetic_campaigns[c],
                        metric_name(observed[m]), ex.reps[0].metrics[observed[m]]);
        experiment_cleanup(&ex);
        model_setup_cleanup(&setup);
        scenario_destroy(sc);
    }
    free(cwd);
    if (fclose(f) && rc == 0)
        rc = error_set(err, ERROR_SYSTEM, path, 0, "", "cannot write");
    return rc;
}

int synthetic_fit(const char *observed, int replications, const char *out_dir,
                  struct calibrate_result *r, struct error *err)
{
    static const char *const start[] = {"decisions.intercept=-1.2", "decisions.saving_coef=0.5",
                                        "decisions.paper_coef=0.6"};
    struct calibrate_spec spec = {0};
    const char *fits[] = {"decisions.intercept", "decisions.saving_coef@0:5",
                          "decisions.paper_coef"};
    for (size_t j = 0; j < 3; j++)
        if (calibrate_add_fit(&spec, fits[j], err))
            return -1;
    struct settings s = {
        .jobs = 2, .replications = replications, .sets = start, .n_sets = 3, .out_dir = out_dir};
    return calibrate_run(synthetic_campaigns[0], observed, &spec, &s, r, err);
}
