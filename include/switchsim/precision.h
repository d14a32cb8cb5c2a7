/* precision.h - adding replications until a metric's confidence interval is narrow enough. */
#ifndef SWITCHSIM_PRECISION_H
#define SWITCHSIM_PRECISION_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/experiment.h"
#include "switchsim/settings.h"

#define PRECISION_BATCH 10

/* What a precision run did. */
struct precision_result {
    bool met;         /* the half-width reached the target */
    double halfwidth; /* of the 95% CI of the metric over all rounds, at the end */
};

/* Extends ex (started with experiment_init) in batches of PRECISION_BATCH replications
 * until the 95% CI half-width of metric m over all rounds is at most target, or `cap`
 * replications are done. The batches do not depend on opts->jobs, so neither does where it
 * stops. Returns 0 (see *out), or -1 with *err filled as experiment_extend does. */
int precision_run(struct experiment *ex, const struct model_setup *setup, uint64_t seed, int cap,
                  enum metric m, double target, const struct experiment_options *opts,
                  struct precision_result *out, struct error *err);

/* Runs the replications of setup's scenario into ex (started with experiment_init, seeded
 * with scenario.seed): all scenario.replications of them, or, when s->has_precision, batches
 * until the target half-width of s->precision_metric is met or scenario.replications (then
 * the cap) are done, *out saying how it ended (zeroed without a target). Returns 0, or -1
 * with *err filled as experiment_extend does (interrupted: ex keeps what finished). */
int precision_replicate(struct experiment *ex, const struct model_setup *setup,
                        const struct settings *s, const struct experiment_options *opts,
                        struct precision_result *out, struct error *err);

/* Prints for people how a precision run of `replications` ended, e.g. "precision: switched
 * 95% CI half-width 19.29 <= 20 after 180 replications (target met)"; nothing when s has
 * no precision target. */
void precision_print(const struct settings *s, const struct precision_result *pr, int replications,
                     FILE *out);

#endif
