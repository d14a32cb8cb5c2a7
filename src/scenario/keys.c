/* keys.c - the scenario key table, and finding keys by name (split off scenario.c). */
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

#include "scenario_int.h"

const char *const scenario_rule_names[] = {"first_price", "second_price", NULL};
static const char *const benchmark_names[] = {"best", "average", NULL};
const char *const scenario_strategy_names[] = {"markup", "equilibrium", NULL};
const char *const scenario_payment_names[PAY_COUNT + 1] = {"direct_debit", "standard_credit",
                                                           "prepayment", NULL};

/* ---------------------------------------------------------------------------------------
 * The key table. Keys of one section are adjacent; scenario_write keeps this order. */

#define REQUIRED NULL
#define AT(sec, key)                                                                               \
    .full = #sec "." #key, .section = #sec, .name = #key,                                          \
    .spec.offset = offsetof(struct scenario, sec.key),                                             \
    .spec.size = sizeof(((struct scenario *)0)->sec.key)
#define TEXT .spec.type = V_STRING, .spec.flags = F_NONEMPTY, .type_text = "text"
#define PATH .spec.type = V_PATH, .type_text = "path"
#define INT(lo, hi) .spec.type = V_INT, .spec.min = (lo), .spec.max = (hi), .type_text = "integer"
#define NUM(lo, hi) .spec.type = V_DOUBLE, .spec.min = (lo), .spec.max = (hi), .type_text = "number"
#define POS(hi)                                                                                    \
    .spec.type = V_DOUBLE, .spec.min = 0, .spec.max = (hi), .spec.flags = F_MIN_OPEN,              \
    .type_text = "number > 0"
#define PROB .spec.type = V_PROB, .spec.min = 0, .spec.max = 1, .type_text = "probability"
#define FIT .fit = true
#define ENUM(list, text) .spec.type = V_ENUM, .spec.names = (list), .type_text = (text)

const struct key scenario_keys[] = {
    {AT(scenario, name), TEXT, .def = REQUIRED,
     .doc = "name used for output folders and chart titles"},
    {AT(scenario, title), .spec.type = V_STRING, .type_text = "text", .def = "",
     .doc = "title of the report, bulletin and charts (any text); empty = the name"},
    {AT(scenario, sources), PATH, .def = "",
     .doc = "CSV key,source: where a key's value comes from (a scenario key, a citation), "
            "shown in the report's table of inputs; empty = none"},
    {AT(scenario, overrides), .spec.type = V_STRING, .type_text = "text", .def = "",
     .doc = "the --set overrides that made these results (switchsim records them; they change "
            "nothing)"},
    {AT(scenario, rounds), INT(1, 1000), .def = "1", .doc = "number of auction rounds"},
    {AT(scenario, replications), INT(1, 1000000), .def = "20",
     .doc = "replications when -r is not given"},
    {AT(scenario, seed), .spec.type = V_UINT64, .type_text = "integer >= 0", .def = "1",
     .doc = "random seed when -s is not given"},
    {AT(scenario, interval_days), POS(36500), .def = "91",
     .doc = "days between round starts (quarterly)"},

    {AT(registration, expected), FIT, NUM(0, 1e9), .def = REQUIRED,
     .doc = "expected registrations per round (Poisson mean)"},
    {AT(registration, expected_sd), NUM(0, 1e9), .def = "0",
     .doc = "sd of a live forecast's prior of registration.expected (a Gamma); 0 = half of it"},
    {AT(registration, paper_share), FIT, PROB, .def = "0.1",
     .doc = "share of registrations made on paper"},
    {AT(registration, window_days), POS(3650), .def = "28",
     .doc = "registration window in days from round start"},
    {AT(registration, profile), PATH, .def = "",
     .doc = "CSV day,weight: one row per window day 0..ceil(window)-1; empty = flat"},

    {AT(paper, clerks), INT(0, 100000), .def = "2", .doc = "clerks entering paper forms"},
    {AT(paper, forms_per_clerk_day), FIT, POS(1e6), .def = "60",
     .doc = "forms one clerk enters per day"},
    {AT(paper, postal_delay_min), NUM(0, 365), .def = "1",
     .doc = "shortest postal delay in days (uniform min..max)"},
    {AT(paper, postal_delay_max), NUM(0, 365), .def = "3", .doc = "longest postal delay in days"},

    {AT(households, dual_fuel_share), FIT, PROB, .def = "0.8",
     .doc = "share on dual fuel; the rest electricity only"},
    {AT(households, direct_debit_share), PROB, .def = "0.57",
     .doc = "share paying by direct debit; the three payment shares sum to 1"},
    {AT(households, standard_credit_share), PROB, .def = "0.27",
     .doc = "share paying on receipt of bill (standard credit)"},
    {AT(households, prepayment_share), PROB, .def = "0.16", .doc = "share on prepayment meters"},
    {AT(households, vulnerable_share), FIT, PROB, .def = "0.2",
     .doc = "share of vulnerable households"},
    {AT(households, elec_median_kwh), POS(1e6), .def = "3200",
     .doc = "median electricity use, kWh/year (Ofgem TDCV 2013, medium)"},
    {AT(households, elec_p90_kwh), POS(1e6), .def = "4900",
     .doc = "90th percentile electricity use, kWh/year (Ofgem TDCV 2013, high)"},
    {AT(households, gas_median_kwh), POS(1e6), .def = "13500",
     .doc = "median gas use, kWh/year (Ofgem TDCV 2013, medium)"},
    {AT(households, gas_p90_kwh), POS(1e6), .def = "19000",
     .doc = "90th percentile gas use, kWh/year (Ofgem TDCV 2013, high)"},
    {AT(households, market), PATH, .spec.flags = F_NONEMPTY, .def = REQUIRED,
     .doc = "CSV of current tariffs: supplier,payment,elec_unit_p,elec_standing_p_day,"
            "gas_unit_p,gas_standing_p_day,share"},

    {AT(auction, rule), ENUM(scenario_rule_names, "first_price|second_price"), .def = "first_price",
     .doc = "sealed-bid pricing rule"},
    {AT(auction, day), NUM(0, 3650), .def = "35",
     .doc = "auction day, days from round start (not before the window ends)"},
    {AT(auction, benchmark), ENUM(benchmark_names, "best|average"), .def = "best",
     .doc = "what the reserve is set against: the lot's best market tariff, or the "
            "share-weighted average of its market tariffs, for the reference household"},
    {AT(auction, reserve_margin), FIT, NUM(0, 1e5), .def = "0",
     .doc =
         "GBP/year the winner must beat the benchmark by (the reserve is the benchmark less this)"},
    {AT(auction, reference_elec_kwh), POS(1e6), .def = "3200",
     .doc = "reference household electricity use for ranking bids, kWh/year"},
    {AT(auction, reference_gas_kwh), NUM(0, 1e6), .def = "13500",
     .doc = "reference household gas use for ranking bids, kWh/year"},
    {AT(auction, suppliers), PATH, .spec.flags = F_NONEMPTY, .def = REQUIRED,
     .doc = "CSV of bidders: supplier,participation,cost_low,cost_high,strategy,markup,"
            "capacity"},

    {AT(offers, send_delay_days), NUM(0, 365), .def = "2",
     .doc = "days from the auction to offers going out"},
    {AT(offers, email_delay_max_days), NUM(0, 365), .def = "1",
     .doc = "emailed offers arrive uniformly within this many days"},
    {AT(offers, window_days), POS(3650), .def = "28",
     .doc = "days to accept, counted from receipt of the offer"},
    {AT(offers, reminder_days), .spec.type = V_DAYS,
     .spec.count_offset = offsetof(struct scenario, offers.n_reminders), .spec.min = 0,
     .spec.max = 3650, .type_text = "list of days", .def = "7,14",
     .doc = "days after the offer when reminders go out: ascending comma list, may be empty"},

    {AT(decisions, intercept), FIT, NUM(-100, 100), .def = "-1.5",
     .doc = "logistic intercept of acceptance"},
    {AT(decisions, saving_coef), FIT, NUM(0, 100), .def = "0.6",
     .doc = "logistic coefficient per GBP 100/year of saving"},
    {AT(decisions, paper_coef), FIT, NUM(-100, 100), .def = "1",
     .doc = "logistic term for paper registrations"},
    {AT(decisions, vulnerable_coef), FIT, NUM(-100, 100), .def = "0",
     .doc = "logistic term for vulnerable households"},
    {AT(decisions, reminder_lift), FIT, NUM(0, 100), .def = "0.5",
     .doc = "acceptance hazard x (1 + lift x reminders received)"},
    {AT(decisions, fixed_probability), NUM(-1, 1), .def = "-1",
     .doc = "-1: use the logistic curve; 0..1: accept with this probability instead"},

    {AT(switching, cooling_off_days), NUM(0, 365), .def = "14",
     .doc = "cooling-off period in days"},
    {AT(switching, cancel_prob), FIT, PROB, .def = "0.05",
     .doc = "probability of cancelling during cooling off"},
    {AT(switching, transfer_days), NUM(0, 365), .def = "21", .doc = "supplier transfer in days"},
    {AT(switching, fail_prob), FIT, PROB, .def = "0.02", .doc = "probability a transfer fails"},
    {AT(switching, fail_prob_prepayment), FIT, PROB, .def = "0.08",
     .doc = "probability a prepayment transfer fails"},

    {AT(rounds, table), PATH, .def = "",
     .doc = "CSV round,market_index,cost_index,registration_index (rows past scenario.rounds are "
            "ignored); empty = all 1"},
    {AT(rounds, reregister_prob), FIT, PROB, .def = "0.3",
     .doc = "probability a non-switcher registers again next round"},
    {AT(rounds, return_prob), FIT, PROB, .def = "0.5",
     .doc = "probability a switcher comes back when the fixed term ends"},
    {AT(rounds, fixed_term_days), POS(36500), .def = "365",
     .doc = "fixed-term length of the winning tariff in days"},

    {AT(uncertainty, parameters), PATH, .def = "",
     .doc = "CSV parameter,estimate,se,ci95_low,ci95_high[,lower,upper] of fitted keys (as "
            "calibrate writes it): each replication draws them; empty = none"},
    {AT(uncertainty, covariance), PATH, .def = "",
     .doc = "CSV of the parameters' covariance (as calibrate writes it); empty = independent, "
            "from their se"},
    {AT(uncertainty, fixed), .spec.type = V_STRING, .type_text = "list of keys", .def = "",
     .doc = "parameters held at this scenario's value, not drawn (the others are drawn as "
            "fitted); a --set or --vary of a parameter adds it"},

    {AT(output, savings_bin), POS(1e6), .def = "25", .doc = "GBP width of savings histogram bins"},
    {AT(output, savings_max), POS(1e7), .def = "1500",
     .doc = "GBP upper end of the savings histogram"},
};

const size_t scenario_n_keys = sizeof scenario_keys / sizeof scenario_keys[0];

int scenario_oom(struct error *err)
{
    return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
}

/* ---------------------------------------------------------------------------------------
 * Small helpers. */

/* Edit distance of two short strings, capped for long ones: for "did you mean". */
static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63)
        return SIZE_MAX;
    size_t row[64];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

int scenario_key_find(const char *full)
{
    for (size_t k = 0; k < scenario_n_keys; k++)
        if (strcmp(scenario_keys[k].full, full) == 0)
            return (int)k;
    return -1;
}

/* Index of the first key of section `name`, or -1. */
int scenario_section_find(const char *name, size_t len)
{
    for (size_t k = 0; k < scenario_n_keys; k++)
        if (strlen(scenario_keys[k].section) == len &&
            strncmp(scenario_keys[k].section, name, len) == 0)
            return (int)k;
    return -1;
}

/* " (did you mean X?)" for the closest key to `full`, or "". */
void scenario_key_suggest(const char *full, char *buf, size_t size)
{
    const char *dot = strchr(full, '.');
    const char *bare = dot ? dot + 1 : full;
    int best = -1;
    size_t best_d = 3; /* suggest only near misses */
    for (size_t k = 0; k < scenario_n_keys; k++) {
        size_t d = strcmp(scenario_keys[k].name, bare) == 0
                       ? 1
                       : edit_distance(scenario_keys[k].full, full);
        if (d < best_d) {
            best_d = d;
            best = (int)k;
        }
    }
    if (best >= 0)
        snprintf(buf, size, " (did you mean %s?)", scenario_keys[best].full);
    else
        buf[0] = '\0';
}

void scenario_section_list(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < scenario_n_keys; k++) {
        if (k > 0 && strcmp(scenario_keys[k].section, scenario_keys[k - 1].section) == 0)
            continue;
        int n =
            snprintf(buf + used, size - used, "%s%s", used ? ", " : "", scenario_keys[k].section);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* ---------------------------------------------------------------------------------------
 * Where a key came from, for errors that involve it. */

void scenario_key_where(const struct load *ld, int k, char *file, size_t size, int *line)
{
    if (ld->key_set[k]) {
        snprintf(file, size, "--set %s", ld->sets[ld->key_set[k] - 1]);
        *line = 0;
        return;
    }
    snprintf(file, size, "%s", ld->path);
    if (ld->key_line[k]) {
        *line = ld->key_line[k];
    } else {
        int first =
            scenario_section_find(scenario_keys[k].section, strlen(scenario_keys[k].section));
        *line = ld->section_line[first] ? ld->section_line[first] : 1;
    }
}

int scenario_key_error(struct load *ld, int k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

int scenario_key_error(struct load *ld, int k, const char *fmt, ...)
{
    char file[sizeof ld->err->file], msg[sizeof ld->err->message];
    int line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    scenario_key_where(ld, k, file, sizeof file, &line);
    return error_set(ld->err, ERROR_INPUT, file, line, scenario_keys[k].full, "%s", msg);
}

/* Of two keys in one consistency rule, the one to blame: the one given last. */
int scenario_blame(const struct load *ld, int a, int b)
{
    if (ld->key_set[a] || ld->key_set[b])
        return ld->key_set[b] > ld->key_set[a] ? b : a;
    return ld->key_line[b] > ld->key_line[a] ? b : a;
}

int scenario_key_index(const char *full)
{
    int k = scenario_key_find(full);
    assert(k >= 0);
    return k;
}

struct load *scenario_load_create(struct scenario *sc, struct error *err)
{
    struct load *ld = calloc(1, sizeof *ld);
    if (ld) {
        ld->sc = sc;
        ld->err = err;
        ld->section_line = calloc(scenario_n_keys, sizeof *ld->section_line);
        ld->key_line = calloc(scenario_n_keys, sizeof *ld->key_line);
        ld->key_set = calloc(scenario_n_keys, sizeof *ld->key_set);
    }
    if (!ld || !ld->section_line || !ld->key_line || !ld->key_set) {
        scenario_load_destroy(ld);
        scenario_oom(err);
        return NULL;
    }
    return ld;
}

void scenario_load_destroy(struct load *ld)
{
    if (!ld)
        return;
    free(ld->section_line);
    free(ld->key_line);
    free(ld->key_set);
    free(ld);
}

/* ---------------------------------------------------------------------------------------
 * Keys for people: units and labels. */

static bool ends_with(const char *s, const char *end)
{
    size_t n = strlen(s), m = strlen(end);
    return n >= m && strcmp(s + n - m, end) == 0;
}

const char *scenario_key_unit(const char *full)
{
    static const struct {
        const char *name, *unit;
    } units[] = {
        {"reserve_margin", "£ a year"},  {"savings_bin", "£"},
        {"savings_max", "£"},            {"clerks", "clerks"},
        {"forms_per_clerk_day", "forms a day"}, {"expected", "households"},
        {"expected_sd", "households"},   {"rounds", "rounds"},
        {"replications", "replications"}, {"saving_coef", "log-odds per £100 a year"},
        {"intercept", "log-odds"},       {"paper_coef", "log-odds"},
        {"vulnerable_coef", "log-odds"}, {"reminder_lift", "per reminder"},
        {"fixed_probability", "probability; -1 = off"}, {"reminder_days", "days"},
        {"day", "day of the round"},     {"seed", ""},
    };
    int k = scenario_key_find(full);
    if (k < 0)
        return "";
    const struct key *key = &scenario_keys[k];
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(key->name, units[i].name) == 0)
            return units[i].unit;
    if (key->spec.type == V_PROB || ends_with(key->name, "_share"))
        return "share";
    if (key->spec.type == V_PATH)
        return "file";
    if (ends_with(key->name, "_days"))
        return "days";
    if (ends_with(key->name, "_kwh"))
        return "kWh a year";
    return "";
}

void scenario_key_label(const char *full, char *buf, size_t size)
{
    int k = scenario_key_find(full);
    if (k < 0 || size == 0) {
        if (size)
            snprintf(buf, size, "%s", full);
        return;
    }
    const struct key *key = &scenario_keys[k];
    char words[96];
    snprintf(words, sizeof words, "%s", key->name);
    size_t n = strlen(words);
    const char *unit = scenario_key_unit(full);
    if (strcmp(unit, "days") == 0 && n > 5 && ends_with(words, "_days"))
        words[n -= 5] = '\0';
    else if (strcmp(unit, "kWh a year") == 0 && n > 4 && ends_with(words, "_kwh"))
        words[n -= 4] = '\0';
    for (char *p = words; *p; p++)
        if (*p == '_')
            *p = ' ';
    if (strncmp(words, "elec ", 5) == 0) {
        char rest[96];
        snprintf(rest, sizeof rest, "electricity %.80s", words + 5);
        snprintf(words, sizeof words, "%s", rest);
    }
    const char *shown = strcmp(unit, "share") == 0 ? "%" : unit;
    if (strcmp(key->name, "expected") == 0)
        snprintf(buf, size, "expected registrations (households)");
    else if (strcmp(key->name, "day") == 0)
        snprintf(buf, size, "%s day (day of the round)", key->section);
    else if (*shown && strcmp(key->name, "rounds") && strcmp(key->name, "clerks") &&
             strcmp(key->name, "replications"))
        snprintf(buf, size, "%s (%s)", words, shown);
    else
        snprintf(buf, size, "%s", words);
}
