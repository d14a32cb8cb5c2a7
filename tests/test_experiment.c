/* test_experiment.c - replications on threads, and precision targets that stop where they should.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "switchsim/precision.h"
#include "switchsim/results.h"

#define BASE "tests/data/model/base.ini"

struct arm {
    struct scenario *sc;
    struct model_setup setup;
    struct experiment ex;
};

static void arm_run(struct arm *a, const char *set, uint64_t seed, int reps)
{
    struct error err = {0};
    const char *sets[] = {set};
    a->sc = scenario_load(BASE, sets, set ? 1 : 0, &err);
    assert_non_null(a->sc);
    assert_int_equal(model_setup_init(&a->setup, a->sc, &err), 0);
    struct experiment_options opts = {.jobs = 2};
    assert_int_equal(experiment_run(&a->setup, seed, reps, &opts, &a->ex, &err), 0);
}

static void arm_done(struct arm *a)
{
    experiment_cleanup(&a->ex);
    model_setup_cleanup(&a->setup);
    scenario_destroy(a->sc);
}

/* Precision stops at the first batch whose half-width meets the target: replications
 * are a prefix of one long run, so the half-width at every batch can be computed from it. */
static void test_precision_stops_where_it_should(void **state)
{
    (void)state;
    const int cap = 120;
    struct arm full;
    arm_run(&full, NULL, 9, cap);
    double hw[cap / PRECISION_BATCH + 1];
    struct experiment prefix = full.ex;
    for (int k = 1; k * PRECISION_BATCH <= cap; k++) {
        prefix.replications = k * PRECISION_BATCH;
        struct summary s;
        results_summary(&prefix, prefix.rounds, M_SWITCHED, &s);
        hw[k] = (s.ci_high - s.ci_low) / 2;
    }
    /* a target between the half-widths at 30 and 60 replications */
    double target = (hw[3] + hw[6]) / 2;
    int expect = 0;
    for (int k = 1; k * PRECISION_BATCH <= cap && !expect; k++)
        if (hw[k] <= target)
            expect = k * PRECISION_BATCH;
    assert_true(expect > 10 && expect < cap);

    struct error err = {0};
    const double targets[] = {target, 1e9, 1e-9};
    const int expected[] = {expect, PRECISION_BATCH, cap};
    const int jobs[] = {1, 2, 3};
    for (int t = 0; t < 3; t++) {
        struct experiment ex;
        struct precision_result pr;
        struct experiment_options opts = {.jobs = jobs[t]};
        assert_int_equal(experiment_init(&ex, &full.setup, &err), 0);
        assert_int_equal(
            precision_run(&ex, &full.setup, 9, cap, M_SWITCHED, targets[t], &opts, &pr, &err), 0);
        print_message("target %.4g: stopped at %d (expected %d), half-width %.4g, met %d\n",
                      targets[t], ex.replications, expected[t], pr.halfwidth, pr.met);
        assert_int_equal(ex.replications, expected[t]);
        assert_int_equal(pr.met, t < 2);
        if (t == 0)
            assert_float_equal(pr.halfwidth, hw[expect / PRECISION_BATCH], 1e-9);
        experiment_cleanup(&ex);
    }
    arm_done(&full);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_precision_stops_where_it_should),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
