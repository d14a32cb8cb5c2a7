/* objective.c - the negative log posterior of a calibration (split off calibrate.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_linalg.h>

#include "calibrate_int.h"
#include "switchsim/experiment.h"
#include "switchsim/results.h"

/* ---- the problem: campaigns, observed figures, and the objective ---- */

/* The per-replication values of the campaign's observed figures: values[i * R + rep]. */
static void figures_of(const struct problem *p, const struct experiment *ex, size_t c,
                       double *values)
{
    for (size_t i = 0; i < p->n_obs; i++) {
        const struct calibrate_obs *o = &p->obs[i];
        if ((size_t)o->campaign != c)
            continue;
        for (int rep = 0; rep < ex->replications; rep++)
            values[i * (size_t)p->replications + (size_t)rep] =
                o->round == 0 ? results_all_rounds(ex, rep, o->metric)
                              : ex->reps[rep].metrics[(size_t)(o->round - 1) * M_COUNT + o->metric];
    }
}

/* Runs every campaign at theta into values (n_obs x R). Returns 0, or -1 (p->failed set). */
static int simulate(struct problem *p, const double *theta, double *values)
{
    for (size_t c = 0; c < p->n_campaigns; c++) {
        struct scenario copy = *p->campaigns[c].sc;
        copy.n_params = 0; /* fixed: the fit draws nothing per replication */
        for (size_t j = 0; j < p->spec->n; j++) {
            char why[160];
            if (scenario_set_number(&copy, p->spec->fits[j].key, theta[j], why, sizeof why)) {
                p->failed = true;
                return error_set(&p->err, ERROR_SYSTEM, "", 0, p->spec->fits[j].key, "%s", why);
            }
        }
        struct model_setup setup;
        struct experiment ex = {0};
        struct experiment_options eo = experiment_options_of(p->s, copy.scenario.name);
        eo.progress = NULL;
        int rc = model_setup_init(&setup, &copy, &p->err);
        if (rc == 0) {
            rc = experiment_run(&setup, copy.scenario.seed, p->replications, &eo, &ex, &p->err);
            if (rc == 0)
                figures_of(p, &ex, c, values);
            experiment_cleanup(&ex);
            model_setup_cleanup(&setup);
        }
        if (rc) {
            p->failed = true;
            return -1;
        }
    }
    p->evaluations++;
    return 0;
}

/* Whether replication r gave every figure of campaign c (a figure may be undefined: NaN). */
static bool complete(const struct problem *p, const double *values, size_t c, size_t r)
{
    size_t R = (size_t)p->replications;
    for (size_t i = 0; i < p->n_obs; i++)
        if ((size_t)p->obs[i].campaign == c && isnan(values[i * R + r]))
            return false;
    return true;
}

/* Mean of each observed figure (means[i]) and the covariance of one campaign's figures
 * across replications, over the replications where all of them are defined. */
static void moments(const struct problem *p, const double *values, double *means, double *cov)
{
    size_t n = p->n_obs, R = (size_t)p->replications;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++)
            cov[i * n + j] = 0;
        means[i] = NAN;
    }
    for (size_t c = 0; c < p->n_campaigns; c++) {
        size_t used = 0;
        double sum[MAX_OBS] = {0};
        for (size_t r = 0; r < R; r++) {
            if (!complete(p, values, c, r))
                continue;
            used++;
            for (size_t i = 0; i < n; i++)
                if ((size_t)p->obs[i].campaign == c)
                    sum[i] += values[i * R + r];
        }
        if (used < 2)
            continue; /* means stay NaN: the objective fails */
        for (size_t i = 0; i < n; i++)
            if ((size_t)p->obs[i].campaign == c)
                means[i] = sum[i] / (double)used;
        for (size_t r = 0; r < R; r++) {
            if (!complete(p, values, c, r))
                continue;
            for (size_t i = 0; i < n; i++)
                for (size_t j = 0; j < n; j++)
                    if ((size_t)p->obs[i].campaign == c && (size_t)p->obs[j].campaign == c)
                        cov[i * n + j] += (values[i * R + r] - means[i]) *
                                          (values[j * R + r] - means[j]) / (double)(used - 1);
        }
    }
}

/* The likelihood's covariance of observed figure pairs: the figures' own sd squared, plus
 * one campaign's spread across replications (1 + 1/R) times; figures of different campaigns
 * are independent. A tiny ridge keeps it invertible when a figure never varies. */
void calibrate_likelihood_cov(const struct problem *p, const double *cov, double *S)
{
    size_t n = p->n_obs;
    double k = 1 + 1.0 / p->replications;
    for (size_t i = 0; i < n; i++) {
        /* The inverse of a covariance estimated from R replications overstates the precision
         * by (R - 1) / (R - q - 2) for q figures (Hartlap, Simon & Schneider 2007): a
         * campaign's block is widened by that much, or the intervals come out too narrow. */
        size_t q = 0;
        for (size_t j = 0; j < n; j++)
            q += p->obs[j].campaign == p->obs[i].campaign;
        int r = p->cov_replications ? p->cov_replications : p->replications;
        double hartlap = (double)(r - 1) / (double)(r - (int)q - 2);
        for (size_t j = 0; j < n; j++) {
            S[i * n + j] = k * cov[i * n + j];
            if (i == j) {
                double y = fabs(p->obs[i].value) + 1e-6;
                S[i * n + j] += p->obs[i].sd * p->obs[i].sd + 1e-10 * y * y;
            }
            S[i * n + j] *= hartlap;
        }
    }
}

/* 0.5 d' S^-1 d + 0.5 log det S over the observed figures, by Cholesky. */
static double gaussian_nll(const struct problem *p, const double *means, const double *S)
{
    size_t n = p->n_obs;
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_vector *d = gsl_vector_alloc(n);
    double nll = FAILED;
    if (a && d) {
        for (size_t i = 0; i < n; i++) {
            gsl_vector_set(d, i, p->obs[i].value - means[i]);
            for (size_t j = 0; j < n; j++)
                gsl_matrix_set(a, i, j, S[i * n + j]);
        }
        if (gsl_linalg_cholesky_decomp1(a) == 0) {
            double logdet = 0;
            for (size_t i = 0; i < n; i++)
                logdet += 2 * log(gsl_matrix_get(a, i, i));
            gsl_vector *x = gsl_vector_alloc(n);
            if (x && gsl_linalg_cholesky_solve(a, d, x) == 0) {
                double q = 0;
                for (size_t i = 0; i < n; i++)
                    q += gsl_vector_get(d, i) * gsl_vector_get(x, i);
                nll = 0.5 * q + 0.5 * logdet;
            }
            gsl_vector_free(x);
        }
    }
    gsl_matrix_free(a);
    gsl_vector_free(d);
    return nll;
}

/* The negative log posterior at u (steps from x0), with a steep penalty outside the bounds
 * (evaluated at the nearest point inside). Fills means and cov (n_obs each, n_obs^2) when
 * given. */
double calibrate_objective(struct problem *p, const double *u, double *means_out, double *cov_out)
{
    size_t n = p->n_obs, k = p->spec->n;
    double theta[CALIBRATE_MAX_FITS], penalty = 0, prior = 0;
    for (size_t j = 0; j < k; j++) {
        const struct calibrate_fit *f = &p->spec->fits[j];
        double t = theta_of(p, u, j), inside = fmin(fmax(t, f->lower), f->upper);
        penalty += PENALTY * pow((t - inside) / p->step[j], 2);
        theta[j] = inside;
        if (f->has_prior)
            prior += 0.5 * pow((inside - f->prior_mean) / f->prior_sd, 2);
    }
    if (p->failed)
        return FAILED;
    double *values = malloc(n * (size_t)p->replications * sizeof *values);
    double *means = malloc(n * sizeof *means), *cov = malloc(n * n * sizeof *cov);
    double *S = malloc(n * n * sizeof *S), f = FAILED;
    if (!values || !means || !cov || !S) {
        p->failed = true;
        error_set(&p->err, ERROR_SYSTEM, "", 0, "", "out of memory");
    } else if (simulate(p, theta, values) == 0) {
        moments(p, values, means, cov);
        bool defined = true;
        for (size_t i = 0; i < n; i++)
            defined &= !isnan(means[i]);
        if (defined) {
            calibrate_likelihood_cov(p, cov, S);
            f = gaussian_nll(p, means, S) + prior + penalty;
        }
        if (means_out)
            memcpy(means_out, means, n * sizeof *means);
        if (cov_out)
            memcpy(cov_out, cov, n * n * sizeof *cov);
    }
    free(values);
    free(means);
    free(cov);
    free(S);
    return f;
}
