/* sweep.h - a grid of scenario variations: --vary specs and the points they span. */
#ifndef SWITCHSIM_SWEEP_H
#define SWITCHSIM_SWEEP_H

#include <stddef.h>

#include "switchsim/error.h"
#include "switchsim/settings.h"

#define SWEEP_MAX_KEYS 8
#define SWEEP_MAX_POINTS 100000

/* One varied key and its values, as text ready for --set. */
struct sweep_axis {
    char key[96];
    char *spec; /* the --vary spec as given */
    char **values;
    size_t n;
};

struct sweep {
    struct sweep_axis axes[SWEEP_MAX_KEYS];
    size_t n_axes;
    size_t n_points; /* product of the axes' sizes */
};

/* Adds the axis of one --vary spec: SECTION.KEY=V1,V2,... or SECTION.KEY=LO:HI:STEP (HI
 * included when it falls on the grid). Returns 0, or -1 with *err filled (ERROR_INPUT,
 * naming the option) for a malformed spec, a key varied twice, or too many points. */
int sweep_add(struct sweep *sw, const char *spec, struct error *err);

/* The "KEY=VALUE" setting of axis a at grid point p (the first axis varies slowest). */
void sweep_setting(const struct sweep *sw, size_t p, size_t a, char *buf, size_t size);

/* The value text of axis a at point p. */
const char *sweep_value(const struct sweep *sw, size_t p, size_t a);

/* Frees the axes and leaves sw empty (zeroed). */
void sweep_cleanup(struct sweep *sw);

/* What a sweep did, for printing. */
struct sweep_result {
    char name[SCENARIO_NAME_MAX]; /* the scenario's */
    char dir[1100];               /* where sweep.csv is, or the finished points are kept */
    size_t n_points, done;        /* points in the grid, and done (kept when interrupted) */
    int replications;             /* per point (the cap, with a precision target) */
};

/* Runs scenario `path` at every point of the grid sw with settings s (the point's values
 * applied after s->sets), points side by side on s->jobs threads, every point with the same
 * seed, and writes sweep.csv (the varied keys, then mean and 95% CI bounds of each headline
 * metric over all rounds) and the base scenario.ini into s->out_dir or
 * results/<name>-sweep/. Every point's scenario is checked before any runs (a bad value is
 * blamed on its --vary). Finished points are kept in DIR/.points, so when s->stop
 * interrupts it (ERROR_INTERRUPTED, out->done saying how many are kept) the same call with
 * s->resume finishes the rest; a resume with other settings is ERROR_INPUT. The folder is
 * held for the whole sweep (output_set_hold: another switchsim writing there is refused) and
 * sweep.csv with scenario.ini replaces it whole at the end (output_set_write). Returns 0, or
 * -1 with *err filled; *out is filled as far as it got. */
int sweep_run(const char *path, const struct sweep *sw, const struct settings *s,
              struct sweep_result *out, struct error *err);

#endif
