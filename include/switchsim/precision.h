/* precision.h - adding replications until a metric's confidence interval is narrow enough. */
#ifndef SWITCHSIM_PRECISION_H
#define SWITCHSIM_PRECISION_H

#include <stdbool.h>

#include "switchsim/experiment.h"

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

#endif
