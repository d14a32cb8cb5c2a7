/* testutil.h - what the tests share: temporary folders, whole files, and text checks. */
#ifndef SWITCHSIM_TESTUTIL_H
#define SWITCHSIM_TESTUTIL_H

#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "switchsim/settings.h"

/* The whole file as a NUL-terminated string (the caller frees it), or NULL when it cannot be
 * read. */
char *testutil_read(const char *path);

/* A copy of text (the caller frees it) with the first `from` replaced by `to`; fails the
 * test when text holds no `from`. */
char *testutil_replace(const char *text, const char *from, const char *to);

/* Writes text to path, failing the test when it cannot. */
void testutil_write(const char *path, const char *text);

/* Whether path exists (any kind of file). */
bool testutil_exists(const char *path);

/* dir/name in one of four rotating static buffers: valid for the next three calls (so dir
 * must not be an earlier result still in use). */
const char *testutil_path(const char *dir, const char *name);

/* A fresh folder for a group of tests: testutil_setup (a cmocka group setup) makes it,
 * testutil_teardown removes it with all it holds. */
extern char testutil_tmp[128];
int testutil_setup(void **state);
int testutil_teardown(void **state);

/* Makes a fresh folder /tmp/switchsim-TAG-XXXXXX into buf. */
void testutil_temp_dir(char *buf, size_t size, const char *tag);

/* Removes a folder the test made, with everything in it (no link is followed). */
void testutil_remove_tree(const char *dir);

/* Fails the test, showing both, unless needle is in text. */
void testutil_assert_contains(const char *text, const char *needle);

/* Fails the test unless the two files exist and hold the same bytes. */
void testutil_assert_same_file(const char *a, const char *b);

/* testutil_assert_same_file for each of names[0..n-1], in folder a and in folder b. */
void testutil_assert_same_files(const char *a, const char *b, const char *const *names, size_t n);

/* Settings that stop a command after `after` replications (or points) of the experiment
 * labelled `label` (any label when NULL) have finished: the stop flag is raised from the
 * progress callback, so with one job exactly that many finish. No sleep, no timing. */
struct testutil_stopper {
    volatile sig_atomic_t flag;
    long after;
    const char *label;
    const char *unit; /* "replications" or "points"; NULL = either */
};
void testutil_stop_after(struct settings *s, struct testutil_stopper *st);

/* Runs the scenario at path in process with s, whose stop flag must end it early: fails the
 * test unless run_scenario says ERROR_INTERRUPTED and keeps `kept` replications, marked
 * PARTIAL in s->out_dir. */
void testutil_run_interrupted(const char *path, const struct settings *s, int kept);

/* Runs argv (argv[0] is the program) with stdin from in_path, stdout to out_path and stderr
 * to err_path (each NULL for /dev/null), killing it when it takes more than `timeout`
 * seconds. Returns its exit status, 128 + the signal that ended it, or -1 when it had to be
 * killed. */
int testutil_run(char *const argv[], const char *in_path, const char *out_path,
                 const char *err_path, double timeout);

/* Fills argv, with room for max pointers, with program, then first and the arguments after
 * it in ap up to a NULL (as many as fit), then a NULL, for testutil_run. Returns how many
 * it holds before the NULL. */
int testutil_argv(char **argv, size_t max, const char *program, const char *first, va_list ap);

/* testutil_run in two halves: start the process (failing the test when it cannot), and
 * wait for it. */
pid_t testutil_start(char *const argv[], const char *in_path, const char *out_path,
                     const char *err_path);
int testutil_wait(pid_t pid, double timeout);

/* The peak memory of the process testutil_run waited for last, in KiB. */
extern long testutil_run_max_rss_kb;

/* When not 0, the processes testutil_run starts can make no file larger than this many bytes
 * (RLIMIT_FSIZE): a disk that fills up, as far as they can tell. */
extern unsigned long testutil_run_file_limit;

/* When not NULL, the folder the processes testutil_run starts run in. */
extern const char *testutil_run_cwd;

/* The switchsim binary under test: $SWITCHSIM_BIN, else build/switchsim. */
const char *testutil_binary(void);

/* tests/data/REL, or $SWITCHSIM_TEST_DATA/REL when that is set, into buf. */
void testutil_data_path(char *buf, size_t size, const char *rel);

/* Loads the scenario at testutil_data_path(rel) with the overrides, failing the test with
 * its error when it does not load. */
struct scenario *testutil_load_ok(const char *rel, const char *const *sets, size_t n_sets);

/* Loads it expecting bad input (ERROR_INPUT), and writes the formatted error into line. */
void testutil_load_bad(const char *rel, const char *const *sets, size_t n_sets, char *line,
                       size_t size);

struct sweep;

/* The sweeps' test grid into *sw: registration.paper_share 0, 0.25, 0.5 by paper.clerks 1
 * and 3 (six points). */
void testutil_sweep_grid(struct sweep *sw);

#endif
