/* test_cli.c - the command line end to end: run, compare, sweep, plot and their exit codes. */
#include <fcntl.h>
#include <setjmp.h>
#include <spawn.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

extern char **environ;

#define tmp testutil_tmp

/* Runs switchsim with args (NULL-terminated), stdout and stderr into files in tmp;
 * returns the exit status. */
static int sim(const char *first, ...)
{
    const char *bin = getenv("SWITCHSIM_BIN") ? getenv("SWITCHSIM_BIN") : "build/switchsim";
    char *argv[64] = {(char *)bin};
    int argc = 1;
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a && argc < 63; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    va_end(ap);
    argv[argc] = NULL;
    char out[200], err[200];
    snprintf(out, sizeof out, "%s/stdout", tmp);
    snprintf(err, sizeof err, "%s/stderr", tmp);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    pid_t pid;
    assert_int_equal(posix_spawn(&pid, bin, &fa, NULL, argv, environ), 0);
    posix_spawn_file_actions_destroy(&fa);
    int status;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static bool starts_with(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

static const char *in_tmp(const char *name)
{
    return testutil_path(tmp, name);
}

#define BASE "tests/data/model/base.ini"

/* The same seed gives the same bytes for any -j; the resolved scenario re-runs exactly. */
static void test_run_is_reproducible(void **state)
{
    (void)state;
    const char *a = in_tmp("a"), *b = in_tmp("b"), *c = in_tmp("c");
    assert_int_equal(sim("run", BASE, "-s", "7", "-r", "6", "-j", "1", "-q", "-o", a, NULL), 0);
    assert_int_equal(sim("run", BASE, "-s", "7", "-r", "6", "-j", "3", "-q", "-o", b, NULL), 0);
    char resolved[200];
    snprintf(resolved, sizeof resolved, "%s/scenario.ini", a);
    assert_int_equal(sim("run", resolved, "-q", "-o", c, NULL), 0);
    const char *files[] = {"summary.csv",      "replications.csv", "daily.csv",
                           "savings_hist.csv", "bids.csv",         "scenario.ini"};
    for (size_t k = 0; k < 6; k++) {
        char pa[200], pb[200], pc[200];
        snprintf(pa, sizeof pa, "%s/%s", a, files[k]);
        snprintf(pb, sizeof pb, "%s/%s", b, files[k]);
        snprintf(pc, sizeof pc, "%s/%s", c, files[k]);
        testutil_assert_same_file(pa, pb);
        if (strcmp(files[k], "scenario.ini"))
            testutil_assert_same_file(pa, pc);
    }
}

/* Bad usage and bad input: exit 2, one line on stderr, no result folder. */
static void test_bad_usage(void **state)
{
    (void)state;
    char out[200];
    snprintf(out, sizeof out, "%s", in_tmp("never"));
    const char *cases[][6] = {
        {"run", BASE, "-r", "zero", "-o", NULL},
        {"run", BASE, "--set", "paper.clerks=-1", "-o", NULL},
        {"run", BASE, "--precision", "nonsense=5", "-o", NULL},
        {"sweep", BASE, "--vary", "paper.clerks=1:0:1", "-o", NULL},
        {"sweep", BASE, "--vary", "paper.clerks=1,x", "-o", NULL},
        {"compare", BASE, "tests/data/bad/unknown_key.ini", "-o", NULL, NULL},
        {"frobnicate", BASE, "-o", NULL, NULL, NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        const char **c = cases[k];
        int rc = c[3] == NULL   ? sim(c[0], c[1], c[2], out, NULL)
                 : c[4] == NULL ? sim(c[0], c[1], c[2], c[3], out, NULL)
                                : sim(c[0], c[1], c[2], c[3], c[4], out, NULL);
        char *err = testutil_read(in_tmp("stderr"));
        print_message("%s %s: %d %s", c[0], c[2], rc, err);
        assert_int_equal(rc, 2);
        assert_true(!strncmp(err, "switchsim: ", 11));
        assert_non_null(strchr(err, '\n'));
        assert_true(strchr(err, '\n')[1] == '\0'); /* exactly one line */
        free(err);
        struct stat st;
        assert_int_not_equal(stat(out, &st), 0);
    }
}

/* --precision says how many replications it took; compare reports paired differences. */
static void test_precision_and_compare(void **state)
{
    (void)state;
    assert_int_equal(
        sim("run", BASE, "-r", "200", "--precision", "switched=4", "-o", in_tmp("p"), NULL), 0);
    char *out = testutil_read(in_tmp("stdout"));
    assert_non_null(strstr(out, "precision: switched 95% CI half-width"));
    assert_non_null(strstr(out, "(target met)"));
    free(out);
    const char *other = in_tmp("other.ini");
    FILE *f = fopen(other, "w");
    char *base = testutil_read(BASE);
    fputs(base, f);
    fputs("\n[offers]\nreminder_days = 3,7,14\n", f);
    fclose(f);
    free(base);
    /* the copy sits in tmp: point its tables back at the test data */
    char market[300], suppliers[300];
    char *cwd = getcwd(NULL, 0);
    snprintf(market, sizeof market, "households.market=%s/tests/data/model/market.csv", cwd);
    snprintf(suppliers, sizeof suppliers, "auction.suppliers=%s/tests/data/model/suppliers.csv",
             cwd);
    free(cwd);
    assert_int_equal(sim("compare", BASE, other, "-r", "20", "--set", market, "--set", suppliers,
                         "-o", in_tmp("cmp"), NULL),
                     0);
    out = testutil_read(in_tmp("stdout"));
    assert_non_null(strstr(out, "switched"));
    assert_non_null(strstr(out, "distinguishable from 0"));
    free(out);
    char *csv = testutil_read(in_tmp("cmp/compare.csv"));
    assert_non_null(csv);
    assert_true(starts_with(csv, "metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,n\n"
                                 "registered,"));
    free(csv);
}

/* sweep from the command line: --vary options reach the grid. */
static void test_sweep(void **state)
{
    (void)state;
    assert_int_equal(sim("sweep", BASE, "--vary", "registration.paper_share=0:0.5:0.25", "--vary",
                         "paper.clerks=1,3", "-r", "4", "-q", "-o", in_tmp("sw"), NULL),
                     0);
    char *csv = testutil_read(in_tmp("sw/sweep.csv"));
    assert_non_null(csv);
    assert_true(starts_with(csv, "registration.paper_share,paper.clerks,registered_mean,"));
    free(csv); /* the grid itself is test_sweep's */
    /* the points' working folder is gone once the sweep is complete */
    struct stat st;
    assert_int_not_equal(stat(in_tmp("sw/.points"), &st), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_is_reproducible),
        cmocka_unit_test(test_bad_usage),
        cmocka_unit_test(test_precision_and_compare),
        cmocka_unit_test(test_sweep),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
