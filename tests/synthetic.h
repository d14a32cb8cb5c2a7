/* synthetic.h - synthetic campaigns with known parameters, for checking that calibration
 * recovers them and that forecast ranges cover fresh campaigns as often as they say. */
#ifndef SWITCHSIM_SYNTHETIC_H
#define SWITCHSIM_SYNTHETIC_H

#include <stddef.h>
#include <stdint.h>

#include "switchsim/calibrate.h"

/* The three campaigns of tests/data/calibrate/ (savings and paper shares differ), made with
 * decisions.intercept -1.8, saving_coef 0.8, paper_coef 1.2: the truth to recover. */
#define SYNTHETIC_CAMPAIGNS 3
extern const char *const synthetic_campaigns[SYNTHETIC_CAMPAIGNS];
extern const char *const synthetic_keys[3];
extern const double synthetic_truth[3];

/* Writes OBSERVED.csv at `path` with one real campaign of each synthetic scenario: its
 * replication 0 under seed `seed` (a seed the fit never uses), as exact figures (sd 0):
 * switched, conversion_paper and saving_total. Returns 0, or -1 with *err filled. */
int synthetic_observe(uint64_t seed, const char *path, struct error *err);

/* Calibrates the three decision parameters to OBSERVED.csv at `observed`, starting away from
 * the truth (intercept -1.2, saving_coef 0.5, paper_coef 0.6), with `replications` per
 * evaluation, writing into out_dir; fills *r. Returns 0, or -1 with *err filled. */
int synthetic_fit(const char *observed, int replications, const char *out_dir,
                  struct calibrate_result *r, struct error *err);

#endif
