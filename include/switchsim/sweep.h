/* sweep.h - a grid of scenario variations: --vary specs and the points they span. */
#ifndef SWITCHSIM_SWEEP_H
#define SWITCHSIM_SWEEP_H

#include <stddef.h>

#include "switchsim/error.h"

#define SWEEP_MAX_KEYS 8
#define SWEEP_MAX_POINTS 100000

/* One varied key and its values, as text ready for --set. */
struct sweep_axis {
    char key[96];
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

void sweep_free(struct sweep *sw);

#endif
