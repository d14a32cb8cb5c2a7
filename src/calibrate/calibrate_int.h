/* calibrate_int.h - what the parts of calibrate share: the problem and its objective. Private
 * to src/calibrate/. */
#ifndef SWITCHSIM_CALIBRATE_INT_H
#define SWITCHSIM_CALIBRATE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "switchsim/calibrate.h"

#define MAX_CAMPAIGNS 64
#define MAX_OBS 256
#define PENALTY 1e6  /* per squared step outside a parameter's bounds */
#define FAILED 1e100 /* the objective where the model cannot say */
#define MAX_ITER 120 /* simplex iterations: a coarse search; Gauss-Newton steps finish */
#define SIZE_TOL 0.1 /* simplex size, in steps, at which the coarse search ends */

struct campaign {
    char path[1100];
    struct scenario *sc;
};

struct problem {
    const struct calibrate_spec *spec;
    const struct settings *s;
    struct campaign campaigns[MAX_CAMPAIGNS];
    size_t n_campaigns;
    struct calibrate_obs *obs;
    size_t n_obs;
    int replications;     /* per evaluation of the objective */
    int cov_replications; /* behind the covariance of the figures; replications unless set */
    double x0[CALIBRATE_MAX_FITS], step[CALIBRATE_MAX_FITS]; /* theta = x0 + step * u */
    int evaluations;
    bool failed;
    struct error err; /* why it failed */
};

/* Parameter j at u, in steps from the starting point. */
static inline double theta_of(const struct problem *p, const double *u, size_t j)
{
    return p->x0[j] + p->step[j] * u[j];
}

/* input.c: a number of at most 63 bytes and nothing else; the observed figures and their
 * campaigns, read into p. */
bool calibrate_read_number(const char *s, size_t len, double *out);
int calibrate_read_observed(struct problem *p, const char *observed, struct error *err);

/* objective.c: the negative log posterior at u (steps from x0), with a steep penalty outside
 * the bounds; the figures' means and covariance across replications (n_obs, n_obs^2) when
 * asked. The likelihood's covariance of the observed figures from that covariance. */
double calibrate_objective(struct problem *p, const double *u, double *means_out, double *cov_out);
/* S from cov, the figures' covariance over p->cov_replications replications (or
 * p->replications when that is 0). */
void calibrate_likelihood_cov(const struct problem *p, const double *cov, double *S);

/* fit.c: the search. */
void calibrate_starting_point(struct problem *p, const struct scenario *sc);
int calibrate_minimise(struct problem *p, double *u, double *f, bool *converged);
int calibrate_polish(struct problem *p, double *u, double *f);
int calibrate_summarise(struct problem *p, const double *u, struct calibrate_result *out);

#endif
