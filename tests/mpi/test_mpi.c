/* test_mpi.c - switchsim-mpi under mpirun: the same bytes as switchsim for any number of ranks,
 * and a job that ends within seconds, naming the rank and its point, when a rank is killed,
 * stops answering or fails; Ctrl-C keeps the finished points for --resume. Needs Open MPI
 * (make test-mpi); $SWITCHSIM_BIN and $SWITCHSIM_MPI_BIN name the binaries. */
#include <dirent.h>
#include <limits.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

#define BASE "tests/data/model/base.ini"
#define LGA "scenarios/lga-2015-02.ini"
#define tmp testutil_tmp

static char mpirun[PATH_MAX], serial_bin[PATH_MAX], mpi_bin[PATH_MAX];

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* argv of a command: the words given (NULL-terminated) after `prefix` words. */
static void words(char **argv, size_t max, char *const *prefix, size_t n, va_list ap)
{
    size_t k = 0;
    for (; k < n; k++)
        argv[k] = prefix[k];
    for (const char *a; k + 1 < max && (a = va_arg(ap, const char *));)
        argv[k++] = (char *)a;
    argv[k] = NULL;
}

/* Runs switchsim with the words given; stderr into tmp/stderr. Returns its exit status. */
static int serial(const char *first, ...)
{
    char *argv[64];
    char *prefix[] = {serial_bin, (char *)first};
    va_list ap;
    va_start(ap, first);
    words(argv, 64, prefix, 2, ap);
    va_end(ap);
    return testutil_run(argv, NULL, NULL, testutil_path(tmp, "stderr"), 300);
}

/* mpirun -n N switchsim-mpi with the words given, as root and on more ranks than cores. */
static char **mpi_argv(char **argv, size_t max, int n, va_list ap)
{
    static char ranks[16];
    snprintf(ranks, sizeof ranks, "%d", n);
    char *prefix[] = {mpirun, "--oversubscribe", "--allow-run-as-root", "-n", ranks, mpi_bin};
    words(argv, max, prefix, 6, ap);
    return argv;
}

static int mpi(int n, ...)
{
    char *argv[64];
    va_list ap;
    va_start(ap, n);
    mpi_argv(argv, 64, n, ap);
    va_end(ap);
    return testutil_run(argv, NULL, NULL, testutil_path(tmp, "stderr"), 300);
}

static pid_t mpi_start(const char *err_path, int n, ...)
{
    char *argv[64];
    va_list ap;
    va_start(ap, n);
    mpi_argv(argv, 64, n, ap);
    va_end(ap);
    return testutil_start(argv, NULL, NULL, err_path);
}

static const char *dir(const char *name, int n)
{
    static char buf[4][300];
    static int turn;
    char *d = buf[turn++ % 4];
    snprintf(d, 300, "%s/%s-%d", tmp, name, n);
    return d;
}

/* A run, a 2-key sweep and a compare on 1, 2 and 3 ranks give switchsim's bytes. */
static void test_same_bytes(void **state)
{
    (void)state;
    static const char *const run_files[] = {"summary.csv",      "replications.csv", "daily.csv",
                                            "savings_hist.csv", "bids.csv",         "scenario.ini"};
    static const char *const sweep_files[] = {"sweep.csv", "scenario.ini"};
    static const char *const compare_files[] = {"compare.csv", "scenario.ini", "scenario_b.ini"};
    /* B: the same scenario under another name, resolved (its tables named whole) */
    char b_ini[300];
    snprintf(b_ini, sizeof b_ini, "%s/b.ini", tmp);
    char *check[] = {serial_bin, "check", BASE, "--set", "scenario.name=model-test-b", NULL};
    assert_int_equal(testutil_run(check, NULL, b_ini, NULL, 60), 0);

    const char *vary1 = "--vary=registration.paper_share=0:0.5:0.25", *vary2 = "--vary=paper.clerks=1,3";
    assert_int_equal(serial("run", BASE, "-r", "30", "--set", "scenario.rounds=2", "-q", "-o",
                            dir("run", 0), NULL),
                     0);
    assert_int_equal(serial("sweep", BASE, vary1, vary2, "-r", "5", "-q", "-o", dir("sweep", 0),
                            NULL),
                     0);
    assert_int_equal(serial("compare", BASE, b_ini, "--set", "offers.reminder_days=4,8", "-r",
                            "12", "-q", "-o", dir("compare", 0), NULL),
                     0);
    for (int n = 1; n <= 3; n++) {
        assert_int_equal(mpi(n, "run", BASE, "-r", "30", "--set", "scenario.rounds=2", "-q",
                             "-o", dir("run", n), NULL),
                         0);
        testutil_assert_same_files(dir("run", 0), dir("run", n), run_files, 6);
        assert_int_equal(mpi(n, "sweep", BASE, vary1, vary2, "-r", "5", "-q", "-o",
                             dir("sweep", n), NULL),
                         0);
        testutil_assert_same_files(dir("sweep", 0), dir("sweep", n), sweep_files, 2);
        assert_int_equal(mpi(n, "compare", BASE, b_ini, "--set", "offers.reminder_days=4,8",
                             "-r", "12", "-q", "-o", dir("compare", n), NULL),
                         0);
        testutil_assert_same_files(dir("compare", 0), dir("compare", n), compare_files, 3);
    }
}

/* forecast and calibrate on 3 ranks give switchsim's bytes too. */
static void test_forecast_and_calibrate(void **state)
{
    (void)state;
    const char *signups = testutil_path(tmp, "signups.csv");
    testutil_write(signups, "day,online,paper\n0,20,4\n1,15,6\n2,9,2\n");
    static const char *const fc_files[] = {"forecast.csv", "fan.csv", "summary.csv",
                                           "replications.csv"};
    assert_int_equal(serial("forecast", BASE, "--signups", signups, "-r", "20", "-q", "-o",
                            dir("fc", 0), NULL),
                     0);
    assert_int_equal(mpi(3, "forecast", BASE, "--signups", signups, "-r", "20", "-q", "-o",
                         dir("fc", 3), NULL),
                     0);
    testutil_assert_same_files(dir("fc", 0), dir("fc", 3), fc_files, 4);

    char base_abs[PATH_MAX], text[PATH_MAX + 100];
    assert_non_null(realpath(BASE, base_abs));
    snprintf(text, sizeof text, "scenario,round,metric,value,sd\n%s,1,switched,45,4\n", base_abs);
    const char *observed = testutil_path(tmp, "observed.csv");
    testutil_write(observed, text);
    static const char *const cal_files[] = {"parameters.csv", "covariance.csv", "fit.csv",
                                            "calibrated.ini"};
    assert_int_equal(serial("calibrate", BASE, "--observed", observed, "--fit",
                            "decisions.intercept", "-r", "10", "-q", "-o", dir("cal", 0), NULL),
                     0);
    assert_int_equal(mpi(3, "calibrate", BASE, "--observed", observed, "--fit",
                         "decisions.intercept", "-r", "10", "-q", "-o", dir("cal", 3), NULL),
                     0);
    testutil_assert_same_files(dir("cal", 0), dir("cal", 3), cal_files, 4);
}

/* The pid of rank `rank` of the mpirun whose pid is `parent` (its child with that
 * OMPI_COMM_WORLD_RANK), or 0. */
static pid_t rank_pid(pid_t parent, int rank)
{
    DIR *d = opendir("/proc");
    assert_non_null(d);
    pid_t found = 0;
    char want[64];
    snprintf(want, sizeof want, "OMPI_COMM_WORLD_RANK=%d", rank);
    for (struct dirent *e; !found && (e = readdir(d));) {
        pid_t pid = (pid_t)atoi(e->d_name);
        if (pid <= 0)
            continue;
        char path[300];
        snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
        FILE *f = fopen(path, "r");
        int ppid = 0;
        if (f) {
            if (fscanf(f, "%*d (%*[^)]) %*c %d", &ppid) != 1)
                ppid = 0;
            fclose(f);
        }
        if (ppid != parent)
            continue;
        snprintf(path, sizeof path, "/proc/%d/environ", (int)pid);
        char *env = NULL;
        size_t len = 0;
        f = fopen(path, "r");
        if (f) {
            char chunk[4096];
            for (size_t got; (got = fread(chunk, 1, sizeof chunk, f)) > 0;) {
                env = realloc(env, len + got + 1);
                memcpy(env + len, chunk, got);
                len += got;
            }
            fclose(f);
        }
        for (size_t at = 0; env && at < len; at += strlen(env + at) + 1) {
            env[len] = '\0';
            if (!strcmp(env + at, want))
                found = pid;
        }
        free(env);
    }
    closedir(d);
    return found;
}

/* The processor time process pid has used, in seconds (0 when it cannot be read). */
static double cpu_seconds(pid_t pid)
{
    char path[100];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    unsigned long user = 0, sys = 0;
    if (f) {
        if (fscanf(f, "%*d (%*[^)]) %*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &user,
                   &sys) != 2)
            user = sys = 0;
        fclose(f);
    }
    return (double)(user + sys) / (double)sysconf(_SC_CLK_TCK);
}

/* Waits (up to 60 s) until a sweep has stored `points` points in dir/.points. */
static void wait_points(const char *dir_path, int points)
{
    char path[400];
    snprintf(path, sizeof path, "%s/.points", dir_path);
    for (double until = now() + 60; now() < until; usleep(20000)) {
        DIR *d = opendir(path);
        int n = 0;
        for (struct dirent *e; d && (e = readdir(d));)
            n += strspn(e->d_name, "0123456789") > 0 && strstr(e->d_name, ".csv") != NULL;
        if (d)
            closedir(d);
        if (n >= points)
            return;
    }
    fail_msg("the sweep in %s stored no point in 60 s", dir_path);
}

/* A long sweep on 3 ranks, with `signal` sent to rank `rank` once a point is stored: returns
 * the exit status and the seconds from the signal to the end; stderr in tmp/NAME.err. */
static int disturb(const char *name, int rank, int sig, double *seconds)
{
    char err[300];
    snprintf(err, sizeof err, "%s/%s.err", tmp, name);
    const char *out = dir(name, 3);
    pid_t job = mpi_start(err, 3, "sweep", LGA, "--vary", "paper.clerks=1:40:1", "-r", "50",
                          "-q", "-o", out, NULL);
    wait_points(out, 1);
    pid_t victim = rank_pid(job, rank);
    assert_true(victim > 0);
    double t0 = now();
    assert_int_equal(kill(victim, sig), 0);
    int status = testutil_wait(job, 60);
    *seconds = now() - t0;
    if (sig == SIGSTOP)
        kill(victim, SIGKILL); /* should mpirun have left it */
    char *text = testutil_read(err);
    printf("-- %s: exit status %d after %.2f s; stderr:\n%s", name, status, *seconds,
           text ? text : "");
    free(text);
    return status;
}

/* A rank killed mid-sweep ends the job within 10 s, non-zero, rank 0 naming the rank and the
 * point it held; the finished points are kept. */
static void test_killed_rank(void **state)
{
    (void)state;
    double seconds;
    int status = disturb("killed", 1, SIGKILL, &seconds);
    assert_true(status != 0 && status != -1);
    assert_true(seconds < 10);
    char *text = testutil_read(testutil_path(tmp, "killed.err"));
    testutil_assert_contains(text, "switchsim: rank 1 "); /* did not answer, or cannot be reached */
    testutil_assert_contains(text, " point ");
    free(text);
}

/* A rank that stops answering (SIGSTOP) counts as lost after $SWITCHSIM_MPI_TIMEOUT seconds:
 * the job ends, non-zero, naming it and its point. */
static void test_silent_rank(void **state)
{
    (void)state;
    setenv("SWITCHSIM_MPI_TIMEOUT", "3", 1);
    double seconds;
    int status = disturb("silent", 2, SIGSTOP, &seconds);
    unsetenv("SWITCHSIM_MPI_TIMEOUT");
    assert_true(status != 0 && status != -1);
    assert_true(seconds < 10);
    char *text = testutil_read(testutil_path(tmp, "silent.err"));
    testutil_assert_contains(text, "switchsim: rank 2 has not answered for 3 s while it held point ");
    free(text);
}

/* A rank whose task fails (out of memory under ulimit -v) ends the job, naming the rank, the
 * point and the error. */
static void test_failed_rank(void **state)
{
    (void)state;
    char *argv[] = {mpirun, "--oversubscribe", "--allow-run-as-root", "-n", "2", "sh", "-c",
                    "if [ \"$OMPI_COMM_WORLD_RANK\" = 1 ]; then ulimit -v 300000; fi; "
                    "exec \"$0\" \"$@\"",
                    mpi_bin, "sweep", BASE, "--vary", "registration.expected=20000000,1000",
                    "-r", "1", "-q", "-o", (char *)dir("failed", 2), NULL};
    const char *err = testutil_path(tmp, "failed.err");
    int status = testutil_run(argv, NULL, NULL, err, 60);
    char *text = testutil_read(err);
    printf("-- failed: exit status %d; stderr:\n%s", status, text ? text : "");
    assert_int_equal(status, 1);
    testutil_assert_contains(text, "switchsim: rank 1 failed at point 1 "
                                   "(registration.expected=20000000): out of memory");
    free(text);
}

/* Ctrl-C (SIGINT to mpirun) mid-sweep keeps the finished points; --resume on other ranks
 * finishes it to switchsim's bytes. */
static void test_interrupt_and_resume(void **state)
{
    (void)state;
    const char *err = testutil_path(tmp, "int.err");
    const char *out = dir("int", 2);
    pid_t job = mpi_start(err, 2, "sweep", LGA, "--vary", "paper.clerks=1:12:1", "-r", "20",
                          "-q", "-o", out, NULL);
    wait_points(out, 1);
    double t0 = now();
    kill(job, SIGINT);
    int status = testutil_wait(job, 60);
    assert_true(now() - t0 < 10);
    assert_true(status != 0 && status != -1);
    char *text = testutil_read(err);
    testutil_assert_contains(text, "run the same command with --resume to finish");
    free(text);
    assert_false(testutil_exists(testutil_path(out, "sweep.csv")));
    assert_int_equal(mpi(3, "sweep", LGA, "--vary", "paper.clerks=1:12:1", "-r", "20", "-q",
                         "-o", out, "--resume", NULL),
                     0);
    assert_int_equal(serial("sweep", LGA, "--vary", "paper.clerks=1:12:1", "-r", "20", "-q",
                            "-o", dir("int", 0), NULL),
                     0);
    static const char *const sweep_files[] = {"sweep.csv", "scenario.ini"};
    testutil_assert_same_files(dir("int", 0), out, sweep_files, 2);
}

/* SIGTERM to every process (as a scheduler ends a job) mid-run keeps the replications that
 * finished, marked PARTIAL, as switchsim does. */
static void test_terminated_run(void **state)
{
    (void)state;
    const char *err = testutil_path(tmp, "term.err");
    const char *out = dir("term", 3);
    pid_t job = mpi_start(err, 3, "run", LGA, "-r", "1000", "-q", "-o", out, NULL);
    pid_t ranks[3] = {0};
    for (double until = now() + 30; now() < until && !(ranks[0] && ranks[1] && ranks[2]);
         usleep(20000))
        for (int r = 0; r < 3; r++)
            ranks[r] = rank_pid(job, r);
    assert_true(ranks[0] && ranks[1] && ranks[2]);
    /* rank 1 took the first block: once it has computed for 2 s, the first block is in */
    for (double until = now() + 60; now() < until && cpu_seconds(ranks[1]) < 2; usleep(20000))
        ;
    kill(job, SIGTERM);
    for (int r = 0; r < 3; r++)
        kill(ranks[r], SIGTERM);
    int status = testutil_wait(job, 60);
    assert_true(status != 0 && status != -1);
    char *text = testutil_read(err);
    testutil_assert_contains(text, "finished replications in");
    free(text);
    assert_true(testutil_exists(testutil_path(out, "PARTIAL")));
    assert_true(testutil_exists(testutil_path(out, "summary.csv")));
}

static bool find_mpirun(void)
{
    const char *path = getenv("PATH");
    for (const char *p = path ? path : "/usr/bin"; *p;) {
        size_t len = strcspn(p, ":");
        snprintf(mpirun, sizeof mpirun, "%.*s/mpirun", (int)len, p);
        if (access(mpirun, X_OK) == 0)
            return true;
        p += len + (p[len] == ':');
    }
    return false;
}

int main(void)
{
    const char *s = getenv("SWITCHSIM_BIN"), *m = getenv("SWITCHSIM_MPI_BIN");
    if (!find_mpirun() || !realpath(s ? s : "build/switchsim", serial_bin) ||
        !realpath(m ? m : "build/switchsim-mpi", mpi_bin)) {
        fprintf(stderr, "test_mpi: needs mpirun, build/switchsim and build/switchsim-mpi\n");
        return 1;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_bytes),       cmocka_unit_test(test_forecast_and_calibrate),
        cmocka_unit_test(test_killed_rank),      cmocka_unit_test(test_silent_rank),
        cmocka_unit_test(test_failed_rank),      cmocka_unit_test(test_interrupt_and_resume),
        cmocka_unit_test(test_terminated_run),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
