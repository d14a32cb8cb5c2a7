/* fit.c - the search for the posterior mode and its curvature (split off calibrate.c). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_eigen.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>
#include <gsl/gsl_multimin.h>

#include "calibrate_int.h"

static double nm_objective(const gsl_vector *v, void *params)
{
    struct problem *p = params;
    double u[CALIBRATE_MAX_FITS];
    for (size_t j = 0; j < p->spec->n; j++)
        u[j] = gsl_vector_get(v, j);
    return calibrate_objective(p, u, NULL, NULL);
}

/* ---- the fit ---- */

/* Where each parameter starts (the prior's mean, else the scenario's value, inside the
 * bounds) and how far a step goes (the prior's sd, else a tenth of the value). */
void calibrate_starting_point(struct problem *p, const struct scenario *sc)
{
    for (size_t j = 0; j < p->spec->n; j++) {
        const struct calibrate_fit *f = &p->spec->fits[j];
        double x = 0, range = f->upper - f->lower;
        if (f->has_prior)
            x = f->prior_mean;
        else
            scenario_number(sc, f->key, &x);
        double step = f->has_prior ? f->prior_sd : 0.1 * fmax(fabs(x), 0.1);
        if (isfinite(range))
            step = fmin(step, range / 4);
        x = fmin(fmax(x, f->lower + 0.01 * fmin(step, range)), f->upper - 0.01 * fmin(step, range));
        p->x0[j] = x;
        p->step[j] = step;
    }
}

/* The simplex search for the minimum, from u = 0 in steps of 1. Fills u and *f. */
int calibrate_minimise(struct problem *p, double *u, double *f, bool *converged)
{
    size_t k = p->spec->n;
    gsl_multimin_function fn = {nm_objective, k, p};
    gsl_vector *x = gsl_vector_calloc(k), *ss = gsl_vector_alloc(k);
    gsl_multimin_fminimizer *m =
        gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, k);
    if (!x || !ss || !m) {
        gsl_vector_free(x);
        gsl_vector_free(ss);
        if (m)
            gsl_multimin_fminimizer_free(m);
        return error_set(&p->err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    gsl_vector_set_all(ss, 1.0);
    *converged = false;
    int rc = gsl_multimin_fminimizer_set(m, &fn, x, ss) == GSL_SUCCESS ? 0 : -1;
    for (int iter = 0; rc == 0 && iter < MAX_ITER && !p->failed; iter++) {
        if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
            break;
        if (gsl_multimin_fminimizer_size(m) < SIZE_TOL) {
            *converged = true;
            break;
        }
    }
    for (size_t j = 0; j < k; j++)
        u[j] = gsl_vector_get(m->x, j);
    *f = m->fval;
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(ss);
    if (p->failed)
        return -1;
    if (rc || !(*f < FAILED / 2))
        return error_set(&p->err, ERROR_INPUT, "", 0, "",
                         "the model cannot reproduce the observed figures anywhere near the "
                         "starting point: check the figures and the bounds");
    return 0;
}

/* The two offsets at which parameter j is evaluated around u: -h and +h, or both on one side
 * when u is at a bound. */
static void offsets(const struct problem *p, const double *u, size_t j, double h, double *a,
                    double *b)
{
    const struct calibrate_fit *f = &p->spec->fits[j];
    double below = (theta_of(p, u, j) - f->lower) / p->step[j],
           above = (f->upper - theta_of(p, u, j)) / p->step[j];
    if (below >= h && above >= h)
        *a = -h, *b = h;
    else if (above >= 2 * h)
        *a = h, *b = 2 * h;
    else
        *a = -2 * h, *b = -h;
}

/* How each figure's mean moves with each parameter at u (grad, n_obs x k, per step), by
 * central differences on common random numbers (one-sided at a bound), parameter j moved by
 * h[j] steps. */
static int sensitivities(struct problem *p, const double *u, const double *h, double *grad)
{
    size_t k = p->spec->n, n = p->n_obs;
    double v[CALIBRATE_MAX_FITS];
    double *ma = malloc(n * sizeof *ma), *mb = malloc(n * sizeof *mb);
    if (!ma || !mb) {
        free(ma);
        free(mb);
        return error_set(&p->err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    for (size_t j = 0; j < k && !p->failed; j++) {
        double a, b;
        offsets(p, u, j, h[j], &a, &b);
        memcpy(v, u, k * sizeof *v);
        v[j] = u[j] + a;
        calibrate_objective(p, v, ma, NULL);
        v[j] = u[j] + b;
        calibrate_objective(p, v, mb, NULL);
        for (size_t i = 0; i < n; i++)
            grad[i * k + j] = (mb[i] - ma[i]) / (b - a);
    }
    free(ma);
    free(mb);
    return p->failed ? -1 : 0;
}

/* The curvature of the negative log posterior in steps, by Gauss-Newton (the Fisher
 * information): H = J' S^-1 J + the priors' (step / sd)^2, with J the sensitivities and S
 * the likelihood's covariance at the estimate. Only first differences of the means enter, so
 * the Monte Carlo roughness of the objective is not amplified; H is never indefinite. */
static int fisher(const struct problem *p, const double *grad, const double *S, double *H)
{
    size_t k = p->spec->n, n = p->n_obs;
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_vector *col = gsl_vector_alloc(n), *x = gsl_vector_alloc(n);
    int rc = a && col && x ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(a, i, j, S[i * n + j]);
    if (rc == 0)
        rc = gsl_linalg_cholesky_decomp1(a) == 0 ? 0 : -1;
    for (size_t l = 0; l < k && rc == 0; l++) { /* x = S^-1 J[:, l] */
        for (size_t i = 0; i < n; i++)
            gsl_vector_set(col, i, grad[i * k + l]);
        if (gsl_linalg_cholesky_solve(a, col, x)) {
            rc = -1;
            break;
        }
        for (size_t j = 0; j < k; j++) {
            double sum = 0;
            for (size_t i = 0; i < n; i++)
                sum += grad[i * k + j] * gsl_vector_get(x, i);
            H[j * k + l] = sum;
        }
    }
    for (size_t j = 0; j < k && rc == 0; j++) {
        const struct calibrate_fit *f = &p->spec->fits[j];
        if (f->has_prior)
            H[j * k + j] += pow(p->step[j] / f->prior_sd, 2);
        for (size_t l = 0; l < j; l++) /* exactly symmetric */
            H[j * k + l] = H[l * k + j] = (H[j * k + l] + H[l * k + j]) / 2;
    }
    gsl_matrix_free(a);
    gsl_vector_free(col);
    gsl_vector_free(x);
    return rc;
}

/* cov_u = H^-1 through its eigenvalues; a direction whose curvature is nil or negative (the
 * data say nothing of it) gets a curvature 1e-8 of the largest, and its parameters are marked
 * flat. */
static int invert(size_t k, const double *H, double *cov, bool *flat)
{
    gsl_matrix *h = gsl_matrix_alloc(k, k), *vec = gsl_matrix_alloc(k, k);
    gsl_vector *val = gsl_vector_alloc(k);
    gsl_eigen_symmv_workspace *w = gsl_eigen_symmv_alloc(k);
    int rc = h && vec && val && w ? 0 : -1;
    if (rc == 0) {
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++)
                gsl_matrix_set(h, i, j, H[i * k + j]);
        rc = gsl_eigen_symmv(h, val, vec, w) == GSL_SUCCESS ? 0 : -1;
    }
    if (rc == 0) {
        double top = 0;
        for (size_t i = 0; i < k; i++)
            top = fmax(top, gsl_vector_get(val, i));
        for (size_t i = 0; i < k; i++)
            flat[i] = false;
        for (size_t e = 0; e < k; e++) {
            double l = gsl_vector_get(val, e);
            if (!(l > 1e-8 * top)) {
                gsl_vector_set(val, e, fmax(1e-8 * top, 1e-300));
                for (size_t i = 0; i < k; i++)
                    if (fabs(gsl_matrix_get(vec, i, e)) > 0.3)
                        flat[i] = true;
            }
        }
        for (size_t i = 0; i < k; i++)
            for (size_t j = 0; j < k; j++) {
                double s = 0;
                for (size_t e = 0; e < k; e++)
                    s += gsl_matrix_get(vec, i, e) * gsl_matrix_get(vec, j, e) /
                         gsl_vector_get(val, e);
                cov[i * k + j] = s;
            }
    }
    gsl_matrix_free(h);
    gsl_matrix_free(vec);
    gsl_vector_free(val);
    if (w)
        gsl_eigen_symmv_free(w);
    return rc;
}

/* x = S^-1 r by Cholesky (n x n). Returns 0, or -1 when S is not positive definite. */
static int solve(size_t n, const double *S, const double *r, double *x)
{
    gsl_matrix *a = gsl_matrix_alloc(n, n);
    gsl_vector *b = gsl_vector_alloc(n), *y = gsl_vector_alloc(n);
    int rc = a && b && y ? 0 : -1;
    for (size_t i = 0; i < n && rc == 0; i++) {
        gsl_vector_set(b, i, r[i]);
        for (size_t j = 0; j < n; j++)
            gsl_matrix_set(a, i, j, S[i * n + j]);
    }
    if (rc == 0 && (gsl_linalg_cholesky_decomp1(a) || gsl_linalg_cholesky_solve(a, b, y)))
        rc = -1;
    for (size_t i = 0; i < n && rc == 0; i++)
        x[i] = gsl_vector_get(y, i);
    gsl_matrix_free(a);
    gsl_vector_free(b);
    gsl_vector_free(y);
    return rc;
}

/* Gauss-Newton steps from the simplex's minimum: the simplex crawls along the long, curved
 * valleys that parameters trading off make (and stops on them), while a Newton step with the
 * Fisher curvature crosses them. A step is kept only when the objective falls. */
int calibrate_polish(struct problem *p, double *u, double *f)
{
    size_t k = p->spec->n, n = p->n_obs;
    double *grad = malloc(n * k * sizeof *grad), *means = malloc(n * sizeof *means),
           *cov = malloc(n * n * sizeof *cov), *S = malloc(n * n * sizeof *S),
           *r = malloc(n * sizeof *r), *x = malloc(n * sizeof *x);
    int rc = grad && means && cov && S && r && x ? 0 : -1;
    double h[CALIBRATE_MAX_FITS], H[CALIBRATE_MAX_FITS * CALIBRATE_MAX_FITS],
        cov_u[CALIBRATE_MAX_FITS * CALIBRATE_MAX_FITS], g[CALIBRATE_MAX_FITS],
        v[CALIBRATE_MAX_FITS];
    bool flat[CALIBRATE_MAX_FITS];
    for (size_t j = 0; j < k; j++)
        h[j] = 0.5;
    for (int iter = 0; iter < 12 && rc == 0; iter++) {
        if (!(calibrate_objective(p, u, means, cov) < FAILED / 2))
            break;
        calibrate_likelihood_cov(p, cov, S);
        for (size_t i = 0; i < n; i++)
            r[i] = p->obs[i].value - means[i];
        if (sensitivities(p, u, h, grad) || fisher(p, grad, S, H) || invert(k, H, cov_u, flat) ||
            solve(n, S, r, x))
            break;
        for (size_t j = 0; j < k; j++) {
            const struct calibrate_fit *fit = &p->spec->fits[j];
            g[j] = 0;
            for (size_t i = 0; i < n; i++)
                g[j] -= grad[i * k + j] * x[i];
            if (fit->has_prior)
                g[j] += (theta_of(p, u, j) - fit->prior_mean) * p->step[j] /
                        (fit->prior_sd * fit->prior_sd);
        }
        double longest = 0, reach = 0; /* in steps, and in posterior sds */
        for (size_t j = 0; j < k; j++) {
            double d = 0;
            for (size_t l = 0; l < k; l++)
                d -= cov_u[j * k + l] * g[l];
            v[j] = d;
            longest = fmax(longest, fabs(d));
            reach = fmax(reach, fabs(d) / sqrt(cov_u[j * k + j]));
        }
        double scale = reach > 4 ? 4 / reach : 1; /* at most four posterior sds at once */
        bool better = false;
        for (int half = 0; half < 6 && !better; half++, scale /= 2) {
            double w[CALIBRATE_MAX_FITS];
            for (size_t j = 0; j < k; j++) {
                const struct calibrate_fit *fit = &p->spec->fits[j];
                w[j] = u[j] + scale * v[j];
                double t = fmin(fmax(theta_of(p, w, j), fit->lower), fit->upper);
                w[j] = (t - p->x0[j]) / p->step[j];
            }
            double fw = calibrate_objective(p, w, NULL, NULL);
            if (fw < *f - 1e-9) {
                memcpy(u, w, k * sizeof *u);
                *f = fw;
                better = true;
            }
        }
        for (size_t j = 0; j < k; j++) /* then about half a posterior sd */
            h[j] = fmin(fmax(0.5 * sqrt(cov_u[j * k + j]), 0.05), 2.0);
        if (!better || longest * scale < 0.01)
            break;
    }
    free(grad);
    free(means);
    free(cov);
    free(S);
    free(r);
    free(x);
    if (p->failed)
        return -1;
    return rc ? error_set(&p->err, ERROR_SYSTEM, "", 0, "", "out of memory") : 0;
}

/* Estimates, covariance, intervals and the fitted figures from the optimum u. */
int calibrate_summarise(struct problem *p, const double *u, struct calibrate_result *out)
{
    size_t k = p->spec->n, n = p->n_obs;
    double H[CALIBRATE_MAX_FITS * CALIBRATE_MAX_FITS],
        cov_u[CALIBRATE_MAX_FITS * CALIBRATE_MAX_FITS];
    bool flat[CALIBRATE_MAX_FITS];
    double *grad = malloc(n * k * sizeof *grad), *means = malloc(n * sizeof *means),
           *cov = malloc(n * n * sizeof *cov), *S = malloc(n * n * sizeof *S);
    int rc = grad && means && cov && S
                 ? 0
                 : error_set(&p->err, ERROR_SYSTEM, "", 0, "", "out of memory");
    /* The figures' covariance at the estimate from five times the replications: the intervals
     * rest on its inverse, which twenty replications leave too noisy (an interval as often too
     * narrow as too wide covers less than it says). */
    int fit_replications = p->replications;
    p->replications = p->cov_replications = 5 * fit_replications;
    double f_big = calibrate_objective(p, u, NULL, cov);
    p->replications = fit_replications;
    if (rc == 0 &&
        (!(f_big < FAILED / 2) || !(calibrate_objective(p, u, means, NULL) < FAILED / 2)))
        rc = p->failed ? -1
                       : error_set(&p->err, ERROR_INPUT, "", 0, "",
                                   "the model cannot reproduce the observed figures");
    /* Twice: first half a step each way, then a posterior sd, where the means move well beyond
     * the Monte Carlo roughness of common random numbers (noise in the sensitivities would
     * inflate the information) while the model is still near linear. */
    double h[CALIBRATE_MAX_FITS];
    for (size_t j = 0; j < k; j++)
        h[j] = 0.5;
    if (rc == 0)
        calibrate_likelihood_cov(p, cov, S);
    if (rc == 0 && (rc = sensitivities(p, u, h, grad)) == 0 && fisher(p, grad, S, H) == 0 &&
        invert(k, H, cov_u, flat) == 0) {
        for (size_t j = 0; j < k; j++)
            h[j] = fmin(fmax(sqrt(cov_u[j * k + j]), 0.05), 2.0);
        rc = sensitivities(p, u, h, grad);
    }
    if (rc == 0 && fisher(p, grad, S, H))
        rc = error_set(&p->err, ERROR_SYSTEM, "", 0, "",
                       "cannot invert the likelihood's covariance");
    if (rc == 0 && invert(k, H, cov_u, flat))
        rc = error_set(&p->err, ERROR_SYSTEM, "", 0, "", "cannot invert the curvature");
    if (rc == 0) {
        for (size_t j = 0; j < k; j++) {
            const struct calibrate_fit *f = &p->spec->fits[j];
            out->estimate[j] = theta_of(p, u, j);
            for (size_t l = 0; l < k; l++)
                out->cov[j * k + l] = p->step[j] * p->step[l] * cov_u[j * k + l];
            out->se[j] = sqrt(out->cov[j * k + j]);
            out->lo[j] = fmax(out->estimate[j] - 1.96 * out->se[j], f->lower);
            out->hi[j] = fmin(out->estimate[j] + 1.96 * out->se[j], f->upper);
            bool prior_like = f->has_prior && out->se[j] > 0.8 * f->prior_sd;
            bool loose = !f->has_prior && isfinite(f->upper - f->lower) &&
                         out->se[j] > (f->upper - f->lower) / 4;
            out->pinned[j] = !flat[j] && !prior_like && !loose;
        }
        for (size_t i = 0; i < n; i++) {
            struct calibrate_obs *o = &p->obs[i];
            double var = cov[i * n + i] / p->replications;
            for (size_t j = 0; j < k; j++)
                for (size_t l = 0; l < k; l++)
                    var += grad[i * k + j] * grad[i * k + l] * cov_u[j * k + l];
            o->fitted = means[i];
            o->fitted_lo = means[i] - 1.96 * sqrt(var);
            o->fitted_hi = means[i] + 1.96 * sqrt(var);
            o->z = (o->value - means[i]) / sqrt(S[i * n + i]);
        }
    }
    free(grad);
    free(means);
    free(cov);
    free(S);
    return rc;
}
