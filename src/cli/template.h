/* template.h - the scenario `switchsim new` writes (template.c). */
#ifndef SWITCHSIM_TEMPLATE_H
#define SWITCHSIM_TEMPLATE_H

extern const char *const template_market, *const template_suppliers, *const template_profile;
extern const char *const template_parameters, *const template_covariance;
extern const double template_intercept, template_paper_coef, template_saving_coef;

#endif
