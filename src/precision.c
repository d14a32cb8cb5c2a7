/* precision.c - adding replications until a metric's confidence interval is narrow enough. */
#include <math.h>

#include "switchsim/precision.h"
#include "switchsim/results.h"

int precision_run(struct experiment *ex, const struct model_setup *setup, uint64_t seed, int cap,
                  enum metric m, double target, const struct experiment_options *opts,
                  struct precision_result *out, struct error *err)
{
    *out = (struct precision_result){.halfwidth = INFINITY};
    /* One running accumulator: each batch adds only its own replications. */
    struct accum acc;
    accum_init(&acc);
    int rc = 0;
    for (int total = ex->replications;;) {
        int from = ex->replications;
        total = total + PRECISION_BATCH < cap ? total + PRECISION_BATCH : cap;
        if ((rc = experiment_extend(ex, setup, seed, total, opts, err)))
            break;
        for (int i = from; i < ex->replications && rc == 0; i++)
            if (accum_add(&acc, results_all_rounds(ex, i, m)))
                rc = error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        if (rc)
            break;
        out->halfwidth = accum_halfwidth(&acc);
        out->met = out->halfwidth <= target;
        if (out->met || total >= cap)
            break;
    }
    accum_cleanup(&acc);
    return rc;
}

int precision_replicate(struct experiment *ex, const struct model_setup *setup,
                        const struct settings *s, const struct experiment_options *opts,
                        struct precision_result *out, struct error *err)
{
    const struct scenario *sc = setup->sc;
    *out = (struct precision_result){0};
    if (!s->has_precision)
        return experiment_extend(ex, setup, sc->scenario.seed, sc->scenario.replications, opts,
                                 err);
    return precision_run(ex, setup, sc->scenario.seed, sc->scenario.replications,
                         s->precision_metric, s->precision, opts, out, err);
}

void precision_print(const struct settings *s, const struct precision_result *pr, int replications,
                     FILE *out)
{
    if (!s->has_precision)
        return;
    const char *name = metric_name(s->precision_metric);
    if (isinf(pr->halfwidth)) {
        fprintf(out,
                "precision: %s is not defined in enough replications to have a CI "
                "(target not met)\n",
                name);
        return;
    }
    fprintf(out, "precision: %s 95%% CI half-width %.4g %s %.4g after %d replications (%s)\n", name,
            pr->halfwidth, pr->met ? "<=" : ">", s->precision, replications,
            pr->met ? "target met" : "target not met: raise -r");
}
