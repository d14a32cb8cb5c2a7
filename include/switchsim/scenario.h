/* scenario.h - a scenario: INI keys and CSV tables, loaded and validated into one struct. */
#ifndef SWITCHSIM_SCENARIO_H
#define SWITCHSIM_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "switchsim/error.h"

#define SCENARIO_PATH_MAX 512
#define SCENARIO_FIXED_MAX 2048 /* uncertainty.fixed: a list of keys */
#define SCENARIO_NAME_MAX 128
#define SCENARIO_TITLE_MAX 256
#define SCENARIO_MAX_REMINDERS 16

/* Ceilings on what a scenario may ask of a run, so that every scenario that loads runs:
 * the days simulated (daily.csv has a row per day), the households one replication draws
 * (the calendar holds at most 2^26 pending events), and the bytes a run's memory estimate
 * counts per household of a replication under way. */
#define SCENARIO_HORIZON_MAX_DAYS 100000
#define SCENARIO_HOUSEHOLDS_MAX 30000000
#define SCENARIO_HOUSEHOLD_BYTES 64

/* Payment methods; each is a separate lot in the auction. */
enum payment { PAY_DIRECT_DEBIT, PAY_STANDARD_CREDIT, PAY_PREPAYMENT, PAY_COUNT };

/* The name of payment method p in tables and result files ("direct_debit", ...); "?" when
 * p is out of range. */
const char *scenario_payment_name(enum payment p);

enum auction_rule { RULE_FIRST_PRICE, RULE_SECOND_PRICE };
enum auction_benchmark { BENCHMARK_BEST, BENCHMARK_AVERAGE };
enum bid_strategy { STRATEGY_MARKUP, STRATEGY_EQUILIBRIUM };

/* A tariff: unit rates in pence per kWh, standing charges in pence per day. */
struct tariff {
    double elec_unit;
    double elec_standing;
    double gas_unit;
    double gas_standing;
};

/* One row of the market table: a supplier's current tariff for one payment method, and
 * the share of that payment method's households on it. */
struct market_row {
    char supplier[64];
    enum payment payment;
    struct tariff tariff;
    double share;
};

/* One row of the supplier table: who may bid and how. Costs are £/year to supply the
 * reference household on direct debit; other lots scale them by the market's price ratio. */
struct supplier_row {
    char name[64];
    double participation; /* probability of bidding in a round, 0..1 */
    double cost_low;      /* private cost drawn uniform on [cost_low, cost_high] */
    double cost_high;
    enum bid_strategy strategy;
    double markup;   /* cost-plus: bid = cost * (1 + markup) */
    double capacity; /* most households it takes per lot and round; 0 = no limit */
};

/* One row of the rounds table (the tariff scenario): multipliers for round `round`. */
struct round_row {
    double market_index;       /* market tariffs x this */
    double cost_index;         /* supplier costs x this */
    double registration_index; /* expected registrations x this */
};

struct scenario {
    char path[SCENARIO_PATH_MAX]; /* the INI file it was read from */

    struct {
        char name[SCENARIO_NAME_MAX];
        char title[SCENARIO_TITLE_MAX];     /* for people; empty = the name */
        char sources[SCENARIO_PATH_MAX];    /* CSV key,source; empty = none */
        char overrides[512]; /* the --set overrides of a run, recorded for titles */
        int rounds;
        int replications;
        uint64_t seed;
        double interval_days; /* round r starts at (r-1) * interval_days */
    } scenario;

    struct {
        double expected;    /* Poisson mean per round */
        double expected_sd; /* a live forecast's prior sd of it; 0 = half of it */
        double paper_share;
        double window_days;              /* registrations open [0, window_days) from round start */
        char profile[SCENARIO_PATH_MAX]; /* CSV day,weight; empty = flat */
    } registration;

    struct {
        int clerks;
        double forms_per_clerk_day; /* data-entry rate of one clerk */
        double postal_delay_min;    /* days; uniform on [min, max] */
        double postal_delay_max;
    } paper;

    struct {
        double dual_fuel_share;
        double direct_debit_share;
        double standard_credit_share;
        double prepayment_share;
        double vulnerable_share;
        double elec_median_kwh;
        double elec_p90_kwh;
        double gas_median_kwh;
        double gas_p90_kwh;
        char market[SCENARIO_PATH_MAX]; /* CSV of current market tariffs */
    } households;

    struct {
        enum auction_rule rule;
        double day;                       /* auction day, days from round start */
        enum auction_benchmark benchmark; /* what the reserve is set against */
        double reserve_margin;            /* £/year under the benchmark */
        double reference_elec_kwh;
        double reference_gas_kwh;
        char suppliers[SCENARIO_PATH_MAX];
    } auction;

    struct {
        double send_delay_days; /* from auction day to offers going out */
        double email_delay_max_days;
        double window_days; /* acceptance window from receipt */
        int n_reminders;
        double reminder_days[SCENARIO_MAX_REMINDERS]; /* days after the offer is sent */
    } offers;

    struct {
        /* P(accept within the window, no reminders) =
         *   logistic(intercept + saving_coef * saving/100 + paper_coef * paper
         *            + vulnerable_coef * vulnerable), 0 when saving <= 0 */
        double intercept;
        double saving_coef; /* per £100/year of saving */
        double paper_coef;
        double vulnerable_coef;
        double reminder_lift;     /* hazard x (1 + lift * reminders received) */
        double fixed_probability; /* if >= 0: acceptance probability ignoring the curve */
    } decisions;

    struct {
        double cooling_off_days;
        double cancel_prob;
        double transfer_days;
        double fail_prob;
        double fail_prob_prepayment;
    } switching;

    struct {
        char table[SCENARIO_PATH_MAX]; /* CSV of per-round indices; empty = all 1 */
        double reregister_prob;        /* non-switcher registers again next round */
        double return_prob;            /* switcher comes back when the fixed term ends */
        double fixed_term_days;
    } rounds;

    struct {
        char parameters[SCENARIO_PATH_MAX]; /* CSV of fitted parameters; empty = none */
        char covariance[SCENARIO_PATH_MAX]; /* CSV of their covariance; empty = from se */
        char fixed[SCENARIO_FIXED_MAX];     /* parameters held at the scenario's value */
    } uncertainty;

    struct {
        double savings_bin; /* £ width of savings histogram bins */
        double savings_max; /* upper end of the histogram */
    } output;

    /* Tables, loaded and validated. */
    struct market_row *market;
    size_t n_market;
    struct supplier_row *suppliers;
    size_t n_suppliers;
    struct round_row *round_rows; /* exactly scenario.rounds rows */
    double *profile;              /* daily weights, n_profile days, normalised to sum 1 */
    size_t n_profile;
    /* Parameter uncertainty (uncertainty.parameters): each replication draws the keys from
     * the multivariate normal N(estimate, covariance) truncated to [lower, upper]. */
    struct scenario_param *params;
    size_t n_params;
    double *param_chol; /* n_params x n_params, the covariance's lower Cholesky factor */
};

/* One fitted parameter of a scenario's uncertainty file. */
struct scenario_param {
    char key[96]; /* "section.key", a key whose scenario_key_info says fit */
    double estimate, se;
    double lower, upper; /* draws stay within, and within the key's own range */
};

/* Scenario files.
 *
 * The INI file: sections and keys as in the struct below, each key "section.field"
 * (scenario_key_at lists them with type, default and documentation). Every key at most
 * once; unknown sections and keys, indented continuation lines and keys outside a section
 * are errors. ';' or '#' start a comment line; " ;" starts an inline comment. The file is
 * UTF-8 text (a BOM and CRLF line ends are accepted) with lines of at most 8192 bytes (a
 * key line longer than inih's buffer is read whole all the same). offers.reminder_days is
 * a comma list of days, strictly ascending, possibly empty. decisions.fixed_probability is
 * -1 (use the logistic curve) or 0..1.
 *
 * Tables are CSV (libcsv: quotes allowed, blank lines skipped, a BOM and CRLF accepted),
 * named by path keys; a relative path is taken from the scenario file's directory, and
 * stored resolved to an absolute path. The first row is a header holding exactly the
 * table's column names, in any order:
 *   households.market     supplier,payment,elec_unit_p,elec_standing_p_day,gas_unit_p,
 *                         gas_standing_p_day,share
 *                         payment: direct_debit|standard_credit|prepayment; the shares of
 *                         each payment method's rows sum to 1; a method with households
 *                         (households.*_share > 0) has at least one row; one row per
 *                         supplier and method.
 *   auction.suppliers     supplier,participation,cost_low,cost_high,strategy,markup,capacity
 *                         strategy: markup|equilibrium; 0 < cost_low <= cost_high;
 *                         capacity 0 = no limit; names unique.
 *   rounds.table          round,market_index,cost_index,registration_index (optional)
 *                         each round 1..scenario.rounds exactly once; indices > 0.
 *   registration.profile  day,weight (optional)
 *                         days 0, 1, 2, ... in order, exactly ceil(registration.window_days)
 *                         of them; weights >= 0 with a positive sum.
 * Every table needs at least one data row.
 *
 * After loading, round_rows always holds scenario.rounds rows (all 1 without a rounds
 * table) and profile always holds ceil(window_days) daily weights summing to 1 (flat over
 * [0, window_days) without a profile table, the last day weighted by its part inside). */

/* Loads `path` (INI, tables read relative to it), applies the overrides
 * ("SECTION.KEY=VALUE", n_sets of them, after the file), fills defaults and validates.
 * Returns a scenario owned by the caller (scenario_destroy), or NULL with *err filled:
 * ERROR_INPUT for anything the user wrote, ERROR_SYSTEM for out of memory.
 * Errors in the file name it and the line (and the key, "section.key"); errors in a table
 * name the CSV file, its line and the column; a missing table is reported at the key that
 * names it; an error in an override names "--set SECTION.KEY=VALUE" (line 0). A later
 * override of the same key wins. */
struct scenario *scenario_load(const char *path, const char *const *sets, size_t n_sets,
                               struct error *err);
/* (A scenario with parameter uncertainty turns GSL's error handler off, once and for the
 * whole program, as calibrate_run does: GSL then reports failures by return value, which
 * switchsim checks, instead of aborting.) */

/* What a run may use, checked when a scenario is loaded. */
struct scenario_limits {
    int threads;   /* replications run at once; at least 1 */
    double memory; /* bytes the run's estimated peak may take; 0 = scenario_memory_budget() */
};

/* scenario_load, refusing as bad input (naming the key at fault) a scenario whose estimated
 * peak memory exceeds lim->memory: threads x (households of a replication x
 * SCENARIO_HOUSEHOLD_BYTES + daily counts + histogram) plus twice the results kept for every
 * replication (metrics and bids of each round; twice, for compare's two sides).
 * scenario_load is this with one thread and scenario_memory_budget(). */
struct scenario *scenario_load_limited(const char *path, const char *const *sets, size_t n_sets,
                                       const struct scenario_limits *lim, struct error *err);

/* Half of this machine's memory (physical, or the cgroup's limit when lower): the default
 * ceiling on a run's estimated peak memory. */
double scenario_memory_budget(void);

/* The days one replication of sc simulates: every round, and the last one's offers,
 * acceptances, cooling off and transfers. At most SCENARIO_HORIZON_MAX_DAYS for a loaded
 * scenario. */
double scenario_horizon_days(const struct scenario *sc);

/* Reads the INI file at `path` as scenario_load reads one (the same text checks and the same
 * inih), but without knowing or checking its keys: calls fn(ctx, "section.key", value, line)
 * for each key line, in file order. For reading a results folder's scenario.ini. Returns 0,
 * or -1 with *err filled (ERROR_INPUT naming the file and line: unreadable, not text, an
 * INI syntax error). */
int scenario_each_value(const char *path,
                        void (*fn)(void *ctx, const char *key, const char *value, int line),
                        void *ctx, struct error *err);

/* The value of numeric key `key` in sc into *out. Returns 0, or -1 when the key is unknown or
 * not a number. */
int scenario_number(const struct scenario *sc, const char *key, double *out);

/* Sets numeric key `key` of sc to v after checking v against the key's range (an integer key
 * takes only whole numbers). Returns 0, or -1 with the reason in why (n bytes) when the key
 * is unknown, not a number, or v is out of range; sc is then unchanged. Changing a key after
 * loading skips the checks that involve more than one key: callers set only keys whose
 * scenario_key_info says fit, which no such check involves. */
int scenario_set_number(struct scenario *sc, const char *key, double v, char *why, size_t n);

/* The range a numeric key accepts, [*lo, *hi] (an open lower end given as its bound). Returns
 * 0, or -1 when the key is unknown or not a number. */
int scenario_number_range(const char *key, double *lo, double *hi);

/* One row of a scenario's sources table (scenario.sources): where a key's value comes from. */
struct scenario_source {
    char key[96];     /* "section.key", a scenario key */
    char source[600]; /* a citation, as text */
};

/* Reads the sources table at `path` (CSV key,source, as scenario_load checks it: each key a
 * scenario key, at most once; each source non-empty) into a new array *rows of *n rows,
 * owned by the caller (free). Errors name `display`, the line and the column. Returns 0, or
 * -1 with *err filled (ERROR_INPUT; ERROR_SYSTEM for out of memory) and *rows NULL. */
int scenario_sources_read(const char *path, const char *display, struct scenario_source **rows,
                          size_t *n, struct error *err);

/* Frees a scenario and its tables. NULL is a no-op. */
void scenario_destroy(struct scenario *sc);

/* Writes the fully resolved scenario as INI (every key, defaults filled in, tables named
 * by absolute path) so that loading the output gives the same scenario. Returns 0 or -1. */
int scenario_write(const struct scenario *sc, FILE *out);

struct pack;
struct pack_reader;

/* Appends sc, keys and tables, to p (pack.h): what another process of the same build needs to
 * run it without reading any file. */
void scenario_pack(const struct scenario *sc, struct pack *p);

/* The scenario scenario_pack wrote, read from r: owned by the caller (scenario_destroy), or
 * NULL (r->failed set) when r does not hold one or memory runs out. */
struct scenario *scenario_unpack(struct pack_reader *r);

/* One documented key, all strings static. */
struct scenario_key_info {
    const char *name;         /* "section.key" */
    const char *type;         /* e.g. "integer", "probability", "first_price|second_price" */
    const char *default_text; /* NULL when the key is required */
    const char *doc;          /* one line */
    bool fit;                 /* a number calibrate may fit and replications may draw */
};

/* Number of scenario keys. */
size_t scenario_key_count(void);

/* Describes key i (0 <= i < scenario_key_count(), in the order scenario_write uses) into
 * *info. Returns 0, or -1 when i is out of range. */
int scenario_key_at(size_t i, struct scenario_key_info *info);

/* The unit of a key's values for people ("days", "£ a year", "share", "kWh a year", "file",
 * ...), static; "" when it has none or the key is unknown. A "share" is a number 0..1,
 * shown as a percentage. */
const char *scenario_key_unit(const char *key);

/* A key for people, with its unit: "reserve margin (£ a year)", "paper share (%)",
 * "window (days)"; the key itself when unknown. Into buf (size bytes). */
void scenario_key_label(const char *key, char *buf, size_t size);

/* Writes the value of `key` ("section.key") in sc as scenario_write would into buf.
 * Returns 0, or -1 for an unknown key or a buffer too small. */
int scenario_value_text(const struct scenario *sc, const char *key, char *buf, size_t size);

#endif
