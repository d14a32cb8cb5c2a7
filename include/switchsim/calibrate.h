/* calibrate.h - fitting scenario parameters to the observed figures of past campaigns. */
#ifndef SWITCHSIM_CALIBRATE_H
#define SWITCHSIM_CALIBRATE_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/error.h"
#include "switchsim/metric.h"
#include "switchsim/scenario.h"
#include "switchsim/settings.h"

#define CALIBRATE_MAX_FITS 16
#define CALIBRATE_REPLICATIONS 20 /* per evaluation when -r is not given */

/* One parameter to fit (--fit SECTION.KEY[=MEAN:SD][@LO:HI]). */
struct calibrate_fit {
    char key[96];   /* a scenario key whose scenario_key_info says fit */
    bool has_prior; /* a Gaussian prior N(prior_mean, prior_sd^2); else flat */
    double prior_mean, prior_sd;
    double lower, upper; /* the key's range, narrowed by @LO:HI */
};

struct calibrate_spec {
    struct calibrate_fit fits[CALIBRATE_MAX_FITS];
    size_t n;
};

/* Adds the parameter of one --fit spec. Returns 0, or -1 with *err filled (ERROR_INPUT
 * naming "--fit SPEC") for a malformed spec, a key that cannot be fitted, a key given twice,
 * sd <= 0, or bounds that leave nothing. */
int calibrate_add_fit(struct calibrate_spec *c, const char *spec, struct error *err);

/* One observed figure of OBSERVED.csv, and how the fit meets it. */
struct calibrate_obs {
    char scenario[512]; /* as written in OBSERVED.csv */
    int campaign;       /* index into the result's campaigns */
    int round;          /* 1..R, or 0 for "all" */
    enum metric metric;
    double value, sd;            /* the published figure and its uncertainty */
    double fitted;               /* the simulated mean at the estimate */
    double fitted_lo, fitted_hi; /* its 95% interval: parameter and Monte Carlo uncertainty */
    double z;                    /* (value - fitted) / its standard deviation in the likelihood */
};

/* What a calibration found. */
struct calibrate_result {
    struct calibrate_spec spec;
    double estimate[CALIBRATE_MAX_FITS], se[CALIBRATE_MAX_FITS];
    double lo[CALIBRATE_MAX_FITS], hi[CALIBRATE_MAX_FITS]; /* 95% intervals, within bounds */
    double cov[CALIBRATE_MAX_FITS * CALIBRATE_MAX_FITS];
    /* 1: the data pin it down; 0: its interval is (nearly) the prior's, or, without a prior,
     * the data leave it (nearly) free: a flat direction of the likelihood */
    bool pinned[CALIBRATE_MAX_FITS];
    struct calibrate_obs *obs;
    size_t n_obs, n_campaigns;
    int replications; /* per evaluation */
    int evaluations;
    bool converged;
    double nlp; /* the negative log posterior at the estimate */
    char name[SCENARIO_NAME_MAX];
    char dir[1100]; /* where the result files are */
};

/* Fits the parameters of spec to OBSERVED.csv (header scenario,round,metric,value,sd; each
 * scenario a file relative to OBSERVED.csv, loaded with settings s; several campaigns may be
 * fitted jointly) by minimising the negative log posterior: for each campaign, a Gaussian
 * likelihood of its observed figures given their simulated means, with covariance the
 * figures' sd squared (diagonal) plus the covariance of one campaign's figures across
 * replications times (1 + 1/R) (one campaign's own chance and the Monte Carlo error of the
 * mean of R replications), and the Gaussian priors. Every evaluation runs R replications
 * (s->replications, else CALIBRATE_REPLICATIONS) with the same seed: common random numbers,
 * so the objective is smooth; GSL's Nelder-Mead simplex finds the minimum; the curvature
 * there (finite differences) gives the covariance (Laplace). Writes parameters.csv,
 * covariance.csv, fit.csv and calibrated.ini (the scenario at `path` with the estimates,
 * naming parameters.csv and covariance.csv as its uncertainty) into s->out_dir or
 * results/<name>-calibration/. Returns 0 with *out filled; or -1 with *err filled
 * (ERROR_INPUT for bad input, naming file and line; ERROR_INTERRUPTED when stopped, writing
 * nothing). *out is always safe for calibrate_result_cleanup. */
int calibrate_run(const char *path, const char *observed, const struct calibrate_spec *spec,
                  const struct settings *s, struct calibrate_result *out, struct error *err);

/* Prints, for people, the estimates with standard errors and intervals (saying plainly which
 * parameters the data do not pin down), strong correlations, and the fit table. */
void calibrate_print(const struct calibrate_result *r, FILE *out);

/* Frees what a result holds; a zeroed one is a no-op. */
void calibrate_result_cleanup(struct calibrate_result *r);

#endif
