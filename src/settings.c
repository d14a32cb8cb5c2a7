/* settings.c - what a command is told besides its scenario: overrides, seed, threads, stop. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "switchsim/output.h"

#include "switchsim/settings.h"

struct scenario *settings_load(const char *path, const struct settings *s, const char *const *extra,
                               size_t n_extra, struct error *err)
{
    size_t n = s->n_sets + n_extra;
    const char **sets = calloc(n + 4, sizeof *sets);
    char seed[64], reps[64], overrides[600];
    if (!sets) {
        error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        return NULL;
    }
    for (size_t k = 0; k < s->n_sets; k++)
        sets[k] = s->sets[k];
    for (size_t k = 0; k < n_extra; k++)
        sets[s->n_sets + k] = extra[k];
    if (s->n_sets) { /* recorded in scenario.overrides, for titles and reports */
        size_t used = (size_t)snprintf(overrides, sizeof overrides, "scenario.overrides=");
        for (size_t k = 0; k < s->n_sets && used < sizeof overrides; k++)
            used += (size_t)snprintf(overrides + used, sizeof overrides - used, "%s%s",
                                     k ? ", " : "", s->sets[k]);
        if (used >= 19 + 500) /* the key holds 511 bytes: cut at a character */
            for (used = 19 + 496; used > 19 && (overrides[used] & 0xC0) == 0x80; used--)
                ;
        if (used >= 19 + 496)
            snprintf(overrides + used, sizeof overrides - used, "...");
        sets[n++] = overrides;
    }
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

int settings_folder(const struct settings *s, const char *name, char *buf, size_t size,
                    struct error *err)
{
    if (s->out_dir) {
        if ((size_t)snprintf(buf, size, "%s", s->out_dir) >= size)
            return error_set(err, ERROR_INPUT, "-o", 0, "", "the folder name is too long");
        return 0;
    }
    char full[2048];
    size_t used = (size_t)snprintf(full, sizeof full, "%s", name);
    for (size_t k = 0; k < s->n_sets && used < sizeof full; k++)
        used += (size_t)snprintf(full + used, sizeof full - used, "%s%s", k ? "," : "--",
                                 s->sets[k]);
    if (output_folder("results", full, buf, size))
        return error_set(err, ERROR_INPUT, "", 0, "", "the results folder's name is too long");
    return 0;
}

int settings_hold_folder(const struct settings *s, const char *name, const char *suffix,
                         char *buf, size_t size, struct output_set *set, struct error *err)
{
    char full[2048]; /* as settings_folder's: a sweep's name holds its --vary specs */
    *set = (struct output_set){.fd = -1};
    if ((size_t)snprintf(full, sizeof full, "%s%s", name, suffix) >= sizeof full)
        return error_set(err, ERROR_INPUT, "", 0, "", "the results folder's name is too long");
    if (settings_folder(s, full, buf, size, err))
        return -1;
    return output_set_hold(buf, set, err);
}

/* What settings_check_folder reads from the folder: the first key whose value differs. */
struct folder_check {
    const struct scenario *sc;
    char key[96], there[160], here[160];
    bool found;
};

static void compare_value(void *ctx, const char *key, const char *value, int line)
{
    struct folder_check *fc = ctx;
    char here[2 * SCENARIO_PATH_MAX];
    (void)line;
    if (fc->found || !strcmp(key, "scenario.seed") || !strcmp(key, "scenario.replications") ||
        !strcmp(key, "scenario.overrides") || !strcmp(key, "scenario.title") ||
        !strcmp(key, "scenario.sources"))
        return;
    if (scenario_value_text(fc->sc, key, here, sizeof here) || strcmp(here, value)) {
        fc->found = true;
        snprintf(fc->key, sizeof fc->key, "%s", key);
        snprintf(fc->there, sizeof fc->there, "%.150s", value);
        snprintf(fc->here, sizeof fc->here, "%.150s", here);
    }
}

int settings_check_folder(const struct settings *s, const char *dir, const char *file,
                          const struct scenario *sc, struct error *err)
{
    char path[1400];
    struct error ignored = {0};
    struct folder_check fc = {.sc = sc};
    snprintf(path, sizeof path, "%s/%s", dir, file);
    if (s->force || s->out_dir || access(path, F_OK) != 0 ||
        scenario_each_value(path, compare_value, &fc, &ignored) || !fc.found)
        return 0;
    return error_set(err, ERROR_INPUT, dir, 0, fc.key,
                     "holds the results of another configuration (%.60s there, %.60s here): "
                     "--force replaces them, -o names another folder",
                     fc.there, fc.here);
}
