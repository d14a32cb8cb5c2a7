/* new.c - `switchsim new NAME`: a commented scenario to start from, with its tables. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "switchsim/output.h"
#include "template.h"

/* The INI of a new scenario: the calibrated auction, with what to change first. */
static void write_ini(FILE *f, const char *name)
{
    fprintf(f,
            "; %s.ini - a collective switching campaign, started from the calibrated February "
            "2015\n; auction (switchsim's scenarios/lga-2015-02.ini). Change first what marks "
            "CHANGE below;\n; `switchsim check %s.ini` lists every key with its default, and "
            "`switchsim run %s.ini`\n; runs it.\n\n",
            name, name, name);
    fprintf(f,
            "[scenario]\n; a name for result folders and chart titles\nname = %s\nrounds = 1\n"
            "replications = 50\nseed = 1\n\n",
            name);
    fputs("[registration]\n"
          "; CHANGE: how many households you expect to register. Earlier collective switches "
          "saw 7-13%\n; of those who registered switch (README); a live forecast narrows this "
          "from the sign-ups.\nexpected = 20000\n"
          "; how sure you are of it, for live forecasts (0 = half of it)\nexpected_sd = 0\n"
          "; CHANGE: the share registering on paper (the Which? Big Switch of 2012 had 11%)\n"
          "paper_share = 0.11\nwindow_days = 35\n"
          "; the daily shape of registrations (launch, a mailing, the deadline)\n",
          f);
    fprintf(f, "profile = %s/profile.csv\n\n", name);
    fputs("[paper]\n; enough clerks for your paper forms: each enters forms_per_clerk_day\n"
          "clerks = 2\nforms_per_clerk_day = 80\npostal_delay_min = 1\npostal_delay_max = 3\n\n"
          "[households]\n; CHANGE: the current tariffs of your households' market (who pays "
          "what, and each\n; tariff's share within its payment method)\n",
          f);
    fprintf(f, "market = %s/market.csv\n\n", name);
    fputs("[auction]\nrule = first_price\nday = 36\n"
          "; best: the reserve is the market's best tariff (every offer saves); average: its "
          "share-\n; weighted average, as schemes measured against the big suppliers' standard "
          "tariffs are\nbenchmark = best\nreserve_margin = 10\n"
          "; CHANGE: the bidders. cost_low and cost_high are what it costs each to supply the "
          "reference\n; household (3,200 kWh electricity, 13,500 kWh gas) for a year on direct "
          "debit, in £; the\n; winning bid lands near the low end of the cheapest ones, and "
          "sets every saving. An\n; equilibrium bidder needs no markup (leave it empty).\n",
          f);
    fprintf(f, "suppliers = %s/suppliers.csv\n\n", name);
    fprintf(f,
            "[offers]\nsend_delay_days = 14\nwindow_days = 28\nreminder_days = 7,21\n\n"
            "[decisions]\n; How households answer their offer, fitted to the February 2015 "
            "auction. Keep these\n; unless you calibrate to your own past rounds (switchsim "
            "calibrate): the key defaults\n; (intercept -1.5, paper_coef 1) are not fitted and "
            "give far higher conversion.\nintercept = %.10g\nsaving_coef = %.10g\n"
            "paper_coef = %.10g\n\n",
            template_intercept, template_saving_coef, template_paper_coef);
    fprintf(f,
            "[uncertainty]\n; how unsure the fit left the decision terms: every replication "
            "draws them, so\n; the run's forecast ranges carry it\nparameters = "
            "%s/parameters.csv\ncovariance = %s/covariance.csv\n",
            name, name);
}

static int write_new(const char *path, const char *text, void (*ini)(FILE *, const char *),
                     const char *name, struct error *err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    if (fd < 0)
        return error_set(err, errno == EEXIST ? ERROR_INPUT : ERROR_SYSTEM, path, 0, "",
                         errno == EEXIST ? "already exists: new writes only new files"
                                         : "cannot write: %s",
                         strerror(errno));
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return error_set(err, ERROR_SYSTEM, path, 0, "", "cannot write: %s", strerror(errno));
    }
    if (ini)
        ini(f, name);
    else
        fputs(text, f);
    if (ferror(f) | fclose(f)) {
        unlink(path);
        return error_set(err, ERROR_SYSTEM, path, 0, "", "cannot write: %s", strerror(errno));
    }
    return 0;
}

int cli_new(struct options *o)
{
    const char *name = o->paths[0];
    struct error err = {0};
    if (!*name || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
                      strlen(name) ||
        name[0] == '.' || strlen(name) > 100)
        return cli_bad_usage("new %s: a name of letters, digits, '_', '-' and '.' (not first)",
                             name);
    const char *dir = o->s.out_dir ? o->s.out_dir : ".";
    char ini[1200], tables[1200], path[1300];
    snprintf(ini, sizeof ini, "%s/%s.ini", dir, name);
    snprintf(tables, sizeof tables, "%s/%s", dir, name);
    if (access(ini, F_OK) == 0 || access(tables, F_OK) == 0)
        return cli_bad_usage("new %s: the scenario or its folder already exists", name);
    if (output_make_dir(tables)) {
        error_set(&err, ERROR_SYSTEM, tables, 0, "", "cannot create folder: %s", strerror(errno));
        return cli_report(&err);
    }
    static const char *const files[] = {"market.csv", "suppliers.csv", "profile.csv",
                                        "parameters.csv", "covariance.csv"};
    const char *const texts[] = {template_market, template_suppliers, template_profile,
                                 template_parameters, template_covariance};
    int rc = 0;
    for (size_t k = 0; k < sizeof files / sizeof *files && rc == 0; k++) {
        snprintf(path, sizeof path, "%s/%s", tables, files[k]);
        rc = write_new(path, texts[k], NULL, NULL, &err);
    }
    if (rc == 0)
        rc = write_new(ini, NULL, write_ini, name, &err);
    if (rc)
        return cli_report(&err);
    if (!o->quiet)
        printf("wrote %s and its tables in %s/: change what marks CHANGE, then switchsim run "
               "%s\n",
               ini, tables, ini);
    return EXIT_OK;
}
