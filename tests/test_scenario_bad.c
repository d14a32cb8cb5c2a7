/* test_scenario_bad.c - the bad-input corpus: every file and every key fails with one line
 * naming file, line and key, in process and from the binary (exit status 2, no output). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "switchsim/scenario.h"
#include "testutil.h"

extern char **environ;

/* ---------------------------------------------------------------------------------------
 * The bad-input corpus: every file fails with one line naming where and what. */

struct bad_case {
    const char *file;  /* under the data directory */
    const char *where; /* "FILE:LINE: " as the error shows it, FILE under the data dir */
    const char *what;  /* the key (or column), or a piece of the message */
};

/* A value no key of this type accepts (text that may be empty: too long for any). */
static const char *bad_value_for(const char *type, const char *default_text)
{
    static char too_long[1200];
    if (!strcmp(type, "text") && default_text && !default_text[0]) {
        memset(too_long, 'x', sizeof too_long - 1);
        return too_long;
    }
    if (!strcmp(type, "text"))
        return "";
    if (!strcmp(type, "path"))
        return "no-such-table.csv";
    if (!strcmp(type, "list of days"))
        return "7,soon";
    if (strchr(type, '|'))
        return "bogus";
    return "12abc";
}

/* Every key, given a bad value in a file, fails at that file, that line, naming the key;
 * numbers also fail above their range. */
static void test_every_key_rejects_bad_values(void **state)
{
    (void)state;
    struct scenario *sc = testutil_load_ok("good/scenario.ini", NULL, 0);
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    assert_non_null(mem);
    assert_int_equal(scenario_write(sc, mem), 0);
    assert_int_equal(fclose(mem), 0);
    scenario_destroy(sc);
    for (size_t k = 0; k < scenario_key_count(); k++) {
        struct scenario_key_info info;
        assert_int_equal(scenario_key_at(k, &info), 0);
        const char *dot = strchr(info.name, '.');
        char section[64], prefix[96];
        snprintf(section, sizeof section, "\n[%.*s]\n", (int)(dot - info.name), info.name);
        snprintf(prefix, sizeof prefix, "\n%s = ", dot + 1);
        const char *sec = strstr(text, section);
        assert_non_null(sec);
        const char *at = strstr(sec, prefix);
        assert_non_null(at);
        const char *eol = strchr(at + 1, '\n');
        int line = 2;
        for (const char *p = text; p < at; p++)
            line += *p == '\n';
        const char *values[2] = {bad_value_for(info.type, info.default_text), NULL};
        if (strstr(info.type, "number") || strstr(info.type, "integer") ||
            strstr(info.type, "probability"))
            values[1] = strstr(info.type, "probability") ? "1.5" : "1e300";
        for (int v = 0; v < 2 && values[v]; v++) {
            char path[64];
            snprintf(path, sizeof path, "/tmp/switchsim-key-XXXXXX");
            int fd = mkstemp(path);
            assert_true(fd >= 0);
            FILE *f = fdopen(fd, "w");
            fprintf(f, "%.*s%s%s%s", (int)(at - text), text, prefix, values[v], eol);
            fclose(f);
            struct error err = {0};
            struct scenario *bad = scenario_load(path, NULL, 0, &err);
            unlink(path);
            if (bad)
                fail_msg("%s = '%s' was accepted", info.name, values[v]);
            assert_int_equal(err.kind, ERROR_INPUT);
            assert_string_equal(err.file, path);
            if (err.line != line || strcmp(err.key, info.name))
                fail_msg("%s = '%s': error at line %d key %s (%s), expected line %d", info.name,
                         values[v], err.line, err.key, err.message, line);
        }
    }
    free(text);
}

static const struct bad_case bad_cases[] = {
    /* INI structure */
    {"bad/unknown_section.ini", "bad/unknown_section.ini:10: ", "[scenari]: unknown section"},
    {"bad/unknown_key.ini", "bad/unknown_key.ini:11: ", "paper.clerk: unknown key"},
    {"bad/duplicate_key.ini", "bad/duplicate_key.ini:12: ", "paper.clerks: given twice"},
    {"bad/continuation.ini", "bad/continuation.ini:12: ", "paper.clerks: indented line"},
    {"bad/syntax_error.ini", "bad/syntax_error.ini:11: ", "syntax error"},
    {"bad/unclosed_section.ini", "bad/unclosed_section.ini:2: ", "syntax error"},
    {"bad/key_outside_section.ini", "bad/key_outside_section.ini:2: ", "rounds: key outside"},
    {"bad/missing_required.ini",
     "bad/missing_required.ini:4: ", "registration.expected: missing required key"},
    {"bad/missing_section.ini",
     "bad/missing_section.ini:1: ", "auction.suppliers: missing required key"},
    /* types and ranges */
    {"bad/int_wrong_type.ini", "bad/int_wrong_type.ini:11: ", "paper.clerks: expected a whole"},
    {"bad/int_fraction.ini", "bad/int_fraction.ini:4: ", "scenario.rounds: expected a whole"},
    {"bad/double_wrong_type.ini",
     "bad/double_wrong_type.ini:5: ", "registration.expected: expected a number"},
    {"bad/trailing_junk.ini", "bad/trailing_junk.ini:6: ", "registration.window_days: expected"},
    {"bad/empty_number.ini", "bad/empty_number.ini:11: ", "paper.forms_per_clerk_day: expected"},
    {"bad/nan.ini", "bad/nan.ini:11: ", "decisions.intercept: expected a finite number"},
    {"bad/negative_count.ini", "bad/negative_count.ini:11: ", "paper.clerks: must be at least 0"},
    {"bad/out_of_range.ini", "bad/out_of_range.ini:4: ", "scenario.rounds: must be at least 1"},
    {"bad/zero_interval.ini",
     "bad/zero_interval.ini:4: ", "scenario.interval_days: must be greater"},
    {"bad/prob_above_one.ini",
     "bad/prob_above_one.ini:6: ", "registration.paper_share: must be a probability"},
    {"bad/prob_just_above_one.ini", "bad/prob_just_above_one.ini:6: ",
     "registration.paper_share: must be a probability between 0 and 1, got 1.0000001"},
    {"bad/name_rtl_override.ini", "bad/name_rtl_override.ini:3: ",
     "scenario.name: must not contain control characters (U+202E at byte 7)"},
    {"bad/negative_seed.ini", "bad/negative_seed.ini:4: ", "scenario.seed: must not be negative"},
    {"bad/empty_name.ini", "bad/empty_name.ini:3: ", "scenario.name: must not be empty"},
    {"bad/bad_enum.ini", "bad/bad_enum.ini:10: ", "auction.rule: expected one of"},
    {"bad/bad_reminders.ini",
     "bad/bad_reminders.ini:11: ", "offers.reminder_days: days must be in ascending"},
    {"bad/bad_reminder_item.ini",
     "bad/bad_reminder_item.ini:11: ", "offers.reminder_days: empty item"},
    /* rules across keys */
    {"bad/shares_sum.ini",
     "bad/shares_sum.ini:10: ", "households.prepayment_share: payment shares must sum to 1"},
    {"bad/postal_delay.ini", "bad/postal_delay.ini:12: ", "paper.postal_delay_max: "},
    {"bad/postal_delay_close.ini", "bad/postal_delay_close.ini:7: ",
     "paper.postal_delay_min: paper.postal_delay_min (3.0000001) is greater than "
     "paper.postal_delay_max (3)"},
    {"bad/reminder_after_window.ini",
     "bad/reminder_after_window.ini:12: ", "offers.reminder_days: reminder on day 21"},
    {"bad/fixed_probability.ini",
     "bad/fixed_probability.ini:11: ", "decisions.fixed_probability: must be -1"},
    {"bad/auction_before_window.ini",
     "bad/auction_before_window.ini:6: ", "registration.window_days: auction.day"},
    {"bad/auction_after_next_round.ini", "bad/auction_after_next_round.ini:13: ",
     "auction.day: auction.day (40) comes after the next round starts"},
    {"bad/market_no_direct_debit.ini",
     "bad/market_no_direct_debit.csv:1: ", "payment: no direct_debit rows"},
    /* files that are not acceptable text */
    {"bad/binary.ini", "bad/binary.ini:3: ", "not a text file"},
    {"bad/not_utf8.ini", "bad/not_utf8.ini:3: ", "not UTF-8"},
    {"bad/bare_cr.ini", "bad/bare_cr.ini:1: ", "carriage return"},
    {"bad/long_line.ini", "bad/long_line.ini:4: ", "line is too long"},
    {"bad/long_key_line.ini",
     "bad/long_key_line.ini:3: ", "scenario.name: is 222 bytes long; at most 127 allowed"},
    {"bad/no-such-scenario.ini", "bad/no-such-scenario.ini: ", "cannot read: No such file"},
    {"bad", "bad: ", "cannot read: Is a directory"},
    /* tables */
    {"bad/missing_table.ini", "bad/missing_table.ini:7: ", "households.market: cannot read"},
    {"bad/market_empty.ini", "bad/market_empty.csv:1: ", "households.market: empty table"},
    {"bad/market_header_only.ini",
     "bad/market_header_only.csv:1: ", "households.market: the table has a header but no rows"},
    {"bad/market_ragged.ini", "bad/market_ragged.csv:2: ", "households.market: row has 6 fields"},
    {"bad/market_bad_cell.ini", "bad/market_bad_cell.csv:2: ", "elec_unit_p: expected a number"},
    {"bad/market_negative.ini",
     "bad/market_negative.csv:2: ", "elec_standing_p_day: must be at least 0"},
    {"bad/market_bad_payment.ini", "bad/market_bad_payment.csv:2: ", "payment: expected one of"},
    {"bad/market_bad_header.ini", "bad/market_bad_header.csv:1: ", "elec_unit: unknown column"},
    {"bad/market_no_header.ini", "bad/market_no_header.csv:1: ", "A: unknown column"},
    {"bad/market_shares.ini",
     "bad/market_shares.csv:3: ", "share: shares of the direct_debit rows"},
    {"bad/market_missing_payment.ini",
     "bad/market_missing_payment.csv:1: ", "payment: no prepayment rows"},
    {"bad/market_bad_quote.ini",
     "bad/market_bad_quote.csv:2: ", "households.market: malformed CSV"},
    {"bad/market_binary.ini", "bad/market_binary.csv:2: ", "households.market: not a text file"},
    {"bad/market_long_line.ini",
     "bad/market_long_line.csv:2: ", "households.market: line is too long"},
    {"bad/suppliers_cost.ini", "bad/suppliers_cost.csv:3: ", "cost_high: "},
    {"bad/suppliers_c1.ini", "bad/suppliers_c1.csv:3: ",
     "supplier: must not contain control characters (U+0085 at byte 2)"},
    {"bad/market_not_a_table.ini", "bad/market_not_a_table.csv:1: ",
     "households.market: field 1 of the first row is not a column name"},
    {"bad/suppliers_strategy.ini", "bad/suppliers_strategy.csv:2: ", "strategy: expected one of"},
    {"bad/suppliers_participation.ini",
     "bad/suppliers_participation.csv:2: ", "participation: must be a probability"},
    {"bad/suppliers_duplicate.ini",
     "bad/suppliers_duplicate.csv:3: ", "supplier: S1 is already listed"},
    {"bad/suppliers_extra_field.ini",
     "bad/suppliers_extra_field.csv:2: ", "auction.suppliers: row has 8 fields"},
    {"bad/rounds_missing.ini", "bad/rounds_missing.csv:3: ", "round: round 3 is missing"},
    {"bad/rounds_duplicate.ini", "bad/rounds_duplicate.csv:4: ", "round: round 2 given twice"},
    {"bad/rounds_zero_index.ini",
     "bad/rounds_zero_index.csv:3: ", "market_index: must be greater than 0"},
    {"bad/profile_count.ini", "bad/profile_count.csv:3: ", "day: the profile has 2 days"},
    {"bad/profile_order.ini", "bad/profile_order.csv:3: ", "day: expected day 1"},
    {"bad/profile_zero.ini", "bad/profile_zero.csv:4: ", "weight: weights sum to 0"},
    {"bad/profile_negative.ini", "bad/profile_negative.csv:3: ", "weight: must be at least 0"},
};

#define N_BAD (sizeof bad_cases / sizeof bad_cases[0])

/* The error must read "FILE:LINE: WHAT...": where, then what right after it. */
static void check_message(const struct bad_case *c, const char *msg)
{
    char where[600];
    testutil_data_path(where, sizeof where, c->where);
    const char *at = strstr(msg, where);
    if (!at || strncmp(at + strlen(where), c->what, strlen(c->what)) != 0)
        fail_msg("%s: got\n  %s\nwanted\n  %s%s...", c->file, msg, where, c->what);
}

static void test_bad_in_process(void **state)
{
    (void)state;
    assert_true(N_BAD >= 25);
    for (size_t i = 0; i < N_BAD; i++) {
        char line[1400];
        testutil_load_bad(bad_cases[i].file, NULL, 0, line, sizeof line);
        check_message(&bad_cases[i], line);
        if (strstr(line, "secret") || strstr(line, "root:"))
            fail_msg("%s: the message echoes the file's text: %s", bad_cases[i].file, line);
    }
}

/* Runs the binary with args; returns its exit status, stderr in err_buf, stdout's size. */
static int run_binary(char *const argv[], char *err_buf, size_t err_size, long *out_size)
{
    char out_path[] = "/tmp/switchsim-test-out-XXXXXX";
    int out_fd = mkstemp(out_path);
    assert_true(out_fd >= 0);
    int pipe_fd[2];
    assert_int_equal(pipe(pipe_fd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pipe_fd[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipe_fd[0]);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipe_fd[1]);
    if (rc != 0)
        fail_msg("cannot run %s: %s (set SWITCHSIM_BIN)", argv[0], strerror(rc));
    size_t used = 0;
    for (;;) {
        ssize_t n = read(pipe_fd[0], err_buf + used, err_size - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == err_size - 1)
            break;
    }
    err_buf[used] = '\0';
    close(pipe_fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    struct stat st;
    assert_int_equal(fstat(out_fd, &st), 0);
    *out_size = (long)st.st_size;
    close(out_fd);
    unlink(out_path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static const char *binary(void)
{
    const char *b = getenv("SWITCHSIM_BIN");
    return b && *b ? b : "build/switchsim";
}

static void check_cli_failure(const char *label, char *const argv[], const char *where,
                              const char *what)
{
    char err[4096];
    long out_size;
    int status = run_binary(argv, err, sizeof err, &out_size);
    if (status != 2)
        fail_msg("%s: exit status %d, wanted 2 (stderr: %s)", label, status, err);
    if (out_size != 0)
        fail_msg("%s: %ld bytes on stdout, wanted none", label, out_size);
    size_t len = strlen(err);
    if (len == 0 || err[len - 1] != '\n' || memchr(err, '\n', len - 1))
        fail_msg("%s: stderr is not exactly one line:\n%s", label, err);
    if (strncmp(err, "switchsim: ", 11) != 0)
        fail_msg("%s: stderr does not start with 'switchsim: ':\n%s", label, err);
    struct bad_case c = {label, where, what};
    err[len - 1] = '\0';
    if (where[0] == '-') { /* an option, not a file */
        if (strncmp(err + 11, where, strlen(where)) != 0 ||
            strncmp(err + 11 + strlen(where), what, strlen(what)) != 0)
            fail_msg("%s: got\n  %s\nwanted\n  switchsim: %s%s...", label, err, where, what);
    } else {
        check_message(&c, err);
    }
}

static void test_bad_binary(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BAD; i++) {
        char path[512];
        testutil_data_path(path, sizeof path, bad_cases[i].file);
        char *argv[] = {(char *)binary(), "check", path, NULL};
        check_cli_failure(bad_cases[i].file, argv, bad_cases[i].where, bad_cases[i].what);
    }
    char good[512];
    testutil_data_path(good, sizeof good, "good/scenario.ini");
    char *argv[] = {(char *)binary(), "check", good, "--set", "paper.clerks=abc", NULL};
    check_cli_failure("--set paper.clerks=abc", argv,
                      "--set paper.clerks=abc: ", "paper.clerks: expected a whole number");
}

static void test_good_binary(void **state)
{
    (void)state;
    char good[512], err[4096];
    long out_size;
    testutil_data_path(good, sizeof good, "good/scenario.ini");
    char *argv[] = {(char *)binary(), "check", good, NULL};
    int status = run_binary(argv, err, sizeof err, &out_size);
    if (status != 0)
        fail_msg("check %s: exit status %d: %s", good, status, err);
    assert_true(out_size > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_key_rejects_bad_values),
        cmocka_unit_test(test_bad_in_process),
        cmocka_unit_test(test_bad_binary),
        cmocka_unit_test(test_good_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
