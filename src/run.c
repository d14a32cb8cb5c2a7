/* run.c - the run command: one scenario's replications and its result files. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "switchsim/output.h"
#include "switchsim/results.h"
#include "switchsim/run.h"

int run_scenario(const char *path, const struct settings *s, struct run_result *out,
                 struct error *err)
{
    *out = (struct run_result){0};
    if (!(out->sc = settings_load(path, s, NULL, 0, err)))
        return -1;
    const struct scenario *sc = out->sc;
    if (s->out_dir ? snprintf(out->dir, sizeof out->dir, "%s", s->out_dir) >= (int)sizeof out->dir
                   : output_folder("results", sc->scenario.name, out->dir, sizeof out->dir))
        return error_set(err, ERROR_INPUT, "-o", 0, "", "the folder name is too long");
    struct model_setup setup;
    if (model_setup_init(&setup, sc, err))
        return -1;
    FILE *trace = NULL;
    int rc = 0;
    if (s->trace && !(trace = fopen(s->trace, "w")))
        rc = error_set(err, ERROR_INPUT, s->trace, 0, "--trace", "cannot write: %s",
                       strerror(errno));
    struct experiment_options eo = experiment_options_of(s, sc->scenario.name);
    eo.trace = trace;
    if (rc == 0 && (rc = experiment_init(&out->ex, &setup, err)) == 0 &&
        (rc = precision_replicate(&out->ex, &setup, s, &eo, &out->precision, err)) != 0 &&
        err->kind == ERROR_INTERRUPTED && out->ex.replications > 0) {
        /* Keep what finished, marked as partial. */
        struct error werr = {0};
        if (results_write(&out->ex, sc, out->dir, true, &werr))
            *err = werr;
        else
            out->partial = true;
    }
    if (rc == 0)
        rc = results_write(&out->ex, sc, out->dir, false, err);
    if (trace) {
        fclose(trace);
        if (rc && err->kind != ERROR_INTERRUPTED)
            unlink(s->trace);
    }
    model_setup_cleanup(&setup);
    return rc;
}

void run_result_cleanup(struct run_result *r)
{
    experiment_cleanup(&r->ex);
    scenario_destroy(r->sc);
    *r = (struct run_result){0};
}
