/* test_runner.c - commands whose work goes through a runner (as switchsim-mpi's ranks take
 * it) give the same bytes as on threads: tasks packed, run on three "processes" in another
 * order than handed out, and merged as their results come in; stopped, a run keeps a prefix. */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "switchsim/calibrate.h"
#include "switchsim/compare.h"
#include "switchsim/forecast.h"
#include "switchsim/run.h"
#include "switchsim/sweep.h"
#include "testutil.h"

#define BASE "tests/data/model/base.ini"
#define PROCESSES 3

#define tmp testutil_tmp

/* A runner in this process that does what a runner across processes does to the bytes: each
 * task is packed when handed out, run from bytes on one of three caches (each a process with
 * its own unpacked context), and its result delivered in pairs swapped (1, 0, 3, 2, ...), so
 * results come in out of order. fail_at names a task whose run fails, as a lost rank would. */
struct loopback {
    struct runner runner;
    struct runner_cache caches[PROCESSES];
    uint64_t jobs;
    long fail_at; /* -1: none */
    size_t tasks_run;
};

static int loopback_run(const struct runner *r, const struct runner_job *job, struct error *err)
{
    struct loopback *lb = r->ctx;
    uint64_t id = ++lb->jobs;
    size_t n = job->n_tasks, handed = 0;
    struct pack *tasks = calloc(n, sizeof *tasks), *results = calloc(n, sizeof *results);
    assert_non_null(tasks);
    assert_non_null(results);
    int rc = 0;
    for (; handed < n && rc == 0 && !(job->stop && *job->stop); handed++)
        rc = job->task(job->ctx, handed, &tasks[handed], err);
    for (size_t k = handed; rc == 0 && k-- > 0;) { /* run last first */
        if ((long)k == lb->fail_at) {
            char what[300];
            job->describe(job->ctx, k, what, sizeof what);
            rc = error_set(err, ERROR_SYSTEM, "", 0, "", "process %zu failed at %s",
                           k % PROCESSES, what);
            break;
        }
        rc = runner_execute(&lb->caches[k % PROCESSES], id, job->kind, job->context,
                            job->context_len, tasks[k].data, tasks[k].len, &results[k], err);
        lb->tasks_run++;
    }
    for (size_t j = 0; rc == 0 && j < handed; j++) {
        if (job->stop && *job->stop) {
            rc = error_set(err, ERROR_INTERRUPTED, "", 0, "", "interrupted");
            break;
        }
        size_t k = (j ^ 1) < handed ? j ^ 1 : j;
        rc = job->done(job->ctx, k, results[k].data, results[k].len, err);
    }
    if (rc == 0 && handed < n)
        rc = error_set(err, ERROR_INTERRUPTED, "", 0, "", "interrupted");
    for (size_t k = 0; k < n; k++) {
        pack_free(&tasks[k]);
        pack_free(&results[k]);
    }
    free(tasks);
    free(results);
    return rc;
}

static void loopback_init(struct loopback *lb, int width)
{
    *lb = (struct loopback){.runner = {.width = width, .run = loopback_run}, .fail_at = -1};
    lb->runner.ctx = lb;
}

static void loopback_cleanup(struct loopback *lb)
{
    for (int k = 0; k < PROCESSES; k++)
        runner_cache_cleanup(&lb->caches[k]);
}

static const char *const run_files[] = {"summary.csv",      "replications.csv", "daily.csv",
                                        "savings_hist.csv", "bids.csv",         "scenario.ini"};

static void run_ok(const char *path, const struct settings *s)
{
    struct run_result r;
    struct error err = {0};
    if (run_scenario(path, s, &r, &err))
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    run_result_cleanup(&r);
}

/* A run in blocks on the runner, at widths that cut it into blocks of 1 to 3 replications
 * (and with a trace, whose replication 0 runs here), gives the bytes of a run on threads;
 * each process unpacks a job's context once. */
static void test_run(void **state)
{
    (void)state;
    const char *sets[] = {"scenario.rounds=2", "offers.reminder_days=5,10"};
    struct settings serial = {.jobs = 2, .replications = 23, .sets = sets, .n_sets = 2,
                              .out_dir = testutil_path(tmp, "run-serial")};
    run_ok(BASE, &serial);
    int widths[] = {1, 3};
    for (size_t w = 0; w < 2; w++) {
        struct loopback lb;
        loopback_init(&lb, widths[w]);
        char dir[200], trace[200], serial_trace[200];
        snprintf(dir, sizeof dir, "%s/run-%d", tmp, widths[w]);
        struct settings s = serial;
        s.out_dir = dir;
        s.runner = &lb.runner;
        s.jobs = 1;
        if (w == 1) {
            snprintf(trace, sizeof trace, "%s/trace.csv", tmp);
            s.trace = trace;
        }
        run_ok(BASE, &s);
        testutil_assert_same_files(testutil_path(tmp, "run-serial"), dir, run_files, 6);
        assert_int_equal(lb.jobs, 1);
        assert_true(lb.tasks_run >= 8); /* blocks of at most 3 */
        loopback_cleanup(&lb);
        if (w == 1) {
            struct settings t = serial;
            snprintf(serial_trace, sizeof serial_trace, "%s/trace-serial.csv", tmp);
            t.trace = serial_trace;
            run_ok(BASE, &t);
            testutil_assert_same_file(trace, serial_trace);
        }
    }
}

/* Stopped after three blocks came in (the second, the first, the fourth), a run keeps the
 * first two: a prefix, as on threads, with the bytes of a run of two replications. */
static void test_run_interrupted(void **state)
{
    (void)state;
    struct settings two = {.jobs = 1, .replications = 2, .out_dir = testutil_path(tmp, "two")};
    run_ok(BASE, &two);
    struct loopback lb;
    loopback_init(&lb, 3); /* 24 replications in 24 blocks of 1 */
    char dir[200];
    snprintf(dir, sizeof dir, "%s/cut", tmp);
    struct settings s = {.jobs = 1, .replications = 24, .out_dir = dir, .runner = &lb.runner};
    struct testutil_stopper stop = {.after = 3, .unit = "replications"};
    testutil_stop_after(&s, &stop);
    testutil_run_interrupted(BASE, &s, 2);
    loopback_cleanup(&lb);
    testutil_assert_same_files(testutil_path(tmp, "two"), dir, run_files, 6);
}

/* A 2-key sweep gives the serial sweep.csv whether its points are the tasks (width 3) or,
 * with fewer points than the runner's width, each point's replications are; with a
 * precision target too. */
static void test_sweep(void **state)
{
    (void)state;
    struct sweep sw;
    testutil_sweep_grid(&sw);
    const char *names[] = {"sweep.csv", "scenario.ini"};
    for (int precise = 0; precise < 2; precise++) {
        char serial_dir[200];
        snprintf(serial_dir, sizeof serial_dir, "%s/sweep-serial-%d", tmp, precise);
        struct settings serial = {.jobs = 2, .replications = 25, .out_dir = serial_dir};
        if (precise) {
            serial.has_precision = true;
            serial.precision_metric = M_SWITCHED;
            serial.precision = 4;
        }
        struct sweep_result r;
        struct error err = {0};
        assert_int_equal(sweep_run(BASE, &sw, &serial, &r, &err), 0);
        int widths[] = {3, 8};
        for (size_t w = 0; w < 2; w++) {
            struct loopback lb;
            loopback_init(&lb, widths[w]);
            char dir[200];
            snprintf(dir, sizeof dir, "%s/sweep-%d-%d", tmp, precise, widths[w]);
            struct settings s = serial;
            s.out_dir = dir;
            s.jobs = 1;
            s.runner = &lb.runner;
            if (sweep_run(BASE, &sw, &s, &r, &err))
                fail_msg("%s: %s", err.file, err.message);
            assert_int_equal(r.done, 6);
            testutil_assert_same_files(serial_dir, dir, names, 2);
            /* points as tasks: one job; else a job a point (and a batch) */
            if (widths[w] == 3)
                assert_int_equal(lb.jobs, 1);
            else
                assert_true(lb.jobs >= 6);
            loopback_cleanup(&lb);
        }
    }
    sweep_cleanup(&sw);
}

/* Stopped after two points came in, a sweep keeps them; --resume on threads finishes it to
 * the bytes of an uninterrupted sweep. A task that fails ends the sweep naming the point. */
static void test_sweep_interrupted_and_failed(void **state)
{
    (void)state;
    struct sweep sw;
    testutil_sweep_grid(&sw);
    char whole[200], cut[200];
    snprintf(whole, sizeof whole, "%s/sweep-whole", tmp);
    snprintf(cut, sizeof cut, "%s/sweep-cut", tmp);
    struct settings s = {.jobs = 1, .replications = 3, .out_dir = whole};
    struct sweep_result r;
    struct error err = {0};
    assert_int_equal(sweep_run(BASE, &sw, &s, &r, &err), 0);

    struct loopback lb;
    loopback_init(&lb, 2);
    s.out_dir = cut;
    s.runner = &lb.runner;
    struct testutil_stopper stop = {.after = 2, .unit = "points"};
    testutil_stop_after(&s, &stop);
    assert_int_equal(sweep_run(BASE, &sw, &s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INTERRUPTED);
    assert_int_equal(r.done, 2);
    assert_true(testutil_exists(testutil_path(cut, ".points/0.csv")));
    assert_true(testutil_exists(testutil_path(cut, ".points/1.csv")));
    loopback_cleanup(&lb);

    struct settings resume = {.jobs = 2, .replications = 3, .out_dir = cut, .resume = true};
    err = (struct error){0};
    assert_int_equal(sweep_run(BASE, &sw, &resume, &r, &err), 0);
    assert_int_equal(r.done, 6);
    testutil_assert_same_file(testutil_path(whole, "sweep.csv"), testutil_path(cut, "sweep.csv"));

    loopback_init(&lb, 2);
    lb.fail_at = 4;
    char failed[200];
    snprintf(failed, sizeof failed, "%s/sweep-failed", tmp);
    struct settings f = {.jobs = 1, .replications = 3, .out_dir = failed, .runner = &lb.runner};
    err = (struct error){0};
    assert_int_equal(sweep_run(BASE, &sw, &f, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_SYSTEM);
    testutil_assert_contains(err.message, "point 5 (registration.paper_share=0.5, paper.clerks=1)");
    assert_false(testutil_exists(testutil_path(failed, "sweep.csv")));
    loopback_cleanup(&lb);
    sweep_cleanup(&sw);
}

/* compare, forecast (observed days and kept days travel with the context) and calibrate (a
 * job an evaluation) give the bytes they give on threads. */
static void test_compare_forecast_calibrate(void **state)
{
    (void)state;
    const char *b_sets[] = {"offers.reminder_days=3,6,9"};
    char b_ini[200];
    snprintf(b_ini, sizeof b_ini, "%s/b.ini", tmp);
    /* B: the same file under another name, with reminders */
    struct error err = {0};
    struct scenario *sc = scenario_load(BASE, b_sets, 1, &err);
    assert_non_null(sc);
    snprintf(sc->scenario.name, sizeof sc->scenario.name, "model-test-b");
    FILE *f = fopen(b_ini, "w");
    assert_non_null(f);
    assert_int_equal(scenario_write(sc, f), 0);
    assert_int_equal(fclose(f), 0);
    scenario_destroy(sc);

    struct loopback lb;
    loopback_init(&lb, 2);
    struct compare_result cr;
    struct settings cs = {.jobs = 2, .replications = 12, .out_dir = testutil_path(tmp, "cmp")};
    assert_int_equal(compare_run(BASE, b_ini, &cs, &cr, &err), 0);
    compare_result_cleanup(&cr);
    cs.out_dir = testutil_path(tmp, "cmp-runner");
    cs.runner = &lb.runner;
    cs.jobs = 1;
    assert_int_equal(compare_run(BASE, b_ini, &cs, &cr, &err), 0);
    compare_result_cleanup(&cr);
    const char *cmp_files[] = {"compare.csv", "scenario.ini", "scenario_b.ini"};
    testutil_assert_same_files(testutil_path(tmp, "cmp"), testutil_path(tmp, "cmp-runner"), cmp_files, 3);

    char signups[200];
    snprintf(signups, sizeof signups, "%s/signups.csv", tmp);
    testutil_write(signups, "day,online,paper\n0,20,4\n1,15,6\n2,9,2\n");
    struct settings fs = {.jobs = 2, .replications = 15, .out_dir = testutil_path(tmp, "fc")};
    struct forecast_result fr;
    assert_int_equal(forecast_run(BASE, signups, NULL, &fs, &fr, &err), 0);
    forecast_result_cleanup(&fr);
    fs.out_dir = testutil_path(tmp, "fc-runner");
    fs.runner = &lb.runner;
    assert_int_equal(forecast_run(BASE, signups, NULL, &fs, &fr, &err), 0);
    forecast_result_cleanup(&fr);
    const char *fc_files[] = {"forecast.csv", "fan.csv", "summary.csv", "replications.csv",
                              "daily.csv"};
    testutil_assert_same_files(testutil_path(tmp, "fc"), testutil_path(tmp, "fc-runner"), fc_files, 5);

    char observed[200], base_abs[PATH_MAX];
    snprintf(observed, sizeof observed, "%s/observed.csv", tmp);
    assert_non_null(realpath(BASE, base_abs));
    char text[PATH_MAX + 100];
    snprintf(text, sizeof text, "scenario,round,metric,value,sd\n%s,1,switched,45,4\n", base_abs);
    testutil_write(observed, text);
    struct calibrate_spec spec = {0};
    assert_int_equal(calibrate_add_fit(&spec, "decisions.intercept", &err), 0);
    struct settings ks = {.jobs = 2, .replications = 10, .out_dir = testutil_path(tmp, "cal")};
    struct calibrate_result kr = {0};
    if (calibrate_run(BASE, observed, &spec, &ks, &kr, &err))
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    calibrate_result_cleanup(&kr);
    size_t before = lb.jobs;
    ks.out_dir = testutil_path(tmp, "cal-runner");
    ks.runner = &lb.runner;
    assert_int_equal(calibrate_run(BASE, observed, &spec, &ks, &kr, &err), 0);
    assert_true(lb.jobs - before > 10); /* a job an evaluation */
    calibrate_result_cleanup(&kr);
    const char *cal_files[] = {"parameters.csv", "covariance.csv", "fit.csv", "calibrated.ini"};
    testutil_assert_same_files(testutil_path(tmp, "cal"), testutil_path(tmp, "cal-runner"), cal_files, 4);
    loopback_cleanup(&lb);
}

/* A context or task that does not hold what its kind needs is refused, never run. */
static void test_damaged_bytes(void **state)
{
    (void)state;
    struct runner_cache cache = {0};
    struct pack result = {0};
    struct error err = {0};
    const char junk[] = "not a scenario";
    assert_int_equal(runner_execute(&cache, 1, RUNNER_REPLICATIONS, junk, sizeof junk, junk,
                                    sizeof junk, &result, &err),
                     -1);
    testutil_assert_contains(err.message, "damaged");
    err = (struct error){0};
    assert_int_equal(runner_execute(&cache, 2, RUNNER_SWEEP_POINT, junk, 3, junk, sizeof junk,
                                    &result, &err),
                     -1);
    err = (struct error){0};
    assert_int_equal(runner_execute(&cache, 3, (enum runner_kind)99, junk, 3, junk, 3, &result,
                                    &err),
                     -1);
    runner_cache_cleanup(&cache);
    pack_free(&result);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_run_interrupted),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_sweep_interrupted_and_failed),
        cmocka_unit_test(test_compare_forecast_calibrate),
        cmocka_unit_test(test_damaged_bytes),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
