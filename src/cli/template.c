/* template.c - the scenario `switchsim new` writes: the calibrated February 2015 auction's
 * tables (tests/test_cli.c checks they are scenarios/lga-2015-02's), and its fitted decision
 * terms with their uncertainty. */
#include "template.h"

const char *const template_market =
    "supplier,payment,elec_unit_p,elec_standing_p_day,gas_unit_p,gas_standing_p_day,share\n"
    "British Gas standard,direct_debit,15.05,26.00,4.62,26.80,0.20\n"
    "EDF Energy standard,direct_debit,14.60,17.50,4.62,23.00,0.08\n"
    "E.ON standard,direct_debit,15.20,18.00,4.55,24.00,0.10\n"
    "npower standard,direct_debit,15.30,20.00,4.75,17.00,0.08\n"
    "Scottish Power standard,direct_debit,15.10,19.00,4.70,22.00,0.08\n"
    "SSE standard,direct_debit,14.60,22.00,4.60,26.00,0.10\n"
    "Big six fixed 2016,direct_debit,13.00,22.00,3.95,22.00,0.24\n"
    "Smaller supplier A fixed,direct_debit,11.40,20.00,3.55,20.00,0.07\n"
    "Smaller supplier B variable,direct_debit,12.00,17.00,3.60,18.00,0.05\n"
    "British Gas standard,standard_credit,16.03,27.69,4.92,28.54,0.24\n"
    "EDF Energy standard,standard_credit,15.55,18.64,4.92,24.49,0.12\n"
    "E.ON standard,standard_credit,16.19,19.17,4.85,25.56,0.13\n"
    "npower standard,standard_credit,16.29,21.30,5.06,18.11,0.12\n"
    "Scottish Power standard,standard_credit,16.08,20.23,5.01,23.43,0.12\n"
    "SSE standard,standard_credit,15.55,23.43,4.90,27.69,0.12\n"
    "Smaller supplier B variable,standard_credit,12.80,18.10,3.83,19.20,0.15\n"
    "British Gas prepayment,prepayment,15.95,30.56,4.90,31.41,0.26\n"
    "EDF Energy prepayment,prepayment,15.48,21.55,4.90,27.38,0.14\n"
    "E.ON prepayment,prepayment,16.11,22.08,4.82,28.44,0.14\n"
    "npower prepayment,prepayment,16.22,24.20,5.04,21.02,0.14\n"
    "Scottish Power prepayment,prepayment,16.01,23.14,4.98,26.32,0.12\n"
    "SSE prepayment,prepayment,15.48,26.32,4.88,30.56,0.12\n"
    "Smaller supplier A prepayment,prepayment,14.80,22.00,4.55,22.00,0.08\n";

const char *const template_suppliers =
    "supplier,participation,cost_low,cost_high,strategy,markup,capacity\n"
    "Supplier A,0.95,944,996,equilibrium,,0\n"
    "Supplier B,0.90,944,996,equilibrium,,0\n"
    "Supplier C,0.90,944,996,equilibrium,,0\n"
    "Supplier D,0.85,944,996,equilibrium,,0\n"
    "Supplier E,0.80,944,996,equilibrium,,0\n"
    "Supplier F,0.70,936,991,markup,0.03,0\n"
    "Supplier G,0.60,936,991,markup,0.04,20000\n"
    "Supplier H,0.50,946,1001,markup,0.03,0\n";

const char *const template_profile =
    "day,weight\n"
    "0,3.00\n"
    "1,2.40\n"
    "2,1.80\n"
    "3,1.00\n"
    "4,1.00\n"
    "5,1.00\n"
    "6,1.00\n"
    "7,1.00\n"
    "8,1.00\n"
    "9,1.00\n"
    "10,1.00\n"
    "11,1.00\n"
    "12,1.00\n"
    "13,1.00\n"
    "14,2.50\n"
    "15,2.20\n"
    "16,1.90\n"
    "17,1.60\n"
    "18,1.00\n"
    "19,1.00\n"
    "20,1.00\n"
    "21,1.00\n"
    "22,1.00\n"
    "23,1.00\n"
    "24,1.00\n"
    "25,1.00\n"
    "26,1.00\n"
    "27,1.00\n"
    "28,1.00\n"
    "29,1.00\n"
    "30,1.00\n"
    "31,1.80\n"
    "32,2.20\n"
    "33,2.60\n"
    "34,3.00\n";

/* The decision terms of lga-2015-02/parameters.csv and covariance.csv: the registration count
 * and paper share are left out, a new campaign's own. */
const char *const template_parameters =
    "parameter,estimate,se,ci95_low,ci95_high,lower,upper\n"
    "decisions.intercept,-4.716718529,0.774152332,-6.2340571,-3.199379958,-100,100\n"
    "decisions.paper_coef,3.060573793,0.6162792971,1.85266637,4.268481215,-100,100\n"
    "decisions.saving_coef,0.598620689,0.1122748999,0.3785618852,0.8186794929,0,5\n";

const char *const template_covariance =
    "parameter,decisions.intercept,decisions.paper_coef,decisions.saving_coef\n"
    "decisions.intercept,0.5993118331,-0.4564754237,-0.06913121134\n"
    "decisions.paper_coef,-0.4564754237,0.3798001721,0.04506684408\n"
    "decisions.saving_coef,-0.06913121134,0.04506684408,0.01260565316\n";

const double template_intercept = -4.716718529, template_paper_coef = 3.060573793, template_saving_coef = 0.598620689;
