/* testutil.c - what the tests share: temporary folders, whole files, and text checks. */
#define _GNU_SOURCE /* posix_spawn_file_actions_addchdir_np */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "switchsim/run.h"
#include "switchsim/sweep.h"
#include "testutil.h"

extern char **environ;

char *testutil_read(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, n = 0;
    char *s = malloc(cap);
    assert_non_null(s);
    for (size_t got; (got = fread(s + n, 1, cap - 1 - n, f)) > 0;) {
        n += got;
        if (n + 1 == cap) {
            s = realloc(s, cap *= 2);
            assert_non_null(s);
        }
    }
    fclose(f);
    s[n] = '\0';
    return s;
}

char *testutil_replace(const char *text, const char *from, const char *to)
{
    const char *at = strstr(text, from);
    if (!at)
        fail_msg("no [%s] to replace in:\n%s", from, text);
    size_t head = (size_t)(at - text), n = strlen(text) - strlen(from) + strlen(to);
    char *out = malloc(n + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    strcpy(out + head, to);
    strcat(out, at + strlen(from));
    return out;
}

void testutil_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        fail_msg("cannot write %s", path);
    fputs(text, f);
    assert_int_equal(fclose(f), 0);
}

bool testutil_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

const char *testutil_path(const char *dir, const char *name)
{
    static char path[4][1200];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", dir, name);
    return path[k];
}

void testutil_temp_dir(char *buf, size_t size, const char *tag)
{
    snprintf(buf, size, "/tmp/switchsim-%s-XXXXXX", tag);
    assert_non_null(mkdtemp(buf));
}

void testutil_remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        char path[1200];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
            testutil_remove_tree(path);
        else
            unlink(path);
    }
    closedir(d);
    rmdir(dir);
}

void testutil_assert_contains(const char *text, const char *needle)
{
    if (!text || !strstr(text, needle))
        fail_msg("expected to find [%s] in:\n%s", needle, text ? text : "(nothing)");
}

void testutil_assert_same_file(const char *a, const char *b)
{
    char *x = testutil_read(a), *y = testutil_read(b);
    if (!x || !y)
        fail_msg("missing %s", x ? b : a);
    if (strcmp(x, y) != 0)
        fail_msg("%s and %s differ", a, b);
    free(x);
    free(y);
}

void testutil_assert_same_files(const char *a, const char *b, const char *const *names, size_t n)
{
    for (size_t k = 0; k < n; k++) {
        char pa[1200], pb[1200];
        snprintf(pa, sizeof pa, "%s/%s", a, names[k]);
        snprintf(pb, sizeof pb, "%s/%s", b, names[k]);
        testutil_assert_same_file(pa, pb);
    }
}

static void stop_after(void *ctx, const struct progress *p)
{
    struct testutil_stopper *st = ctx;
    if ((!st->label || (p->label && !strcmp(p->label, st->label))) &&
        (!st->unit || !strcmp(p->unit, st->unit)) && p->done >= st->after)
        st->flag = 1;
}

void testutil_stop_after(struct settings *s, struct testutil_stopper *st)
{
    st->flag = 0;
    s->progress = stop_after;
    s->progress_ctx = st;
    s->stop = &st->flag;
}

char testutil_tmp[128];

int testutil_setup(void **state)
{
    (void)state;
    snprintf(testutil_tmp, sizeof testutil_tmp, "/tmp/switchsim-test-XXXXXX");
    return mkdtemp(testutil_tmp) ? 0 : -1;
}

int testutil_teardown(void **state)
{
    (void)state;
    testutil_remove_tree(testutil_tmp);
    return 0;
}

pid_t testutil_start(char *const argv[], const char *in_path, const char *out_path,
                     const char *err_path)
{
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, in_path ? in_path : "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 1, out_path ? out_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_addopen(&fa, 2, err_path ? err_path : "/dev/null",
                                     O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (testutil_run_cwd)
        posix_spawn_file_actions_addchdir_np(&fa, testutil_run_cwd);
    /* a full disk, as far as the child can tell: files stop growing at the limit, and a
     * write past it fails with EFBIG (SIGXFSZ ignored, as the child inherits) */
    struct rlimit saved_limit;
    void (*saved_xfsz)(int) = SIG_DFL;
    if (testutil_run_file_limit) {
        getrlimit(RLIMIT_FSIZE, &saved_limit);
        struct rlimit lim = {testutil_run_file_limit, saved_limit.rlim_max};
        saved_xfsz = signal(SIGXFSZ, SIG_IGN);
        assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
    }
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    if (testutil_run_file_limit) {
        setrlimit(RLIMIT_FSIZE, &saved_limit);
        signal(SIGXFSZ, saved_xfsz);
    }
    posix_spawn_file_actions_destroy(&fa);
    if (rc)
        fail_msg("cannot run %s: %s", argv[0], strerror(rc));
    return pid;
}

int testutil_wait(pid_t pid, double timeout)
{
    int status;
    struct rusage ru = {0};
    for (double waited = 0;; waited += 0.01) {
        pid_t got = wait4(pid, &status, WNOHANG, &ru);
        if (got == pid)
            break;
        if (got < 0 && errno != EINTR)
            fail_msg("waitpid: %s", strerror(errno));
        if (waited > timeout) {
            kill(pid, SIGKILL);
            waitpid(pid, &status, 0);
            return -1;
        }
        usleep(10000);
    }
    testutil_run_max_rss_kb = ru.ru_maxrss;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int testutil_run(char *const argv[], const char *in_path, const char *out_path,
                 const char *err_path, double timeout)
{
    return testutil_wait(testutil_start(argv, in_path, out_path, err_path), timeout);
}

void testutil_run_interrupted(const char *path, const struct settings *s, int kept)
{
    struct run_result r;
    struct error err = {0};
    assert_int_equal(run_scenario(path, s, &r, &err), -1);
    assert_int_equal(err.kind, ERROR_INTERRUPTED);
    assert_true(r.partial);
    assert_int_equal(r.ex.replications, kept);
    run_result_cleanup(&r);
    assert_true(testutil_exists(testutil_path(s->out_dir, "PARTIAL")));
}

int testutil_argv(char **argv, size_t max, const char *program, const char *first, va_list ap)
{
    int argc = 0;
    argv[argc++] = (char *)program;
    for (const char *a = first; a && (size_t)argc < max - 1; a = va_arg(ap, const char *))
        argv[argc++] = (char *)a;
    argv[argc] = NULL;
    return argc;
}

long testutil_run_max_rss_kb;
unsigned long testutil_run_file_limit;
const char *testutil_run_cwd;

const char *testutil_binary(void)
{
    const char *b = getenv("SWITCHSIM_BIN");
    return b && *b ? b : "build/switchsim";
}

void testutil_data_path(char *buf, size_t size, const char *rel)
{
    const char *d = getenv("SWITCHSIM_TEST_DATA");
    snprintf(buf, size, "%s/%s", d && *d ? d : "tests/data", rel);
}

struct scenario *testutil_load_ok(const char *rel, const char *const *sets, size_t n_sets)
{
    char path[512];
    struct error err = {0};
    testutil_data_path(path, sizeof path, rel);
    struct scenario *sc = scenario_load(path, sets, n_sets, &err);
    if (!sc) {
        char line[1400];
        error_format(&err, line, sizeof line);
        fail_msg("loading %s failed: %s", path, line);
    }
    return sc;
}

void testutil_load_bad(const char *rel, const char *const *sets, size_t n_sets, char *line,
                       size_t size)
{
    char path[512];
    struct error err = {0};
    testutil_data_path(path, sizeof path, rel);
    struct scenario *sc = scenario_load(path, sets, n_sets, &err);
    if (sc) {
        scenario_destroy(sc);
        fail_msg("%s loaded, but should fail", path);
    }
    assert_int_equal(err.kind, ERROR_INPUT);
    error_format(&err, line, size);
}

void testutil_sweep_grid(struct sweep *sw)
{
    struct error err = {0};
    *sw = (struct sweep){0};
    assert_int_equal(sweep_add(sw, "registration.paper_share=0:0.5:0.25", &err), 0);
    assert_int_equal(sweep_add(sw, "paper.clerks=1,3", &err), 0);
}
