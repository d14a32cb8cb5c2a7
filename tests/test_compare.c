/* test_compare.c - paired differences on common random numbers, run in process. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <gsl/gsl_cdf.h>

#include "switchsim/compare.h"
#include "testutil.h"

#define BASE "tests/data/model/base.ini"

#define tmp testutil_tmp

/* B is a copy of A (named model-test-b, with `change` made) beside the test data, its
 * tables named by absolute path. */
static const char *write_b(const char *from, const char *to)
{
    static char path[200];
    snprintf(path, sizeof path, "%s/b.ini", tmp);
    char *cwd = getcwd(NULL, 0), market[600], suppliers[600];
    snprintf(market, sizeof market, "market = %s/tests/data/model/market.csv", cwd);
    snprintf(suppliers, sizeof suppliers, "suppliers = %s/tests/data/model/suppliers.csv", cwd);
    char *a = testutil_read(BASE);
    char *b = testutil_replace(a, "name = model-test", "name = model-test-b");
    char *c = testutil_replace(b, "market = market.csv", market);
    char *d = testutil_replace(c, "suppliers = suppliers.csv", suppliers);
    char *e = testutil_replace(d, from, to);
    testutil_write(path, e);
    free(a), free(b), free(c), free(d), free(e), free(cwd);
    return path;
}

/* Two scenarios a little apart (a stronger reminder effect): on common random numbers the
 * paired difference's CI is far narrower than that of two independent runs (B with another
 * seed), and it sees the effect. */
static void test_paired_ci_is_narrower(void **state)
{
    (void)state;
    const int n = 40;
    const char *b = write_b("[auction]", "[decisions]\nreminder_lift = 0.7\n[auction]");
    char one[200], two[200];
    snprintf(one, sizeof one, "%s/paired", tmp);
    snprintf(two, sizeof two, "%s/other-seed", tmp);
    struct settings s = {.jobs = 2, .replications = n, .has_seed = true, .seed = 3, .out_dir = one};
    struct compare_result r, other;
    struct error err = {0};
    assert_int_equal(compare_run(BASE, b, &s, &r, &err), 0);
    s.seed = 4;
    s.out_dir = two;
    assert_int_equal(compare_run(BASE, b, &s, &other, &err), 0);
    const enum metric metrics[] = {M_SWITCHED, M_SAVING_TOTAL, M_CONVERSION};
    for (size_t k = 0; k < 3; k++) {
        struct compare_row paired, unpaired;
        compare_metric(&r.ex_a, &r.ex_b, metrics[k], &paired);
        compare_metric(&r.ex_a, &other.ex_b, metrics[k], &unpaired);
        double half_paired = (paired.diff.ci_high - paired.diff.ci_low) / 2;
        /* independent runs: CI of a difference of two means */
        double t = gsl_cdf_tdist_Pinv(0.975, 2.0 * n - 2);
        double half_indep =
            t * sqrt((unpaired.a.sd * unpaired.a.sd + unpaired.b.sd * unpaired.b.sd) / n);
        print_message("%s: paired half-width %.4g, independent %.4g (x%.1f); diff %.4g\n",
                      metric_name(metrics[k]), half_paired, half_indep, half_indep / half_paired,
                      paired.diff.mean);
        assert_true(half_indep >= 3 * half_paired);
        assert_true(paired.diff.ci_low > 0); /* the effect is real and the paired CI sees it */
    }
    compare_result_cleanup(&r);
    compare_result_cleanup(&other);
}

/* compare_run: B runs with A's seed and replications whatever B's file says; the files do
 * not depend on the threads; each row pairs replication i of A with replication i of B. */
static void test_run(void **state)
{
    (void)state;
    const char *b = write_b("[auction]", "[decisions]\nreminder_lift = 0.9\n[auction]");
    char one[200], three[200];
    snprintf(one, sizeof one, "%s/one", tmp);
    snprintf(three, sizeof three, "%s/three", tmp);
    struct settings s = {
        .jobs = 1, .replications = 12, .has_seed = true, .seed = 5, .out_dir = one};
    struct compare_result r;
    struct error err = {0};
    assert_int_equal(compare_run(BASE, b, &s, &r, &err), 0);
    assert_false(r.partial);
    assert_int_equal(r.ex_a.replications, 12);
    assert_int_equal(r.ex_b.replications, 12);
    assert_int_equal(r.b->scenario.seed, 5);
    /* the switched difference in compare.csv is the mean of the paired differences */
    struct compare_row row;
    compare_metric(&r.ex_a, &r.ex_b, M_SWITCHED, &row);
    double sum = 0;
    for (int i = 0; i < 12; i++)
        sum += r.ex_b.reps[i].metrics[M_SWITCHED] - r.ex_a.reps[i].metrics[M_SWITCHED];
    assert_float_equal(row.diff.mean, sum / 12, 1e-9);
    assert_true(row.diff.mean > 0);
    compare_result_cleanup(&r);
    s.jobs = 3;
    s.out_dir = three;
    assert_int_equal(compare_run(BASE, b, &s, &r, &err), 0);
    compare_result_cleanup(&r);
    const char *files[] = {"compare.csv", "scenario.ini", "scenario_b.ini"};
    for (size_t k = 0; k < 3; k++)
        testutil_assert_same_file(testutil_path(one, files[k]), testutil_path(three, files[k]));
    assert_false(testutil_exists(testutil_path(one, "PARTIAL")));
}

/* Stopped while B runs, after 4 of its replications: the 4 pairs are written, marked
 * PARTIAL, and compare.csv's n says 4. Stopped while A runs: nothing is written. */
static void test_interrupted(void **state)
{
    (void)state;
    const char *b = write_b("[auction]", "[decisions]\nreminder_lift = 0.9\n[auction]");
    char cut[200], early[200];
    snprintf(cut, sizeof cut, "%s/cut", tmp);
    snprintf(early, sizeof early, "%s/early", tmp);
    struct settings s = {.jobs = 1, .replications = 10, .out_dir = cut};
    struct testutil_stopper stop = {.after = 4, .label = "model-test-b"};
    testutil_stop_after(&s, &stop);
    struct compare_result r;
    struct error err = {0};
    assert_int_equal(compare_run(BASE, b, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INTERRUPTED);
    assert_true(r.partial);
    assert_int_equal(r.ex_a.replications, 10);
    assert_int_equal(r.ex_b.replications, 4);
    compare_result_cleanup(&r);
    assert_true(testutil_exists(testutil_path(cut, "PARTIAL")));
    char *csv = testutil_read(testutil_path(cut, "compare.csv"));
    testutil_assert_contains(csv, "\nswitched,");
    const char *row = strstr(csv, "\nswitched,");
    assert_true(!strncmp(strchr(row + 1, '\n') - 2, ",4\n", 3));
    /* both resolved scenarios say the 4 pairs that finished, not the 10 asked for, and run
     * again to the same compare.csv */
    char *ini = testutil_read(testutil_path(cut, "scenario.ini"));
    char *ini_b = testutil_read(testutil_path(cut, "scenario_b.ini"));
    testutil_assert_contains(ini, "\nreplications = 4\n");
    testutil_assert_contains(ini_b, "\nreplications = 4\n");
    free(ini);
    free(ini_b);
    char a_ini[300], b_ini[300], again[200];
    snprintf(a_ini, sizeof a_ini, "%s/scenario.ini", cut);
    snprintf(b_ini, sizeof b_ini, "%s/scenario_b.ini", cut);
    snprintf(again, sizeof again, "%s/again", tmp);
    struct settings rerun = {.jobs = 2, .out_dir = again};
    err = (struct error){0};
    assert_int_equal(compare_run(a_ini, b_ini, &rerun, &r, &err), 0);
    compare_result_cleanup(&r);
    char *csv2 = testutil_read(testutil_path(again, "compare.csv"));
    assert_string_equal(csv, csv2);
    free(csv2);
    free(csv);

    s.out_dir = early;
    stop = (struct testutil_stopper){.after = 3, .label = "model-test"};
    testutil_stop_after(&s, &stop);
    err = (struct error){0};
    assert_int_equal(compare_run(BASE, b, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INTERRUPTED);
    assert_false(r.partial);
    compare_result_cleanup(&r);
    assert_false(testutil_exists(early));
}

/* Scenarios with different rounds cannot be paired: bad input, nothing written. */
static void test_rounds_differ(void **state)
{
    (void)state;
    char out[200];
    snprintf(out, sizeof out, "%s/rounds", tmp);
    struct settings s = {.jobs = 1, .replications = 2, .out_dir = out};
    struct compare_result r;
    struct error err = {0};
    const char *b = write_b("rounds = 1", "rounds = 2");
    assert_int_equal(compare_run(BASE, b, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_string_equal(err.key, "scenario.rounds");
    compare_result_cleanup(&r);
    assert_false(testutil_exists(out));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_paired_ci_is_narrower),
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_interrupted),
        cmocka_unit_test(test_rounds_differ),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
