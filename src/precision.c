/* precision.c - adding replications until a metric's confidence interval is narrow enough. */
#include <math.h>

#include "switchsim/precision.h"
#include "switchsim/results.h"

int precision_run(struct experiment *ex, const struct model_setup *setup, uint64_t seed, int cap,
                  enum metric m, double target, const struct experiment_options *opts,
                  struct precision_result *out, struct error *err)
{
    *out = (struct precision_result){0};
    for (int total = ex->replications;;) {
        total = total + PRECISION_BATCH < cap ? total + PRECISION_BATCH : cap;
        if (experiment_extend(ex, setup, seed, total, opts, err))
            return -1;
        struct summary s;
        results_summary(ex, ex->rounds, m, &s);
        out->halfwidth = s.n >= 2 ? (s.ci_high - s.ci_low) / 2 : INFINITY;
        out->met = out->halfwidth <= target;
        if (out->met || total >= cap)
            return 0;
    }
}
