/* test_sweep.c - grids of scenario variations, run in process: specs, points, sweep.csv, resume. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "switchsim/sweep.h"
#include "testutil.h"

#define BASE "tests/data/model/base.ini"

#define tmp testutil_tmp

static struct settings quiet_settings(int jobs, int replications, const char *out)
{
    return (struct settings){.jobs = jobs, .replications = replications, .out_dir = out};
}

/* Lists and ranges; the first axis varies slowest; ranges print their values readably. */
static void test_specs(void **state)
{
    (void)state;
    struct sweep sw = {0};
    struct error err = {0};
    assert_int_equal(sweep_add(&sw, "registration.paper_share=0.1:0.3:0.1", &err), 0);
    assert_int_equal(sweep_add(&sw, "paper.clerks=1,2", &err), 0);
    assert_int_equal(sw.n_points, 6);
    assert_int_equal(sw.axes[0].n, 3); /* 0.3 is on the grid despite rounding */
    const char *want[][2] = {{"0.1", "1"}, {"0.1", "2"}, {"0.2", "1"},
                             {"0.2", "2"}, {"0.3", "1"}, {"0.3", "2"}};
    for (size_t p = 0; p < 6; p++) {
        assert_string_equal(sweep_value(&sw, p, 0), want[p][0]);
        assert_string_equal(sweep_value(&sw, p, 1), want[p][1]);
    }
    char set[128];
    sweep_setting(&sw, 5, 0, set, sizeof set);
    assert_string_equal(set, "registration.paper_share=0.3");
    sweep_cleanup(&sw);

    const char *bad[] = {"paper.clerks",      "paper.clerks=",      "clerks=1,2",
                         "paper.clerks=1,,2", "paper.clerks=3:1:1", "paper.clerks=1:3:0",
                         "paper.clerks=1:2"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct error e = {0};
        assert_int_equal(sweep_add(&sw, bad[k], &e), -1);
        assert_int_equal(e.kind, ERROR_INPUT);
        assert_true(!strncmp(e.file, "--vary ", 7));
        sweep_cleanup(&sw);
    }
    struct error e = {0};
    assert_int_equal(sweep_add(&sw, "paper.clerks=1,2", &e), 0);
    assert_int_equal(sweep_add(&sw, "paper.clerks=3,4", &e), -1); /* varied twice */
    sweep_cleanup(&sw);
}

/* sweep.csv holds every point once, in grid order, the keys first, then mean and CI bounds
 * of each headline metric of the registry; the working folder is gone afterwards. The
 * result does not depend on the threads. */
static void test_run_grid(void **state)
{
    (void)state;
    struct sweep sw;
    testutil_sweep_grid(&sw);
    char one[200], three[200];
    snprintf(one, sizeof one, "%s/one", tmp);
    snprintf(three, sizeof three, "%s/three", tmp);
    struct settings s1 = quiet_settings(1, 4, one), s3 = quiet_settings(3, 4, three);
    struct sweep_result r;
    struct error err = {0};
    assert_int_equal(sweep_run(BASE, &sw, &s1, &r, &err), 0);
    assert_int_equal(r.done, 6);
    assert_int_equal(r.replications, 4);
    assert_int_equal(sweep_run(BASE, &sw, &s3, &r, &err), 0);
    testutil_assert_same_file(testutil_path(one, "sweep.csv"), testutil_path(three, "sweep.csv"));
    char *csv = testutil_read(testutil_path(one, "sweep.csv"));
    char header[1024] = "registration.paper_share,paper.clerks";
    for (int m = 0; m < M_COUNT; m++)
        if (metric_info((enum metric)m)->headline) {
            const char *n = metric_name((enum metric)m);
            size_t len = strlen(header);
            snprintf(header + len, sizeof header - len, ",%s_mean,%s_ci95_low,%s_ci95_high", n, n,
                     n);
        }
    strcat(header, "\n");
    assert_true(!strncmp(csv, header, strlen(header)));
    const char *rows[] = {"\n0,1,", "\n0,3,", "\n0.25,1,", "\n0.25,3,", "\n0.5,1,", "\n0.5,3,"};
    const char *at = csv;
    for (size_t k = 0; k < 6; k++) {
        at = strstr(at, rows[k]);
        assert_non_null(at);
    }
    free(csv);
    assert_false(testutil_exists(testutil_path(one, ".points")));
    assert_true(testutil_exists(testutil_path(one, "scenario.ini")));
    sweep_cleanup(&sw);
}

/* The grid sw run whole into tmp/WHOLE_NAME, and again into tmp/CUT_NAME stopped once
 * `after` points are done (ERROR_INTERRUPTED, those kept); their paths into whole and cut
 * (200 bytes each). */
static void run_whole_and_cut(const struct sweep *sw, const char *whole_name, const char *cut_name,
                              long after, char *whole, char *cut)
{
    snprintf(whole, 200, "%s/%s", tmp, whole_name);
    snprintf(cut, 200, "%s/%s", tmp, cut_name);
    struct settings s = quiet_settings(1, 3, whole);
    struct sweep_result r;
    struct error err = {0};
    assert_int_equal(sweep_run(BASE, sw, &s, &r, &err), 0);

    s.out_dir = cut;
    struct testutil_stopper stop = {.after = after, .unit = "points"};
    testutil_stop_after(&s, &stop);
    assert_int_equal(sweep_run(BASE, sw, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INTERRUPTED);
    assert_int_equal(r.done, after);
    assert_int_equal(r.n_points, 6);
}

/* Stopped after two points: those are kept (ERROR_INTERRUPTED, no sweep.csv); a resume with
 * other settings is refused; the same settings finish it, equal to an uninterrupted sweep. */
static void test_interrupt_and_resume(void **state)
{
    (void)state;
    struct sweep sw;
    testutil_sweep_grid(&sw);
    char whole[200], cut[200];
    run_whole_and_cut(&sw, "whole", "cut", 2, whole, cut);
    assert_false(testutil_exists(testutil_path(cut, "sweep.csv")));
    assert_true(testutil_exists(testutil_path(cut, ".points/0.csv")));
    assert_true(testutil_exists(testutil_path(cut, ".points/1.csv")));
    assert_false(testutil_exists(testutil_path(cut, ".points/2.csv")));

    struct settings other = quiet_settings(1, 4, cut); /* other replications */
    other.resume = true;
    struct sweep_result r;
    struct error err = {0};
    assert_int_equal(sweep_run(BASE, &sw, &other, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_string_equal(err.file, "--resume");

    struct settings again = quiet_settings(2, 3, cut);
    again.resume = true;
    err = (struct error){0};
    assert_int_equal(sweep_run(BASE, &sw, &again, &r, &err), 0);
    assert_int_equal(r.done, 6);
    testutil_assert_same_file(testutil_path(whole, "sweep.csv"), testutil_path(cut, "sweep.csv"));
    sweep_cleanup(&sw);
}

/* --resume trusted the point files an interrupted sweep kept: a damaged one gave a
 * malformed sweep.csv and exit 0. Each is checked now (one line: the point's own values, then
 * a number or nothing per column), and a damaged point is run again. */
static void test_resume_redoes_damaged_points(void **state)
{
    (void)state;
    struct sweep sw;
    testutil_sweep_grid(&sw);
    char whole[200], cut[200];
    run_whole_and_cut(&sw, "whole-damaged", "damaged", 4, whole, cut);

    char *one = testutil_read(testutil_path(cut, ".points/1.csv"));
    assert_non_null(one);
    testutil_write(testutil_path(cut, ".points/0.csv"), "0,1,12\n"); /* too few fields */
    one[strlen(one) / 2] = '\0';
    testutil_write(testutil_path(cut, ".points/1.csv"), one); /* cut short */
    char *three = testutil_read(testutil_path(cut, ".points/3.csv"));
    testutil_write(testutil_path(cut, ".points/2.csv"), three); /* another point's values */
    testutil_assert_contains(three, ",");
    char *comma = strrchr(three, ',');
    memcpy(comma + 1, "x\n", 3); /* a number that is none */
    testutil_write(testutil_path(cut, ".points/3.csv"), three);
    free(one);
    free(three);

    struct settings again = quiet_settings(1, 3, cut);
    again.resume = true;
    struct sweep_result r;
    struct error err = {0};
    assert_int_equal(sweep_run(BASE, &sw, &again, &r, &err), 0);
    assert_int_equal(r.done, 6);
    testutil_assert_same_file(testutil_path(whole, "sweep.csv"), testutil_path(cut, "sweep.csv"));
    sweep_cleanup(&sw);
}

/* A bad value at any point is found before any point runs, and blamed on its --vary. */
static void test_bad_point(void **state)
{
    (void)state;
    struct sweep sw = {0};
    struct error err = {0};
    assert_int_equal(sweep_add(&sw, "paper.clerks=1,-2", &err), 0);
    char bad[200];
    snprintf(bad, sizeof bad, "%s/bad", tmp);
    struct settings s = quiet_settings(1, 2, bad);
    struct sweep_result r;
    assert_int_equal(sweep_run(BASE, &sw, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_string_equal(err.file, "--vary paper.clerks=1,-2");
    assert_string_equal(err.key, "paper.clerks");
    assert_false(testutil_exists(bad));
    sweep_cleanup(&sw);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_specs),
        cmocka_unit_test(test_run_grid),
        cmocka_unit_test(test_interrupt_and_resume),
        cmocka_unit_test(test_resume_redoes_damaged_points),
        cmocka_unit_test(test_bad_point),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
