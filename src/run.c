/* run.c - the run command: one scenario's replications and its result files. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "switchsim/output.h"
#include "switchsim/results.h"
#include "switchsim/run.h"

/* The --trace file: written under a fresh name beside it (output_temp) and renamed over it
 * when complete, so a link planted at its name is replaced, never followed, and a failed run
 * leaves no part of a trace; a FIFO or a device (/dev/stdout on a pipe) is written as it is. */
struct trace_file {
    FILE *f;
    char tmp[1200]; /* the fresh name; empty when writing a FIFO or device directly */
};

static int trace_open(const char *path, struct trace_file *t, struct error *err)
{
    *t = (struct trace_file){0};
    struct stat st;
    int fd;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return error_set(err, ERROR_INPUT, path, 0, "--trace", "is a folder");
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        /* a FIFO nobody reads is refused (ENXIO), not waited on */
        fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK);
        if (fd >= 0)
            fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    } else if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
        return error_set(err, ERROR_INPUT, path, 0, "--trace",
                         "is a symbolic link to a file: name the file itself");
    } else {
        char parent[1100];
        const char *slash = strrchr(path, '/');
        snprintf(parent, sizeof parent, "%.*s", slash ? (int)(slash - path) + (slash == path) : 1,
                 slash ? path : ".");
        fd = output_temp(parent, slash ? slash + 1 : path, false, t->tmp, sizeof t->tmp);
    }
    if (fd < 0 || !(t->f = fdopen(fd, "w"))) {
        int saved = errno;
        if (fd >= 0)
            close(fd);
        if (t->tmp[0])
            unlink(t->tmp);
        return error_set(err, ERROR_INPUT, path, 0, "--trace", "cannot write: %s", strerror(saved));
    }
    return 0;
}

/* Closes the trace; when keep, puts it in place. Returns 0, or -1 with *err filled when any
 * of it could not be written (the trace is then removed). */
static int trace_close(struct trace_file *t, const char *path, bool keep, struct error *err)
{
    if (!t->f)
        return 0;
    int bad = ferror(t->f);
    errno = 0;
    bad |= fclose(t->f) != 0; /* flushes the last of it: on a full disk, fails with ENOSPC */
    int why = errno ? errno : EIO;
    t->f = NULL;
    int rc = 0;
    if (bad && keep)
        rc = error_set(err, ERROR_SYSTEM, path, 0, "--trace", "cannot write: %s", strerror(why));
    if (t->tmp[0] && (!keep || rc || rename(t->tmp, path))) {
        if (keep && rc == 0)
            rc = error_set(err, ERROR_SYSTEM, path, 0, "--trace", "cannot write: %s",
                           strerror(errno));
        unlink(t->tmp);
    }
    return rc;
}

int run_scenario(const char *path, const struct settings *s, struct run_result *out,
                 struct error *err)
{
    *out = (struct run_result){0};
    if (!(out->sc = settings_load(path, s, NULL, 0, err)))
        return -1;
    const struct scenario *sc = out->sc;
    if (settings_folder(s, sc->scenario.name, out->dir, sizeof out->dir, err))
        return -1;
    struct trace_file trace = {0};
    if (s->trace && trace_open(s->trace, &trace, err))
        return -1;
    struct output_set set;
    struct model_setup setup;
    /* held first, then checked: no other switchsim can change it in between */
    if (output_set_hold(out->dir, &set, err) ||
        settings_check_folder(s, out->dir, "scenario.ini", sc, err) ||
        model_setup_init(&setup, sc, err)) {
        trace_close(&trace, s->trace, false, NULL);
        output_set_release(&set);
        return -1;
    }
    struct experiment_options eo = experiment_options_of(s, sc->scenario.name);
    eo.trace = trace.f;
    int rc = experiment_init(&out->ex, &setup, err);
    if (rc == 0)
        rc = precision_replicate(&out->ex, &setup, s, &eo, &out->precision, err);
    bool interrupted = rc && err->kind == ERROR_INTERRUPTED;
    /* the trace is complete once the replications are: a trace that could not be written
     * fails the run before any result is put in place */
    struct error terr = {0};
    if (trace_close(&trace, s->trace, rc == 0 || interrupted, &terr)) {
        *err = terr;
        rc = -1;
        interrupted = false;
    }
    if (interrupted && out->ex.replications > 0) {
        /* Keep what finished, marked as partial. */
        struct error werr = {0};
        if (results_write(&out->ex, sc, &set, true, &werr))
            *err = werr;
        else
            out->partial = true;
    }
    if (rc == 0)
        rc = results_write(&out->ex, sc, &set, false, err);
    output_set_release(&set);
    model_setup_cleanup(&setup);
    return rc;
}

void run_result_cleanup(struct run_result *r)
{
    experiment_cleanup(&r->ex);
    scenario_destroy(r->sc);
    *r = (struct run_result){0};
}
