/* params.c - a scenario's parameter uncertainty: fitted keys, their estimates and covariance
 * (split off scenario.c). */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_linalg.h>

#include "scenario_int.h"
#include "table.h"

#define PARAMS_MAX 64 /* parameters in one file */

/* A number in a cell: any finite decimal. */
static int cell_number(struct load *ld, const struct table *t, size_t row, int col, double *out)
{
    static const struct spec any = {
        .type = V_DOUBLE, .size = sizeof(double), .min = -1e300, .max = 1e300};
    char why[200];
    if (scenario_value_parse(&any, table_cell(t, row, (size_t)col), out, why, sizeof why) == 0)
        return 0;
    return error_set(ld->err, ERROR_INPUT, t->file, t->line[row + 1], table_header(t, (size_t)col),
                     "%s", why);
}

/* The columns of parameters.csv: the first five are required, the bounds optional. */
static const char *const param_columns[] = {"parameter", "estimate", "se",   "ci95_low",
                                            "ci95_high", "lower",    "upper"};

static int params_read(struct load *ld, const struct table *t)
{
    struct scenario *sc = ld->sc;
    int col[7];
    for (int c = 0; c < 7; c++) {
        col[c] = table_column(t, param_columns[c]);
        if (col[c] < 0 && c < 5)
            return error_set(ld->err, ERROR_INPUT, t->file, t->line[0], param_columns[c],
                             "column missing from the header (expected parameter,estimate,se,"
                             "ci95_low,ci95_high and optionally lower,upper)");
    }
    if (t->nrow == 0)
        return error_set(ld->err, ERROR_INPUT, t->file, t->line[0], "uncertainty.parameters",
                         "the table has a header but no rows");
    if (t->nrow > PARAMS_MAX)
        return error_set(ld->err, ERROR_INPUT, t->file, t->line[PARAMS_MAX + 1], "parameter",
                         "more than %d parameters", PARAMS_MAX);
    if (!(sc->params = calloc(t->nrow, sizeof *sc->params)))
        return scenario_oom(ld->err);
    for (size_t r = 0; r < t->nrow; r++) {
        struct scenario_param *p = &sc->params[sc->n_params];
        int line = t->line[r + 1];
        const char *key = table_cell(t, r, (size_t)col[0]);
        int k = scenario_key_find(key);
        if (k < 0 || !scenario_keys[k].fit)
            return error_set(ld->err, ERROR_INPUT, t->file, line, "parameter",
                             k < 0 ? "'%.80s' is not a scenario key"
                                   : "%.80s cannot be drawn per replication (see switchsim check: "
                                     "only keys marked fit)",
                             key);
        for (size_t q = 0; q < sc->n_params; q++)
            if (!strcmp(sc->params[q].key, key))
                return error_set(ld->err, ERROR_INPUT, t->file, line, "parameter",
                                 "%s is listed twice", key);
        snprintf(p->key, sizeof p->key, "%s", key);
        if (cell_number(ld, t, r, col[1], &p->estimate) || cell_number(ld, t, r, col[2], &p->se))
            return -1;
        if (scenario_number_range(key, &p->lower, &p->upper))
            return error_set(ld->err, ERROR_INPUT, t->file, line, "parameter", "not a number key");
        for (int c = 5; c < 7; c++) {
            double bound;
            if (col[c] < 0 || !*table_cell(t, r, (size_t)col[c]))
                continue; /* an empty bound: the key's own */
            if (cell_number(ld, t, r, col[c], &bound))
                return -1;
            if (c == 5)
                p->lower = fmax(p->lower, bound);
            else
                p->upper = fmin(p->upper, bound);
        }
        if (!(p->se >= 0))
            return error_set(ld->err, ERROR_INPUT, t->file, line, "se",
                             "a standard error is at least 0, got %.17g", p->se);
        if (!(p->lower < p->upper) || p->estimate < p->lower || p->estimate > p->upper)
            return error_set(ld->err, ERROR_INPUT, t->file, line, "estimate",
                             "%.17g is outside the parameter's bounds [%.17g, %.17g]", p->estimate,
                             p->lower, p->upper);
        char why[200];
        struct scenario probe = *sc;
        if (scenario_set_number(&probe, key, p->estimate, why, sizeof why))
            return error_set(ld->err, ERROR_INPUT, t->file, line, "estimate", "%s", why);
        sc->n_params++;
    }
    return 0;
}

/* The covariance matrix into cov (n x n): from the covariance table when given, else the
 * standard errors squared on the diagonal. */
static int covariance_read(struct load *ld, const struct table *t, double *cov)
{
    const struct scenario *sc = ld->sc;
    size_t n = sc->n_params;
    int col[PARAMS_MAX];
    if (table_column(t, "parameter") != 0)
        return error_set(ld->err, ERROR_INPUT, t->file, t->line[0], "parameter",
                         "the first column must be 'parameter', then one per parameter");
    if (t->ncol != n + 1 || t->nrow != n)
        return error_set(ld->err, ERROR_INPUT, t->file, t->line[0], "uncertainty.covariance",
                         "expected %zu parameters as columns and rows (those of "
                         "uncertainty.parameters), got %zu columns and %zu rows",
                         n, t->ncol ? t->ncol - 1 : 0, t->nrow);
    for (size_t i = 0; i < n; i++)
        if ((col[i] = table_column(t, sc->params[i].key)) < 1)
            return error_set(ld->err, ERROR_INPUT, t->file, t->line[0], sc->params[i].key,
                             "no column for this parameter");
    for (size_t r = 0; r < n; r++) {
        const char *key = table_cell(t, r, 0);
        size_t i = 0;
        while (i < n && strcmp(sc->params[i].key, key))
            i++;
        if (i == n)
            return error_set(ld->err, ERROR_INPUT, t->file, t->line[r + 1], "parameter",
                             "'%.80s' is not a parameter of uncertainty.parameters", key);
        for (size_t j = 0; j < n; j++)
            if (cell_number(ld, t, r, col[j], &cov[i * n + j]))
                return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double se2 = sc->params[i].se * sc->params[i].se;
        if (fabs(cov[i * n + i] - se2) > 1e-6 * fmax(se2, 1e-300))
            return error_set(ld->err, ERROR_INPUT, t->file, t->line[1], sc->params[i].key,
                             "the variance %.10g does not match se squared (%.10g) in "
                             "uncertainty.parameters",
                             cov[i * n + i], se2);
        for (size_t j = 0; j < i; j++)
            if (fabs(cov[i * n + j] - cov[j * n + i]) >
                1e-9 * sqrt(fmax(cov[i * n + i] * cov[j * n + j], 1e-300)))
                return error_set(ld->err, ERROR_INPUT, t->file, t->line[1], sc->params[i].key,
                                 "the covariance matrix is not symmetric");
    }
    return 0;
}

/* The lower Cholesky factor of cov over the parameters with a positive se (the others are
 * fixed: their rows and columns stay 0). */
static int cholesky(struct load *ld, const char *file, const double *cov, double *chol)
{
    size_t n = ld->sc->n_params, m = 0, idx[PARAMS_MAX];
    for (size_t i = 0; i < n; i++)
        if (ld->sc->params[i].se > 0)
            idx[m++] = i;
    memset(chol, 0, n * n * sizeof *chol);
    if (m == 0)
        return 0;
    gsl_set_error_handler_off(); /* a matrix that is not positive definite is bad input */
    gsl_matrix *a = gsl_matrix_alloc(m, m);
    if (!a)
        return scenario_oom(ld->err);
    for (size_t i = 0; i < m; i++)
        for (size_t j = 0; j < m; j++)
            gsl_matrix_set(a, i, j, cov[idx[i] * n + idx[j]]);
    int rc = gsl_linalg_cholesky_decomp1(a);
    if (rc == 0)
        for (size_t i = 0; i < m; i++)
            for (size_t j = 0; j <= i; j++)
                chol[idx[i] * n + idx[j]] = gsl_matrix_get(a, i, j);
    gsl_matrix_free(a);
    if (rc)
        return error_set(ld->err, ERROR_INPUT, file, 1, "uncertainty.covariance",
                         "the covariance matrix is not positive definite");
    return 0;
}

/* Index of the parameter named by the n bytes at key, or -1. */
static int param_index(const struct scenario *sc, const char *key, size_t n)
{
    for (size_t i = 0; i < sc->n_params; i++)
        if (strlen(sc->params[i].key) == n && !strncmp(sc->params[i].key, key, n))
            return (int)i;
    return -1;
}

/* Holds the parameters held[i] at their values a[i]: se 0, their rows and columns of the
 * covariance 0, so draw_parameters leaves them there. The others keep the distribution they
 * were fitted with (their marginal): a campaign of another size or setting is a what-if, not
 * news about the campaign the parameters were fitted to, so it does not shift them. */
static void hold_at(struct scenario *sc, double *cov, const bool *held, const double *a)
{
    size_t n = sc->n_params;
    for (size_t i = 0; i < n; i++) {
        if (!held[i])
            continue;
        struct scenario_param *p = &sc->params[i];
        p->estimate = a[i];
        p->lower = fmin(p->lower, a[i]);
        p->upper = fmax(p->upper, a[i]);
        p->se = 0;
        for (size_t j = 0; j < n; j++)
            cov[i * n + j] = cov[j * n + i] = 0;
    }
}

/* The parameters held at the scenario's value rather than drawn: those uncertainty.fixed
 * names, and those a --set (or a sweep's --vary) gives, since an override means this value,
 * not draws around the fit; the others are drawn as fitted (hold_at). uncertainty.fixed is
 * rewritten to name every held parameter, so the resolved scenario runs the same. */
static int hold(struct load *ld, double *cov)
{
    struct scenario *sc = ld->sc;
    int k = KEY(uncertainty, fixed);
    bool held[PARAMS_MAX] = {false};
    double a[PARAMS_MAX];
    const char *list = sc->uncertainty.fixed;
    for (const char *q = list + strspn(list, ", \t"); *q; q += strspn(q, ", \t")) {
        size_t len = strcspn(q, ", \t");
        int i = param_index(sc, q, len);
        if (i < 0)
            return scenario_key_error(ld, k, "'%.*s' is not a parameter of uncertainty.parameters",
                                      (int)(len > 80 ? 80 : len), q);
        held[i] = true;
        q += len;
    }
    bool any = false;
    for (size_t i = 0; i < sc->n_params; i++) {
        int key = scenario_key_find(sc->params[i].key);
        held[i] |= key >= 0 && ld->key_set[key] > 0;
        if (held[i] && scenario_number(sc, sc->params[i].key, &a[i]))
            return scenario_key_error(ld, k, "%s is not a number key", sc->params[i].key);
        any |= held[i];
    }
    if (!any)
        return 0;
    size_t used = 0;
    for (size_t i = 0; i < sc->n_params; i++)
        if (held[i]) {
            int w = snprintf(sc->uncertainty.fixed + used, sizeof sc->uncertainty.fixed - used,
                             "%s%s", used ? ", " : "", sc->params[i].key);
            if (w < 0 || (size_t)w >= sizeof sc->uncertainty.fixed - used)
                return scenario_key_error(ld, k, "too many parameters held");
            used += (size_t)w;
        }
    hold_at(sc, cov, held, a);
    return 0;
}

int scenario_params_load(struct load *ld)
{
    struct scenario *sc = ld->sc;
    if (!sc->uncertainty.parameters[0]) {
        if (sc->uncertainty.covariance[0])
            return scenario_key_error(ld, KEY(uncertainty, covariance),
                                      "a covariance needs uncertainty.parameters too");
        if (sc->uncertainty.fixed[strspn(sc->uncertainty.fixed, ", \t")])
            return scenario_key_error(ld, KEY(uncertainty, fixed),
                                      "parameters to hold need uncertainty.parameters too");
        return 0;
    }
    char display[SCENARIO_PATH_MAX + 64], where[sizeof ld->err->file];
    struct text_origin origin = {where, 0};
    int k = KEY(uncertainty, parameters);
    scenario_table_where(ld, k, display, sizeof display, where, sizeof where, &origin.line);
    struct table t;
    if (table_read(&t, sc->uncertainty.parameters, display, FILE_SIZE_MAX, PARAMS_MAX + 1, &origin,
                   scenario_keys[k].full, ld->err))
        return -1;
    int rc = params_read(ld, &t);
    table_cleanup(&t);
    size_t n = sc->n_params;
    double *cov = rc ? NULL : calloc(n * n, sizeof *cov);
    if (rc == 0 && (!cov || !(sc->param_chol = calloc(n * n, sizeof *sc->param_chol))))
        rc = scenario_oom(ld->err);
    if (rc == 0 && sc->uncertainty.covariance[0]) {
        k = KEY(uncertainty, covariance);
        scenario_table_where(ld, k, display, sizeof display, where, sizeof where, &origin.line);
        if ((rc = table_read(&t, sc->uncertainty.covariance, display, FILE_SIZE_MAX, PARAMS_MAX + 1,
                             &origin, scenario_keys[k].full, ld->err)) == 0) {
            rc = covariance_read(ld, &t, cov);
            table_cleanup(&t);
        }
    } else if (rc == 0) {
        for (size_t i = 0; i < n; i++)
            cov[i * n + i] = sc->params[i].se * sc->params[i].se;
    }
    if (rc == 0)
        rc = hold(ld, cov);
    if (rc == 0)
        rc = cholesky(ld, display, cov, sc->param_chol);
    free(cov);
    return rc;
}
