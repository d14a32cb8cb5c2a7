/* scenario.c - reading, validating and writing scenarios: one key table drives it all. The
 * loader's parts live beside it: keys.c (the key table), values.c (parsing values), ini.c
 * (the INI file and --set), tables.c (the CSV tables); they share scenario_int.h. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <unistd.h>

#include "switchsim/metric.h"
#include "scenario_int.h"
#include "text.h"

/* ---------------------------------------------------------------------------------------
 * Rules that involve more than one key. */

static int scalar_checks(struct load *ld)
{
    const struct scenario *sc = ld->sc;
    for (size_t k = 0; k < scenario_n_keys; k++)
        if (!scenario_keys[k].def && !ld->key_line[k] && !ld->key_set[k])
            return scenario_key_error(ld, (int)k, "missing required key (add it under [%s])",
                                      scenario_keys[k].section);

    int dd = KEY(households, direct_debit_share), scr = KEY(households, standard_credit_share),
        pp = KEY(households, prepayment_share);
    double sum = sc->households.direct_debit_share + sc->households.standard_credit_share +
                 sc->households.prepayment_share;
    if (fabs(sum - 1) > SHARE_TOLERANCE)
        return scenario_key_error(ld, scenario_blame(ld, scenario_blame(ld, dd, scr), pp),
                                  "payment shares must sum to 1: direct_debit %s + standard_credit "
                                  "%s + prepayment %s = %.10g",
                                  scenario_shortest(sc->households.direct_debit_share).s,
                                  scenario_shortest(sc->households.standard_credit_share).s,
                                  scenario_shortest(sc->households.prepayment_share).s, sum);

    int lo = KEY(paper, postal_delay_min), hi = KEY(paper, postal_delay_max);
    if (sc->paper.postal_delay_min > sc->paper.postal_delay_max)
        return scenario_key_error(ld, scenario_blame(ld, lo, hi),
                                  "paper.postal_delay_min (%s) is greater than "
                                  "paper.postal_delay_max (%s)",
                                  scenario_shortest(sc->paper.postal_delay_min).s,
                                  scenario_shortest(sc->paper.postal_delay_max).s);

    if (sc->paper.clerks == 0 && sc->registration.paper_share > 0)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(paper, clerks), KEY(registration, paper_share)),
            "paper.clerks must be at least 1 when registration.paper_share "
            "is above 0");

    if (sc->households.elec_p90_kwh < sc->households.elec_median_kwh)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(households, elec_median_kwh), KEY(households, elec_p90_kwh)),
            "households.elec_p90_kwh (%s) is below households.elec_median_kwh "
            "(%s)",
            scenario_shortest(sc->households.elec_p90_kwh).s,
            scenario_shortest(sc->households.elec_median_kwh).s);
    if (sc->households.gas_p90_kwh < sc->households.gas_median_kwh)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(households, gas_median_kwh), KEY(households, gas_p90_kwh)),
            "households.gas_p90_kwh (%s) is below households.gas_median_kwh "
            "(%s)",
            scenario_shortest(sc->households.gas_p90_kwh).s,
            scenario_shortest(sc->households.gas_median_kwh).s);

    if (sc->auction.day < sc->registration.window_days)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(auction, day), KEY(registration, window_days)),
            "auction.day (%s) is before the registration window closes "
            "(registration.window_days = %s)",
            scenario_shortest(sc->auction.day).s, scenario_shortest(sc->registration.window_days).s);

    if (sc->scenario.rounds > 1 && sc->auction.day > sc->scenario.interval_days)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(auction, day), KEY(scenario, interval_days)),
            "auction.day (%s) comes after the next round starts "
            "(scenario.interval_days = %s)",
            scenario_shortest(sc->auction.day).s, scenario_shortest(sc->scenario.interval_days).s);

    int n = sc->offers.n_reminders;
    if (n > 0 && sc->offers.reminder_days[n - 1] > sc->offers.window_days)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(offers, reminder_days), KEY(offers, window_days)),
            "reminder on day %s comes after the acceptance window "
            "(offers.window_days = %s)",
            scenario_shortest(sc->offers.reminder_days[n - 1]).s,
            scenario_shortest(sc->offers.window_days).s);

    double fp = sc->decisions.fixed_probability;
    if (fp < 0 && fp != -1)
        return scenario_key_error(
            ld, KEY(decisions, fixed_probability),
            "must be -1 (use the logistic curve) or a probability 0..1, got %s",
            scenario_shortest(fp).s);

    int bin = KEY(output, savings_bin), max = KEY(output, savings_max);
    if (sc->output.savings_max < sc->output.savings_bin)
        return scenario_key_error(ld, scenario_blame(ld, bin, max),
                                  "output.savings_max (%s) is smaller than one bin "
                                  "(output.savings_bin = %s)",
                                  scenario_shortest(sc->output.savings_max).s,
                                  scenario_shortest(sc->output.savings_bin).s);
    if (sc->output.savings_max / sc->output.savings_bin > 1e6)
        return scenario_key_error(ld, scenario_blame(ld, bin, max),
                                  "more than a million histogram bins");

    /* Only rounds x interval can reach the ceiling: the other terms are at most 3650 days. */
    double horizon = scenario_horizon_days(sc);
    if (horizon > SCENARIO_HORIZON_MAX_DAYS)
        return scenario_key_error(
            ld, scenario_blame(ld, KEY(scenario, rounds), KEY(scenario, interval_days)),
            "%d rounds %s days apart simulate %.0f days; at most %d (daily.csv has a row "
            "per day)",
            sc->scenario.rounds, scenario_shortest(sc->scenario.interval_days).s, ceil(horizon),
            SCENARIO_HORIZON_MAX_DAYS);
    return 0;
}

double scenario_horizon_days(const struct scenario *sc)
{
    double postal = fmax(sc->paper.postal_delay_max, sc->offers.email_delay_max_days);
    return (sc->scenario.rounds - 1) * sc->scenario.interval_days +
           fmax(sc->auction.day, sc->registration.window_days) + sc->offers.send_delay_days +
           postal + sc->offers.window_days + sc->switching.cooling_off_days +
           sc->switching.transfer_days + 1.0;
}

double scenario_memory_budget(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
    double memory = pages > 0 && page > 0 ? (double)pages * (double)page : 4e9;
    /* a container's limit: cgroup v2, then v1 ("max" or a huge number when there is none) */
    const char *limits[] = {"/sys/fs/cgroup/memory.max",
                            "/sys/fs/cgroup/memory/memory.limit_in_bytes"};
    for (size_t k = 0; k < sizeof limits / sizeof *limits; k++) {
        FILE *f = fopen(limits[k], "r");
        double limit;
        if (f && fscanf(f, "%lf", &limit) == 1 && limit > 0 && limit < memory)
            memory = limit;
        if (f)
            fclose(f);
    }
    return memory / 2;
}

/* Bytes kept per replication and round: every metric, and a bid of each supplier per lot. */
#define RESULT_BYTES(n_suppliers) (8.0 * M_COUNT + 16.0 * PAY_COUNT * (double)(n_suppliers))

/* What one scenario may ask of a run, now that its tables say how many households each round
 * draws: the households of a replication, and the run's estimated peak memory. */
static int limits_check(struct load *ld, const struct scenario_limits *lim)
{
    const struct scenario *sc = ld->sc;
    double households = 0;
    for (int r = 0; r < sc->scenario.rounds; r++)
        households += sc->registration.expected * sc->round_rows[r].registration_index;
    int expected = KEY(registration, expected);
    int blame =
        sc->scenario.rounds > 1 ? scenario_blame(ld, expected, KEY(scenario, rounds)) : expected;
    if (households > SCENARIO_HOUSEHOLDS_MAX)
        return scenario_key_error(ld, blame,
                                  "a replication would draw about %.0f households "
                                  "(registration.expected x registration_index, over %d "
                                  "round%s); at most %d",
                                  households, sc->scenario.rounds,
                                  sc->scenario.rounds == 1 ? "" : "s", SCENARIO_HOUSEHOLDS_MAX);
    double threads =
        lim->threads < sc->scenario.replications ? lim->threads : sc->scenario.replications;
    if (threads < 1)
        threads = 1;
    double bins = ceil(sc->output.savings_max / sc->output.savings_bin) + 2;
    double per_thread = households * SCENARIO_HOUSEHOLD_BYTES +
                        ceil(scenario_horizon_days(sc)) * 8.0 * DAILY_COUNT + bins * 8.0;
    double kept =
        2.0 * sc->scenario.replications * sc->scenario.rounds * RESULT_BYTES(sc->n_suppliers);
    double budget = lim->memory > 0 ? lim->memory : scenario_memory_budget();
    double need = threads * per_thread + kept;
    if (need <= budget)
        return 0;
    const double gib = 1024.0 * 1024 * 1024;
    if (threads * per_thread >= kept)
        return scenario_key_error(ld, blame,
                                  "a run would need about %.1f GiB (%.0f thread%s x %.0f "
                                  "households at %d bytes), more than the %.1f GiB allowed "
                                  "(half this machine's memory): lower it%s",
                                  need / gib, threads, threads == 1 ? "" : "s", households,
                                  SCENARIO_HOUSEHOLD_BYTES, budget / gib,
                                  threads > 1 ? ", or run on fewer threads (-j)" : "");
    return scenario_key_error(ld, KEY(scenario, replications),
                              "keeping the results of %d replications of %d round%s with %zu "
                              "suppliers needs about %.1f GiB, more than the %.1f GiB allowed "
                              "(half this machine's memory): run fewer replications (-r)",
                              sc->scenario.replications, sc->scenario.rounds,
                              sc->scenario.rounds == 1 ? "" : "s", sc->n_suppliers, need / gib,
                              budget / gib);
}

/* Makes every non-empty relative path absolute, against the scenario's directory. */
static int paths_resolve(struct load *ld)
{
    for (size_t k = 0; k < scenario_n_keys; k++) {
        if (scenario_keys[k].spec.type != V_PATH)
            continue;
        char *p = (char *)ld->sc + scenario_keys[k].spec.offset;
        if (p[0] == '\0' || p[0] == '/')
            continue;
        char joined[2 * SCENARIO_PATH_MAX + 2];
        snprintf(joined, sizeof joined, "%s/%s", ld->realdir, p);
        if (strlen(joined) >= scenario_keys[k].spec.size)
            return scenario_key_error(ld, (int)k,
                                      "path is too long once resolved (%zu bytes; at most %zu)",
                                      strlen(joined), scenario_keys[k].spec.size - 1);
        memset(p, 0, scenario_keys[k].spec.size);
        memcpy(p, joined, strlen(joined));
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Public functions. */

static int defaults_fill(struct scenario *sc, struct error *err)
{
    for (size_t k = 0; k < scenario_n_keys; k++) {
        char why[256];
        if (scenario_keys[k].def &&
            scenario_value_parse(&scenario_keys[k].spec, scenario_keys[k].def, sc, why,
                                 sizeof why) < 0)
            return error_set(err, ERROR_SYSTEM, "", 0, scenario_keys[k].full,
                             "bad built-in default: %s", why);
    }
    return 0;
}

static int dir_resolve(struct load *ld)
{
    char dir[SCENARIO_PATH_MAX];
    const char *slash = strrchr(ld->path, '/');
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == ld->path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - ld->path), ld->path);
    char *real = realpath(dir, NULL);
    if (!real) {
        char why[128];
        text_errno(errno, why, sizeof why);
        return error_set(ld->err, ERROR_INPUT, ld->path, 0, "", "cannot resolve its directory: %s",
                         why);
    }
    int rc = 0;
    if (strlen(real) >= sizeof ld->realdir)
        rc = error_set(ld->err, ERROR_INPUT, ld->path, 0, "", "directory path is too long");
    else
        snprintf(ld->realdir, sizeof ld->realdir, "%s", strcmp(real, "/") == 0 ? "" : real);
    free(real);
    return rc;
}

struct scenario *scenario_load(const char *path, const char *const *sets, size_t n_sets,
                               struct error *err)
{
    struct scenario_limits lim = {.threads = 1};
    return scenario_load_limited(path, sets, n_sets, &lim, err);
}

struct scenario *scenario_load_limited(const char *path, const char *const *sets, size_t n_sets,
                                       const struct scenario_limits *lim, struct error *err)
{
    struct scenario *sc = calloc(1, sizeof *sc);
    struct load *ld = sc ? scenario_load_create(sc, err) : NULL;
    if (!ld) {
        free(sc);
        scenario_oom(err);
        return NULL;
    }
    ld->path = path;
    ld->sets = sets;
    int rc = 0;
    if (strlen(path) >= sizeof sc->path)
        rc = error_set(err, ERROR_INPUT, path, 0, "", "path is too long");
    else
        snprintf(sc->path, sizeof sc->path, "%s", path);
    if (rc == 0)
        rc = defaults_fill(sc, err);
    if (rc == 0)
        rc = scenario_ini_load(ld);
    for (size_t i = 0; i < n_sets && rc == 0; i++)
        rc = scenario_set_apply(ld, i);
    if (rc == 0)
        rc = scalar_checks(ld);
    if (rc == 0)
        rc = dir_resolve(ld);
    if (rc == 0)
        rc = paths_resolve(ld);
    if (rc == 0)
        rc = scenario_tables_load(ld);
    if (rc == 0)
        rc = scenario_params_load(ld);
    if (rc == 0)
        rc = limits_check(ld, lim);
    scenario_load_destroy(ld);
    if (rc != 0) {
        scenario_destroy(sc);
        return NULL;
    }
    return sc;
}

const char *scenario_payment_name(enum payment p)
{
    return (unsigned)p < PAY_COUNT ? scenario_payment_names[p] : "?";
}

void scenario_destroy(struct scenario *sc)
{
    if (!sc)
        return;
    free(sc->market);
    free(sc->suppliers);
    free(sc->round_rows);
    free(sc->profile);
    free(sc->params);
    free(sc->param_chol);
    free(sc);
}

int scenario_write(const struct scenario *sc, FILE *out)
{
    int bad = fprintf(out,
                      "; %s - switchsim scenario, fully resolved (every key, defaults "
                      "filled in)\n",
                      sc->scenario.name) < 0;
    for (size_t k = 0; k < scenario_n_keys && !bad; k++) {
        if (k == 0 || strcmp(scenario_keys[k].section, scenario_keys[k - 1].section) != 0)
            bad |= fprintf(out, "\n[%s]\n", scenario_keys[k].section) < 0;
        char value[2 * SCENARIO_PATH_MAX];
        scenario_value_format(&scenario_keys[k].spec, sc, value, sizeof value);
        bad |= fprintf(out, "; %s [%s; default: %s%s]\n%s = %s\n", scenario_keys[k].doc,
                       scenario_keys[k].type_text,
                       scenario_keys[k].def
                           ? (scenario_keys[k].def[0] ? scenario_keys[k].def : "empty")
                           : "required",
                       scenario_keys[k].fit ? "; calibrate may fit it" : "",
                       scenario_keys[k].name, value) < 0;
    }
    return bad || ferror(out) ? -1 : 0;
}

size_t scenario_key_count(void)
{
    return scenario_n_keys;
}

int scenario_key_at(size_t i, struct scenario_key_info *info)
{
    if (i >= scenario_n_keys)
        return -1;
    info->name = scenario_keys[i].full;
    info->type = scenario_keys[i].type_text;
    info->default_text = scenario_keys[i].def;
    info->doc = scenario_keys[i].doc;
    info->fit = scenario_keys[i].fit;
    return 0;
}

int scenario_value_text(const struct scenario *sc, const char *key, char *buf, size_t size)
{
    int k = scenario_key_find(key);
    if (k < 0 || size == 0)
        return -1;
    char value[2 * SCENARIO_PATH_MAX];
    scenario_value_format(&scenario_keys[k].spec, sc, value, sizeof value);
    if (strlen(value) >= size)
        return -1;
    memcpy(buf, value, strlen(value) + 1);
    return 0;
}
