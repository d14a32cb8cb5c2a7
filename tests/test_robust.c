/* test_robust.c - the command line against what new users and attackers try: values at the
 * ceilings, special files, symlinks in output folders, full disks, and runs side by side. */
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

#include "switchsim/output.h"
#include "switchsim/run.h"
#include "testutil.h"

#define tmp testutil_tmp
#define BASE "tests/data/model/base.ini"

/* Seconds any one command may take before the test calls it hung. */
#define TIMEOUT 120

/* tmp/name into buf (PATH_SIZE bytes). */
#define PATH_SIZE 400
static char *in_tmp(char *buf, const char *name)
{
    snprintf(buf, PATH_SIZE, "%s/%s", tmp, name);
    return buf;
}

/* Runs switchsim with the arguments (NULL-terminated) and stdin from `in` (NULL for
 * /dev/null), stdout and stderr into tmp/stdout and tmp/stderr; returns the exit status
 * (-1 when it hung). */
static int sim_in(const char *in, const char *first, va_list ap)
{
    char *argv[64];
    testutil_argv(argv, 64, testutil_binary(), first, ap);
    char out[200], err[200];
    snprintf(out, sizeof out, "%s/stdout", tmp);
    snprintf(err, sizeof err, "%s/stderr", tmp);
    return testutil_run(argv, in, out, err, TIMEOUT);
}

static int sim(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int rc = sim_in(NULL, first, ap);
    va_end(ap);
    return rc;
}

/* sim with stdout to out_path. */
static int sim_to(const char *out_path, const char *first, ...)
{
    char *argv[64];
    va_list ap;
    va_start(ap, first);
    testutil_argv(argv, 64, testutil_binary(), first, ap);
    va_end(ap);
    char err[PATH_SIZE];
    return testutil_run(argv, NULL, out_path, in_tmp(err, "stderr"), TIMEOUT);
}

/* The names in folder dir, sorted, comma-separated, into buf. */
static char *listing(const char *dir, char *buf, size_t size)
{
    struct dirent **names;
    int n = scandir(dir, &names, NULL, alphasort);
    size_t used = 0;
    buf[0] = '\0';
    for (int k = 0; k < n; k++) {
        if (strcmp(names[k]->d_name, ".") && strcmp(names[k]->d_name, ".."))
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? "," : "",
                                     names[k]->d_name);
        free(names[k]);
    }
    if (n >= 0)
        free(names);
    return buf;
}

/* Whether folder a holds the same files with the same bytes as folder b. */
static bool same_folder(const char *a, const char *b)
{
    char la[2000], lb[2000];
    if (strcmp(listing(a, la, sizeof la), listing(b, lb, sizeof lb)))
        return false;
    for (char *name = strtok(la, ","); name; name = strtok(NULL, ",")) {
        char pa[PATH_SIZE + 100], pb[PATH_SIZE + 100];
        snprintf(pa, sizeof pa, "%s/%s", a, name);
        snprintf(pb, sizeof pb, "%s/%s", b, name);
        char *x = testutil_read(pa), *y = testutil_read(pb);
        bool same = x && y && !strcmp(x, y);
        free(x);
        free(y);
        if (!same)
            return false;
    }
    return true;
}

/* Fails unless no hidden folder or file of ours (a fresh set, a chart stage) is left in dir. */
static void assert_nothing_left(const char *dir)
{
    char names[4000];
    listing(dir, names, sizeof names);
    if (strstr(names, ".new.") || strstr(names, ".plot-"))
        fail_msg("left behind in %s: %s", dir, names);
}

/* The one line switchsim wrote on stderr (the caller frees it); fails unless there is
 * exactly one, starting "switchsim: ". */
static char *one_line(void)
{
    char path[PATH_SIZE];
    char *err = testutil_read(in_tmp(path, "stderr"));
    assert_non_null(err);
    size_t len = strlen(err);
    if (len == 0 || err[len - 1] != '\n' || memchr(err, '\n', len - 1) ||
        strncmp(err, "switchsim: ", 11))
        fail_msg("stderr is not one line starting 'switchsim: ':\n%s", err);
    err[len - 1] = '\0';
    return err;
}

/* Fails unless the last command exited `status` with one line on stderr holding `what`. */
static void expect_failure(int rc, int status, const char *what)
{
    char *line = one_line();
    if (rc != status)
        fail_msg("exit status %d, wanted %d: %s", rc, status, line);
    testutil_assert_contains(line, what);
    free(line);
}

/* ---- item 1: every value that passes validation runs, or is refused up front ---- */

/* Tiny intervals overflowed an int in the round arithmetic and aborted (exit 134); an
 * auction on the day the next round starts could be scheduled an ulp in the past. */
static void test_tiny_intervals_run(void **state)
{
    (void)state;
    char out[PATH_SIZE];
    in_tmp(out, "tiny");
    assert_int_equal(
        sim("run", BASE, "-q", "-r", "2", "-o", out, "--set", "scenario.interval_days=1e-8", NULL),
        0);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", out, "--set", "scenario.rounds=3",
                         "--set", "scenario.interval_days=1e-7", "--set",
                         "registration.window_days=1e-7", "--set", "auction.day=1e-7", NULL),
                     0);
    assert_int_equal(sim("run", BASE, "-q", "-r", "1", "-o", out, "--set", "scenario.rounds=50",
                         "--set", "scenario.interval_days=0.7", "--set",
                         "registration.window_days=0.7", "--set", "auction.day=0.7", NULL),
                     0);
    testutil_remove_tree(out);
}

/* What would explode (a 755 MB daily.csv, 30 GB a thread, results of a million replications
 * of a thousand rounds) is bad input: exit 2, one line naming the key, nothing written. */
static void test_ceilings_refused(void **state)
{
    (void)state;
    char out[PATH_SIZE];
    in_tmp(out, "never");
    int rc = sim("run", BASE, "-o", out, "--set", "scenario.rounds=1000", "--set",
                 "scenario.interval_days=36500", "--set", "registration.expected=0", NULL);
    expect_failure(rc, 2, "scenario.interval_days: 1000 rounds 36500 days apart simulate");
    rc = sim("run", BASE, "-o", out, "--set", "registration.expected=1e9", NULL);
    expect_failure(rc, 2, "registration.expected: a replication would draw about 1000000000");
    rc = sim("run", BASE, "-o", out, "-j", "1000", "-r", "1000", "--set",
             "registration.expected=2e7", NULL);
    expect_failure(rc, 2, "registration.expected: a run would need about");
    rc = sim("run", BASE, "-o", out, "-r", "1000000", "--set", "scenario.rounds=1000", NULL);
    expect_failure(rc, 2, "-r 1000000: scenario.replications: keeping the results of");
    assert_false(testutil_exists(out));
}

/* A key line longer than inih's 199 bytes (a 300-byte table path, given with --set) is
 * written into results/NAME/scenario.ini: run and plot read it back. */
static void test_long_lines_read_back(void **state)
{
    (void)state;
    char market[400], *cwd = getcwd(NULL, 0);
    int n = snprintf(market, sizeof market, "households.market=%s/", cwd);
    while (n < 320)
        n += snprintf(market + n, sizeof market - (size_t)n, "./");
    snprintf(market + n, sizeof market - (size_t)n, "tests/data/model/market.csv");
    free(cwd);
    char a[PATH_SIZE], b[PATH_SIZE], plots[PATH_SIZE];
    in_tmp(a, "long-a");
    in_tmp(b, "long-b");
    in_tmp(plots, "long-plots");
    assert_int_equal(sim("run", BASE, "-q", "-r", "3", "-o", a, "--set", market, NULL), 0);
    char resolved[PATH_SIZE + 20], sum_a[PATH_SIZE + 20], sum_b[PATH_SIZE + 20];
    snprintf(resolved, sizeof resolved, "%s/scenario.ini", a);
    int rc = sim("run", resolved, "-q", "-o", b, NULL);
    if (rc != 0)
        expect_failure(rc, 0, "");
    snprintf(sum_a, sizeof sum_a, "%s/summary.csv", a);
    snprintf(sum_b, sizeof sum_b, "%s/summary.csv", b);
    testutil_assert_same_file(sum_a, sum_b);
    rc = sim("plot", a, "-q", "--format", "svg", "-o", plots, NULL);
    if (rc != 0)
        expect_failure(rc, 0, "");
    testutil_remove_tree(a);
    testutil_remove_tree(b);
    testutil_remove_tree(plots);
}

/* ---- item 2: empty event lines are valid input ---- */

/* No registrations, or every lot failing its reserve, leaves an event line empty: the
 * sanitizer build ran qsort on a NULL base and exited 1. */
static void test_empty_event_lines(void **state)
{
    (void)state;
    char out[PATH_SIZE];
    in_tmp(out, "empty");
    assert_int_equal(
        sim("run", BASE, "-q", "-r", "2", "-o", out, "--set", "registration.expected=0", NULL), 0);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", out, "--set",
                         "auction.reserve_margin=100000", NULL),
                     0);
    char *summary = testutil_read(testutil_path(out, "summary.csv"));
    testutil_assert_contains(summary, "\n1,auction_failed,3,0,");
    free(summary);
    testutil_remove_tree(out);
}

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
    char at[PATH_SIZE + 100];
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
    char res[PATH_SIZE], plots[PATH_SIZE], victim[PATH_SIZE], trace[PATH_SIZE], name[64];
    in_tmp(res, "links-results");
    in_tmp(plots, "links-plots");
    in_tmp(victim, "victim");
    in_tmp(trace, "trace.csv");
    plant_victim(victim);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", res, NULL), 0);

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

    assert_int_equal(sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    plant_link(plots, "timeline.dat", victim);
    plant_link(plots, "savings.gp", victim);
    plant_link(plots, "switched.svg", victim);
    plant_link(plots, "bulletin.md", victim);
    assert_int_equal(sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    assert_victim(victim);
    assert_true(regular(plots, "timeline.dat") && regular(plots, "bulletin.md"));
    assert_true(regular(plots, "switched.svg") && regular(plots, "savings.gp"));

    assert_int_equal(symlink(victim, trace), 0);
    int rc = sim("run", BASE, "-q", "-r", "2", "-o", res, "--trace", trace, NULL);
    expect_failure(rc, 2, "trace.csv: --trace: is a symbolic link to a file");
    assert_victim(victim);
    unlink(trace);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", res, "--trace", trace, NULL), 0);
    char *text = testutil_read(trace);
    testutil_assert_contains(text, "time,event,household,channel,detail\n0.000000,round_start");
    free(text);
    assert_nothing_left(tmp);
    assert_nothing_left(plots);
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
    char dir[PATH_SIZE], names[2000];
    in_tmp(dir, "one-set");
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    assert_string_equal(listing(dir, names, sizeof names),
                        "bids.csv,daily.csv,replications.csv,savings_hist.csv,scenario.ini,"
                        "summary.csv");
    assert_int_equal(sim("compare", BASE, BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    assert_string_equal(listing(dir, names, sizeof names),
                        "compare.csv,scenario.ini,scenario_b.ini");
    assert_int_equal(
        sim("sweep", BASE, "-q", "-r", "2", "--vary", "paper.clerks=1,2", "-o", dir, NULL), 0);
    assert_string_equal(listing(dir, names, sizeof names), "scenario.ini,sweep.csv");
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    assert_string_equal(listing(dir, names, sizeof names),
                        "bids.csv,daily.csv,replications.csv,savings_hist.csv,scenario.ini,"
                        "summary.csv");
    /* a folder that holds anything else is someone's: results would replace it whole */
    char notes[PATH_SIZE + 20];
    snprintf(notes, sizeof notes, "%s/notes.txt", dir);
    testutil_write(notes, "mine\n");
    int rc = sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL);
    expect_failure(rc, 2, "one-set: holds 'notes.txt', which is not a switchsim result file");
    rc = sim("run", BASE, "-q", "-r", "2", "-o", ".", NULL);
    expect_failure(rc, 2, ".: is the current folder or holds it");
    assert_nothing_left(tmp);
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
    char one[PATH_SIZE], two[PATH_SIZE], both[PATH_SIZE], err1[PATH_SIZE], err2[PATH_SIZE];
    in_tmp(one, "seed-1");
    in_tmp(two, "seed-2");
    in_tmp(both, "both");
    in_tmp(err1, "stderr-1");
    in_tmp(err2, "stderr-2");
    assert_int_equal(testutil_run(slow_run("1", one), NULL, NULL, NULL, TIMEOUT), 0);
    assert_int_equal(testutil_run(slow_run("2", two), NULL, NULL, NULL, TIMEOUT), 0);
    for (int round = 0; round < 3; round++) {
        pid_t a = testutil_start(slow_run("1", both), NULL, NULL, err1);
        pid_t b = testutil_start(slow_run("2", both), NULL, NULL, err2);
        int ra = testutil_wait(a, TIMEOUT), rb = testutil_wait(b, TIMEOUT);
        const char *errs[2] = {err1, err2};
        int rcs[2] = {ra, rb};
        for (int k = 0; k < 2; k++) {
            char *msg = testutil_read(errs[k]);
            if (rcs[k] != 0 && (rcs[k] != 1 || !strstr(msg, "another switchsim is writing")))
                fail_msg("run %d: exit %d: %s", k + 1, rcs[k], msg);
            free(msg);
        }
        assert_true(ra == 0 || rb == 0);
        if (!same_folder(both, one) && !same_folder(both, two))
            fail_msg("round %d: the folder holds neither run's set (exit %d and %d)", round, ra,
                     rb);
        assert_nothing_left(tmp);
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
    if (access(probe[0], X_OK) || testutil_run(probe, NULL, NULL, NULL, TIMEOUT) != 0) {
        print_message("strace cannot run here: skipped\n");
        skip();
    }
    char old[PATH_SIZE], fresh[PATH_SIZE], dir[PATH_SIZE];
    in_tmp(old, "kill-old");
    in_tmp(fresh, "kill-new");
    in_tmp(dir, "kill");
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-s", "1", "-o", old, NULL), 0);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-s", "2", "-o", fresh, NULL), 0);
    for (int when = 1; when <= 6; when++) {
        assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-s", "1", "-o", dir, NULL), 0);
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
        int rc = testutil_run(argv, NULL, NULL, NULL, TIMEOUT);
        if (!same_folder(dir, old) && !same_folder(dir, fresh))
            fail_msg("killed at rename %d (exit %d): the folder holds a mix of two sets", when, rc);
    }
    /* the next run into the folder clears what the killed ones left beside it */
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-s", "2", "-o", dir, NULL), 0);
    assert_true(same_folder(dir, fresh));
    assert_nothing_left(tmp);
    testutil_remove_tree(old);
    testutil_remove_tree(fresh);
    testutil_remove_tree(dir);
}

/* On a full disk a run fails (exit 1, one line) and the folder keeps its previous set. */
static void test_full_disk_keeps_results(void **state)
{
    (void)state;
    char old[PATH_SIZE], dir[PATH_SIZE];
    in_tmp(old, "full-old");
    in_tmp(dir, "full");
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", old, NULL), 0);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", dir, NULL), 0);
    testutil_run_file_limit = 4000; /* scenario.ini is larger */
    int rc = sim("run", BASE, "-q", "-r", "3", "-s", "5", "-o", dir, NULL);
    testutil_run_file_limit = 0;
    expect_failure(rc, 1, "cannot write: File too large");
    assert_true(same_folder(dir, old));
    assert_nothing_left(tmp);
    testutil_remove_tree(old);
    testutil_remove_tree(dir);
}

/* ---- item 5: plot and trace outputs ---- */

/* A name starting with a single quote: gnuplot read ''' as two tokens, every chart failed
 * and left an empty image. Now every chart is drawn. */
static void test_plot_quoted_name(void **state)
{
    (void)state;
    char res[PATH_SIZE], plots[PATH_SIZE], out[PATH_SIZE];
    in_tmp(res, "quoted-results");
    in_tmp(plots, "quoted-plots");
    in_tmp(out, "made");
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", res, "--set",
                         "scenario.name='quoted' name, it''s", NULL),
                     0);
    int rc = sim_to(out, "plot", res, "-v", "--format", "svg", "-o", plots, NULL);
    if (rc != 0)
        expect_failure(rc, 0, "");
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
    char res[PATH_SIZE], plots[PATH_SIZE], dat[PATH_SIZE + 20];
    in_tmp(res, "full-plot-results");
    in_tmp(plots, "full-plots");
    snprintf(dat, sizeof dat, "%s/timeline.dat", plots);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", res, NULL), 0);
    assert_int_equal(sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    char *before = testutil_read(dat);
    assert_true(strlen(before) > 3000);
    assert_int_equal(sim("run", BASE, "-q", "-r", "3", "-s", "9", "-o", res, NULL), 0);
    testutil_run_file_limit = 3000;
    int rc = sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL);
    testutil_run_file_limit = 0;
    expect_failure(rc, 1, "cannot write: File too large");
    char *after = testutil_read(dat);
    assert_string_equal(before, after);
    free(before);
    free(after);
    char names[4000];
    listing(plots, names, sizeof names);
    for (char *name = strtok(names, ","); name; name = strtok(NULL, ",")) {
        struct stat st;
        assert_int_equal(stat(testutil_path(plots, name), &st), 0);
        if (st.st_size == 0)
            fail_msg("%s is empty", name);
    }
    assert_nothing_left(plots);
    testutil_remove_tree(res);
    testutil_remove_tree(plots);
}

/* A plot killed midway leaves its private folder: the next plot clears it. A plot into a
 * folder another plot is drawing in is refused, saying so. */
static void test_plot_folder_held(void **state)
{
    (void)state;
    char res[PATH_SIZE], plots[PATH_SIZE], stale[PATH_SIZE + 20];
    in_tmp(res, "held-results");
    in_tmp(plots, "held-plots");
    snprintf(stale, sizeof stale, "%s/.plot-a1b2c3", plots);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", res, NULL), 0);
    assert_int_equal(mkdir(plots, 0777), 0);
    assert_int_equal(mkdir(stale, 0700), 0);
    testutil_write(testutil_path(stale, "timeline.dat"), "# cut sh");
    assert_int_equal(sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL), 0);
    assert_false(testutil_exists(stale));

    int fd = open(plots, O_RDONLY | O_DIRECTORY);
    assert_true(fd >= 0);
    assert_int_equal(flock(fd, LOCK_EX), 0);
    int rc = sim("plot", res, "-q", "--format", "svg", "-o", plots, NULL);
    close(fd);
    expect_failure(rc, 1, "another switchsim is drawing charts into this folder");
    assert_nothing_left(plots);
    testutil_remove_tree(res);
    testutil_remove_tree(plots);
}

/* Errors writing a trace or stdout were ignored: `check > /dev/full` exited 0, and a trace
 * on a full disk was cut at 64 KB with exit 0. Now each is exit 1 with one line, and a trace
 * that could not be written whole leaves the old one. */
static void test_trace_and_stdout_errors(void **state)
{
    (void)state;
    char out[PATH_SIZE], trace[PATH_SIZE];
    in_tmp(out, "trace-results");
    in_tmp(trace, "big-trace.csv");
    int rc = sim("run", BASE, "-q", "-r", "2", "-o", out, "--trace", "/dev/full", NULL);
    expect_failure(rc, 1, "/dev/full: --trace: cannot write: No space left on device");
    testutil_write(trace, "old\n");
    testutil_run_file_limit = 65536;
    rc = sim("run", BASE, "-q", "-r", "2", "-o", out, "--trace", trace, "--set",
             "registration.expected=5000", NULL);
    testutil_run_file_limit = 0;
    expect_failure(rc, 1, "big-trace.csv: --trace: cannot write: File too large");
    char *text = testutil_read(trace);
    assert_string_equal(text, "old\n");
    free(text);
    assert_false(testutil_exists(out));

    rc = sim_to("/dev/full", "check", BASE, NULL);
    expect_failure(rc, 1, "cannot write to standard output: No space left on device");
    rc = sim_to("/dev/full", "run", BASE, "-r", "2", "-o", out, NULL);
    expect_failure(rc, 1, "cannot write to standard output: No space left on device");
    rc = sim_to("/dev/full", "--version", NULL);
    expect_failure(rc, 1, "cannot write to standard output");
    assert_nothing_left(tmp);
    testutil_remove_tree(out);
}

/* ---- item 6: special files ---- */

/* Seconds a refusal may take: reading a FIFO would wait for ever. */
#define PROMPTLY 10

static int sim_quick(const char *first, ...)
{
    char *argv[64];
    va_list ap;
    va_start(ap, first);
    testutil_argv(argv, 64, testutil_binary(), first, ap);
    va_end(ap);
    char out[PATH_SIZE], err[PATH_SIZE];
    return testutil_run(argv, NULL, in_tmp(out, "stdout"), in_tmp(err, "stderr"), PROMPTLY);
}

/* A FIFO (or a terminal's /dev/stdin) named as a scenario or a table hung for ever, and
 * /dev/zero as a table grew until memory ran out: anything but a regular file is refused at
 * once, exit 2, one line. */
static void test_special_files_refused(void **state)
{
    (void)state;
    char fifo[PATH_SIZE], market[PATH_SIZE + 40], out[PATH_SIZE];
    in_tmp(fifo, "fifo.ini");
    in_tmp(out, "never-special");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int rc = sim_quick("check", fifo, NULL);
    expect_failure(rc, 2, "fifo.ini: cannot read: not a regular file");
    rc = sim_quick("run", fifo, "-o", out, NULL);
    expect_failure(rc, 2, "fifo.ini: cannot read: not a regular file");
    snprintf(market, sizeof market, "households.market=%s", fifo);
    rc = sim_quick("run", BASE, "-o", out, "--set", market, NULL);
    expect_failure(rc, 2, "households.market: cannot read");
    expect_failure(rc, 2, "fifo.ini: not a regular file");
    rc = sim_quick("run", BASE, "-o", out, "--set", "households.market=/dev/zero", NULL);
    expect_failure(rc, 2, "households.market: cannot read /dev/zero: not a regular file");
    rc = sim_quick("check", "/dev/stdin", NULL);
    expect_failure(rc, 2, "/dev/stdin: cannot read: not a regular file");
    rc = sim_quick("run", BASE, "-o", out, "--trace", fifo, NULL); /* nobody reads it */
    expect_failure(rc, 2, "fifo.ini: --trace: cannot write: No such device or address");
    assert_false(testutil_exists(out));
    unlink(fifo);
}

/* plot's reader: a summary.csv that is /dev/zero or a FIFO is refused at once; one whose
 * first line runs for a gigabyte is refused after reading a little of it, not all. */
static void test_plot_reader_special_files(void **state)
{
    (void)state;
    char res[PATH_SIZE], sum[PATH_SIZE + 20], plots[PATH_SIZE];
    in_tmp(res, "special-results");
    in_tmp(plots, "special-plots");
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", res, NULL), 0);
    snprintf(sum, sizeof sum, "%s/summary.csv", res);

    assert_int_equal(unlink(sum), 0);
    assert_int_equal(symlink("/dev/zero", sum), 0);
    int rc = sim_quick("plot", res, "-o", plots, NULL);
    expect_failure(rc, 2, "summary.csv: cannot read: not a regular file");

    assert_int_equal(unlink(sum), 0);
    assert_int_equal(mkfifo(sum, 0600), 0);
    rc = sim_quick("plot", res, "-o", plots, NULL);
    expect_failure(rc, 2, "summary.csv: cannot read: not a regular file");

    /* a sparse file of 1 GiB: 9000 letters, then zeros, all one line */
    assert_int_equal(unlink(sum), 0);
    int fd = open(sum, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    char letters[9000];
    memset(letters, 'a', sizeof letters);
    assert_int_equal(write(fd, letters, sizeof letters), (ssize_t)sizeof letters);
    assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
    close(fd);
    rc = sim_quick("plot", res, "-o", plots, NULL);
    expect_failure(rc, 2, "summary.csv:1: line is too long (more than 8192 bytes)");
    if (testutil_run_max_rss_kb > 256 * 1024)
        fail_msg("plot took %ld MiB to refuse a long line", testutil_run_max_rss_kb / 1024);
    assert_false(testutil_exists(plots));
    testutil_remove_tree(res);
}

/* ---- item 8: text ---- */

/* Supplier names reach bids.csv, where a spreadsheet would run =cmd|... as a formula: such
 * names are written after a single quote (a plain number such as +1 stays). Text that is not
 * UTF-8, or holds a right-to-left override, is refused in any name. */
static void test_text_is_safe(void **state)
{
    (void)state;
    char out[PATH_SIZE], suppliers[PATH_SIZE + 100], *cwd = getcwd(NULL, 0);
    in_tmp(out, "formula");
    snprintf(suppliers, sizeof suppliers,
             "auction.suppliers=%s/tests/data/model/suppliers_formula.csv", cwd);
    free(cwd);
    assert_int_equal(sim("run", BASE, "-q", "-r", "2", "-o", out, "--set", suppliers, NULL), 0);
    char *bids = testutil_read(testutil_path(out, "bids.csv"));
    testutil_assert_contains(bids, ",direct_debit,'=cmd|' /C calc'!A0,");
    testutil_assert_contains(bids, ",direct_debit,'@SUM(1+1),");
    testutil_assert_contains(bids, ",direct_debit,'-2+3,");
    testutil_assert_contains(bids, ",direct_debit,+1,");
    assert_null(strstr(bids, ",=cmd"));
    free(bids);
    testutil_remove_tree(out);

    int rc = sim("check", BASE, "--set", "scenario.name=caf\xe9", NULL);
    expect_failure(rc, 2, "scenario.name: is not UTF-8 text (byte 0xe9 at byte 4)");
    rc = sim("check", BASE, "--set", "scenario.name=invoice\u202Efdp.exe", NULL);
    expect_failure(rc, 2, "scenario.name: must not contain control characters (U+202E at byte 8)");
    rc = sim("check", BASE, "--set",
             "scenario.name=a\xc2\x9b"
             "31m",
             NULL);
    expect_failure(rc, 2, "scenario.name: must not contain control characters (U+009B at byte 2)");

    /* a results folder from elsewhere: its name reaches folder names without them */
    char folder[200];
    assert_int_equal(output_folder("plots", "invoice\u202Efdp.exe", folder, sizeof folder), 0);
    assert_int_equal(strncmp(folder, "plots/invoice_fdp.exe-", 22), 0);
    assert_int_equal(output_folder("plots", "Caf\xc3\xa9 \xff", folder, sizeof folder), 0);
    assert_int_equal(strncmp(folder, "plots/Caf\xc3\xa9__-", 14), 0);
    assert_int_equal(output_folder("plots", "Caf\xc3\xa9", folder, sizeof folder), 0);
    assert_string_equal(folder, "plots/Caf\xc3\xa9");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tiny_intervals_run),
        cmocka_unit_test(test_ceilings_refused),
        cmocka_unit_test(test_long_lines_read_back),
        cmocka_unit_test(test_empty_event_lines),
        cmocka_unit_test(test_planted_links),
        cmocka_unit_test(test_one_set_per_folder),
        cmocka_unit_test(test_two_runs_at_once),
        cmocka_unit_test(test_killed_while_renaming),
        cmocka_unit_test(test_full_disk_keeps_results),
        cmocka_unit_test(test_plot_quoted_name),
        cmocka_unit_test(test_plot_full_disk),
        cmocka_unit_test(test_plot_folder_held),
        cmocka_unit_test(test_trace_and_stdout_errors),
        cmocka_unit_test(test_special_files_refused),
        cmocka_unit_test(test_plot_reader_special_files),
        cmocka_unit_test(test_text_is_safe),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
