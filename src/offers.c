/* offers.c - how a household answers its personal offer: whether and when it accepts. */
#include <math.h>

#include "offers.h"

double offer_accept_probability(const struct scenario *sc, double saving, bool paper,
                                bool vulnerable)
{
    if (!(saving > 0))
        return 0.0; /* nobody switches to pay more */
    if (sc->decisions.fixed_probability >= 0)
        return sc->decisions.fixed_probability;
    double x = sc->decisions.intercept + sc->decisions.saving_coef * saving / 100.0 +
               (paper ? sc->decisions.paper_coef : 0.0) +
               (vulnerable ? sc->decisions.vulnerable_coef : 0.0);
    return 1.0 / (1.0 + exp(-x));
}

/* Walks the piecewise-constant hazard over the window. With e = INFINITY it returns the
 * cumulative hazard of the whole window in *total; otherwise the time where it reaches e. */
static double walk(const struct scenario *sc, double h0, double e, double early, double *total)
{
    double window = sc->offers.window_days;
    double lift = sc->decisions.reminder_lift;
    double t = 0, cum = 0;
    int k = 0;
    while (t < window) {
        double end = window;
        if (k < sc->offers.n_reminders && sc->offers.reminder_days[k] - early < window)
            end = fmax(t, sc->offers.reminder_days[k] - early);
        double rate = h0 * (1.0 + lift * k);
        double seg = rate * (end - t);
        if (cum + seg >= e)
            return t + (e - cum) / rate;
        cum += seg;
        t = end;
        if (k < sc->offers.n_reminders && sc->offers.reminder_days[k] - early < window)
            k++;
        else
            break;
    }
    if (total)
        *total = cum;
    return -1.0;
}

double offer_accept_delay(const struct scenario *sc, double p, double e, double early)
{
    if (p <= 0.0)
        return -1.0;
    if (p >= 1.0)
        return 0.0;
    double h0 = -log1p(-p) / sc->offers.window_days;
    return walk(sc, h0, e, early, NULL);
}

double offer_accept_total_probability(const struct scenario *sc, double p, double early)
{
    if (p <= 0.0)
        return 0.0;
    if (p >= 1.0)
        return 1.0;
    double total = 0;
    walk(sc, -log1p(-p) / sc->offers.window_days, INFINITY, early, &total);
    return -expm1(-total);
}
