/* robust.h - what the robustness tests share: switchsim run as a user would, with its
 * output in the test's folder, and checks of what it says and leaves behind. */
#ifndef SWITCHSIM_ROBUST_H
#define SWITCHSIM_ROBUST_H

#include <stdbool.h>
#include <stddef.h>

/* Seconds any one command may take before the test calls it hung. */
#define ROBUST_TIMEOUT 120

/* The size of a path in the test's folder (robust_path). */
#define ROBUST_PATH_SIZE 400

/* testutil_tmp/name into buf (ROBUST_PATH_SIZE bytes); returns buf. */
char *robust_path(char *buf, const char *name);

/* Runs switchsim with the arguments (NULL-terminated), stdout and stderr into tmp/stdout
 * and tmp/stderr; returns the exit status (-1 when it hung). robust_sim_to sends stdout to
 * out_path instead; robust_sim_quick allows a refusal 10 seconds, not ROBUST_TIMEOUT. */
int robust_sim(const char *first, ...);
int robust_sim_to(const char *out_path, const char *first, ...);
int robust_sim_quick(const char *first, ...);

/* Fails unless the last command exited `status` with one line on stderr, starting
 * "switchsim: ", holding `what`. */
void robust_expect_failure(int rc, int status, const char *what);

/* The names in folder dir, sorted, comma-separated, into buf; returns buf. */
char *robust_listing(const char *dir, char *buf, size_t size);

/* Whether folder a holds the same files with the same bytes as folder b. */
bool robust_same_folder(const char *a, const char *b);

/* Fails unless no hidden folder or file of ours (a fresh set, a chart stage) is left in dir. */
void robust_assert_nothing_left(const char *dir);

/* tmp/RES_NAME into res and tmp/PLOTS_NAME into plots (ROBUST_PATH_SIZE bytes each), and a
 * run of the base scenario (2 replications, and --set `set` unless NULL) into res, which
 * must succeed: results to draw charts from. */
void robust_run_to_plot(const char *res_name, const char *plots_name, const char *set, char *res,
                        char *plots);

#endif
