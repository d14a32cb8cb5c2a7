/* sweep_int.h - what the parts of the sweep module share. Private to src/sweep/.
 *
 * sweep.c is the grid (--vary specs and the points they span) and sweep_run, which checks
 * every point, holds the folder and writes sweep.csv; points.c runs the grid points, side by
 * side on threads or as a runner's tasks; resume.c keeps each finished point's row in
 * DIR/.points/P.csv and the grid's fingerprint beside them, so that --resume picks up only
 * the very sweep that was interrupted. */
#ifndef SWITCHSIM_SWEEP_INT_H
#define SWITCHSIM_SWEEP_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "switchsim/error.h"
#include "switchsim/scenario.h"
#include "switchsim/settings.h"
#include "switchsim/sweep.h"

/* The longest "KEY=VALUE" setting of one axis at a point. */
#define SWEEP_SETTING_SIZE 700

/* ---- sweep.c ---- */

/* The settings of grid point p as --set overrides, in settings[a], and extra[a] pointing at
 * each (sw->n_axes of them). */
void sweep_point_settings(const struct sweep *sw, size_t p, char (*settings)[SWEEP_SETTING_SIZE],
                          const char **extra);

/* ---- points.c ---- */

/* Runs every point of the grid not already done (sweep_point_row): side by side on the
 * threads, or through s->runner; each stored with sweep_point_store. Returns 0 or -1 with
 * *err filled (ERROR_INTERRUPTED when s->stop ended it), and the number of points done in
 * *done. */
int sweep_points(const char *path, const struct sweep *sw, const struct settings *s,
                 const char *points_dir, size_t *done, struct error *err);

/* ---- resume.c ---- */

/* Makes points_dir ready for the sweep of sw over the scenario at path (base, loaded with
 * s): with s->resume, when it holds the points of this very sweep (the same fingerprint),
 * they are kept; else every point file is removed and the new fingerprint written. Returns
 * 0, or -1 with *err filled: ERROR_INPUT when a --resume finds a sweep started with other
 * settings (dir names the folder in the message). */
int sweep_points_begin(const char *path, const struct sweep *sw, const struct settings *s,
                       const struct scenario *base, const char *dir, const char *points_dir,
                       struct error *err);

/* Stores point p's row, its values then `figures` (len bytes: the figures of each headline
 * metric and the line end), in points_dir/P.csv, atomically. Returns 0, or -1 with *err
 * filled. */
int sweep_point_store(const char *points_dir, const struct sweep *sw, size_t p, const char *figures,
                      size_t len, struct error *err);

/* The row of grid point p as its file in points_dir holds it whole (the caller frees it),
 * or NULL when the file is missing or damaged (a damaged point is run again). */
char *sweep_point_row(const char *points_dir, const struct sweep *sw, size_t p);

#endif
