/* robust.c - what the robustness tests (test_robust.c, test_robust_output.c) share: running
 * the switchsim binary with its output in the test's folder, the one line it must say on
 * stderr when it fails, and folder listings. Split from test_robust.c. */
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
#include "testutil.h"

#define tmp testutil_tmp
#define BASE "tests/data/model/base.ini"

/* Seconds a refusal may take (robust_sim_quick): reading a FIFO would wait for ever. */
#define PROMPTLY 10

char *robust_path(char *buf, const char *name)
{
    snprintf(buf, ROBUST_PATH_SIZE, "%s/%s", tmp, name);
    return buf;
}

/* Runs switchsim with the arguments (NULL-terminated) in ap, stdout into out_path (NULL:
 * tmp/stdout) and stderr into tmp/stderr; returns the exit status (-1 when it took longer
 * than timeout seconds). */
static int sim_v(const char *out_path, double timeout, const char *first, va_list ap)
{
    char *argv[64];
    testutil_argv(argv, 64, testutil_binary(), first, ap);
    char out[ROBUST_PATH_SIZE], err[ROBUST_PATH_SIZE];
    return testutil_run(argv, NULL, out_path ? out_path : robust_path(out, "stdout"),
                        robust_path(err, "stderr"), timeout);
}

int robust_sim(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int rc = sim_v(NULL, ROBUST_TIMEOUT, first, ap);
    va_end(ap);
    return rc;
}

int robust_sim_to(const char *out_path, const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int rc = sim_v(out_path, ROBUST_TIMEOUT, first, ap);
    va_end(ap);
    return rc;
}

int robust_sim_quick(const char *first, ...)
{
    va_list ap;
    va_start(ap, first);
    int rc = sim_v(NULL, PROMPTLY, first, ap);
    va_end(ap);
    return rc;
}

char *robust_listing(const char *dir, char *buf, size_t size)
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

bool robust_same_folder(const char *a, const char *b)
{
    char la[2000], lb[2000];
    if (strcmp(robust_listing(a, la, sizeof la), robust_listing(b, lb, sizeof lb)))
        return false;
    for (char *name = strtok(la, ","); name; name = strtok(NULL, ",")) {
        char pa[ROBUST_PATH_SIZE + 100], pb[ROBUST_PATH_SIZE + 100];
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

void robust_assert_nothing_left(const char *dir)
{
    char names[4000];
    robust_listing(dir, names, sizeof names);
    if (strstr(names, ".new.") || strstr(names, ".plot-"))
        fail_msg("left behind in %s: %s", dir, names);
}

/* The one line switchsim wrote on stderr (the caller frees it); fails unless there is
 * exactly one, starting "switchsim: ". */
static char *one_line(void)
{
    char path[ROBUST_PATH_SIZE];
    char *err = testutil_read(robust_path(path, "stderr"));
    assert_non_null(err);
    size_t len = strlen(err);
    if (len == 0 || err[len - 1] != '\n' || memchr(err, '\n', len - 1) ||
        strncmp(err, "switchsim: ", 11))
        fail_msg("stderr is not one line starting 'switchsim: ':\n%s", err);
    err[len - 1] = '\0';
    return err;
}

void robust_expect_failure(int rc, int status, const char *what)
{
    char *line = one_line();
    if (rc != status)
        fail_msg("exit status %d, wanted %d: %s", rc, status, line);
    testutil_assert_contains(line, what);
    free(line);
}

void robust_run_to_plot(const char *res_name, const char *plots_name, const char *set, char *res,
                        char *plots)
{
    robust_path(res, res_name);
    robust_path(plots, plots_name);
    int rc = set ? robust_sim("run", BASE, "-q", "-r", "2", "-o", res, "--set", set, NULL)
                 : robust_sim("run", BASE, "-q", "-r", "2", "-o", res, NULL);
    assert_int_equal(rc, 0);
}
