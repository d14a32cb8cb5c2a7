/* offers.h - how a household answers its personal offer: whether and when it accepts. */
#ifndef SWITCHSIM_OFFERS_H
#define SWITCHSIM_OFFERS_H

#include <stdbool.h>

#include "switchsim/scenario.h"

/* The probability of accepting within the acceptance window if no reminder came:
 * decisions.fixed_probability when that is set (>= 0), else the logistic curve of
 * decisions.* in the saving (£/year), channel and vulnerability, and 0 when the offer
 * saves nothing. */
double offer_accept_probability(const struct scenario *sc, double saving, bool paper,
                                bool vulnerable);

/* When a household with base probability p accepts, given e, a draw from Exp(1).
 * Acceptance has a constant base hazard h0 = -ln(1 - p) / window, multiplied by
 * (1 + reminder_lift * k) once k reminders have arrived (reminder k comes
 * offers.reminder_days[k] days after the offer). Returns the days from receipt to
 * acceptance, or a negative number when the household declines (e exceeds the cumulative
 * hazard of the whole window). */
double offer_accept_delay(const struct scenario *sc, double p, double e);

/* The probability of accepting at all, reminders included: 1 - exp(-cumulative hazard). */
double offer_accept_total_probability(const struct scenario *sc, double p);

#endif
