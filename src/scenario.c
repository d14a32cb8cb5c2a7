/* scenario.c - reading, validating and writing scenarios: one key table drives it all. */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <csv.h>
#include <ini.h>

#include "switchsim/scenario.h"
#include "table.h"
#include "text.h"

#define SHARE_TOLERANCE 1e-6
#define FILE_SIZE_MAX ((size_t)64 << 20) /* no scenario file or table is bigger */

/* ---------------------------------------------------------------------------------------
 * Values: one parser and one formatter shared by INI keys and CSV columns. */

enum value_type {
    V_STRING, /* char[size], any text */
    V_PATH,   /* char[SCENARIO_PATH_MAX], resolved against the scenario's directory */
    V_INT,    /* int */
    V_UINT64, /* uint64_t */
    V_DOUBLE, /* double, finite */
    V_PROB,   /* double in [0, 1] */
    V_ENUM,   /* int-sized enum, by name */
    V_DAYS,   /* comma list of days: double[size / sizeof(double)] and an int count */
};

enum {
    F_MIN_OPEN = 1, /* value must be strictly greater than min */
    F_NONEMPTY = 2, /* strings and paths: empty is an error */
};

struct spec {
    enum value_type type;
    size_t offset;       /* into struct scenario, or into a table's row struct */
    size_t size;         /* of the field */
    size_t count_offset; /* V_DAYS: where the number of items goes */
    double min, max;     /* numbers and list items */
    unsigned flags;
    const char *const *names; /* V_ENUM: NULL-terminated, by enum value */
};

static const char *const rule_names[] = {"first_price", "second_price", NULL};
static const char *const strategy_names[] = {"markup", "equilibrium", NULL};
static const char *const payment_names[PAY_COUNT + 1] = {"direct_debit", "standard_credit",
                                                         "prepayment", NULL};

/* ---------------------------------------------------------------------------------------
 * The key table. Keys of one section are adjacent; scenario_write keeps this order. */

struct key {
    const char *full;    /* "section.key" */
    const char *section; /* "section" */
    const char *name;    /* "key" */
    struct spec spec;
    const char *type_text; /* how --help and the docs name the type */
    const char *def;       /* default as text; NULL: required */
    const char *doc;       /* one line */
};

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
#define ENUM(list, text) .spec.type = V_ENUM, .spec.names = (list), .type_text = (text)

/* Tables are small lists typed by people; the model indexes their rows in 16 bits. */
#define TABLE_MAX_ROWS 10000

static const struct key keys[] = {
    {AT(scenario, name), TEXT, .def = REQUIRED,
     .doc = "name used for output folders and chart titles"},
    {AT(scenario, rounds), INT(1, 1000), .def = "1", .doc = "number of auction rounds"},
    {AT(scenario, replications), INT(1, 1000000), .def = "20",
     .doc = "replications when -r is not given"},
    {AT(scenario, seed), .spec.type = V_UINT64, .type_text = "integer >= 0", .def = "1",
     .doc = "random seed when -s is not given"},
    {AT(scenario, interval_days), POS(36500), .def = "91",
     .doc = "days between round starts (quarterly)"},

    {AT(registration, expected), NUM(0, 1e9), .def = REQUIRED,
     .doc = "expected registrations per round (Poisson mean)"},
    {AT(registration, paper_share), PROB, .def = "0.1",
     .doc = "share of registrations made on paper"},
    {AT(registration, window_days), POS(3650), .def = "28",
     .doc = "registration window in days from round start"},
    {AT(registration, profile), PATH, .def = "",
     .doc = "CSV day,weight: one row per window day 0..ceil(window)-1; empty = flat"},

    {AT(paper, clerks), INT(0, 100000), .def = "2", .doc = "clerks entering paper forms"},
    {AT(paper, forms_per_clerk_day), POS(1e6), .def = "60",
     .doc = "forms one clerk enters per day"},
    {AT(paper, postal_delay_min), NUM(0, 365), .def = "1",
     .doc = "shortest postal delay in days (uniform min..max)"},
    {AT(paper, postal_delay_max), NUM(0, 365), .def = "3", .doc = "longest postal delay in days"},

    {AT(households, dual_fuel_share), PROB, .def = "0.8",
     .doc = "share on dual fuel; the rest electricity only"},
    {AT(households, direct_debit_share), PROB, .def = "0.57",
     .doc = "share paying by direct debit; the three payment shares sum to 1"},
    {AT(households, standard_credit_share), PROB, .def = "0.27",
     .doc = "share paying on receipt of bill (standard credit)"},
    {AT(households, prepayment_share), PROB, .def = "0.16", .doc = "share on prepayment meters"},
    {AT(households, vulnerable_share), PROB, .def = "0.2", .doc = "share of vulnerable households"},
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

    {AT(auction, rule), ENUM(rule_names, "first_price|second_price"), .def = "first_price",
     .doc = "sealed-bid pricing rule"},
    {AT(auction, day), NUM(0, 3650), .def = "35",
     .doc = "auction day, days from round start (not before the window ends)"},
    {AT(auction, reserve_margin), NUM(0, 1e5), .def = "0",
     .doc = "GBP/year the winner must beat the best comparable market tariff by"},
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

    {AT(decisions, intercept), NUM(-100, 100), .def = "-1.5",
     .doc = "logistic intercept of acceptance"},
    {AT(decisions, saving_coef), NUM(0, 100), .def = "0.6",
     .doc = "logistic coefficient per GBP 100/year of saving"},
    {AT(decisions, paper_coef), NUM(-100, 100), .def = "1",
     .doc = "logistic term for paper registrations"},
    {AT(decisions, vulnerable_coef), NUM(-100, 100), .def = "0",
     .doc = "logistic term for vulnerable households"},
    {AT(decisions, reminder_lift), NUM(0, 100), .def = "0.5",
     .doc = "acceptance hazard x (1 + lift x reminders received)"},
    {AT(decisions, fixed_probability), NUM(-1, 1), .def = "-1",
     .doc = "-1: use the logistic curve; 0..1: accept with this probability instead"},

    {AT(switching, cooling_off_days), NUM(0, 365), .def = "14",
     .doc = "cooling-off period in days"},
    {AT(switching, cancel_prob), PROB, .def = "0.05",
     .doc = "probability of cancelling during cooling off"},
    {AT(switching, transfer_days), NUM(0, 365), .def = "21", .doc = "supplier transfer in days"},
    {AT(switching, fail_prob), PROB, .def = "0.02", .doc = "probability a transfer fails"},
    {AT(switching, fail_prob_prepayment), PROB, .def = "0.08",
     .doc = "probability a prepayment transfer fails"},

    {AT(rounds, table), PATH, .def = "",
     .doc = "CSV round,market_index,cost_index,registration_index (rows past scenario.rounds are "
            "ignored); empty = all 1"},
    {AT(rounds, reregister_prob), PROB, .def = "0.3",
     .doc = "probability a non-switcher registers again next round"},
    {AT(rounds, return_prob), PROB, .def = "0.5",
     .doc = "probability a switcher comes back when the fixed term ends"},
    {AT(rounds, fixed_term_days), POS(36500), .def = "365",
     .doc = "fixed-term length of the winning tariff in days"},

    {AT(output, savings_bin), POS(1e6), .def = "25", .doc = "GBP width of savings histogram bins"},
    {AT(output, savings_max), POS(1e7), .def = "1500",
     .doc = "GBP upper end of the savings histogram"},
};

#define N_KEYS (sizeof keys / sizeof keys[0])

/* ---------------------------------------------------------------------------------------
 * Tables: a column list per table, parsed by the same value parser into row structs. */

struct column {
    const char *name;
    struct spec spec;
};

#define COL(type, member) .offset = offsetof(type, member), .size = sizeof(((type *)0)->member)

static const struct column market_columns[] = {
    {"supplier", {COL(struct market_row, supplier), .type = V_STRING, .flags = F_NONEMPTY}},
    {"payment", {COL(struct market_row, payment), .type = V_ENUM, .names = payment_names}},
    {"elec_unit_p",
     {COL(struct market_row, tariff.elec_unit), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
    {"elec_standing_p_day",
     {COL(struct market_row, tariff.elec_standing), .type = V_DOUBLE, .min = 0, .max = 1000}},
    {"gas_unit_p",
     {COL(struct market_row, tariff.gas_unit), .type = V_DOUBLE, .min = 0, .max = 1000}},
    {"gas_standing_p_day",
     {COL(struct market_row, tariff.gas_standing), .type = V_DOUBLE, .min = 0, .max = 1000}},
    {"share", {COL(struct market_row, share), .type = V_PROB, .min = 0, .max = 1}},
};

static const struct column supplier_columns[] = {
    {"supplier", {COL(struct supplier_row, name), .type = V_STRING, .flags = F_NONEMPTY}},
    {"participation",
     {COL(struct supplier_row, participation), .type = V_PROB, .min = 0, .max = 1}},
    {"cost_low",
     {COL(struct supplier_row, cost_low), .type = V_DOUBLE, .min = 0, .max = 1e6,
      .flags = F_MIN_OPEN}},
    {"cost_high",
     {COL(struct supplier_row, cost_high), .type = V_DOUBLE, .min = 0, .max = 1e6,
      .flags = F_MIN_OPEN}},
    {"strategy", {COL(struct supplier_row, strategy), .type = V_ENUM, .names = strategy_names}},
    {"markup", {COL(struct supplier_row, markup), .type = V_DOUBLE, .min = 0, .max = 100}},
    {"capacity", {COL(struct supplier_row, capacity), .type = V_DOUBLE, .min = 0, .max = 1e9}},
};

struct round_stage {
    int round;
    struct round_row r;
};

static const struct column round_columns[] = {
    {"round", {COL(struct round_stage, round), .type = V_INT, .min = 1, .max = 1000}},
    {"market_index",
     {COL(struct round_stage, r.market_index), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
    {"cost_index",
     {COL(struct round_stage, r.cost_index), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
    {"registration_index",
     {COL(struct round_stage, r.registration_index), .type = V_DOUBLE, .min = 0, .max = 1000,
      .flags = F_MIN_OPEN}},
};

struct profile_stage {
    int day;
    double weight;
};

static const struct column profile_columns[] = {
    {"day", {COL(struct profile_stage, day), .type = V_INT, .min = 0, .max = 3650}},
    {"weight", {COL(struct profile_stage, weight), .type = V_DOUBLE, .min = 0, .max = 1e12}},
};

struct table_spec {
    const struct column *cols;
    size_t ncols;
    size_t row_size;
};

#define TABLE(cols, row)                                                                           \
    {                                                                                              \
        cols, sizeof cols / sizeof cols[0], sizeof(row)                                            \
    }
static const struct table_spec market_table = TABLE(market_columns, struct market_row);
static const struct table_spec supplier_table = TABLE(supplier_columns, struct supplier_row);
static const struct table_spec round_table = TABLE(round_columns, struct round_stage);
static const struct table_spec profile_table = TABLE(profile_columns, struct profile_stage);

#define TABLE_COLS_MAX 8 /* at least the widest table + 1 */

/* ---------------------------------------------------------------------------------------
 * Load state. */

struct load {
    struct scenario *sc;
    struct error *err;
    const char *path;                /* INI path as given */
    char realdir[SCENARIO_PATH_MAX]; /* its directory, absolute */
    const char *const *sets;

    /* The INI reader's position, for inih. */
    const char *pos, *end;
    int line;
    bool indented;      /* current line starts with blank space */
    int section;        /* key index of the current section's first key; -1 before any */
    int prev_key;       /* last key given in the current section, -1 if none */
    struct error first; /* first fault found while inih parses */

    int section_line[N_KEYS]; /* by the section's first key: line of its first header */
    int key_line[N_KEYS];     /* line a key was given on in the file; 0 if not */
    size_t key_set[N_KEYS];   /* 1 + index of the --set that gave it last; 0 if none */

    /* scenario_each_value: called for each key instead of parsing it */
    void (*each)(void *ctx, const char *key, const char *value, int line);
    void *each_ctx;
};

/* ---------------------------------------------------------------------------------------
 * Small helpers. */

static const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static int oom(struct error *err)
{
    return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
}

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

static int key_find(const char *full)
{
    for (size_t k = 0; k < N_KEYS; k++)
        if (strcmp(keys[k].full, full) == 0)
            return (int)k;
    return -1;
}

/* Index of the first key of section `name`, or -1. */
static int section_find(const char *name, size_t len)
{
    for (size_t k = 0; k < N_KEYS; k++)
        if (strlen(keys[k].section) == len && strncmp(keys[k].section, name, len) == 0)
            return (int)k;
    return -1;
}

/* " (did you mean X?)" for the closest key to `full`, or "". */
static void key_suggest(const char *full, char *buf, size_t size)
{
    const char *dot = strchr(full, '.');
    const char *bare = dot ? dot + 1 : full;
    int best = -1;
    size_t best_d = 3; /* suggest only near misses */
    for (size_t k = 0; k < N_KEYS; k++) {
        size_t d = strcmp(keys[k].name, bare) == 0 ? 1 : edit_distance(keys[k].full, full);
        if (d < best_d) {
            best_d = d;
            best = (int)k;
        }
    }
    if (best >= 0)
        snprintf(buf, size, " (did you mean %s?)", keys[best].full);
    else
        buf[0] = '\0';
}

static void section_list(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t k = 0; k < N_KEYS; k++) {
        if (k > 0 && strcmp(keys[k].section, keys[k - 1].section) == 0)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? ", " : "", keys[k].section);
        if (n < 0 || (size_t)n >= size - used)
            return;
        used += (size_t)n;
    }
}

/* ---------------------------------------------------------------------------------------
 * Parsing one value. Each returns 0, or -1 with a message (no key, no location) in why. */

/* Checks the plain decimal syntax [+-]digits[.digits][e[+-]digits]; rejects hex, inf,
 * nan, blanks and trailing junk before strtod sees the text. */
static bool number_syntax(const char *s, bool whole)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    while (isdigit((unsigned char)*s))
        s++, digits++;
    if (!whole && *s == '.') {
        s++;
        while (isdigit((unsigned char)*s))
            s++, digits++;
    }
    if (digits == 0)
        return false;
    if (!whole && (*s == 'e' || *s == 'E')) {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

static int range_check(const struct spec *sp, double v, char *why, size_t n)
{
    if (sp->type == V_PROB && (v < 0 || v > 1)) {
        snprintf(why, n, "must be a probability between 0 and 1, got %g", v);
        return -1;
    }
    if ((sp->flags & F_MIN_OPEN) ? !(v > sp->min) : !(v >= sp->min)) {
        snprintf(why, n, "must be %s %g, got %g",
                 (sp->flags & F_MIN_OPEN) ? "greater than" : "at least", sp->min, v);
        return -1;
    }
    if (!(v <= sp->max)) {
        snprintf(why, n, "must be at most %g, got %g", sp->max, v);
        return -1;
    }
    return 0;
}

static int parse_double(const struct spec *sp, const char *text, double *out, char *why, size_t n)
{
    if (*text == '\0') {
        snprintf(why, n, "expected a number, got nothing");
        return -1;
    }
    if (!number_syntax(text, false)) {
        const char *t = text + (*text == '+' || *text == '-');
        if (strncasecmp(t, "inf", 3) == 0 || strncasecmp(t, "nan", 3) == 0)
            snprintf(why, n, "expected a finite number, got '%s'", text);
        else
            snprintf(why, n, "expected a number, got '%s'", text);
        return -1;
    }
    errno = 0;
    double v = strtod(text, NULL);
    if (errno == ERANGE || !isfinite(v)) {
        snprintf(why, n, "number '%s' is too large or too small", text);
        return -1;
    }
    if (range_check(sp, v, why, n) < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const struct spec *sp, const char *text, int *out, char *why, size_t n)
{
    if (*text == '\0') {
        snprintf(why, n, "expected a whole number, got nothing");
        return -1;
    }
    if (!number_syntax(text, true)) {
        snprintf(why, n, "expected a whole number, got '%s'", text);
        return -1;
    }
    errno = 0;
    long v = strtol(text, NULL, 10);
    if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
        snprintf(why, n, "must be at most %g, got '%s'", sp->max, text);
        return -1;
    }
    if (range_check(sp, (double)v, why, n) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_uint64(const char *text, uint64_t *out, char *why, size_t n)
{
    const char *s = text[0] == '+' ? text + 1 : text;
    if (*text == '-') {
        snprintf(why, n, "must not be negative, got '%s'", text);
        return -1;
    }
    if (*s == '\0' || !number_syntax(s, true)) {
        snprintf(why, n, "expected a whole number, got '%s'", text);
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE) {
        snprintf(why, n, "must be at most %" PRIu64 ", got '%s'", UINT64_MAX, text);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* Text that an INI file can hold and give back unchanged: inih strips blanks at both
 * ends and treats ';' after a blank as a comment; control characters cannot be typed. */
static int text_check(const char *text, char *why, size_t n)
{
    size_t len = strlen(text);
    if (len > 0 && (isspace((unsigned char)text[0]) || isspace((unsigned char)text[len - 1]))) {
        snprintf(why, n, "must not start or end with blank space");
        return -1;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)text[i];
        if (c < 0x20 || c == 0x7f) {
            snprintf(why, n, "must not contain control characters");
            return -1;
        }
        if (c == ';' && (i == 0 || isspace((unsigned char)text[i - 1]))) {
            snprintf(why, n,
                     "must not contain ';' at the start or after a blank "
                     "(it would start a comment)");
            return -1;
        }
    }
    return 0;
}

static int parse_days(const struct spec *sp, const char *text, void *base, char *why, size_t n)
{
    double days[SCENARIO_MAX_REMINDERS];
    int count = 0;
    size_t cap = sp->size / sizeof(double);
    assert(cap <= SCENARIO_MAX_REMINDERS);
    const char *s = skip_blank(text);
    if (*s != '\0') {
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            char item[64];
            while (len > 0 && isspace((unsigned char)s[len - 1]))
                len--;
            if (len == 0) {
                snprintf(why, n, "empty item in the list '%s'", text);
                return -1;
            }
            if (len >= sizeof item) {
                snprintf(why, n, "item %d of the list is too long", count + 1);
                return -1;
            }
            memcpy(item, s, len);
            item[len] = '\0';
            if ((size_t)count == cap) {
                snprintf(why, n, "more than %zu days in the list", cap);
                return -1;
            }
            char sub[400];
            double v;
            if (parse_double(sp, item, &v, sub, sizeof sub) < 0) {
                snprintf(why, n, "item %d: %s", count + 1, sub);
                return -1;
            }
            if (count > 0 && !(v > days[count - 1])) {
                snprintf(why, n, "days must be in ascending order, but %s follows %g", item,
                         days[count - 1]);
                return -1;
            }
            days[count++] = v;
            if (!comma)
                break;
            s = skip_blank(comma + 1);
        }
    }
    memset((char *)base + sp->offset, 0, sp->size);
    memcpy((char *)base + sp->offset, days, (size_t)count * sizeof(double));
    memcpy((char *)base + sp->count_offset, &count, sizeof count);
    return 0;
}

/* Parses `text` by `sp` into base + sp->offset. Paths are stored as written. */
static int value_parse(const struct spec *sp, const char *text, void *base, char *why, size_t n)
{
    char *dest = (char *)base + sp->offset;
    switch (sp->type) {
    case V_STRING:
    case V_PATH: {
        if ((sp->flags & F_NONEMPTY) && text[0] == '\0') {
            snprintf(why, n, "must not be empty");
            return -1;
        }
        if (text_check(text, why, n) < 0)
            return -1;
        size_t len = strlen(text);
        if (len >= sp->size) {
            snprintf(why, n, "is %zu bytes long; at most %zu allowed", len, sp->size - 1);
            return -1;
        }
        memset(dest, 0, sp->size);
        memcpy(dest, text, len);
        return 0;
    }
    case V_INT: {
        int v;
        assert(sp->size == sizeof(int));
        if (parse_int(sp, text, &v, why, n) < 0)
            return -1;
        memcpy(dest, &v, sizeof v);
        return 0;
    }
    case V_UINT64: {
        uint64_t v;
        assert(sp->size == sizeof(uint64_t));
        if (parse_uint64(text, &v, why, n) < 0)
            return -1;
        memcpy(dest, &v, sizeof v);
        return 0;
    }
    case V_DOUBLE:
    case V_PROB: {
        double v;
        assert(sp->size == sizeof(double));
        if (parse_double(sp, text, &v, why, n) < 0)
            return -1;
        memcpy(dest, &v, sizeof v);
        return 0;
    }
    case V_ENUM: {
        assert(sp->size == sizeof(int));
        for (int i = 0; sp->names[i]; i++) {
            if (strcmp(text, sp->names[i]) == 0) {
                memcpy(dest, &i, sizeof i);
                return 0;
            }
        }
        size_t used = (size_t)snprintf(why, n, "expected one of ");
        for (int i = 0; sp->names[i] && used < n; i++)
            used += (size_t)snprintf(why + used, n - used, "%s%s", i ? ", " : "", sp->names[i]);
        if (used < n)
            snprintf(why + used, n - used, "; got '%s'", text);
        return -1;
    }
    case V_DAYS: return parse_days(sp, text, base, why, n);
    }
    assert(!"unknown value type");
    return -1;
}

/* Shortest "%.*g" text that reads back as exactly v. */
static void double_format(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void value_format(const struct spec *sp, const void *base, char *buf, size_t size)
{
    const char *src = (const char *)base + sp->offset;
    switch (sp->type) {
    case V_STRING:
    case V_PATH: snprintf(buf, size, "%s", src); return;
    case V_INT: {
        int v;
        memcpy(&v, src, sizeof v);
        snprintf(buf, size, "%d", v);
        return;
    }
    case V_UINT64: {
        uint64_t v;
        memcpy(&v, src, sizeof v);
        snprintf(buf, size, "%" PRIu64, v);
        return;
    }
    case V_DOUBLE:
    case V_PROB: {
        double v;
        memcpy(&v, src, sizeof v);
        double_format(v, buf, size);
        return;
    }
    case V_ENUM: {
        int v;
        memcpy(&v, src, sizeof v);
        snprintf(buf, size, "%s", sp->names[v]);
        return;
    }
    case V_DAYS: {
        int count;
        size_t used = 0;
        memcpy(&count, (const char *)base + sp->count_offset, sizeof count);
        buf[0] = '\0';
        for (int i = 0; i < count && used + 1 < size; i++) {
            double v;
            char one[32];
            memcpy(&v, src + (size_t)i * sizeof v, sizeof v);
            double_format(v, one, sizeof one);
            used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "", one);
        }
        return;
    }
    }
}

/* ---------------------------------------------------------------------------------------
 * Where a key came from, for errors that involve it. */

static void key_where(const struct load *ld, int k, char *file, size_t size, int *line)
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
        int first = section_find(keys[k].section, strlen(keys[k].section));
        *line = ld->section_line[first] ? ld->section_line[first] : 1;
    }
}

static int key_error(struct load *ld, int k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int key_error(struct load *ld, int k, const char *fmt, ...)
{
    char file[sizeof ld->err->file], msg[sizeof ld->err->message];
    int line;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    key_where(ld, k, file, sizeof file, &line);
    return error_set(ld->err, ERROR_INPUT, file, line, keys[k].full, "%s", msg);
}

/* Of two keys in one consistency rule, the one to blame: the one given last. */
static int blame(const struct load *ld, int a, int b)
{
    if (ld->key_set[a] || ld->key_set[b])
        return ld->key_set[b] > ld->key_set[a] ? b : a;
    return ld->key_line[b] > ld->key_line[a] ? b : a;
}

#define KEY(sec, name) key_index(#sec "." #name)
static int key_index(const char *full)
{
    int k = key_find(full);
    assert(k >= 0);
    return k;
}

/* ---------------------------------------------------------------------------------------
 * The INI file through inih: our reader hands it one line at a time. */

static void ini_fault(struct load *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ini_fault(struct load *ld, const char *key, const char *fmt, ...)
{
    char msg[sizeof ld->first.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_set(&ld->first, ERROR_INPUT, ld->path, ld->line, key, "%s", msg);
}

/* A "[section]" line: checks and records it; returns the text to hand inih. */
static const char *ini_section_line(struct load *ld, const char *start, size_t len)
{
    const char *close = memchr(start, ']', len);
    if (!close)
        return NULL; /* inih reports the syntax error */
    const char *after = skip_blank(close + 1);
    if (after < start + len && *after != ';' && *after != '#') {
        ini_fault(ld, "", "unexpected text after the section header");
        return "";
    }
    const char *name = skip_blank(start + 1);
    size_t n = (size_t)(close - name);
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    int s = section_find(name, n);
    if (s < 0) {
        char list[300], shown[80];
        section_list(list, sizeof list);
        snprintf(shown, sizeof shown, "[%.*s]", (int)(n < 60 ? n : 60), name);
        ini_fault(ld, shown, "unknown section (sections are: %s)", list);
        return "";
    }
    ld->section = s;
    ld->prev_key = -1;
    if (!ld->section_line[s])
        ld->section_line[s] = ld->line;
    return "[]"; /* the handler uses ld->section, not inih's copy */
}

static char *ini_line_reader(char *str, int num, void *stream)
{
    struct load *ld = stream;
    if (ld->first.kind != ERROR_NONE || ld->pos >= ld->end)
        return NULL;
    const char *nl = memchr(ld->pos, '\n', (size_t)(ld->end - ld->pos));
    const char *stop = nl ? nl : ld->end;
    const char *start = ld->pos;
    ld->pos = nl ? nl + 1 : ld->end;
    ld->line++;
    size_t len = (size_t)(stop - start);
    if (len > 0 && start[len - 1] == '\r')
        len--;
    const char *text = skip_blank(start);
    ld->indented = text > start;
    size_t rest = len - (size_t)(text - start);
    const char *hand = NULL;
    if (rest == 0 || *text == ';' || *text == '#')
        hand = ""; /* blank or comment: any length is fine */
    else if (*text == '[' && !ld->each)
        hand = ini_section_line(ld, text, rest);
    if (hand) {
        snprintf(str, (size_t)num, "%s", hand);
        return str;
    }
    if (len + 1 > (size_t)num) {
        ini_fault(ld, "", "line is too long for the INI reader (%zu bytes; at most %d)", len,
                  num - 1);
        snprintf(str, (size_t)num, "%s", "");
        return str;
    }
    memcpy(str, start, len);
    str[len] = '\0';
    return str;
}

static int ini_key_handler(void *user, const char *section, const char *name, const char *value)
{
    struct load *ld = user;
    (void)section;
    if (ld->first.kind != ERROR_NONE)
        return 1;
    if (ld->indented && ld->prev_key >= 0) {
        ini_fault(ld, keys[ld->prev_key].full,
                  "indented line continues the value from line %d; multi-line values are "
                  "not allowed (remove the indentation)",
                  ld->key_line[ld->prev_key]);
        return 1;
    }
    if (ld->section < 0) {
        ini_fault(ld, name, "key outside any [section]");
        return 1;
    }
    char full[160];
    snprintf(full, sizeof full, "%s.%s", keys[ld->section].section, name);
    int k = key_find(full);
    if (k < 0) {
        char hint[128];
        key_suggest(full, hint, sizeof hint);
        ini_fault(ld, full, "unknown key%s", hint);
        return 1;
    }
    if (ld->key_line[k]) {
        ini_fault(ld, full, "given twice (first on line %d)", ld->key_line[k]);
        return 1;
    }
    ld->key_line[k] = ld->line;
    ld->prev_key = k;
    char why[sizeof ld->first.message];
    if (value_parse(&keys[k].spec, value, ld->sc, why, sizeof why) < 0)
        ini_fault(ld, full, "%s", why);
    return 1;
}

/* scenario_each_value's handler: every key as it stands, none checked. */
static int ini_each_handler(void *user, const char *section, const char *name, const char *value)
{
    struct load *ld = user;
    char full[400];
    if (ld->first.kind != ERROR_NONE)
        return 1;
    snprintf(full, sizeof full, "%s.%s", section, name);
    ld->each(ld->each_ctx, full, value, ld->line);
    return 1;
}

static int ini_load(struct load *ld)
{
    struct text in;
    if (text_read(&in, ld->path, ld->path, FILE_SIZE_MAX, NULL, "", ld->err))
        return -1;
    ld->pos = in.data;
    ld->end = in.data + in.len;
    ld->line = 0;
    ld->section = -1;
    ld->prev_key = -1;
    int syntax =
        ini_parse_stream(ini_line_reader, ld, ld->each ? ini_each_handler : ini_key_handler, ld);
    text_cleanup(&in);
    if (syntax == -2)
        return oom(ld->err);
    if (syntax > 0 && (ld->first.kind == ERROR_NONE || syntax < ld->first.line))
        return error_set(ld->err, ERROR_INPUT, ld->path, syntax, "",
                         "syntax error: expected [section], key = value, or a ; comment");
    if (ld->first.kind != ERROR_NONE)
        return error_set(ld->err, ld->first.kind, ld->first.file, ld->first.line, ld->first.key,
                         "%s", ld->first.message);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * --set SECTION.KEY=VALUE */

static int set_apply(struct load *ld, size_t i)
{
    const char *text = ld->sets[i];
    char file[sizeof ld->err->file];
    snprintf(file, sizeof file, "--set %s", text);
    const char *eq = strchr(text, '=');
    if (!eq)
        return error_set(ld->err, ERROR_INPUT, file, 0, "", "expected SECTION.KEY=VALUE");
    char full[160];
    const char *k0 = skip_blank(text);
    size_t klen = (size_t)(eq - k0);
    while (klen > 0 && isspace((unsigned char)k0[klen - 1]))
        klen--;
    if (klen >= sizeof full)
        return error_set(ld->err, ERROR_INPUT, file, 0, "", "unknown key");
    memcpy(full, k0, klen);
    full[klen] = '\0';
    int k = key_find(full);
    if (k < 0) {
        char hint[128];
        key_suggest(full, hint, sizeof hint);
        return error_set(ld->err, ERROR_INPUT, file, 0, full, "unknown key%s", hint);
    }
    char value[1024];
    const char *v0 = skip_blank(eq + 1);
    size_t vlen = strlen(v0);
    while (vlen > 0 && isspace((unsigned char)v0[vlen - 1]))
        vlen--;
    if (vlen >= sizeof value)
        return error_set(ld->err, ERROR_INPUT, file, 0, full, "value is too long");
    memcpy(value, v0, vlen);
    value[vlen] = '\0';
    char why[sizeof ld->err->message];
    if (value_parse(&keys[k].spec, value, ld->sc, why, sizeof why) < 0)
        return error_set(ld->err, ERROR_INPUT, file, 0, full, "%s", why);
    ld->key_set[k] = i + 1;
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Rules that involve more than one key. */

static int scalar_checks(struct load *ld)
{
    const struct scenario *sc = ld->sc;
    for (size_t k = 0; k < N_KEYS; k++)
        if (!keys[k].def && !ld->key_line[k] && !ld->key_set[k])
            return key_error(ld, (int)k, "missing required key (add it under [%s])",
                             keys[k].section);

    int dd = KEY(households, direct_debit_share), scr = KEY(households, standard_credit_share),
        pp = KEY(households, prepayment_share);
    double sum = sc->households.direct_debit_share + sc->households.standard_credit_share +
                 sc->households.prepayment_share;
    if (fabs(sum - 1) > SHARE_TOLERANCE)
        return key_error(ld, blame(ld, blame(ld, dd, scr), pp),
                         "payment shares must sum to 1: direct_debit %g + standard_credit "
                         "%g + prepayment %g = %.10g",
                         sc->households.direct_debit_share, sc->households.standard_credit_share,
                         sc->households.prepayment_share, sum);

    int lo = KEY(paper, postal_delay_min), hi = KEY(paper, postal_delay_max);
    if (sc->paper.postal_delay_min > sc->paper.postal_delay_max)
        return key_error(ld, blame(ld, lo, hi),
                         "paper.postal_delay_min (%g) is greater than "
                         "paper.postal_delay_max (%g)",
                         sc->paper.postal_delay_min, sc->paper.postal_delay_max);

    if (sc->paper.clerks == 0 && sc->registration.paper_share > 0)
        return key_error(ld, blame(ld, KEY(paper, clerks), KEY(registration, paper_share)),
                         "paper.clerks must be at least 1 when registration.paper_share "
                         "is above 0");

    if (sc->households.elec_p90_kwh < sc->households.elec_median_kwh)
        return key_error(ld,
                         blame(ld, KEY(households, elec_median_kwh), KEY(households, elec_p90_kwh)),
                         "households.elec_p90_kwh (%g) is below households.elec_median_kwh "
                         "(%g)",
                         sc->households.elec_p90_kwh, sc->households.elec_median_kwh);
    if (sc->households.gas_p90_kwh < sc->households.gas_median_kwh)
        return key_error(ld,
                         blame(ld, KEY(households, gas_median_kwh), KEY(households, gas_p90_kwh)),
                         "households.gas_p90_kwh (%g) is below households.gas_median_kwh "
                         "(%g)",
                         sc->households.gas_p90_kwh, sc->households.gas_median_kwh);

    if (sc->auction.day < sc->registration.window_days)
        return key_error(ld, blame(ld, KEY(auction, day), KEY(registration, window_days)),
                         "auction.day (%g) is before the registration window closes "
                         "(registration.window_days = %g)",
                         sc->auction.day, sc->registration.window_days);

    if (sc->scenario.rounds > 1 && sc->auction.day > sc->scenario.interval_days)
        return key_error(ld, blame(ld, KEY(auction, day), KEY(scenario, interval_days)),
                         "auction.day (%g) comes after the next round starts "
                         "(scenario.interval_days = %g)",
                         sc->auction.day, sc->scenario.interval_days);

    int n = sc->offers.n_reminders;
    if (n > 0 && sc->offers.reminder_days[n - 1] > sc->offers.window_days)
        return key_error(ld, blame(ld, KEY(offers, reminder_days), KEY(offers, window_days)),
                         "reminder on day %g comes after the acceptance window "
                         "(offers.window_days = %g)",
                         sc->offers.reminder_days[n - 1], sc->offers.window_days);

    double fp = sc->decisions.fixed_probability;
    if (fp < 0 && fp != -1)
        return key_error(ld, KEY(decisions, fixed_probability),
                         "must be -1 (use the logistic curve) or a probability 0..1, got %g", fp);

    int bin = KEY(output, savings_bin), max = KEY(output, savings_max);
    if (sc->output.savings_max < sc->output.savings_bin)
        return key_error(ld, blame(ld, bin, max),
                         "output.savings_max (%g) is smaller than one bin "
                         "(output.savings_bin = %g)",
                         sc->output.savings_max, sc->output.savings_bin);
    if (sc->output.savings_max / sc->output.savings_bin > 1e6)
        return key_error(ld, blame(ld, bin, max), "more than a million histogram bins");
    return 0;
}

/* Makes every non-empty relative path absolute, against the scenario's directory. */
static int paths_resolve(struct load *ld)
{
    for (size_t k = 0; k < N_KEYS; k++) {
        if (keys[k].spec.type != V_PATH)
            continue;
        char *p = (char *)ld->sc + keys[k].spec.offset;
        if (p[0] == '\0' || p[0] == '/')
            continue;
        char joined[2 * SCENARIO_PATH_MAX + 2];
        snprintf(joined, sizeof joined, "%s/%s", ld->realdir, p);
        if (strlen(joined) >= keys[k].spec.size)
            return key_error(ld, (int)k, "path is too long once resolved (%zu bytes; at most %zu)",
                             strlen(joined), keys[k].spec.size - 1);
        memset(p, 0, keys[k].spec.size);
        memcpy(p, joined, strlen(joined));
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * Tables: CSV read by the table module, then typed column by column. The header row names
 * the columns, in any order. */

static void csv_column_list(const struct table_spec *t, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t c = 0; c < t->ncols && used < size; c++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", c ? "," : "", t->cols[c].name);
}

/* Maps each header field of raw to its column of t in map[]. */
static int csv_header(const struct table *raw, const struct table_spec *t, const char *key,
                      int *map, struct error *err)
{
    bool seen[TABLE_COLS_MAX] = {false};
    char list[200];
    csv_column_list(t, list, sizeof list);
    int line = raw->line[0];
    for (size_t i = 0; i < raw->ncol; i++) {
        const char *name = table_header(raw, i);
        size_t c = 0;
        while (c < t->ncols && strcmp(t->cols[c].name, name) != 0)
            c++;
        if (c == t->ncols)
            return error_set(err, ERROR_INPUT, raw->file, line, name[0] ? name : key,
                             "unknown column%s; the first row must be the header %s",
                             name[0] ? "" : " (empty name)", list);
        if (seen[c])
            return error_set(err, ERROR_INPUT, raw->file, line, name,
                             "column given twice in the header");
        seen[c] = true;
        map[i] = (int)c;
    }
    for (size_t c = 0; c < t->ncols; c++)
        if (!seen[c])
            return error_set(err, ERROR_INPUT, raw->file, line, t->cols[c].name,
                             "column missing from the header (expected %s)", list);
    return 0;
}

/* A loaded table: rows (row structs) and the line each came from, both owned by the
 * caller; the file as errors show it; the line of the header row. */
struct table_rows {
    void *rows;
    int *lines;
    size_t n;
    int header_line;
    char file[SCENARIO_PATH_MAX + 64];
};

/* Loads the table named by key k into *tr. The file shown in errors is the path relative
 * to the working directory when the table sits under the scenario's directory. */
static int table_load(struct load *ld, int k, const struct table_spec *t, struct table_rows *tr)
{
    char *display = tr->file;
    size_t display_size = sizeof tr->file;
    const char *path = (const char *)ld->sc + keys[k].spec.offset;
    size_t dirlen = strlen(ld->realdir);
    const char *slash = strrchr(ld->path, '/');
    if (strncmp(path, ld->realdir, dirlen) == 0 && path[dirlen] == '/' && !ld->key_set[k]) {
        if (slash)
            snprintf(display, display_size, "%.*s%s", (int)(slash - ld->path), ld->path,
                     path + dirlen);
        else
            snprintf(display, display_size, "%s", path + dirlen + 1);
    } else {
        snprintf(display, display_size, "%s", path);
    }

    char where[sizeof ld->err->file];
    struct text_origin origin = {where, 0};
    key_where(ld, k, where, sizeof where, &origin.line);
    const char *key = keys[k].full;
    struct table raw;
    if (table_read(&raw, path, display, FILE_SIZE_MAX, TABLE_MAX_ROWS, &origin, key, ld->err))
        return -1;
    char list[200];
    int map[TABLE_COLS_MAX];
    int rc = 0;
    csv_column_list(t, list, sizeof list);
    if (raw.ncol == 0)
        rc = error_set(ld->err, ERROR_INPUT, display, 1, key,
                       "empty table; expected the header %s and at least one row", list);
    else if (raw.ncol > t->ncols)
        rc = error_set(ld->err, ERROR_INPUT, display, raw.line[0], key,
                       "the header has %zu fields; expected the header %s", raw.ncol, list);
    else
        rc = csv_header(&raw, t, key, map, ld->err);
    if (rc == 0 && raw.nrow == 0)
        rc = error_set(ld->err, ERROR_INPUT, display, raw.line[0], key,
                       "the table has a header but no rows");
    char *rows = NULL;
    int *lines = NULL;
    if (rc == 0 &&
        (!(rows = calloc(raw.nrow, t->row_size)) || !(lines = malloc(raw.nrow * sizeof *lines))))
        rc = oom(ld->err);
    for (size_t r = 0; r < raw.nrow && rc == 0; r++) {
        lines[r] = raw.line[r + 1];
        for (size_t i = 0; i < raw.ncol && rc == 0; i++) {
            const struct column *col = &t->cols[map[i]];
            char why[400];
            if (value_parse(&col->spec, table_cell(&raw, r, i), rows + r * t->row_size, why,
                            sizeof why) < 0)
                rc = error_set(ld->err, ERROR_INPUT, display, lines[r], col->name, "%s", why);
        }
    }
    tr->header_line = raw.ncol ? raw.line[0] : 0;
    tr->n = raw.nrow;
    table_cleanup(&raw);
    if (rc) {
        free(rows);
        free(lines);
        return -1;
    }
    tr->rows = rows;
    tr->lines = lines;
    return 0;
}

static int market_load(struct load *ld)
{
    struct scenario *sc = ld->sc;
    struct table_rows tr;
    if (table_load(ld, KEY(households, market), &market_table, &tr) < 0)
        return -1;
    sc->market = tr.rows;
    sc->n_market = tr.n;
    int rc = 0;
    double sum[PAY_COUNT] = {0};
    size_t count[PAY_COUNT] = {0}, last[PAY_COUNT] = {0};
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        const struct market_row *r = &sc->market[i];
        for (size_t j = 0; j < i && rc == 0; j++)
            if (sc->market[j].payment == r->payment &&
                strcmp(sc->market[j].supplier, r->supplier) == 0)
                rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "supplier",
                               "%s already has a %s row (line %d)", r->supplier,
                               payment_names[r->payment], tr.lines[j]);
        sum[r->payment] += r->share;
        count[r->payment]++;
        last[r->payment] = i;
    }
    const double hh[PAY_COUNT] = {sc->households.direct_debit_share,
                                  sc->households.standard_credit_share,
                                  sc->households.prepayment_share};
    for (int p = 0; p < PAY_COUNT && rc == 0; p++) {
        if (count[p] > 0 && fabs(sum[p] - 1) > SHARE_TOLERANCE)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[last[p]], "share",
                           "shares of the %s rows must sum to 1, but sum to %.10g",
                           payment_names[p], sum[p]);
        else if (count[p] == 0 && hh[p] > 0)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.header_line, "payment",
                           "no %s rows, but households.%s_share is %g", payment_names[p],
                           payment_names[p], hh[p]);
    }
    if (rc == 0 && count[PAY_DIRECT_DEBIT] == 0)
        rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.header_line, "payment",
                       "no direct_debit rows: supplier costs are quoted for direct debit, so "
                       "the market needs at least one direct_debit tariff");
    free(tr.lines);
    return rc;
}

static int suppliers_load(struct load *ld)
{
    struct scenario *sc = ld->sc;
    struct table_rows tr;
    if (table_load(ld, KEY(auction, suppliers), &supplier_table, &tr) < 0)
        return -1;
    sc->suppliers = tr.rows;
    sc->n_suppliers = tr.n;
    int rc = 0;
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        const struct supplier_row *r = &sc->suppliers[i];
        if (r->cost_high < r->cost_low)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "cost_high",
                           "cost_high (%g) is below cost_low (%g)", r->cost_high, r->cost_low);
        for (size_t j = 0; j < i && rc == 0; j++)
            if (strcmp(sc->suppliers[j].name, r->name) == 0)
                rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "supplier",
                               "%s is already listed on line %d", r->name, tr.lines[j]);
    }
    free(tr.lines);
    return rc;
}

static int rounds_load(struct load *ld)
{
    struct scenario *sc = ld->sc;
    size_t want = (size_t)sc->scenario.rounds;
    sc->round_rows = calloc(want, sizeof *sc->round_rows);
    if (!sc->round_rows)
        return oom(ld->err);
    if (sc->rounds.table[0] == '\0') {
        for (size_t r = 0; r < want; r++)
            sc->round_rows[r] = (struct round_row){1, 1, 1};
        return 0;
    }
    struct table_rows tr;
    if (table_load(ld, KEY(rounds, table), &round_table, &tr) < 0)
        return -1;
    const struct round_stage *st = tr.rows;
    int *seen = calloc(want, sizeof *seen);
    int rc = seen ? 0 : oom(ld->err);
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        int r = st[i].round;
        if ((size_t)r > want)
            continue; /* a longer tariff scenario serves a shorter run */
        if (seen[r - 1])
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "round",
                           "round %d given twice (first on line %d)", r, seen[r - 1]);
        else {
            seen[r - 1] = tr.lines[i];
            sc->round_rows[r - 1] = st[i].r;
        }
    }
    for (size_t r = 0; r < want && rc == 0; r++)
        if (!seen[r])
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[tr.n - 1], "round",
                           "round %zu is missing: the table must give each round 1..%zu once",
                           r + 1, want);
    free(seen);
    free(tr.rows);
    free(tr.lines);
    return rc;
}

static int profile_load(struct load *ld)
{
    struct scenario *sc = ld->sc;
    double window = sc->registration.window_days;
    size_t days = (size_t)ceil(window);
    if (sc->registration.profile[0] == '\0') {
        /* Flat over [0, window): the last day counts only its part inside the window. */
        sc->profile = malloc(days * sizeof *sc->profile);
        if (!sc->profile)
            return oom(ld->err);
        sc->n_profile = days;
        for (size_t d = 0; d < days; d++)
            sc->profile[d] = (fmin((double)d + 1, window) - (double)d) / window;
        return 0;
    }
    struct table_rows tr;
    if (table_load(ld, KEY(registration, profile), &profile_table, &tr) < 0)
        return -1;
    const struct profile_stage *st = tr.rows;
    int rc = 0;
    double sum = 0;
    for (size_t i = 0; i < tr.n && rc == 0; i++) {
        if (st[i].day != (int)i)
            rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[i], "day",
                           "expected day %zu (days run 0, 1, 2, ... one row each), got %d", i,
                           st[i].day);
        sum += st[i].weight;
    }
    if (rc == 0 && tr.n != days)
        rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[tr.n - 1], "day",
                       "the profile has %zu days, but registration.window_days = %g needs "
                       "exactly %zu (days 0..%zu)",
                       tr.n, window, days, days - 1);
    if (rc == 0 && !(sum > 0))
        rc = error_set(ld->err, ERROR_INPUT, tr.file, tr.lines[tr.n - 1], "weight",
                       "weights sum to 0; at least one must be positive");
    if (rc == 0) {
        sc->profile = malloc(tr.n * sizeof *sc->profile);
        if (!sc->profile)
            rc = oom(ld->err);
    }
    if (rc == 0) {
        sc->n_profile = tr.n;
        for (size_t i = 0; i < tr.n; i++)
            sc->profile[i] = st[i].weight / sum;
    }
    free(tr.rows);
    free(tr.lines);
    return rc;
}

/* ---------------------------------------------------------------------------------------
 * Public functions. */

static int defaults_fill(struct scenario *sc, struct error *err)
{
    for (size_t k = 0; k < N_KEYS; k++) {
        char why[256];
        if (keys[k].def && value_parse(&keys[k].spec, keys[k].def, sc, why, sizeof why) < 0)
            return error_set(err, ERROR_SYSTEM, "", 0, keys[k].full, "bad built-in default: %s",
                             why);
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
    struct scenario *sc = calloc(1, sizeof *sc);
    struct load *ld = calloc(1, sizeof *ld);
    if (!sc || !ld) {
        free(sc);
        free(ld);
        oom(err);
        return NULL;
    }
    ld->sc = sc;
    ld->err = err;
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
        rc = ini_load(ld);
    for (size_t i = 0; i < n_sets && rc == 0; i++)
        rc = set_apply(ld, i);
    if (rc == 0)
        rc = scalar_checks(ld);
    if (rc == 0)
        rc = dir_resolve(ld);
    if (rc == 0)
        rc = paths_resolve(ld);
    if (rc == 0)
        rc = market_load(ld);
    if (rc == 0)
        rc = suppliers_load(ld);
    if (rc == 0)
        rc = rounds_load(ld);
    if (rc == 0)
        rc = profile_load(ld);
    free(ld);
    if (rc != 0) {
        scenario_destroy(sc);
        return NULL;
    }
    return sc;
}

int scenario_each_value(const char *path,
                        void (*fn)(void *ctx, const char *key, const char *value, int line),
                        void *ctx, struct error *err)
{
    struct load *ld = calloc(1, sizeof *ld);
    if (!ld)
        return oom(err);
    *ld = (struct load){.err = err, .path = path, .each = fn, .each_ctx = ctx};
    int rc = ini_load(ld);
    free(ld);
    return rc;
}

const char *scenario_payment_name(enum payment p)
{
    return (unsigned)p < PAY_COUNT ? payment_names[p] : "?";
}

void scenario_destroy(struct scenario *sc)
{
    if (!sc)
        return;
    free(sc->market);
    free(sc->suppliers);
    free(sc->round_rows);
    free(sc->profile);
    free(sc);
}

int scenario_write(const struct scenario *sc, FILE *out)
{
    int bad = fprintf(out,
                      "; %s - switchsim scenario, fully resolved (every key, defaults "
                      "filled in)\n",
                      sc->scenario.name) < 0;
    for (size_t k = 0; k < N_KEYS && !bad; k++) {
        if (k == 0 || strcmp(keys[k].section, keys[k - 1].section) != 0)
            bad |= fprintf(out, "\n[%s]\n", keys[k].section) < 0;
        char value[2 * SCENARIO_PATH_MAX];
        value_format(&keys[k].spec, sc, value, sizeof value);
        bad |= fprintf(out, "; %s [%s; default: %s]\n%s = %s\n", keys[k].doc, keys[k].type_text,
                       keys[k].def ? (keys[k].def[0] ? keys[k].def : "empty") : "required",
                       keys[k].name, value) < 0;
    }
    return bad || ferror(out) ? -1 : 0;
}

size_t scenario_key_count(void)
{
    return N_KEYS;
}

int scenario_key_at(size_t i, struct scenario_key_info *info)
{
    if (i >= N_KEYS)
        return -1;
    info->name = keys[i].full;
    info->type = keys[i].type_text;
    info->default_text = keys[i].def;
    info->doc = keys[i].doc;
    return 0;
}

int scenario_value_text(const struct scenario *sc, const char *key, char *buf, size_t size)
{
    int k = key_find(key);
    if (k < 0 || size == 0)
        return -1;
    char value[2 * SCENARIO_PATH_MAX];
    value_format(&keys[k].spec, sc, value, sizeof value);
    if (strlen(value) >= size)
        return -1;
    memcpy(buf, value, strlen(value) + 1);
    return 0;
}
