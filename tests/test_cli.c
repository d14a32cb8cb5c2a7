/* test_cli.c - the command line end to end: run, compare, sweep, plot and their exit codes. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
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

/* Runs switchsim with args (NULL-terminated), stdout and stderr into files in tmp, in the
 * folder sim_cwd (NULL for the test's own); returns the exit status. */
static const char *sim_cwd;

static int sim(const char *first, ...)
{
    char bin[4096];
    if (!realpath(testutil_binary(), bin))
        fail_msg("no switchsim binary to test");
    char *argv[64];
    va_list ap;
    va_start(ap, first);
    testutil_argv(argv, 64, bin, first, ap);
    va_end(ap);
    char out[200], err[200];
    snprintf(out, sizeof out, "%s/stdout", tmp);
    snprintf(err, sizeof err, "%s/stderr", tmp);
    testutil_run_cwd = sim_cwd;
    int rc = testutil_run(argv, NULL, out, err, 300);
    testutil_run_cwd = NULL;
    return rc;
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
    /* printed as run prints: words, whole households, %; more reminders, more switches */
    const char *sw = strstr(out, "\n  switched ");
    assert_non_null(sw);
    const char *eol = strchr(sw + 1, '\n');
    const char *plus = strchr(sw, '+');
    assert_true(plus && plus < eol);
    const char *unclear = strstr(sw, "no clear difference");
    assert_true(!unclear || unclear > eol);
    assert_non_null(strstr(out, "\n  registered "));
    assert_non_null(strstr(out, "the same in every pair")); /* registrations: common numbers */
    assert_non_null(strstr(out, "% "));
    assert_null(strstr(out, "saving_mean"));
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
    /* plot says what it made in one line; -v lists every file */
    assert_int_equal(sim("plot", in_tmp("sw"), "-o", in_tmp("swp"), NULL), 0);
    char *out = testutil_read(in_tmp("stdout"));
    assert_true(strchr(out, '\n') && strchr(out, '\n')[1] == '\0');
    testutil_assert_contains(out, in_tmp("swp"));
    free(out);
    assert_int_equal(sim("plot", in_tmp("sw"), "-v", "-o", in_tmp("swp"), NULL), 0);
    out = testutil_read(in_tmp("stdout"));
    int lines = 0;
    for (const char *p = out; (p = strchr(p, '\n')); p++)
        lines++;
    assert_true(lines > 4);
    testutil_assert_contains(out, "bulletin.md");
    free(out);
}


/* Options as people type them (getopt_long): --name=value, --name value, -r10, -s 7. */
static void test_option_forms(void **state)
{
    (void)state;
    assert_int_equal(sim("run", BASE, "--seed=7", "--replications=6", "--jobs=2", "--quiet",
                         "--set=paper.clerks=3", "--output=" "/dev/null/x", NULL),
                     1); /* cannot create the folder: not a usage error */
    assert_int_equal(sim("run", BASE, "--seed=7", "--replications=6", "--jobs=2", "--quiet",
                         "--set=paper.clerks=3", "--output", in_tmp("long"), NULL),
                     0);
    assert_int_equal(sim("-q", "run", BASE, NULL), 2); /* options follow the command */
    assert_int_equal(sim("run", "-s", "7", "-r6", "-j1", "-q", "--set", "paper.clerks=3", "-o",
                         in_tmp("short"), BASE, NULL),
                     0);
    const char *files[] = {"summary.csv", "replications.csv", "scenario.ini"};
    for (size_t k = 0; k < 3; k++) {
        char a[300];
        snprintf(a, sizeof a, "%s", testutil_path(in_tmp("long"), files[k]));
        testutil_assert_same_file(a, testutil_path(in_tmp("short"), files[k]));
    }
    char *ini = testutil_read(in_tmp("long/scenario.ini"));
    testutil_assert_contains(ini, "overrides = paper.clerks=3");
    free(ini);
    /* an option of another command, an unknown one, a missing value: one line, exit 2 */
    const char *bad[][3] = {{"--vary", "paper.clerks=1,2", "is not an option of this command"},
                            {"--frobnicate", NULL, "unknown option --frobnicate"},
                            {"-r", NULL, "option -r needs a value"},
                            {"--format=svg", NULL, "is not an option of this command"}};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        assert_int_equal(sim("run", BASE, bad[k][0], bad[k][1], NULL), 2);
        char *err = testutil_read(in_tmp("stderr"));
        testutil_assert_contains(err, bad[k][2]);
        assert_true(strchr(err, '\n')[1] == '\0');
        free(err);
    }
}

/* Every command explains every option it takes, the same way as `help CMD`; the manual
 * holds every command; plot given a scenario file says what it wants. */
static void test_help_and_manual(void **state)
{
    (void)state;
    const char *cmds[] = {"run",      "sweep", "compare", "calibrate", "forecast",
                          "backtest", "plot",  "check",   "new"};
    const char *wanted[][4] = {
        {"--trace", "--precision", "saving_total", "--set"}, /* the metrics --precision takes */
        {"--vary", "--resume", "LO:HI:STEP", "--jobs"},
        {"common random numbers", "--replications", "--force", NULL},
        {"--fit", "--observed", NULL, NULL},
        {"--signups", "--auction", NULL, NULL},
        {"--days", "--campaigns", NULL, NULL},
        {"--format", "png|svg|pdf", "--verbose", NULL},
        {"--set", NULL, NULL, NULL},
        {"--output", NULL, NULL, NULL},
    };
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        assert_int_equal(sim(cmds[k], "--help", NULL), 0);
        char *help = testutil_read(in_tmp("stdout"));
        assert_int_equal(sim("help", cmds[k], NULL), 0);
        char *same = testutil_read(in_tmp("stdout"));
        assert_string_equal(help, same);
        testutil_assert_contains(help, "usage: switchsim ");
        testutil_assert_contains(help, cmds[k]);
        for (int w = 0; w < 4 && wanted[k][w]; w++)
            testutil_assert_contains(help, wanted[k][w]);
        free(help);
        free(same);
    }
    assert_int_equal(sim("--man", NULL), 0);
    char *man = testutil_read(in_tmp("stdout"));
    assert_true(starts_with(man, ".TH SWITCHSIM 1 "));
    for (size_t k = 0; k < sizeof cmds / sizeof *cmds; k++) {
        char tp[64];
        snprintf(tp, sizeof tp, "\n.TP\n.B %s\n", cmds[k]);
        testutil_assert_contains(man, tp);
    }
    testutil_assert_contains(man, ".SH EXIT STATUS");
    free(man);
    assert_int_equal(sim("plot", BASE, NULL), 2);
    char *err = testutil_read(in_tmp("stderr"));
    testutil_assert_contains(err, "results folder");
    free(err);
}

/* `new` writes a scenario from the calibrated one that loads and runs as it is; its tables
 * are the calibrated scenario's, its decision terms and their uncertainty those fitted. */
static void test_new(void **state)
{
    (void)state;
    char dir[200];
    snprintf(dir, sizeof dir, "%s", in_tmp("new"));
    assert_int_equal(sim("new", "town", "-o", dir, NULL), 0);
    const char *same[] = {"market.csv", "suppliers.csv", "profile.csv"};
    for (size_t k = 0; k < 3; k++) {
        char theirs[200];
        snprintf(theirs, sizeof theirs, "scenarios/lga-2015-02/%s", same[k]);
        testutil_assert_same_file(testutil_path(dir, testutil_path("town", same[k])), theirs);
    }
    /* the decision rows of the fitted parameters and their covariance, as fitted */
    char *mine = testutil_read(testutil_path(dir, "town/parameters.csv"));
    char *fitted = testutil_read("scenarios/lga-2015-02/parameters.csv");
    assert_non_null(mine);
    assert_non_null(fitted);
    for (char *line = strtok(mine, "\n"); line; line = strtok(NULL, "\n"))
        testutil_assert_contains(fitted, line);
    free(mine);
    free(fitted);
    assert_int_equal(sim("check", testutil_path(dir, "town.ini"), NULL), 0);
    char *out = testutil_read(in_tmp("stdout"));
    char *ini = testutil_read("scenarios/lga-2015-02.ini");
    for (const char *key = "intercept = "; key; key = key[0] == 'i' ? "paper_coef = " : NULL) {
        const char *at = strstr(out, key), *want = strstr(ini, key);
        assert_non_null(at);
        assert_non_null(want);
        assert_memory_equal(at, want, strcspn(want, "\n")); /* the calibrated values */
    }
    free(out);
    free(ini);
    assert_int_equal(sim("run", testutil_path(dir, "town.ini"), "-r", "4", "-q", "-o",
                         in_tmp("town-results"), NULL),
                     0);
    /* never over what is there */
    assert_int_equal(sim("new", "town", "-o", dir, NULL), 2);
    assert_int_equal(sim("new", "../escape", "-o", dir, NULL), 2);
}

/* Results of another configuration are never written over silently: a folder per set of
 * overrides and per sweep grid, and a refusal (unless --force) when the scenario changed. */
static void test_result_folders(void **state)
{
    (void)state;
    char base[PATH_MAX], work[300];
    assert_non_null(realpath(BASE, base));
    snprintf(work, sizeof work, "%s", in_tmp("work"));
    assert_int_equal(mkdir(work, 0755), 0);
    sim_cwd = work;
    assert_int_equal(sim("run", base, "-r", "3", "-q", NULL), 0);
    assert_int_equal(sim("run", base, "-r", "3", "-q", "--set", "paper.clerks=2", NULL), 0);
    char first[400], summary[420];
    snprintf(first, sizeof first, "%s/results/model-test", work);
    snprintf(summary, sizeof summary, "%s/summary.csv", first);
    char *before = testutil_read(summary);
    assert_non_null(before);
    /* the override went to a folder of its own, named for it, and says so */
    DIR *d = opendir(testutil_path(work, "results"));
    assert_non_null(d);
    int folders = 0;
    bool named = false;
    for (struct dirent *e; (e = readdir(d));) {
        folders += e->d_name[0] != '.';
        named |= starts_with(e->d_name, "model-test--paper.clerks_2-");
    }
    closedir(d);
    assert_int_equal(folders, 2);
    assert_true(named);
    /* the scenario edited: refused, the old results kept; --force replaces them */
    char *text = testutil_read(base);
    char *edited = testutil_replace(text, "clerks = 50", "clerks = 40");
    char *dir = strdup(base);
    *strrchr(dir, '/') = '\0';
    char copy[PATH_MAX + 20];
    snprintf(copy, sizeof copy, "%s/edited.ini", work);
    char *moved = testutil_replace(edited, "market = market.csv", "market = ");
    free(moved);
    char tables[2 * PATH_MAX + 200];
    snprintf(tables, sizeof tables, "market = %s/market.csv", dir);
    char *m = testutil_replace(edited, "market = market.csv", tables);
    snprintf(tables, sizeof tables, "suppliers = %s/suppliers.csv", dir);
    char *ms = testutil_replace(m, "suppliers = suppliers.csv", tables);
    testutil_write(copy, ms);
    free(text), free(edited), free(m), free(ms), free(dir);
    assert_int_equal(sim("run", copy, "-r", "3", "-q", NULL), 2);
    char *err = testutil_read(in_tmp("stderr"));
    testutil_assert_contains(err, "results/model-test: paper.clerks: holds the results of "
                                  "another configuration (50 there, 40 here): --force");
    free(err);
    char *kept = testutil_read(summary);
    assert_string_equal(before, kept);
    free(kept);
    /* the seed and the replications may change: the same configuration */
    assert_int_equal(sim("run", base, "-r", "4", "-s", "5", "-q", NULL), 0);
    assert_int_equal(sim("run", copy, "-r", "3", "-q", "--force", NULL), 0);
    free(before);
    /* sweeps: a folder per grid */
    assert_int_equal(sim("sweep", base, "-r", "2", "-q", "--vary", "paper.clerks=1,2", NULL), 0);
    assert_int_equal(sim("sweep", base, "-r", "2", "-q", "--vary", "paper.clerks=1,2", "--vary",
                         "registration.paper_share=0.1,0.2", NULL),
                     0);
    d = opendir(testutil_path(work, "results"));
    assert_non_null(d);
    int sweeps = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (starts_with(e->d_name, "model-test-sweep--paper.clerks_1_2")) {
            char csv[600];
            snprintf(csv, sizeof csv, "%s/results/%s/sweep.csv", work, e->d_name);
            assert_true(testutil_exists(csv));
            sweeps++;
        }
    closedir(d);
    assert_int_equal(sweeps, 2);
    sim_cwd = NULL;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_is_reproducible),
        cmocka_unit_test(test_bad_usage),
        cmocka_unit_test(test_precision_and_compare),
        cmocka_unit_test(test_sweep),
        cmocka_unit_test(test_option_forms),
        cmocka_unit_test(test_help_and_manual),
        cmocka_unit_test(test_new),
        cmocka_unit_test(test_result_folders),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
