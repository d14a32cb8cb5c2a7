/* test_robust.c - the command line against what new users and attackers feed it: values at
 * the ceilings, empty event lines, special files and a gigabyte-long line, and text that is
 * not what it seems. Where it writes (links in output folders, full disks, runs side by
 * side) is test_robust_output.c; both share robust.c. */
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
#include "switchsim/output.h"
#include "testutil.h"

#define tmp testutil_tmp
#define BASE "tests/data/model/base.ini"

/* ---- item 1: every value that passes validation runs, or is refused up front ---- */

/* Tiny intervals overflowed an int in the round arithmetic and aborted (exit 134); an
 * auction on the day the next round starts could be scheduled an ulp in the past. */
static void test_tiny_intervals_run(void **state)
{
    (void)state;
    char out[ROBUST_PATH_SIZE];
    robust_path(out, "tiny");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--set",
                                "scenario.interval_days=1e-8", NULL),
                     0);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--set",
                                "scenario.rounds=3", "--set", "scenario.interval_days=1e-7",
                                "--set", "registration.window_days=1e-7", "--set",
                                "auction.day=1e-7", NULL),
                     0);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "1", "-o", out, "--set",
                                "scenario.rounds=50", "--set", "scenario.interval_days=0.7",
                                "--set", "registration.window_days=0.7", "--set", "auction.day=0.7",
                                NULL),
                     0);
    testutil_remove_tree(out);
}

/* What would explode (a 755 MB daily.csv, 30 GB a thread, results of a million replications
 * of a thousand rounds) is bad input: exit 2, one line naming the key, nothing written. */
static void test_ceilings_refused(void **state)
{
    (void)state;
    char out[ROBUST_PATH_SIZE];
    robust_path(out, "never");
    int rc = robust_sim("run", BASE, "-o", out, "--set", "scenario.rounds=1000", "--set",
                        "scenario.interval_days=36500", "--set", "registration.expected=0", NULL);
    robust_expect_failure(rc, 2, "scenario.interval_days: 1000 rounds 36500 days apart simulate");
    rc = robust_sim("run", BASE, "-o", out, "--set", "registration.expected=1e9", NULL);
    robust_expect_failure(rc, 2,
                          "registration.expected: a replication would draw about 1000000000");
    rc = robust_sim("run", BASE, "-o", out, "-j", "1000", "-r", "1000", "--set",
                    "registration.expected=2e7", NULL);
    robust_expect_failure(rc, 2, "registration.expected: a run would need about");
    rc = robust_sim("run", BASE, "-o", out, "-r", "1000000", "--set", "scenario.rounds=1000", NULL);
    robust_expect_failure(rc, 2, "-r 1000000: scenario.replications: keeping the results of");
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
    char a[ROBUST_PATH_SIZE], b[ROBUST_PATH_SIZE], plots[ROBUST_PATH_SIZE];
    robust_path(a, "long-a");
    robust_path(b, "long-b");
    robust_path(plots, "long-plots");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "3", "-o", a, "--set", market, NULL), 0);
    char resolved[ROBUST_PATH_SIZE + 20], sum_a[ROBUST_PATH_SIZE + 20],
        sum_b[ROBUST_PATH_SIZE + 20];
    snprintf(resolved, sizeof resolved, "%s/scenario.ini", a);
    int rc = robust_sim("run", resolved, "-q", "-o", b, NULL);
    if (rc != 0)
        robust_expect_failure(rc, 0, "");
    snprintf(sum_a, sizeof sum_a, "%s/summary.csv", a);
    snprintf(sum_b, sizeof sum_b, "%s/summary.csv", b);
    testutil_assert_same_file(sum_a, sum_b);
    rc = robust_sim("plot", a, "-q", "--format", "svg", "-o", plots, NULL);
    if (rc != 0)
        robust_expect_failure(rc, 0, "");
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
    char out[ROBUST_PATH_SIZE];
    robust_path(out, "empty");
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--set",
                                "registration.expected=0", NULL),
                     0);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--set",
                                "auction.reserve_margin=100000", NULL),
                     0);
    char *summary = testutil_read(testutil_path(out, "summary.csv"));
    testutil_assert_contains(summary, "\n1,auction_failed,3,0,");
    free(summary);
    testutil_remove_tree(out);
}

/* ---- item 6: special files ---- */

/* A FIFO (or a terminal's /dev/stdin) named as a scenario or a table hung for ever, and
 * /dev/zero as a table grew until memory ran out: anything but a regular file is refused at
 * once, exit 2, one line. */
static void test_special_files_refused(void **state)
{
    (void)state;
    char fifo[ROBUST_PATH_SIZE], market[ROBUST_PATH_SIZE + 40], out[ROBUST_PATH_SIZE];
    robust_path(fifo, "fifo.ini");
    robust_path(out, "never-special");
    assert_int_equal(mkfifo(fifo, 0600), 0);
    int rc = robust_sim_quick("check", fifo, NULL);
    robust_expect_failure(rc, 2, "fifo.ini: cannot read: not a regular file");
    rc = robust_sim_quick("run", fifo, "-o", out, NULL);
    robust_expect_failure(rc, 2, "fifo.ini: cannot read: not a regular file");
    snprintf(market, sizeof market, "households.market=%s", fifo);
    rc = robust_sim_quick("run", BASE, "-o", out, "--set", market, NULL);
    robust_expect_failure(rc, 2, "households.market: cannot read");
    robust_expect_failure(rc, 2, "fifo.ini: not a regular file");
    rc = robust_sim_quick("run", BASE, "-o", out, "--set", "households.market=/dev/zero", NULL);
    robust_expect_failure(rc, 2, "households.market: cannot read /dev/zero: not a regular file");
    rc = robust_sim_quick("check", "/dev/stdin", NULL);
    robust_expect_failure(rc, 2, "/dev/stdin: cannot read: not a regular file");
    rc = robust_sim_quick("run", BASE, "-o", out, "--trace", fifo, NULL); /* nobody reads it */
    robust_expect_failure(rc, 2, "fifo.ini: --trace: cannot write: No such device or address");
    assert_false(testutil_exists(out));
    unlink(fifo);
}

/* plot's reader: a summary.csv that is /dev/zero or a FIFO is refused at once; one whose
 * first line runs for a gigabyte is refused after reading a little of it, not all. */
static void test_plot_reader_special_files(void **state)
{
    (void)state;
    char res[ROBUST_PATH_SIZE], sum[ROBUST_PATH_SIZE + 20], plots[ROBUST_PATH_SIZE];
    robust_run_to_plot("special-results", "special-plots", NULL, res, plots);
    snprintf(sum, sizeof sum, "%s/summary.csv", res);

    assert_int_equal(unlink(sum), 0);
    assert_int_equal(symlink("/dev/zero", sum), 0);
    int rc = robust_sim_quick("plot", res, "-o", plots, NULL);
    robust_expect_failure(rc, 2, "summary.csv: cannot read: not a regular file");

    assert_int_equal(unlink(sum), 0);
    assert_int_equal(mkfifo(sum, 0600), 0);
    rc = robust_sim_quick("plot", res, "-o", plots, NULL);
    robust_expect_failure(rc, 2, "summary.csv: cannot read: not a regular file");

    /* a sparse file of 1 GiB: 9000 letters, then zeros, all one line */
    assert_int_equal(unlink(sum), 0);
    int fd = open(sum, O_WRONLY | O_CREAT | O_EXCL, 0644);
    assert_true(fd >= 0);
    char letters[9000];
    memset(letters, 'a', sizeof letters);
    assert_int_equal(write(fd, letters, sizeof letters), (ssize_t)sizeof letters);
    assert_int_equal(ftruncate(fd, (off_t)1 << 30), 0);
    close(fd);
    rc = robust_sim_quick("plot", res, "-o", plots, NULL);
    robust_expect_failure(rc, 2, "summary.csv:1: line is too long (more than 8192 bytes)");
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
    char out[ROBUST_PATH_SIZE], suppliers[ROBUST_PATH_SIZE + 100], *cwd = getcwd(NULL, 0);
    robust_path(out, "formula");
    snprintf(suppliers, sizeof suppliers,
             "auction.suppliers=%s/tests/data/model/suppliers_formula.csv", cwd);
    free(cwd);
    assert_int_equal(robust_sim("run", BASE, "-q", "-r", "2", "-o", out, "--set", suppliers, NULL),
                     0);
    char *bids = testutil_read(testutil_path(out, "bids.csv"));
    testutil_assert_contains(bids, ",direct_debit,'=cmd|' /C calc'!A0,");
    testutil_assert_contains(bids, ",direct_debit,'@SUM(1+1),");
    testutil_assert_contains(bids, ",direct_debit,'-2+3,");
    testutil_assert_contains(bids, ",direct_debit,+1,");
    assert_null(strstr(bids, ",=cmd"));
    free(bids);
    testutil_remove_tree(out);

    int rc = robust_sim("check", BASE, "--set", "scenario.name=caf\xe9", NULL);
    robust_expect_failure(rc, 2, "scenario.name: is not UTF-8 text (byte 0xe9 at byte 4)");
    rc = robust_sim("check", BASE, "--set", "scenario.name=invoice\u202Efdp.exe", NULL);
    robust_expect_failure(rc, 2,
                          "scenario.name: must not contain control characters (U+202E at byte 8)");
    rc = robust_sim("check", BASE, "--set",
                    "scenario.name=a\xc2\x9b"
                    "31m",
                    NULL);
    robust_expect_failure(rc, 2,
                          "scenario.name: must not contain control characters (U+009B at byte 2)");

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
        cmocka_unit_test(test_special_files_refused),
        cmocka_unit_test(test_plot_reader_special_files),
        cmocka_unit_test(test_text_is_safe),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
