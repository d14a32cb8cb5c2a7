/* test_run.c - the run command in process: settings, result files, interruption, and the
 * calibrated February 2015 auction landing on its published figures. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "switchsim/results.h"
#include "switchsim/run.h"
#include "testutil.h"

#define BASE "tests/data/model/base.ini"

#define tmp testutil_tmp

static const char *const run_files[] = {"summary.csv",      "replications.csv", "daily.csv",
                                        "savings_hist.csv", "bids.csv",         "scenario.ini"};

/* -s, -r and --set are applied before the scenario is validated: the loaded scenario says
 * them, and the resolved scenario.ini runs again to the same bytes. */
static void test_settings_and_files(void **state)
{
    (void)state;
    char a[200], b[200];
    snprintf(a, sizeof a, "%s/a", tmp);
    snprintf(b, sizeof b, "%s/b", tmp);
    const char *sets[] = {"paper.clerks=3", "scenario.seed=99"};
    struct settings s = {.jobs = 2,
                         .sets = sets,
                         .n_sets = 2,
                         .has_seed = true,
                         .seed = 7,
                         .replications = 5,
                         .out_dir = a};
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario(BASE, &s, &r, &err), 0);
    assert_int_equal(r.sc->scenario.seed, 7); /* -s after --set */
    assert_int_equal(r.sc->scenario.replications, 5);
    assert_int_equal(r.sc->paper.clerks, 3);
    assert_int_equal(r.ex.replications, 5);
    assert_false(r.partial);
    assert_string_equal(r.dir, a);
    run_result_cleanup(&r);
    for (size_t k = 0; k < 6; k++)
        assert_true(testutil_exists(testutil_path(a, run_files[k])));
    assert_false(testutil_exists(testutil_path(a, "PARTIAL")));

    struct settings again = {.jobs = 1, .out_dir = b};
    char resolved[300];
    snprintf(resolved, sizeof resolved, "%s/scenario.ini", a);
    assert_int_equal(run_scenario(resolved, &again, &r, &err), 0);
    run_result_cleanup(&r);
    for (size_t k = 0; k < 5; k++)
        testutil_assert_same_file(testutil_path(a, run_files[k]), testutil_path(b, run_files[k]));
}

/* Stopped after 3 replications: they are kept, marked PARTIAL, and scenario.ini records 3,
 * so the partial results re-run exactly. A trace file that cannot be written is bad input. */
static void test_interrupted(void **state)
{
    (void)state;
    char cut[200];
    snprintf(cut, sizeof cut, "%s/cut", tmp);
    struct settings s = {.jobs = 1, .replications = 10, .out_dir = cut};
    struct testutil_stopper stop = {.after = 3};
    testutil_stop_after(&s, &stop);
    testutil_run_interrupted(BASE, &s, 3);
    char *ini = testutil_read(testutil_path(cut, "scenario.ini"));
    testutil_assert_contains(ini, "\nreplications = 3\n");
    free(ini);
    char *reps = testutil_read(testutil_path(cut, "replications.csv"));
    testutil_assert_contains(reps, "\n3,1,");
    assert_null(strstr(reps, "\n4,1,"));
    free(reps);

    /* stopped before any replication finished: nothing is written */
    char none[200];
    snprintf(none, sizeof none, "%s/none", tmp);
    s.out_dir = none;
    stop = (struct testutil_stopper){.after = 0};
    testutil_stop_after(&s, &stop);
    stop.flag = 1;
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario(BASE, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INTERRUPTED);
    assert_false(r.partial);
    run_result_cleanup(&r);
    assert_false(testutil_exists(none));

    struct settings t = {
        .jobs = 1, .replications = 2, .out_dir = none, .trace = "/nonexistent-folder/trace.csv"};
    err = (struct error){0};
    assert_int_equal(run_scenario(BASE, &t, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_string_equal(err.key, "--trace");
    run_result_cleanup(&r);
    assert_false(testutil_exists(none));
}

/* With a precision target the run stops at a batch boundary and scenario.ini records the
 * replications it took. */
static void test_precision_records_replications(void **state)
{
    (void)state;
    char out[200];
    snprintf(out, sizeof out, "%s/precision", tmp);
    struct settings s = {.jobs = 2,
                         .replications = 200,
                         .out_dir = out,
                         .has_precision = true,
                         .precision_metric = M_SWITCHED,
                         .precision = 6};
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario(BASE, &s, &r, &err), 0);
    assert_true(r.precision.met);
    assert_true(r.ex.replications < 200 && r.ex.replications % 10 == 0);
    char want[64];
    snprintf(want, sizeof want, "\nreplications = %d\n", r.ex.replications);
    run_result_cleanup(&r);
    char *ini = testutil_read(testutil_path(out, "scenario.ini"));
    testutil_assert_contains(ini, want);
    free(ini);
}

/* The calibrated scenario of the February 2015 auction, run as shipped (its own seed and
 * replications), lands on the three published figures: 5,531 households switched (within
 * 3%), over £1.5 million saved a year in all (up to £1.65m: "over £1.5 million" is a
 * rounding down), and half of the paper applications switched (47% to 53%). */
static void test_lga_2015_02(void **state)
{
    (void)state;
    char out[200];
    snprintf(out, sizeof out, "%s/lga", tmp);
    struct settings s = {.jobs = 2, .out_dir = out};
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario("scenarios/lga-2015-02.ini", &s, &r, &err), 0);
    struct summary sw, total, paper;
    results_summary(&r.ex, r.ex.rounds, M_SWITCHED, &sw);
    results_summary(&r.ex, r.ex.rounds, M_SAVING_TOTAL, &total);
    results_summary(&r.ex, r.ex.rounds, M_CONVERSION_PAPER, &paper);
    print_message("switched %.1f, saving_total %.0f, conversion_paper %.4f (%d replications)\n",
                  sw.mean, total.mean, paper.mean, r.ex.replications);
    assert_true(fabs(sw.mean - 5531) <= 0.03 * 5531);
    assert_true(total.mean >= 1.5e6 && total.mean <= 1.65e6);
    assert_true(paper.mean >= 0.47 && paper.mean <= 0.53);
    run_result_cleanup(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_settings_and_files),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_precision_records_replications),
        cmocka_unit_test(test_lga_2015_02),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
