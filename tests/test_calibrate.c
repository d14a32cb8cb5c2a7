/* test_calibrate.c - calibration recovers known parameters, forecast ranges cover fresh
 * campaigns as often as they say, and bad fit specs, observed figures and uncertainty files
 * are refused with FILE:LINE. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "switchsim/calibrate.h"
#include "switchsim/results.h"
#include "switchsim/run.h"
#include "synthetic.h"
#include "testutil.h"

#define tmp testutil_tmp

/* --fit specs: priors and bounds parsed; keys that cannot be fitted refused. */
static void test_fit_specs(void **state)
{
    (void)state;
    struct calibrate_spec spec = {0};
    struct error err = {0};
    assert_int_equal(calibrate_add_fit(&spec, "decisions.intercept", &err), 0);
    assert_int_equal(calibrate_add_fit(&spec, "registration.expected=50000:12000@1000:90000", &err),
                     0);
    assert_int_equal(calibrate_add_fit(&spec, "registration.paper_share@0.05:2", &err), 0);
    assert_false(spec.fits[0].has_prior);
    assert_true(spec.fits[1].has_prior);
    assert_float_equal(spec.fits[1].prior_mean, 50000, 0);
    assert_float_equal(spec.fits[1].prior_sd, 12000, 0);
    assert_float_equal(spec.fits[1].lower, 1000, 0);
    assert_float_equal(spec.fits[1].upper, 90000, 0);
    assert_float_equal(spec.fits[2].lower, 0.05, 0);
    assert_float_equal(spec.fits[2].upper, 1, 0); /* a probability stays one */
    const char *bad[] = {"decisions.intercep",
                         "scenario.rounds",
                         "decisions.intercept",
                         "paper.clerks",
                         "decisions.saving_coef=1:0",
                         "decisions.saving_coef@2:1",
                         "decisions.saving_coef=x:1",
                         "decisions.saving_coef@-5:-1",
                         "=1:2"};
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        struct error e = {0};
        if (calibrate_add_fit(&spec, bad[k], &e) == 0)
            fail_msg("--fit %s was accepted", bad[k]);
        assert_int_equal(e.kind, ERROR_INPUT);
        assert_true(!strncmp(e.file, "--fit ", 6));
    }
}

/* Observed figures that cannot be read are bad input at their line. */
static void test_observed_bad(void **state)
{
    (void)state;
    char *cwd = realpath(".", NULL);
    char a[600];
    snprintf(a, sizeof a, "%s/tests/data/calibrate/a.ini", cwd);
    free(cwd);
    const struct {
        const char *row, *key, *what;
        int line;
    } cases[] = {
        {"%s,1,switched,x,0\n", "value", "expected a number", 2},
        {"%s,1,switched,5,-1\n", "sd", "expected a number >= 0", 2},
        {"%s,0,switched,5,1\n", "round", "expected a round number", 2},
        {"%s,2,switched,5,1\n", "round", "round", 2},
        {"%s,1,switchd,5,1\n", "metric", "not a metric", 2},
        {"%s,all,switched,5,1\n%s,1,switched,5,1\n", "", "", 0}, /* all and 1 are two figures */
        {"%s,1,switched,5,1\n%s,1,switched,6,1\n", "metric", "already given", 3},
    };
    struct calibrate_spec spec = {0};
    struct error err = {0};
    assert_int_equal(calibrate_add_fit(&spec, "decisions.intercept", &err), 0);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        if (!cases[k].line)
            continue;
        char text[2000], row[1400], path[300];
        snprintf(row, sizeof row, cases[k].row, a, a);
        snprintf(text, sizeof text, "scenario,round,metric,value,sd\n%s", row);
        snprintf(path, sizeof path, "%s/observed-%zu.csv", tmp, k);
        testutil_write(path, text);
        struct settings s = {.jobs = 1, .replications = 3, .out_dir = testutil_path(tmp, "never")};
        struct calibrate_result r;
        struct error e = {0};
        assert_int_equal(calibrate_run(a, path, &spec, &s, &r, &e), -1);
        calibrate_result_cleanup(&r);
        if (e.kind != ERROR_INPUT || strcmp(e.file, path) || e.line != cases[k].line ||
            strcmp(e.key, cases[k].key) || !strstr(e.message, cases[k].what))
            fail_msg("case %zu: %s:%d: %s: %s", k, e.file, e.line, e.key, e.message);
    }
    assert_false(testutil_exists(testutil_path(tmp, "never")));
}

/* Three synthetic campaigns that differ in savings and paper share, made from known
 * decision parameters and observed as exact figures: the fit's 95% intervals hold the truth,
 * the data pin every parameter down, and the fitted figures meet the observed ones. */
static void test_recovery(void **state)
{
    (void)state;
    char observed[200], out[200];
    snprintf(observed, sizeof observed, "%s/observed.csv", tmp);
    snprintf(out, sizeof out, "%s/recovery", tmp);
    struct error err = {0};
    assert_int_equal(synthetic_observe(1001, observed, &err), 0);
    struct calibrate_result r;
    if (synthetic_fit(observed, 20, out, &r, &err))
        fail_msg("%s: %s", err.key, err.message);
    calibrate_print(&r, stdout);
    for (size_t j = 0; j < 3; j++) {
        assert_string_equal(r.spec.fits[j].key, synthetic_keys[j]);
        if (!(r.lo[j] <= synthetic_truth[j] && synthetic_truth[j] <= r.hi[j]))
            fail_msg("%s: truth %g outside [%g, %g]", synthetic_keys[j], synthetic_truth[j],
                     r.lo[j], r.hi[j]);
        assert_true(r.pinned[j]);
    }
    for (size_t i = 0; i < r.n_obs; i++)
        assert_true(fabs(r.obs[i].z) < 3);
    calibrate_result_cleanup(&r);
    /* the files, and a calibrated scenario that runs with the fitted uncertainty */
    const char *files[] = {"parameters.csv", "covariance.csv", "fit.csv", "calibrated.ini"};
    for (size_t k = 0; k < 4; k++)
        assert_true(testutil_exists(testutil_path(out, files[k])));
    char ini[300];
    snprintf(ini, sizeof ini, "%s/calibrated.ini", out);
    struct error e = {0};
    struct scenario *sc = scenario_load(ini, NULL, 0, &e);
    if (!sc)
        fail_msg("%s:%d: %s: %s", e.file, e.line, e.key, e.message);
    assert_int_equal(sc->n_params, 3);
    scenario_destroy(sc);
}

/* With parameters drawn from a fitted distribution, the 90% forecast range of switched
 * (quantiles over 1,000 replications, each drawing its parameters) covers 85-95% of 1,000
 * fresh synthetic campaigns drawn the same way (another seed); a range from the campaign's
 * own chance alone covers far fewer. */
static void test_forecast_coverage(void **state)
{
    (void)state;
    char params[200], cov[200], set_p[260], set_c[260];
    snprintf(params, sizeof params, "%s/parameters.csv", tmp);
    snprintf(cov, sizeof cov, "%s/covariance.csv", tmp);
    testutil_write(params, "parameter,estimate,se,ci95_low,ci95_high\n"
                           "decisions.intercept,-1.8,0.3,-2.388,-1.212\n"
                           "decisions.paper_coef,1.2,0.25,0.71,1.69\n");
    testutil_write(cov, "parameter,decisions.intercept,decisions.paper_coef\n"
                        "decisions.intercept,0.09,-0.03\n"
                        "decisions.paper_coef,-0.03,0.0625\n");
    snprintf(set_p, sizeof set_p, "uncertainty.parameters=%s", params);
    snprintf(set_c, sizeof set_c, "uncertainty.covariance=%s", cov);
    const char *sets[] = {set_p, set_c};
    struct settings s = {.jobs = 2,
                         .sets = sets,
                         .n_sets = 2,
                         .replications = 1000,
                         .has_seed = true,
                         .seed = 1,
                         .out_dir = testutil_path(tmp, "forecast")};
    struct run_result forecast, fresh;
    struct error err = {0};
    if (run_scenario(synthetic_campaigns[0], &s, &forecast, &err))
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    struct summary range;
    results_summary(&forecast.ex, 0, M_SWITCHED, &range);
    s.seed = 2;
    s.out_dir = testutil_path(tmp, "fresh");
    assert_int_equal(run_scenario(synthetic_campaigns[0], &s, &fresh, &err), 0);
    int covered = 0, narrow = 0;
    for (int i = 0; i < 1000; i++) {
        double x = fresh.ex.reps[i].metrics[M_SWITCHED];
        covered += x >= range.pi_lo && x <= range.pi_hi;
    }
    /* without parameter uncertainty the range is far narrower: it must not be that one */
    struct summary own;
    s.sets = NULL;
    s.n_sets = 0;
    s.seed = 1;
    s.replications = 400;
    s.out_dir = testutil_path(tmp, "no-uncertainty");
    struct run_result fixed;
    assert_int_equal(run_scenario(synthetic_campaigns[0], &s, &fixed, &err), 0);
    results_summary(&fixed.ex, 0, M_SWITCHED, &own);
    for (int i = 0; i < 1000; i++) {
        double x = fresh.ex.reps[i].metrics[M_SWITCHED];
        narrow += x >= own.pi_lo && x <= own.pi_hi;
    }
    print_message("90%% forecast range %.0f to %.0f covers %d of 1000 fresh campaigns; the range "
                  "of the campaign's own chance alone, %.0f to %.0f, covers %d\n",
                  range.pi_lo, range.pi_hi, covered, own.pi_lo, own.pi_hi, narrow);
    assert_true(covered >= 850 && covered <= 950);
    assert_true(narrow < 800);
    assert_true(range.pi_hi - range.pi_lo > 1.5 * (own.pi_hi - own.pi_lo));
    run_result_cleanup(&forecast);
    run_result_cleanup(&fresh);
    run_result_cleanup(&fixed);
}

/* The standard deviation of metric m (round 1) over the n replications of r. */
static double sd_over_replications(const struct run_result *r, int n, enum metric m)
{
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; i++) {
        double x = r->ex.reps[i].metrics[m];
        sum += x, sum2 += x * x;
    }
    return sqrt(sum2 / n - (sum / n) * (sum / n));
}

/* A --set of a key the parameters file draws holds it at the value given, as a --set of any
 * other key would: the registrations of each replication are Poisson with that mean, not with
 * draws around the fitted 1,500. The other parameters keep their fitted distribution (the
 * marginal: the spread of conversion stays), uncertainty.fixed names the held key, and the
 * resolved scenario, loaded again, holds it too. A fixed list naming no parameter is refused. */
static void test_held_parameters(void **state)
{
    (void)state;
    char params[200], set_p[260];
    snprintf(params, sizeof params, "%s/held.csv", tmp);
    testutil_write(params, "parameter,estimate,se,ci95_low,ci95_high\n"
                           "registration.expected,1500,400,716,2284\n"
                           "decisions.intercept,-1.8,0.3,-2.388,-1.212\n");
    snprintf(set_p, sizeof set_p, "uncertainty.parameters=%s", params);
    const char *sets[] = {set_p, "registration.expected=400"};
    struct error err = {0};
    struct scenario *sc = scenario_load(synthetic_campaigns[0], sets, 2, &err);
    if (!sc)
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    assert_string_equal(sc->uncertainty.fixed, "registration.expected");
    assert_true(sc->params[0].estimate == 400 && sc->params[0].se == 0);
    assert_true(sc->params[1].estimate == -1.8 && sc->params[1].se == 0.3);
    scenario_destroy(sc);

    struct settings s = {.jobs = 2, .sets = sets, .n_sets = 2, .replications = 400,
                         .has_seed = true, .seed = 3, .out_dir = testutil_path(tmp, "held")};
    struct run_result held;
    if (run_scenario(synthetic_campaigns[0], &s, &held, &err))
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    /* registered is Poisson(400) a replication (less the few paper forms too late): the mean
     * of 400 within 5 standard errors (1 each), the variance that of a Poisson, not of draws
     * with sd 400 */
    double sum = 0, sum2 = 0;
    for (int i = 0; i < 400; i++) {
        double x = held.ex.reps[i].metrics[M_REGISTERED] + held.ex.reps[i].metrics[M_PAPER_LATE];
        sum += x, sum2 += x * x;
    }
    double mean = sum / 400, var = sum2 / 400 - mean * mean;
    double conv_sd = sd_over_replications(&held, 400, M_CONVERSION);
    print_message("held at 400: registrations mean %.1f, variance %.0f; conversion sd %.4f\n", mean,
                  var, conv_sd);
    assert_true(fabs(mean - 400) < 5);
    assert_true(var > 300 && var < 520);
    run_result_cleanup(&held);

    /* the resolved scenario holds it without the --set; intercept still drawn: conversion
     * spreads more than with the intercept held as well */
    char resolved[300];
    snprintf(resolved, sizeof resolved, "%s/held/scenario.ini", tmp);
    sc = scenario_load(resolved, NULL, 0, &err);
    if (!sc)
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    assert_true(sc->params[0].estimate == 400 && sc->params[0].se == 0);
    assert_true(sc->params[1].se == 0.3);
    scenario_destroy(sc);
    const char *both[] = {set_p, "uncertainty.fixed=registration.expected, decisions.intercept",
                          "registration.expected=400"};
    s.sets = both;
    s.n_sets = 3;
    s.out_dir = testutil_path(tmp, "held-both");
    assert_int_equal(run_scenario(synthetic_campaigns[0], &s, &held, &err), 0);
    double fixed_sd = sd_over_replications(&held, 400, M_CONVERSION);
    print_message("conversion sd with the intercept drawn %.4f, held %.4f\n", conv_sd, fixed_sd);
    assert_true(conv_sd > 1.5 * fixed_sd);
    run_result_cleanup(&held);

    const char *bad[] = {set_p, "uncertainty.fixed=decisions.paper_coef"};
    assert_null(scenario_load(synthetic_campaigns[0], bad, 2, &err));
    assert_string_equal(err.key, "uncertainty.fixed");
    assert_non_null(strstr(err.message, "not a parameter"));
}

/* Uncertainty files are scenario tables: their faults name file, line and column. */
static void test_uncertainty_bad(void **state)
{
    (void)state;
    const struct {
        const char *params, *cov, *file, *key, *what;
        int line;
    } cases[] = {
        {"parameter,estimate,se,ci95_low,ci95_high\nscenario.rounds,1,0.1,1,1\n", NULL, "p",
         "parameter", "cannot be drawn", 2},
        {"parameter,estimate,se,ci95_low,ci95_high\nnot.a_key,1,0.1,1,1\n", NULL, "p", "parameter",
         "not a scenario key", 2},
        {"parameter,estimate,se,ci95_low,ci95_high\ndecisions.saving_coef,-1,0.1,-1,-1\n", NULL,
         "p", "estimate", "outside", 2},
        {"parameter,estimate,se,ci95_low,ci95_high\ndecisions.intercept,1,x,1,1\n", NULL, "p", "se",
         "expected a number", 2},
        {"parameter,estimate,se\ndecisions.intercept,1,1\n", NULL, "p", "ci95_low", "missing", 1},
        {"parameter,estimate,se,ci95_low,ci95_high\ndecisions.intercept,1,1,0,2\n"
         "decisions.paper_coef,1,1,0,2\n",
         "parameter,decisions.intercept,decisions.paper_coef\ndecisions.intercept,1,2\n"
         "decisions.paper_coef,2,1\n",
         "c", "uncertainty.covariance", "not positive definite", 1},
        {"parameter,estimate,se,ci95_low,ci95_high\ndecisions.intercept,1,1,0,2\n",
         "parameter,decisions.intercept\ndecisions.intercept,4\n", "c", "decisions.intercept",
         "does not match se", 2},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char p[200], c[200], sp[260], scov[260];
        snprintf(p, sizeof p, "%s/p%zu.csv", tmp, k);
        snprintf(c, sizeof c, "%s/c%zu.csv", tmp, k);
        testutil_write(p, cases[k].params);
        if (cases[k].cov)
            testutil_write(c, cases[k].cov);
        snprintf(sp, sizeof sp, "uncertainty.parameters=%s", p);
        snprintf(scov, sizeof scov, "uncertainty.covariance=%s", c);
        const char *sets[] = {sp, scov};
        struct error e = {0};
        struct scenario *sc = scenario_load(synthetic_campaigns[0], sets, cases[k].cov ? 2 : 1, &e);
        if (sc)
            fail_msg("case %zu was accepted", k);
        const char *file = cases[k].file[0] == 'p' ? p : c;
        if (e.kind != ERROR_INPUT || strcmp(e.file, file) || e.line != cases[k].line ||
            strcmp(e.key, cases[k].key) || !strstr(e.message, cases[k].what))
            fail_msg("case %zu: %s:%d: %s: %s", k, e.file, e.line, e.key, e.message);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fit_specs),       cmocka_unit_test(test_observed_bad),
        cmocka_unit_test(test_recovery),        cmocka_unit_test(test_forecast_coverage),
        cmocka_unit_test(test_uncertainty_bad), cmocka_unit_test(test_held_parameters),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
