/* offers.h - how a household answers its personal offer: whether and when it accepts. */
#ifndef SWITCHSIM_OFFERS_H
#define SWITCHSIM_OFFERS_H

#include <stdbool.h>

#include "switchsim/scenario.h"

/* The probability of accepting within the acceptance window if no reminder came: 0 when
 * the offer saves nothing; otherwise decisions.fixed_probability when that is set (>= 0),
 * else the logistic curve of decisions.* in the saving (£/year), channel and
 * vulnerability. */
double offer_accept_probability(const struct scenario *sc, double saving, bool paper,
                                bool vulnerable);

/* When a household with base probability p accepts, given e, a draw from Exp(1).
 * Acceptance has a constant base hazard h0 = -ln(1 - p) / window (the window counted from
 * receipt), multiplied by (1 + reminder_lift * k) once k reminders have arrived. Reminder k
 * arrives offers.reminder_days[k] - early days after the offer did: early is how much
 * sooner reminders travel than the offer (an email reminder comes at once while the
 * emailed offer took a while; a paper household's reminders go by post like its offer, so
 * early is 0 for it). Returns the days from receipt to acceptance, or a negative number
 * when the household declines (e exceeds the cumulative hazard of the whole window). */
double offer_accept_delay(const struct scenario *sc, double p, double e, double early);

/* The probability of accepting at all, reminders included: 1 - exp(-cumulative hazard). */
double offer_accept_total_probability(const struct scenario *sc, double p, double early);

#endif
