/* households.c - drawing households and costing their energy. */
#include <math.h>
#include <stdlib.h>

#include <gsl/gsl_cdf.h>

#include "households.h"
#include "market.h"
#include "stream.h"

int household_model_init(struct household_model *hm, const struct scenario *sc)
{
    *hm = (struct household_model){0};
    double z90 = gsl_cdf_ugaussian_Pinv(0.9);
    hm->elec_mu = log(sc->households.elec_median_kwh);
    hm->elec_sigma = log(sc->households.elec_p90_kwh / sc->households.elec_median_kwh) / z90;
    hm->gas_mu = log(sc->households.gas_median_kwh);
    hm->gas_sigma = log(sc->households.gas_p90_kwh / sc->households.gas_median_kwh) / z90;
    double shares[PAY_COUNT] = {sc->households.direct_debit_share,
                                sc->households.standard_credit_share,
                                sc->households.prepayment_share};
    double acc = 0;
    for (int p = 0; p < PAY_COUNT; p++) {
        acc += shares[p];
        hm->payment_cdf[p] = acc;
    }
    hm->payment_cdf[PAY_COUNT - 1] = 1.0;
    for (int p = 0; p < PAY_COUNT; p++) {
        hm->rows[p] = malloc((sc->n_market + 1) * sizeof *hm->rows[p]);
        hm->row_cdf[p] = malloc((sc->n_market + 1) * sizeof *hm->row_cdf[p]);
        if (!hm->rows[p] || !hm->row_cdf[p]) {
            household_model_cleanup(hm);
            return -1;
        }
        double total = 0;
        for (size_t i = 0; i < sc->n_market; i++)
            if ((int)sc->market[i].payment == p)
                total += sc->market[i].share;
        double run = 0;
        for (size_t i = 0; i < sc->n_market; i++) {
            if ((int)sc->market[i].payment != p || sc->market[i].share <= 0)
                continue;
            run += sc->market[i].share / total;
            hm->rows[p][hm->n_rows[p]] = (int)i;
            hm->row_cdf[p][hm->n_rows[p]++] = run;
        }
        if (hm->n_rows[p] > 0)
            hm->row_cdf[p][hm->n_rows[p] - 1] = 1.0;
    }
    return 0;
}

void household_model_cleanup(struct household_model *hm)
{
    for (int p = 0; p < PAY_COUNT; p++) {
        free(hm->rows[p]);
        free(hm->row_cdf[p]);
        hm->rows[p] = NULL;
        hm->row_cdf[p] = NULL;
        hm->n_rows[p] = 0;
    }
}

uint16_t household_market_row(const struct household_model *hm, enum payment p, double u)
{
    int n = hm->n_rows[p];
    if (n == 0)
        return 0; /* a method with no rows has a share of 0, drawn only when the shares sum
                   * to a hair under 1: its lot has no tariff, so it is offered nothing */
    int i = 0;
    while (i < n - 1 && u >= hm->row_cdf[p][i])
        i++;
    return (uint16_t)hm->rows[p][i];
}

void household_draw(const struct household_model *hm, const struct scenario *sc, gsl_rng *r,
                    struct household *hh)
{
    double u_dual = stream_uniform(r);
    double u_pay = stream_uniform(r);
    double u_vuln = stream_uniform(r);
    double z_elec = stream_ugaussian(r);
    double z_gas = stream_ugaussian(r);
    double u_row = stream_uniform(r);

    int p = 0;
    while (p < PAY_COUNT - 1 && u_pay >= hm->payment_cdf[p])
        p++;
    hh->payment = (uint8_t)p;
    hh->flags = 0;
    if (u_dual < sc->households.dual_fuel_share)
        hh->flags |= HH_DUAL;
    if (u_vuln < sc->households.vulnerable_share)
        hh->flags |= HH_VULNERABLE;
    hh->elec_kwh = (float)exp(hm->elec_mu + hm->elec_sigma * z_elec);
    hh->gas_kwh = (float)exp(hm->gas_mu + hm->gas_sigma * z_gas);
    hh->saving = 0;
    hh->market_row = household_market_row(hm, (enum payment)p, u_row);
}

double household_cost(const struct household *hh, const struct tariff *t)
{
    return market_tariff_cost(t, hh->elec_kwh, hh->gas_kwh, hh->flags & HH_DUAL);
}
