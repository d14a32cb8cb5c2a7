/* test_robust_output.c - the command line against what can happen where it writes: links
 * planted in output folders, two runs into one folder at once, a kill at each rename, full
 * disks for results, charts, trace and stdout. What it reads is test_robust.c; both share
 * robust.c. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "robust.h"
#include "switchsim/run.h"
#include "testutil.h"

#define tmp testutil_tmp
#define BASE "tests/data/model/base.ini"

/* ---- item 3: links planted in output folders ---- */

static void plant_victim(const char *path)
{
    testutil_write(path, "precious\n");
}

static void assert_victim(const char *path)
{
    char *text = testutil_read(path);
    if (!text || strcmp(text, "precious\n"))
        fail_msg("%s was overwritten through a link: %.60s", path, text ? text : "(gone)");
    free(text);
}

/* Replaces dir/name with a link to victim. */
static void plant_link(const char *dir, const char *name, const char *victim)
{
    char at[ROBUST_PATH_SIZE + 100];
    snprintf(at, sizeof at, "%s/%s", dir, name);
    unlink(at);
    assert_int_equal(symlink(victim, at), 0);
}

static bool regular(const char *dir, const char *name)
{
    struct stat st;
    return lstat(testutil_path(dir, name), &st) == 0 && S_ISREG(st.st_mode);
}

/* Someone who can write to a shared output folder plants links where switchsim writes: at
 * the temporary names results used (.summary.csv.PID.tmp), at plot's outputs and bulletin,
 * at a --trace file. No link is followed: the files they point to stay as they were. */
static void test_planted_links(void **state)
{
    (void)state;
    char res[ROBUST_PATH_SIZE], plots[ROBUST_PATH_SIZE], victim[ROBUST_PATH_SIZE],
        trace[ROBUST_PATH_SIZE], name[64];
    robust_run_to_plot("links-results", "links-plots", NULL, res, plots);
    robust_path(victim, "victim");
    robust_path(trace, "trace.csv");
    plant_victim(victim);

    /* the run, in process: its pid names the temporary files it used to write */
    snprintf(name, sizeof name, ".summary.csv.%ld.tmp", (long)getpid());
    plant_link(res, name, victim);
    snprintf(name, sizeof name, ".bids.csv.%ld.tmp", (long)getpid());
    plant_link(res, name, victim);
    plant_link(res, "daily.csv", victim);
    struct settings s = {.jobs = 1, .replications = 2, .out_dir = res};
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario(BASE, &s, &r, &err), 0);
    run_result_cleanup(&r);
    assert_victim(victim);
    assert_true(regular(res, "daily.csv") && regular(res, "summary.csv"));

    assert_int_equal(robust_sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    plant_link(plots, "timeline.dat", victim);
    plant_link(plots, "savings.gp", victim);
    plant_link(plots, "switched.svg", victim);
    plant_link(plots, "bulletin.md", victim);
    assert_int_equal(robust_sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    assert_victim(victim);
    assert_true(regular(plots, "timeline.dat") && regular(plots, "bulletin.md"));
    assert_true(regular(plots, "switched.svg") && regular(plots, "savings.gp"));

    assert_int_equal(symlink(victim, trace), 0);
    int rc = robust_sim("run", BASE, "-q", "-r", "2", "-o", res, "--trace", trace, NULL);
    robust_expect_failure(rc, 2, "trace.csv: --trace: is a symbolic link to a file");
    assert_victim(victim);
    unlink(trace);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", res, "--trace", trace, NULL),
                     0);
    char *text = testutil_read(trace);
    testutil_assert_contains(text, "time,event,household,channel,detail\n0.000000,round_start");
    free(text);
    robust_assert_nothing_left(tmp);
    robust_assert_nothing_left(plots);
    testutil_remove_tree(res);
    testutil_remove_tree(plots);
}

/* ---- item 4: a result set is whole or absent ---- */

/* Whatever ran into a folder before, it holds exactly one command's set afterwards: the six
 * files of a run, a compare's three, a sweep's two; never a summary.csv of one beside the
 * scenario.ini of another. */
static void test_one_set_per_folder(void **state)
{
    (void)state;
    char dir[ROBUST_PATH_SIZE], names[2000];
    robust_path(dir, "one-set");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    assert_string_equal(robust_listing(dir, names, sizeof names),
                        "bids.csv,daily.csv,replications.csv,savings_hist.csv,scenario.ini,"
                        "summary.csv");
    assert_int_equal(robust_sim("compare", BASE, BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    assert_string_equal(robust_listing(dir, names, sizeof names),
                        "compare.csv,scenario.ini,scenario_b.ini");
    assert_int_equal(
        robust_sim("sweep", BASE, "-q", "-r", "2", "--vary", "paper.clerks=1,2", "-o", dir, NULL),
        0);
    assert_string_equal(robust_listing(dir, names, sizeof names), "scenario.ini,sweep.csv");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    assert_string_equal(robust_listing(dir, names, sizeof names),
                        "bids.csv,daily.csv,replications.csv,savings_hist.csv,scenario.ini,"
                        "summary.csv");
    /* a folder that holds anything else is someone's: results would replace it whole */
    char notes[ROBUST_PATH_SIZE + 20];
    snprintf(notes, sizeof notes, "%s/notes.txt", dir);
    testutil_write(notes, "mine\n");
    int rc = robust_sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL);
    robust_expect_failure(rc, 2,
                          "one-set: holds 'notes.txt', which is not a switchsim result file");
    rc = robust_sim("run", BASE, "-q", "-r", "2", "-o", ".", NULL);
    robust_expect_failure(rc, 2, ".: is the current folder or holds it");
    robust_assert_nothing_left(tmp);
    testutil_remove_tree(dir);
}

/* A run that takes a while, with seed `seed`, into dir. */
static char *const *slow_run(const char *seed, const char *dir)
{
    static char *argv[2][16];
    static int k;
    k = !k;
    char *const v[] = {(char *)testutil_binary(),
                       "run",
                       BASE,
                       "-q",
                       "-j",
                       "1",
                       "-r",
                       "6",
                       "-s",
                       (char *)seed,
                       "--set",
                       "registration.expected=20000",
                       "-o",
                       (char *)dir,
                       NULL};
    memcpy(argv[k], v, sizeof v);
    return argv[k];
}

/* Two runs started at once into one folder: the second is refused with a clear message
 * while the first holds it (or, started after, replaces its set whole); afterwards the folder
 * equals one run's set exactly. */
static void test_two_runs_at_once(void **state)
{
    (void)state;
    char one[ROBUST_PATH_SIZE], two[ROBUST_PATH_SIZE], both[ROBUST_PATH_SIZE],
        err1[ROBUST_PATH_SIZE], err2[ROBUST_PATH_SIZE];
    robust_path(one, "seed-1");
    robust_path(two, "seed-2");
    robust_path(both, "both");
    robust_path(err1, "stderr-1");
    robust_path(err2, "stderr-2");
    assert_int_equal(testutil_run(slow_run("1", one), NULL, NULL, NULL, ROBUST_TIMEOUT), 0);
    assert_int_equal(testutil_run(slow_run("2", two), NULL, NULL, NULL, ROBUST_TIMEOUT), 0);
    for (int round = 0; round < 3; round++) {
        pid_t a = testutil_start(slow_run("1", both), NULL, NULL, err1);
        pid_t b = testutil_start(slow_run("2", both), NULL, NULL, err2);
        int ra = testutil_wait(a, ROBUST_TIMEOUT), rb = testutil_wait(b, ROBUST_TIMEOUT);
        const char *errs[2] = {err1, err2};
        int rcs[2] = {ra, rb};
        for (int k = 0; k < 2; k++) {
            char *msg = testutil_read(errs[k]);
            if (rcs[k] != 0 && (rcs[k] != 1 || !strstr(msg, "another switchsim is writing")))
                fail_msg("run %d: exit %d: %s", k + 1, rcs[k], msg);
            free(msg);
        }
        assert_true(ra == 0 || rb == 0);
        if (!robust_same_folder(both, one) && !robust_same_folder(both, two))
            fail_msg("round %d: the folder holds neither run's set (exit %d and %d)", round, ra,
                     rb);
        robust_assert_nothing_left(tmp);
    }
    testutil_remove_tree(one);
    testutil_remove_tree(two);
    testutil_remove_tree(both);
}

/* A kill at any rename leaves the folder with one whole set: the old or the new. strace
 * delivers SIGKILL at the first, second, ... rename the run makes. */
static void test_killed_while_renaming(void **state)
{
    (void)state;
    char *const probe[] = {"/usr/bin/strace", "-o", "/dev/null", "/bin/true", NULL};
    if (access(probe[0], X_OK) || testutil_run(probe, NULL, NULL, NULL, ROBUST_TIMEOUT) != 0) {
        print_message("strace cannot run here: skipped\n");
        skip();
    }
    char old[ROBUST_PATH_SIZE], fresh[ROBUST_PATH_SIZE], dir[ROBUST_PATH_SIZE];
    robust_path(old, "kill-old");
    robust_path(fresh, "kill-new");
    robust_path(dir, "kill");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-s", "1", "-o", old, NULL), 0);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-s", "2", "-o", fresh, NULL), 0);
    for (int when = 1; when <= 6; when++) {
        assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-s", "1", "-o", dir, NULL), 0);
        char inject[80];
        snprintf(inject, sizeof inject, "inject=rename,renameat,renameat2:signal=KILL:when=%d",
                 when);
        char *const argv[] = {"/usr/bin/strace",
                              "-f",
                              "-o",
                              "/dev/null",
                              "-e",
                              inject,
                              (char *)testutil_binary(),
                              "run",
                              BASE,
                              "-q",
                              "-r",
                              "2",
                              "-s",
                              "2",
                              "-o",
                              dir,
                              NULL};
        int rc = testutil_run(argv, NULL, NULL, NULL, ROBUST_TIMEOUT);
        if (!robust_same_folder(dir, old) && !robust_same_folder(dir, fresh))
            fail_msg("killed at rename %d (exit %d): the folder holds a mix of two sets", when, rc);
    }
    /* the next run into the folder clears what the killed ones left beside it */
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-s", "2", "-o", dir, NULL), 0);
    assert_true(robust_same_folder(dir, fresh));
    robust_assert_nothing_left(tmp);
    testutil_remove_tree(old);
    testutil_remove_tree(fresh);
    testutil_remove_tree(dir);
}

/* On a full disk a run fails (exit 1, one line) and the folder keeps its previous set. */
static void test_full_disk_keeps_results(void **state)
{
    (void)state;
    char old[ROBUST_PATH_SIZE], dir[ROBUST_PATH_SIZE];
    robust_path(old, "full-old");
    robust_path(dir, "full");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", old, NULL), 0);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    testutil_run_file_limit = 4000; /* scenario.ini is larger */
    int rc = robust_sim("run", BASE, "-q", "-r", "3", "-s", "5", "-o", dir, NULL);
    testutil_run_file_limit = 0;
    robust_expect_failure(rc, 1, "cannot write: File too large");
    assert_true(robust_same_folder(dir, old));
    robust_assert_nothing_left(tmp);
    testutil_remove_tree(old);
    testutil_remove_tree(dir);
}

/* ---- item 5: plot and trace outputs ---- */

/* A name starting with a single quote: gnuplot read ''' as two tokens, every chart failed
 * and left an empty image. Now every chart is drawn. */
static void test_plot_quoted_name(void **state)
{
    (void)state;
    char res[ROBUST_PATH_SIZE], plots[ROBUST_PATH_SIZE], out[ROBUST_PATH_SIZE];
    robust_run_to_plot("quoted-results", "quoted-plots", "scenario.name='quoted' name, it''s", res,
                       plots);
    robust_path(out, "made");
    int rc = robust_sim_to(out, "plot", res, "-v", "--format", "svg", "-o", plots, NULL);
    if (rc != 0)
        robust_expect_failure(rc, 0, "");
    char *made = testutil_read(out);
    int images = 0;
    for (char *line = strtok(made, "\n"); line; line = strtok(NULL, "\n")) {
        struct stat st;
        assert_int_equal(stat(line, &st), 0);
        if (st.st_size == 0)
            fail_msg("%s is empty", line);
        images += strstr(line, ".svg") != NULL;
    }
    free(made);
    assert_int_equal(images, 5);
    char *md = testutil_read(testutil_path(plots, "bulletin.md"));
    testutil_assert_contains(md, "# 'quoted' name, it''s");
    free(md);
    testutil_remove_tree(res);
    testutil_remove_tree(plots);
}

/* plot on a full disk: exit 1, and the charts drawn before stay whole (timeline.dat was cut
 * short over a good one); nothing empty, nothing left behind. */
static void test_plot_full_disk(void **state)
{
    (void)state;
    char res[ROBUST_PATH_SIZE], plots[ROBUST_PATH_SIZE], dat[ROBUST_PATH_SIZE + 20];
    robust_run_to_plot("full-plot-results", "full-plots", NULL, res, plots);
    snprintf(dat, sizeof dat, "%s/timeline.dat", plots);
    assert_int_equal(robust_sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    char *before = testutil_read(dat);
    assert_true(strlen(before) > 3000);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "3", "-s", "9", "-o", res, NULL), 0);
    testutil_run_file_limit = 3000;
    int rc = robust_sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL);
    testutil_run_file_limit = 0;
    robust_expect_failure(rc, 1, "cannot write: File too large");
    char *after = testutil_read(dat);
    assert_string_equal(before, after);
    free(before);
    free(after);
    char names[4000];
    robust_listing(plots, names, sizeof names);
    for (char *name = strtok(names, ","); name; name = strtok(NULL, ",")) {
        struct stat st;
        assert_int_equal(stat(testutil_path(plots, name), &st), 0);
        if (st.st_size == 0)
            fail_msg("%s is empty", name);
    }
    robust_assert_nothing_left(plots);
    testutil_remove_tree(res);
    testutil_remove_tree(plots);
}

/* A plot killed midway leaves its private folder: the next plot clears it. A plot into a
 * folder another plot is drawing in is refused, saying so. */
static void test_plot_folder_held(void **state)
{
    (void)state;
    char res[ROBUST_PATH_SIZE], plots[ROBUST_PATH_SIZE], stale[ROBUST_PATH_SIZE + 20];
    robust_run_to_plot("held-results", "held-plots", NULL, res, plots);
    snprintf(stale, sizeof stale, "%s/.plot-a1b2c3", plots);
    assert_int_equal(mkdir(plots, 0777), 0);
    assert_int_equal(mkdir(stale, 0700), 0);
    testutil_write(testutil_path(stale, "timeline.dat"), "# cut sh");
    assert_int_equal(robust_sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    assert_false(testutil_exists(stale));

    int fd = open(plots, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    int rc = robust_sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL);
    close(fd);
    robust_expect_failure(rc, 1, "another switchsim is drawing charts into this folder");
    robust_assert_nothing_left(plots);
    testutil_remove_tree(res);
    testutil_remove_tree(plots);
}

/* Errors writing a trace or stdout were ignored: `check > /dev/full` exited 0, and a trace
 * on a full disk was cut at 64 KB with exit 0. Now each is exit 1 with one line, and a trace
 * that could not be written whole leaves the old one. */
static void test_trace_and_stdout_errors(void **state)
{
    (void)state;
    char out[ROBUST_PATH_SIZE], trace[ROBUST_PATH_SIZE];
    robust_path(out, "trace-results");
    robust_path(trace, "big-trace.csv");
    int rc = robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--trace", "/dev/full", NULL);
    robust_expect_failure(rc, 1, "/dev/full: --trace: cannot write: No space left on device");
    testutil_write(trace, "old\n");
    testutil_run_file_limit = 65536;
    rc = robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--trace", trace, "--set",
                    "registration.expected=5000", NULL);
    testutil_run_file_limit = 0;
    robust_expect_failure(rc, 1, "big-trace.csv: --trace: cannot write: File too large");
    char *text = testutil_read(trace);
    assert_string_equal(text, "old\n");
    free(text);
    assert_false(testutil_exists(out));

    rc = robust_sim_to("/dev/full", "check", BASE, NULL);
    robust_expect_failure(rc, 1, "cannot write to standard output: No space left on device");
    rc = robust_sim_to("/dev/full", "run", BASE, "-r", "2", "-o", out, NULL);
    robust_expect_failure(rc, 1, "cannot write to standard output: No space left on device");
    rc = robust_sim_to("/dev/full", "--version", NULL);
    robust_expect_failure(rc, 1, "cannot write to standard output");
    robust_assert_nothing_left(tmp);
    testutil_remove_tree(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_planted_links),
        cmocka_unit_test(test_one_set_per_folder),
        cmocka_unit_test(test_two_runs_at_once),
        cmocka_unit_test(test_killed_while_renaming),
        cmocka_unit_test(test_full_disk_keeps_results),
        cmocka_unit_test(test_plot_quoted_name),
        cmocka_unit_test(test_plot_full_disk),
        cmocka_unit_test(test_plot_folder_held),
        cmocka_unit_test(test_trace_and_stdout_errors),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
