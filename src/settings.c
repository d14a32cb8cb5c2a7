/* settings.c - what a command is told besides its scenario: overrides, seed, threads, stop. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchsim/settings.h"

struct scenario *settings_load(const char *path, const struct settings *s, const char *const *extra,
                               size_t n_extra, struct error *err)
{
    size_t n = s->n_sets + n_extra;
    const char **sets = calloc(n + 3, sizeof *sets);
    char seed[64], reps[64];
    if (!sets) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        return NULL;
    }
    for (size_t k = 0; k < s->n_sets; k++)
        sets[k] = s->sets[k];
    for (size_t k = 0; k < n_extra; k++)
        sets[s->n_sets + k] = extra[k];
    if (s->has_seed) {
        snprintf(seed, sizeof seed, "scenario.seed=%" PRIu64, s->seed);
        sets[n++] = seed;
    }
    if (s->replications > 0) {
        snprintf(reps, sizeof reps, "scenario.replications=%d", s->replications);
        sets[n++] = reps;
    }
    struct scenario_limits lim = {.threads = s->jobs < 1 ? 1 : s->jobs};
    struct scenario *sc = scenario_load_limited(path, sets, n, &lim, err);
    free(sets);
    /* -s and -r went in as overrides: name them as given */
    char *as_set = err && err->kind ? strstr(err->file, "--set ") : NULL;
    if (!sc && as_set == err->file && s->has_seed && !strcmp(err->file + 6, seed))
        snprintf(err->file, sizeof err->file, "-s %" PRIu64, s->seed);
    else if (!sc && as_set == err->file && s->replications > 0 && !strcmp(err->file + 6, reps))
        snprintf(err->file, sizeof err->file, "-r %d", s->replications);
    return sc;
}
