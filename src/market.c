/* market.c - tariffs and what they cost a household over a year. */
#include "market.h"

double market_tariff_cost(const struct tariff *t, double elec_kwh, double gas_kwh, bool dual)
{
    /* Rates are pence: per kWh, and per day for standing charges. */
    double pence = t->elec_unit * elec_kwh + t->elec_standing * 365.0;
    if (dual)
        pence += t->gas_unit * gas_kwh + t->gas_standing * 365.0;
    return pence / 100.0;
}

double market_reference_cost(const struct scenario *sc, int row, double index)
{
    return index * market_tariff_cost(&sc->market[row].tariff, sc->auction.reference_elec_kwh,
                                      sc->auction.reference_gas_kwh, true);
}

double market_average_cost(const struct scenario *sc, enum payment payment, double index)
{
    double sum = 0;
    for (size_t i = 0; i < sc->n_market; i++)
        if (sc->market[i].payment == payment)
            sum += sc->market[i].share * market_reference_cost(sc, (int)i, index);
    return sum;
}

int market_best_row(const struct scenario *sc, enum payment payment)
{
    int best = -1;
    double best_cost = 0;
    for (size_t i = 0; i < sc->n_market; i++) {
        if (sc->market[i].payment != payment)
            continue;
        double c = market_reference_cost(sc, (int)i, 1.0);
        if (best < 0 || c < best_cost) {
            best = (int)i;
            best_cost = c;
        }
    }
    return best;
}
