/* calibrate.c - fitting scenario parameters to the observed figures of past campaigns. Its
 * parts live beside it: input.c (--fit specs, observed figures), objective.c (the negative log
 * posterior), fit.c (the simplex, Gauss-Newton steps, the curvature); they share
 * calibrate_int.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "calibrate_int.h"
#include "switchsim/output.h"

/* ---- the result files ---- */

struct files {
    const struct calibrate_result *r;
    const struct scenario *fitted;
};

static void write_parameters(FILE *f, const struct calibrate_result *r)
{
    fputs("parameter,estimate,se,ci95_low,ci95_high,lower,upper\n", f);
    for (size_t j = 0; j < r->spec.n; j++) {
        const struct calibrate_fit *fit = &r->spec.fits[j];
        double v[] = {r->estimate[j], r->se[j], r->lo[j], r->hi[j], fit->lower, fit->upper};
        fputs(fit->key, f);
        for (size_t c = 0; c < 6; c++) {
            fputc(',', f);
            if (isfinite(v[c]))
                fprintf(f, "%.10g", v[c]);
        }
        fputc('\n', f);
    }
}

static void write_covariance(FILE *f, const struct calibrate_result *r)
{
    size_t k = r->spec.n;
    fputs("parameter", f);
    for (size_t j = 0; j < k; j++)
        fprintf(f, ",%s", r->spec.fits[j].key);
    fputc('\n', f);
    for (size_t j = 0; j < k; j++) {
        fputs(r->spec.fits[j].key, f);
        for (size_t l = 0; l < k; l++) /* symmetric to the last digit */
            fprintf(f, ",%.10g", j <= l ? r->cov[j * k + l] : r->cov[l * k + j]);
        fputc('\n', f);
    }
}

static void write_fit(FILE *f, const struct calibrate_result *r)
{
    fputs("scenario,round,metric,observed,sd,fitted,fitted_ci95_low,fitted_ci95_high,z\n", f);
    for (size_t i = 0; i < r->n_obs; i++) {
        const struct calibrate_obs *o = &r->obs[i];
        output_csv_text(f, o->scenario);
        if (o->round)
            fprintf(f, ",%d,%s", o->round, metric_name(o->metric));
        else
            fprintf(f, ",all,%s", metric_name(o->metric));
        double v[] = {o->value, o->sd, o->fitted, o->fitted_lo, o->fitted_hi, o->z};
        for (size_t c = 0; c < 6; c++) {
            fputc(',', f);
            output_csv_number(f, v[c]);
        }
        fputc('\n', f);
    }
}

static void write_file(FILE *f, size_t k, const void *ctx)
{
    const struct files *x = ctx;
    switch (k) {
    case 0: write_parameters(f, x->r); break;
    case 1: write_covariance(f, x->r); break;
    case 2: write_fit(f, x->r); break;
    default: scenario_write(x->fitted, f); break;
    }
}

/* The scenario at path with the estimates, naming the files beside it as its uncertainty
 * (relative names, read from calibrated.ini's own folder). */
static int write_results(struct problem *p, const char *path, struct calibrate_result *out,
                         struct error *err)
{
    struct scenario *sc = settings_load(path, p->s, NULL, 0, err);
    if (!sc)
        return -1;
    struct scenario fitted = *sc;
    fitted.n_params = 0;
    int rc = 0;
    for (size_t j = 0; j < p->spec->n && rc == 0; j++) {
        char why[160];
        if (scenario_set_number(&fitted, p->spec->fits[j].key, out->estimate[j], why, sizeof why))
            rc = error_set(err, ERROR_SYSTEM, "", 0, p->spec->fits[j].key, "%s", why);
    }
    snprintf(fitted.uncertainty.parameters, sizeof fitted.uncertainty.parameters, "parameters.csv");
    snprintf(fitted.uncertainty.covariance, sizeof fitted.uncertainty.covariance, "covariance.csv");
    fitted.uncertainty.fixed[0] = '\0'; /* it named parameters of the old file, if any */
    snprintf(out->name, sizeof out->name, "%s", sc->scenario.name);
    const char *names[] = {"parameters.csv", "covariance.csv", "fit.csv", "calibrated.ini"};
    struct files files = {out, &fitted};
    struct output_set set = {.fd = -1};
    if (rc == 0 && (rc = settings_hold_folder(p->s, sc->scenario.name, "-calibration", out->dir,
                                              sizeof out->dir, &set, err)) == 0)
        rc = output_set_write(&set, 4, names, write_file, &files, err);
    output_set_release(&set);
    scenario_destroy(sc);
    return rc;
}

int calibrate_run(const char *path, const char *observed, const struct calibrate_spec *spec,
                  const struct settings *s, struct calibrate_result *out, struct error *err)
{
    *out = (struct calibrate_result){.spec = *spec};
    if (spec->n == 0)
        return error_set(err, ERROR_INPUT, "--fit", 0, "",
                         "nothing to fit: give --fit SECTION.KEY");
    gsl_set_error_handler_off(); /* GSL reports by return value; it must never abort */
    struct problem *p = calloc(1, sizeof *p);
    if (!p)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    p->spec = &out->spec;
    p->s = s;
    p->replications = s->replications > 0 ? s->replications : CALIBRATE_REPLICATIONS;
    int rc = p->replications < 3
                 ? error_set(err, ERROR_INPUT, "-r", 0, "",
                             "calibrate needs at least 3 replications per evaluation")
                 : calibrate_read_observed(p, observed, err);
    for (size_t c = 0; c < p->n_campaigns && rc == 0; c++) {
        int q = 0;
        for (size_t i = 0; i < p->n_obs; i++)
            q += p->obs[i].campaign == (int)c;
        if (p->replications < q + 8)
            rc = error_set(err, ERROR_INPUT, "-r", 0, "",
                           "%s has %d observed figures: calibrate needs at least %d replications "
                           "per evaluation (-r) to estimate their covariance",
                           p->campaigns[c].path, q, q + 8);
    }
    struct scenario *start = rc ? NULL : settings_load(path, s, NULL, 0, err);
    if (rc == 0 && !start)
        rc = -1;
    double u[CALIBRATE_MAX_FITS] = {0}, f = 0;
    if (rc == 0) {
        calibrate_starting_point(p, start);
        if (calibrate_minimise(p, u, &f, &out->converged) || calibrate_polish(p, u, &f) ||
            calibrate_summarise(p, u, out)) {
            *err = p->err;
            rc = -1;
        }
    }
    scenario_destroy(start);
    out->obs = p->obs;
    out->n_obs = p->n_obs;
    out->n_campaigns = p->n_campaigns;
    out->replications = p->replications;
    out->evaluations = p->evaluations;
    out->nlp = f;
    p->obs = NULL;
    if (rc == 0)
        rc = write_results(p, path, out, err);
    for (size_t c = 0; c < p->n_campaigns; c++)
        scenario_destroy(p->campaigns[c].sc);
    free(p->obs);
    free(p);
    return rc;
}

void calibrate_result_cleanup(struct calibrate_result *r)
{
    free(r->obs);
    *r = (struct calibrate_result){0};
}

/* ---- for people ---- */

static const char *number(char *buf, size_t size, double x)
{
    if (!isfinite(x))
        snprintf(buf, size, "%s", isnan(x) ? "-" : x > 0 ? "inf" : "-inf");
    else if (fabs(x) >= 1000)
        output_number(buf, size, x, 0);
    else
        snprintf(buf, size, "%.4g", x);
    return buf;
}

void calibrate_print(const struct calibrate_result *r, FILE *out)
{
    size_t k = r->spec.n;
    char a[64], b[64], c[64], d[64], e[64];
    fprintf(out,
            "calibrate %s: %zu observed figure%s of %zu campaign%s, %zu parameter%s, %d "
            "replications per evaluation\nfit: %d evaluations, %s; negative log posterior %.4f\n\n",
            r->name, r->n_obs, r->n_obs == 1 ? "" : "s", r->n_campaigns,
            r->n_campaigns == 1 ? "" : "s", k, k == 1 ? "" : "s", r->replications, r->evaluations,
            r->converged ? "converged" : "stopped at the iteration limit (the estimate may move)",
            r->nlp);
    fprintf(out, "  %-30s %12s %12s   %-28s %s\n", "parameter", "estimate", "se", "95% interval",
            "prior");
    for (size_t j = 0; j < k; j++) {
        const struct calibrate_fit *f = &r->spec.fits[j];
        char interval[80], prior[120];
        snprintf(interval, sizeof interval, "%s to %s", number(c, sizeof c, r->lo[j]),
                 number(d, sizeof d, r->hi[j]));
        if (f->has_prior)
            snprintf(prior, sizeof prior, "N(%s, %s)", number(e, sizeof e, f->prior_mean),
                     number(d, sizeof d, f->prior_sd));
        else
            snprintf(prior, sizeof prior, "flat on [%s, %s]", number(e, sizeof e, f->lower),
                     number(d, sizeof d, f->upper));
        fprintf(out, "  %-30s %12s %12s   %-28s %s\n", f->key, number(a, sizeof a, r->estimate[j]),
                number(b, sizeof b, r->se[j]), interval, prior);
    }
    bool all = true;
    for (size_t j = 0; j < k; j++)
        if (!r->pinned[j]) {
            all = false;
            const struct calibrate_fit *f = &r->spec.fits[j];
            if (f->has_prior)
                fprintf(out,
                        "  %s: the data do not pin it down; its interval is (nearly) the "
                        "prior's.\n",
                        f->key);
            else
                fprintf(out,
                        "  %s: the data do not pin it down (a flat direction of the fit): give "
                        "it a prior or observe more figures.\n",
                        f->key);
        }
    if (all)
        fprintf(out, "  The data pin down every parameter (each interval is well inside its "
                     "prior or bounds).\n");
    for (size_t j = 0; j < k; j++)
        for (size_t l = j + 1; l < k; l++) {
            double rho = r->cov[j * k + l] / (r->se[j] * r->se[l]);
            if (fabs(rho) > 0.8)
                fprintf(out,
                        "  %s and %s trade off (correlation %.2f): the data fix a combination "
                        "of them more than each.\n",
                        r->spec.fits[j].key, r->spec.fits[l].key, rho);
        }
    fprintf(out, "\n  %-40s %12s %10s %12s   %-26s %6s\n", "observed figure", "observed", "sd",
            "fitted", "95% interval of the fit", "z");
    for (size_t i = 0; i < r->n_obs; i++) {
        const struct calibrate_obs *o = &r->obs[i];
        char what[160], interval[80];
        char round[16] = "all";
        if (o->round)
            snprintf(round, sizeof round, "%d", o->round);
        size_t len = strlen(o->scenario); /* a long path: its end names the campaign */
        snprintf(what, sizeof what, "%s%.24s %s %s", len > 24 ? "..." : "",
                 len > 24 ? o->scenario + len - 21 : o->scenario, round, metric_name(o->metric));
        snprintf(interval, sizeof interval, "%s to %s", number(c, sizeof c, o->fitted_lo),
                 number(d, sizeof d, o->fitted_hi));
        fprintf(out, "  %-40s %12s %10s %12s   %-26s %6.2f\n", what, number(a, sizeof a, o->value),
                number(b, sizeof b, o->sd), number(e, sizeof e, o->fitted), interval, o->z);
    }
}
