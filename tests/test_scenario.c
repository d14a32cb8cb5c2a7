/* test_scenario.c - scenario loading, defaults, overrides, write/load round trip, bad input. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <setjmp.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "switchsim/scenario.h"

extern char **environ;

static const char *data_dir(void)
{
    const char *d = getenv("SWITCHSIM_TEST_DATA");
    return d && *d ? d : "tests/data";
}

static void data_path(char *buf, size_t size, const char *rel)
{
    snprintf(buf, size, "%s/%s", data_dir(), rel);
}

static struct scenario *load_ok(const char *rel, const char *const *sets, size_t n_sets)
{
    char path[512];
    struct error err = {0};
    data_path(path, sizeof path, rel);
    struct scenario *sc = scenario_load(path, sets, n_sets, &err);
    if (!sc) {
        char line[1400];
        error_format(&err, line, sizeof line);
        fail_msg("loading %s failed: %s", path, line);
    }
    return sc;
}

/* Loads expecting failure; returns the formatted error. */
static void load_bad(const char *rel, const char *const *sets, size_t n_sets, char *line,
                     size_t size)
{
    char path[512];
    struct error err = {0};
    data_path(path, sizeof path, rel);
    struct scenario *sc = scenario_load(path, sets, n_sets, &err);
    if (sc) {
        scenario_destroy(sc);
        fail_msg("%s loaded, but should fail", path);
    }
    assert_int_equal(err.kind, ERROR_INPUT);
    error_format(&err, line, size);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* ---------------------------------------------------------------------------------------
 * Good files. */

static void test_good(void **state)
{
    (void)state;
    struct scenario *sc = load_ok("good/scenario.ini", NULL, 0);
    assert_string_equal(sc->scenario.name, "test good");
    assert_int_equal(sc->scenario.rounds, 2);
    assert_int_equal(sc->scenario.replications, 5);
    assert_true(sc->scenario.seed == UINT64_MAX);
    assert_true(sc->scenario.interval_days == 60);
    assert_true(sc->registration.expected == 1000);
    assert_true(sc->registration.paper_share == 0.25);
    assert_true(sc->registration.window_days == 4.5);
    assert_true(sc->registration.profile[0] == '/');
    assert_true(ends_with(sc->registration.profile, "/good/profile.csv"));
    assert_int_equal(sc->paper.clerks, 1);
    assert_true(sc->paper.forms_per_clerk_day == 40.5);
    assert_true(sc->households.prepayment_share == 0.1);
    assert_true(ends_with(sc->households.market, "/good/market.csv"));
    assert_int_equal(sc->auction.rule, RULE_SECOND_PRICE);
    assert_true(sc->auction.reserve_margin == 12.5);
    assert_int_equal(sc->offers.n_reminders, 3);
    assert_true(sc->offers.reminder_days[0] == 3);
    assert_true(sc->offers.reminder_days[1] == 10.5);
    assert_true(sc->offers.reminder_days[2] == 21);
    assert_true(sc->decisions.vulnerable_coef == -0.25);
    assert_true(sc->decisions.fixed_probability == 0.4);
    assert_true(sc->switching.fail_prob_prepayment == 0.09);
    assert_true(sc->rounds.return_prob == 0.6);
    assert_true(sc->output.savings_max == 800);

    /* market.csv: a quoted name with a comma, a blank line skipped */
    assert_int_equal(sc->n_market, 5);
    assert_string_equal(sc->market[1].supplier, "Small, Cheap");
    assert_int_equal(sc->market[1].payment, PAY_DIRECT_DEBIT);
    assert_true(sc->market[1].tariff.elec_unit == 12.1);
    assert_true(sc->market[1].tariff.gas_standing == 20);
    assert_int_equal(sc->market[2].payment, PAY_STANDARD_CREDIT);
    assert_int_equal(sc->market[4].payment, PAY_PREPAYMENT);
    assert_true(sc->market[4].share == 0.5);

    /* suppliers.csv: columns in another order than documented */
    assert_int_equal(sc->n_suppliers, 3);
    assert_string_equal(sc->suppliers[1].name, "Supplier B");
    assert_true(sc->suppliers[1].participation == 0.5);
    assert_true(sc->suppliers[1].cost_low == 850);
    assert_true(sc->suppliers[1].cost_high == 1050);
    assert_int_equal(sc->suppliers[1].strategy, STRATEGY_MARKUP);
    assert_true(sc->suppliers[1].markup == 0.05);
    assert_true(sc->suppliers[1].capacity == 5000);
    assert_int_equal(sc->suppliers[0].strategy, STRATEGY_EQUILIBRIUM);

    /* rounds.csv: rows in any order */
    assert_true(sc->round_rows[0].market_index == 1);
    assert_true(sc->round_rows[1].market_index == 1.05);
    assert_true(sc->round_rows[1].cost_index == 1.02);
    assert_true(sc->round_rows[1].registration_index == 0.5);

    /* profile.csv: ceil(4.5) = 5 days, normalised */
    assert_int_equal(sc->n_profile, 5);
    assert_true(fabs(sc->profile[0] - 0.5) < 1e-15);
    assert_true(fabs(sc->profile[1] - 0.25) < 1e-15);
    assert_true(sc->profile[4] == 0);
    scenario_destroy(sc);
}

static void test_defaults(void **state)
{
    (void)state;
    struct scenario *sc = load_ok("good/minimal.ini", NULL, 0);
    assert_string_equal(sc->scenario.name, "minimal");
    assert_int_equal(sc->scenario.rounds, 1);
    assert_int_equal(sc->scenario.replications, 20);
    assert_true(sc->scenario.seed == 1);
    assert_true(sc->scenario.interval_days == 91);
    assert_true(sc->registration.expected == 500);
    assert_true(sc->registration.paper_share == 0.1);
    assert_true(sc->registration.window_days == 28);
    assert_string_equal(sc->registration.profile, "");
    assert_int_equal(sc->paper.clerks, 2);
    assert_true(sc->paper.forms_per_clerk_day == 60);
    assert_true(sc->paper.postal_delay_min == 1);
    assert_true(sc->paper.postal_delay_max == 3);
    assert_true(sc->households.dual_fuel_share == 0.8);
    assert_true(sc->households.direct_debit_share == 0.57);
    assert_true(sc->households.standard_credit_share == 0.27);
    assert_true(sc->households.prepayment_share == 0.16);
    assert_true(sc->households.vulnerable_share == 0.2);
    assert_true(sc->households.elec_median_kwh == 3200);
    assert_true(sc->households.elec_p90_kwh == 4900);
    assert_true(sc->households.gas_median_kwh == 13500);
    assert_true(sc->households.gas_p90_kwh == 19000);
    assert_int_equal(sc->auction.rule, RULE_FIRST_PRICE);
    assert_true(sc->auction.day == 35);
    assert_true(sc->auction.reserve_margin == 0);
    assert_true(sc->auction.reference_elec_kwh == 3200);
    assert_true(sc->auction.reference_gas_kwh == 13500);
    assert_true(ends_with(sc->auction.suppliers, "/good/./suppliers.csv"));
    assert_true(sc->offers.send_delay_days == 2);
    assert_true(sc->offers.email_delay_max_days == 1);
    assert_true(sc->offers.window_days == 28);
    assert_int_equal(sc->offers.n_reminders, 2);
    assert_true(sc->offers.reminder_days[0] == 7);
    assert_true(sc->offers.reminder_days[1] == 14);
    assert_true(sc->decisions.intercept == -1.5);
    assert_true(sc->decisions.saving_coef == 0.6);
    assert_true(sc->decisions.paper_coef == 1);
    assert_true(sc->decisions.vulnerable_coef == 0);
    assert_true(sc->decisions.reminder_lift == 0.5);
    assert_true(sc->decisions.fixed_probability == -1);
    assert_true(sc->switching.cooling_off_days == 14);
    assert_true(sc->switching.cancel_prob == 0.05);
    assert_true(sc->switching.transfer_days == 21);
    assert_true(sc->switching.fail_prob == 0.02);
    assert_true(sc->switching.fail_prob_prepayment == 0.08);
    assert_string_equal(sc->rounds.table, "");
    assert_true(sc->rounds.reregister_prob == 0.3);
    assert_true(sc->rounds.return_prob == 0.5);
    assert_true(sc->rounds.fixed_term_days == 365);
    assert_true(sc->output.savings_bin == 25);
    assert_true(sc->output.savings_max == 1500);

    /* no rounds table: one row of ones; no profile: flat over the 28-day window */
    assert_true(sc->round_rows[0].market_index == 1);
    assert_true(sc->round_rows[0].cost_index == 1);
    assert_true(sc->round_rows[0].registration_index == 1);
    assert_int_equal(sc->n_profile, 28);
    for (size_t d = 0; d < 28; d++)
        assert_true(fabs(sc->profile[d] - 1.0 / 28) < 1e-15);
    scenario_destroy(sc);
}

static void test_flat_profile_partial_day(void **state)
{
    (void)state;
    const char *sets[] = {"registration.window_days=2.5"};
    struct scenario *sc = load_ok("good/minimal.ini", sets, 1);
    assert_int_equal(sc->n_profile, 3);
    assert_true(fabs(sc->profile[0] - 0.4) < 1e-15);
    assert_true(fabs(sc->profile[1] - 0.4) < 1e-15);
    assert_true(fabs(sc->profile[2] - 0.2) < 1e-15);
    scenario_destroy(sc);
}

static void test_bom_crlf(void **state)
{
    (void)state;
    struct scenario *a = load_ok("good/scenario.ini", NULL, 0);
    struct scenario *b = load_ok("good/bom_crlf.ini", NULL, 0);
    assert_string_equal(b->scenario.name, "test good");
    assert_true(b->registration.window_days == 4.5);
    assert_int_equal(b->offers.n_reminders, 3);
    assert_true(ends_with(b->households.market, "/good/market_bom_crlf.csv"));
    assert_int_equal(a->n_market, b->n_market);
    assert_memory_equal(a->market, b->market, a->n_market * sizeof *a->market);
    assert_memory_equal(&a->scenario, &b->scenario, sizeof a->scenario);
    assert_memory_equal(&a->decisions, &b->decisions, sizeof a->decisions);
    assert_memory_equal(&a->offers, &b->offers, sizeof a->offers);
    scenario_destroy(a);
    scenario_destroy(b);
}

/* ---------------------------------------------------------------------------------------
 * --set overrides. */

static void test_set(void **state)
{
    (void)state;
    const char *sets[] = {
        "paper.clerks=7",
        " auction.rule = first_price ",
        "offers.reminder_days=",
        "scenario.name=over ridden",
        "paper.clerks=9",                        /* the later one wins */
        "rounds.table=",                         /* drop the table: all ones */
        "registration.profile=",                 /* flat */
        "households.market=market_bom_crlf.csv", /* relative to the scenario's directory */
    };
    struct scenario *sc = load_ok("good/scenario.ini", sets, sizeof sets / sizeof sets[0]);
    assert_int_equal(sc->paper.clerks, 9);
    assert_int_equal(sc->auction.rule, RULE_FIRST_PRICE);
    assert_int_equal(sc->offers.n_reminders, 0);
    assert_string_equal(sc->scenario.name, "over ridden");
    assert_true(sc->round_rows[1].market_index == 1);
    assert_int_equal(sc->n_profile, 5);
    assert_true(fabs(sc->profile[4] - 0.5 / 4.5) < 1e-15);
    assert_true(ends_with(sc->households.market, "/good/market_bom_crlf.csv"));
    scenario_destroy(sc);
}

struct set_case {
    const char *set;
    const char *expect; /* the whole formatted error starts with this */
};

static void test_set_errors(void **state)
{
    (void)state;
    static const struct set_case cases[] = {
        {"paper.clerks=abc", "--set paper.clerks=abc: paper.clerks: expected a whole number"},
        {"paper.clerks=1.5", "--set paper.clerks=1.5: paper.clerks: expected a whole number"},
        {"paper.clerks=-1", "--set paper.clerks=-1: paper.clerks: must be at least 0"},
        {"paper.clerk=3", "--set paper.clerk=3: paper.clerk: unknown key (did you mean "
                          "paper.clerks?)"},
        {"clerks", "--set clerks: expected SECTION.KEY=VALUE"},
        {"registration.paper_share=1.01", "--set registration.paper_share=1.01: "
                                          "registration.paper_share: must be a probability"},
        {"registration.expected=inf", "--set registration.expected=inf: registration.expected: "
                                      "expected a finite number"},
        {"auction.rule=english", "--set auction.rule=english: auction.rule: expected one of"},
        {"offers.reminder_days=5,5", "--set offers.reminder_days=5,5: offers.reminder_days: "
                                     "days must be in ascending order"},
        {"offers.reminder_days=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17",
         "--set offers.reminder_days=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17: "
         "offers.reminder_days: more than 16 days"},
        {"scenario.name=", "--set scenario.name=: scenario.name: must not be empty"},
        {"scenario.name=a ;b", "--set scenario.name=a ;b: scenario.name: must not contain ';'"},
        {"scenario.seed=18446744073709551616", "--set scenario.seed=18446744073709551616: "
                                               "scenario.seed: must be at most"},
        /* consistency errors blame the key given on the command line */
        {"paper.postal_delay_min=3", "--set paper.postal_delay_min=3: paper.postal_delay_min: "
                                     "paper.postal_delay_min (3) is greater than"},
        {"households.prepayment_share=0.2", "--set households.prepayment_share=0.2: "
                                            "households.prepayment_share: payment shares must"},
        /* a table named on the command line that does not exist */
        {"auction.suppliers=nope.csv", "--set auction.suppliers=nope.csv: auction.suppliers: "
                                       "cannot read "},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char line[1400];
        const char *sets[] = {"paper.clerks=2", cases[i].set};
        load_bad("good/scenario.ini", sets, 2, line, sizeof line);
        if (strncmp(line, cases[i].expect, strlen(cases[i].expect)) != 0)
            fail_msg("--set %s: got\n  %s\nwanted it to start with\n  %s", cases[i].set, line,
                     cases[i].expect);
    }
}

/* ---------------------------------------------------------------------------------------
 * scenario_write and the round trip. */

static void scalars_equal(const struct scenario *a, const struct scenario *b)
{
    size_t from = offsetof(struct scenario, scenario), to = offsetof(struct scenario, market);
    assert_memory_equal((const char *)a + from, (const char *)b + from, to - from);
}

static void tables_equal(const struct scenario *a, const struct scenario *b)
{
    assert_int_equal(a->n_market, b->n_market);
    assert_memory_equal(a->market, b->market, a->n_market * sizeof *a->market);
    assert_int_equal(a->n_suppliers, b->n_suppliers);
    assert_memory_equal(a->suppliers, b->suppliers, a->n_suppliers * sizeof *a->suppliers);
    assert_memory_equal(a->round_rows, b->round_rows,
                        (size_t)a->scenario.rounds * sizeof *a->round_rows);
    assert_int_equal(a->n_profile, b->n_profile);
    assert_memory_equal(a->profile, b->profile, a->n_profile * sizeof *a->profile);
}

/* Writes sc to a temporary file; returns its path in buf (caller unlinks). */
static void write_temp(const struct scenario *sc, char *buf, size_t size)
{
    snprintf(buf, size, "/tmp/switchsim-test-XXXXXX");
    int fd = mkstemp(buf);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    assert_int_equal(scenario_write(sc, f), 0);
    assert_int_equal(fclose(f), 0);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    return strdup(buf);
}

static void round_trip(const char *rel, const char *const *sets, size_t n_sets)
{
    struct scenario *a = load_ok(rel, sets, n_sets);
    char tmp[64], tmp2[64];
    write_temp(a, tmp, sizeof tmp);
    struct error err = {0};
    struct scenario *b = scenario_load(tmp, NULL, 0, &err);
    if (!b) {
        char line[1400];
        error_format(&err, line, sizeof line);
        fail_msg("reloading the written scenario failed: %s", line);
    }
    scalars_equal(a, b);
    tables_equal(a, b);
    /* and writing it again gives the same bytes */
    write_temp(b, tmp2, sizeof tmp2);
    char *t1 = slurp(tmp), *t2 = slurp(tmp2);
    assert_string_equal(t1, t2);
    free(t1);
    free(t2);
    unlink(tmp);
    unlink(tmp2);
    scenario_destroy(a);
    scenario_destroy(b);
}

static void test_round_trip(void **state)
{
    (void)state;
    round_trip("good/scenario.ini", NULL, 0);
    round_trip("good/minimal.ini", NULL, 0);
    round_trip("good/bom_crlf.ini", NULL, 0);
    /* doubles that need all 17 digits, tiny ones, and the smallest seed */
    const char *sets[] = {"decisions.intercept=0.1", "households.elec_p90_kwh=4900.000000000001",
                          "offers.reminder_days=0.00001,0.3,20.999999999999996", "scenario.seed=0",
                          "paper.forms_per_clerk_day=1e-300"};
    round_trip("good/scenario.ini", sets, sizeof sets / sizeof sets[0]);
}

static void test_write_lists_every_key(void **state)
{
    (void)state;
    struct scenario *sc = load_ok("good/minimal.ini", NULL, 0);
    char tmp[64];
    write_temp(sc, tmp, sizeof tmp);
    char *text = slurp(tmp);
    unlink(tmp);
    for (size_t i = 0; i < scenario_key_count(); i++) {
        struct scenario_key_info info;
        assert_int_equal(scenario_key_at(i, &info), 0);
        const char *dot = strchr(info.name, '.');
        assert_non_null(dot);
        char section[64], line[1300], value[600];
        snprintf(section, sizeof section, "\n[%.*s]\n", (int)(dot - info.name), info.name);
        assert_non_null(strstr(text, section));
        assert_int_equal(scenario_value_text(sc, info.name, value, sizeof value), 0);
        snprintf(line, sizeof line, "\n%s = %s\n", dot + 1, value);
        if (!strstr(text, line))
            fail_msg("written scenario lacks the line '%s = %s'", dot + 1, value);
        assert_non_null(info.type);
        assert_non_null(info.doc);
        assert_true(strlen(info.doc) > 0);
    }
    free(text);
    scenario_destroy(sc);
}

static void test_key_table(void **state)
{
    (void)state;
    size_t n = scenario_key_count();
    assert_true(n >= 50);
    struct scenario_key_info info;
    assert_int_equal(scenario_key_at(n, &info), -1);
    const char *required[] = {"scenario.name", "registration.expected", "households.market",
                              "auction.suppliers"};
    size_t n_required = 0;
    for (size_t i = 0; i < n; i++) {
        assert_int_equal(scenario_key_at(i, &info), 0);
        if (!info.default_text) {
            bool listed = false;
            for (size_t r = 0; r < 4; r++)
                listed |= strcmp(info.name, required[r]) == 0;
            if (!listed)
                fail_msg("%s has no default but is not meant to be required", info.name);
            n_required++;
        }
        /* names are unique, and keys of one section adjacent (one [section] when written) */
        size_t sec_len = (size_t)(strchr(info.name, '.') - info.name) + 1;
        struct scenario_key_info prev;
        bool starts_section = i == 0 || (scenario_key_at(i - 1, &prev) == 0 &&
                                         strncmp(info.name, prev.name, sec_len) != 0);
        for (size_t j = 0; j < i; j++) {
            struct scenario_key_info other;
            scenario_key_at(j, &other);
            assert_string_not_equal(info.name, other.name);
            if (starts_section && strncmp(info.name, other.name, sec_len) == 0)
                fail_msg("%s: its section appears earlier, apart", info.name);
        }
    }
    assert_int_equal(n_required, 4);
    struct scenario *sc = load_ok("good/scenario.ini", NULL, 0);
    char buf[64];
    assert_int_equal(scenario_value_text(sc, "offers.reminder_days", buf, sizeof buf), 0);
    assert_string_equal(buf, "3,10.5,21");
    assert_int_equal(scenario_value_text(sc, "auction.rule", buf, sizeof buf), 0);
    assert_string_equal(buf, "second_price");
    assert_int_equal(scenario_value_text(sc, "scenario.seed", buf, sizeof buf), 0);
    assert_string_equal(buf, "18446744073709551615");
    assert_int_equal(scenario_value_text(sc, "paper.clerk", buf, sizeof buf), -1);
    assert_int_equal(scenario_value_text(sc, "scenario.name", buf, 4), -1);
    scenario_destroy(sc);
    scenario_destroy(NULL);
}

/* ---------------------------------------------------------------------------------------
 * The bad-input corpus: every file fails with one line naming where and what. */

struct bad_case {
    const char *file;  /* under the data directory */
    const char *where; /* "FILE:LINE: " as the error shows it, FILE under the data dir */
    const char *what;  /* the key (or column), or a piece of the message */
};

/* A value no key of this type accepts. */
static const char *bad_value_for(const char *type)
{
    if (!strcmp(type, "text"))
        return "";
    if (!strcmp(type, "path"))
        return "no-such-table.csv";
    if (!strcmp(type, "list of days"))
        return "7,soon";
    if (strchr(type, '|'))
        return "bogus";
    return "12abc";
}

/* Every key, given a bad value in a file, fails at that file, that line, naming the key;
 * numbers also fail above their range. */
static void test_every_key_rejects_bad_values(void **state)
{
    (void)state;
    struct scenario *sc = load_ok("good/scenario.ini", NULL, 0);
    char resolved[64];
    write_temp(sc, resolved, sizeof resolved);
    scenario_destroy(sc);
    char *text = slurp(resolved);
    unlink(resolved);
    for (size_t k = 0; k < scenario_key_count(); k++) {
        struct scenario_key_info info;
        assert_int_equal(scenario_key_at(k, &info), 0);
        const char *dot = strchr(info.name, '.');
        char section[64], prefix[96];
        snprintf(section, sizeof section, "\n[%.*s]\n", (int)(dot - info.name), info.name);
        snprintf(prefix, sizeof prefix, "\n%s = ", dot + 1);
        const char *sec = strstr(text, section);
        assert_non_null(sec);
        const char *at = strstr(sec, prefix);
        assert_non_null(at);
        const char *eol = strchr(at + 1, '\n');
        int line = 2;
        for (const char *p = text; p < at; p++)
            line += *p == '\n';
        const char *values[2] = {bad_value_for(info.type), NULL};
        if (strstr(info.type, "number") || strstr(info.type, "integer") ||
            strstr(info.type, "probability"))
            values[1] = strstr(info.type, "probability") ? "1.5" : "1e300";
        for (int v = 0; v < 2 && values[v]; v++) {
            char path[64];
            snprintf(path, sizeof path, "/tmp/switchsim-key-XXXXXX");
            int fd = mkstemp(path);
            assert_true(fd >= 0);
            FILE *f = fdopen(fd, "w");
            fprintf(f, "%.*s%s%s%s", (int)(at - text), text, prefix, values[v], eol);
            fclose(f);
            struct error err = {0};
            struct scenario *bad = scenario_load(path, NULL, 0, &err);
            unlink(path);
            if (bad)
                fail_msg("%s = '%s' was accepted", info.name, values[v]);
            assert_int_equal(err.kind, ERROR_INPUT);
            assert_string_equal(err.file, path);
            if (err.line != line || strcmp(err.key, info.name))
                fail_msg("%s = '%s': error at line %d key %s (%s), expected line %d", info.name,
                         values[v], err.line, err.key, err.message, line);
        }
    }
    free(text);
}

static const struct bad_case bad_cases[] = {
    /* INI structure */
    {"bad/unknown_section.ini", "bad/unknown_section.ini:10: ", "[scenari]: unknown section"},
    {"bad/unknown_key.ini", "bad/unknown_key.ini:11: ", "paper.clerk: unknown key"},
    {"bad/duplicate_key.ini", "bad/duplicate_key.ini:12: ", "paper.clerks: given twice"},
    {"bad/continuation.ini", "bad/continuation.ini:12: ", "paper.clerks: indented line"},
    {"bad/syntax_error.ini", "bad/syntax_error.ini:11: ", "syntax error"},
    {"bad/unclosed_section.ini", "bad/unclosed_section.ini:2: ", "syntax error"},
    {"bad/key_outside_section.ini", "bad/key_outside_section.ini:2: ", "rounds: key outside"},
    {"bad/missing_required.ini",
     "bad/missing_required.ini:4: ", "registration.expected: missing required key"},
    {"bad/missing_section.ini",
     "bad/missing_section.ini:1: ", "auction.suppliers: missing required key"},
    /* types and ranges */
    {"bad/int_wrong_type.ini", "bad/int_wrong_type.ini:11: ", "paper.clerks: expected a whole"},
    {"bad/int_fraction.ini", "bad/int_fraction.ini:4: ", "scenario.rounds: expected a whole"},
    {"bad/double_wrong_type.ini",
     "bad/double_wrong_type.ini:5: ", "registration.expected: expected a number"},
    {"bad/trailing_junk.ini", "bad/trailing_junk.ini:6: ", "registration.window_days: expected"},
    {"bad/empty_number.ini", "bad/empty_number.ini:11: ", "paper.forms_per_clerk_day: expected"},
    {"bad/nan.ini", "bad/nan.ini:11: ", "decisions.intercept: expected a finite number"},
    {"bad/negative_count.ini", "bad/negative_count.ini:11: ", "paper.clerks: must be at least 0"},
    {"bad/out_of_range.ini", "bad/out_of_range.ini:4: ", "scenario.rounds: must be at least 1"},
    {"bad/zero_interval.ini",
     "bad/zero_interval.ini:4: ", "scenario.interval_days: must be greater"},
    {"bad/prob_above_one.ini",
     "bad/prob_above_one.ini:6: ", "registration.paper_share: must be a probability"},
    {"bad/negative_seed.ini", "bad/negative_seed.ini:4: ", "scenario.seed: must not be negative"},
    {"bad/empty_name.ini", "bad/empty_name.ini:3: ", "scenario.name: must not be empty"},
    {"bad/bad_enum.ini", "bad/bad_enum.ini:10: ", "auction.rule: expected one of"},
    {"bad/bad_reminders.ini",
     "bad/bad_reminders.ini:11: ", "offers.reminder_days: days must be in ascending"},
    {"bad/bad_reminder_item.ini",
     "bad/bad_reminder_item.ini:11: ", "offers.reminder_days: empty item"},
    /* rules across keys */
    {"bad/shares_sum.ini",
     "bad/shares_sum.ini:10: ", "households.prepayment_share: payment shares must sum to 1"},
    {"bad/postal_delay.ini", "bad/postal_delay.ini:12: ", "paper.postal_delay_max: "},
    {"bad/reminder_after_window.ini",
     "bad/reminder_after_window.ini:12: ", "offers.reminder_days: reminder on day 21"},
    {"bad/fixed_probability.ini",
     "bad/fixed_probability.ini:11: ", "decisions.fixed_probability: must be -1"},
    {"bad/auction_before_window.ini",
     "bad/auction_before_window.ini:6: ", "registration.window_days: auction.day"},
    {"bad/auction_after_next_round.ini", "bad/auction_after_next_round.ini:13: ",
     "auction.day: auction.day (40) comes after the next round starts"},
    {"bad/market_no_direct_debit.ini",
     "bad/market_no_direct_debit.csv:1: ", "payment: no direct_debit rows"},
    /* files that are not acceptable text */
    {"bad/binary.ini", "bad/binary.ini:3: ", "not a text file"},
    {"bad/not_utf8.ini", "bad/not_utf8.ini:3: ", "not UTF-8"},
    {"bad/bare_cr.ini", "bad/bare_cr.ini:1: ", "carriage return"},
    {"bad/long_line.ini", "bad/long_line.ini:4: ", "line is too long"},
    {"bad/long_key_line.ini", "bad/long_key_line.ini:3: ", "line is too long for the INI reader"},
    {"bad/no-such-scenario.ini", "bad/no-such-scenario.ini: ", "cannot read: No such file"},
    {"bad", "bad: ", "cannot read: Is a directory"},
    /* tables */
    {"bad/missing_table.ini", "bad/missing_table.ini:7: ", "households.market: cannot read"},
    {"bad/market_empty.ini", "bad/market_empty.csv:1: ", "households.market: empty table"},
    {"bad/market_header_only.ini",
     "bad/market_header_only.csv:1: ", "households.market: the table has a header but no rows"},
    {"bad/market_ragged.ini", "bad/market_ragged.csv:2: ", "households.market: row has 6 fields"},
    {"bad/market_bad_cell.ini", "bad/market_bad_cell.csv:2: ", "elec_unit_p: expected a number"},
    {"bad/market_negative.ini",
     "bad/market_negative.csv:2: ", "elec_standing_p_day: must be at least 0"},
    {"bad/market_bad_payment.ini", "bad/market_bad_payment.csv:2: ", "payment: expected one of"},
    {"bad/market_bad_header.ini", "bad/market_bad_header.csv:1: ", "elec_unit: unknown column"},
    {"bad/market_no_header.ini", "bad/market_no_header.csv:1: ", "A: unknown column"},
    {"bad/market_shares.ini",
     "bad/market_shares.csv:3: ", "share: shares of the direct_debit rows"},
    {"bad/market_missing_payment.ini",
     "bad/market_missing_payment.csv:1: ", "payment: no prepayment rows"},
    {"bad/market_bad_quote.ini",
     "bad/market_bad_quote.csv:2: ", "households.market: malformed CSV"},
    {"bad/market_binary.ini", "bad/market_binary.csv:2: ", "households.market: not a text file"},
    {"bad/market_long_line.ini",
     "bad/market_long_line.csv:2: ", "households.market: line is too long"},
    {"bad/suppliers_cost.ini", "bad/suppliers_cost.csv:3: ", "cost_high: "},
    {"bad/suppliers_strategy.ini", "bad/suppliers_strategy.csv:2: ", "strategy: expected one of"},
    {"bad/suppliers_participation.ini",
     "bad/suppliers_participation.csv:2: ", "participation: must be a probability"},
    {"bad/suppliers_duplicate.ini",
     "bad/suppliers_duplicate.csv:3: ", "supplier: S1 is already listed"},
    {"bad/suppliers_extra_field.ini",
     "bad/suppliers_extra_field.csv:2: ", "auction.suppliers: row has 8 fields"},
    {"bad/rounds_missing.ini", "bad/rounds_missing.csv:3: ", "round: round 3 is missing"},
    {"bad/rounds_duplicate.ini", "bad/rounds_duplicate.csv:4: ", "round: round 2 given twice"},
    {"bad/rounds_zero_index.ini",
     "bad/rounds_zero_index.csv:3: ", "market_index: must be greater than 0"},
    {"bad/profile_count.ini", "bad/profile_count.csv:3: ", "day: the profile has 2 days"},
    {"bad/profile_order.ini", "bad/profile_order.csv:3: ", "day: expected day 1"},
    {"bad/profile_zero.ini", "bad/profile_zero.csv:4: ", "weight: weights sum to 0"},
    {"bad/profile_negative.ini", "bad/profile_negative.csv:3: ", "weight: must be at least 0"},
};

#define N_BAD (sizeof bad_cases / sizeof bad_cases[0])

/* The error must read "FILE:LINE: WHAT...": where, then what right after it. */
static void check_message(const struct bad_case *c, const char *msg)
{
    char where[600];
    data_path(where, sizeof where, c->where);
    const char *at = strstr(msg, where);
    if (!at || strncmp(at + strlen(where), c->what, strlen(c->what)) != 0)
        fail_msg("%s: got\n  %s\nwanted\n  %s%s...", c->file, msg, where, c->what);
}

static void test_bad_in_process(void **state)
{
    (void)state;
    assert_true(N_BAD >= 25);
    for (size_t i = 0; i < N_BAD; i++) {
        char line[1400];
        load_bad(bad_cases[i].file, NULL, 0, line, sizeof line);
        check_message(&bad_cases[i], line);
    }
}

/* Runs the binary with args; returns its exit status, stderr in err_buf, stdout's size. */
static int run_binary(char *const argv[], char *err_buf, size_t err_size, long *out_size)
{
    char out_path[] = "/tmp/switchsim-test-out-XXXXXX";
    int out_fd = mkstemp(out_path);
    assert_true(out_fd >= 0);
    int pipe_fd[2];
    assert_int_equal(pipe(pipe_fd), 0);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, out_fd, STDOUT_FILENO);
    posix_spawn_file_actions_adddup2(&fa, pipe_fd[1], STDERR_FILENO);
    posix_spawn_file_actions_addclose(&fa, pipe_fd[0]);
    pid_t pid;
    int rc = posix_spawn(&pid, argv[0], &fa, NULL, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    close(pipe_fd[1]);
    if (rc != 0)
        fail_msg("cannot run %s: %s (set SWITCHSIM_BIN)", argv[0], strerror(rc));
    size_t used = 0;
    for (;;) {
        ssize_t n = read(pipe_fd[0], err_buf + used, err_size - 1 - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += (size_t)n;
        if (used == err_size - 1)
            break;
    }
    err_buf[used] = '\0';
    close(pipe_fd[0]);
    int status;
    while (waitpid(pid, &status, 0) < 0)
        assert_int_equal(errno, EINTR);
    struct stat st;
    assert_int_equal(fstat(out_fd, &st), 0);
    *out_size = (long)st.st_size;
    close(out_fd);
    unlink(out_path);
    assert_true(WIFEXITED(status));
    return WEXITSTATUS(status);
}

static const char *binary(void)
{
    const char *b = getenv("SWITCHSIM_BIN");
    return b && *b ? b : "build/switchsim";
}

static void check_cli_failure(const char *label, char *const argv[], const char *where,
                              const char *what)
{
    char err[4096];
    long out_size;
    int status = run_binary(argv, err, sizeof err, &out_size);
    if (status != 2)
        fail_msg("%s: exit status %d, wanted 2 (stderr: %s)", label, status, err);
    if (out_size != 0)
        fail_msg("%s: %ld bytes on stdout, wanted none", label, out_size);
    size_t len = strlen(err);
    if (len == 0 || err[len - 1] != '\n' || memchr(err, '\n', len - 1))
        fail_msg("%s: stderr is not exactly one line:\n%s", label, err);
    if (strncmp(err, "switchsim: ", 11) != 0)
        fail_msg("%s: stderr does not start with 'switchsim: ':\n%s", label, err);
    struct bad_case c = {label, where, what};
    err[len - 1] = '\0';
    if (where[0] == '-') { /* an option, not a file */
        if (strncmp(err + 11, where, strlen(where)) != 0 ||
            strncmp(err + 11 + strlen(where), what, strlen(what)) != 0)
            fail_msg("%s: got\n  %s\nwanted\n  switchsim: %s%s...", label, err, where, what);
    } else {
        check_message(&c, err);
    }
}

static void test_bad_binary(void **state)
{
    (void)state;
    for (size_t i = 0; i < N_BAD; i++) {
        char path[512];
        data_path(path, sizeof path, bad_cases[i].file);
        char *argv[] = {(char *)binary(), "check", path, NULL};
        check_cli_failure(bad_cases[i].file, argv, bad_cases[i].where, bad_cases[i].what);
    }
    char good[512];
    data_path(good, sizeof good, "good/scenario.ini");
    char *argv[] = {(char *)binary(), "check", good, "--set", "paper.clerks=abc", NULL};
    check_cli_failure("--set paper.clerks=abc", argv,
                      "--set paper.clerks=abc: ", "paper.clerks: expected a whole number");
}

static void test_good_binary(void **state)
{
    (void)state;
    char good[512], err[4096];
    long out_size;
    data_path(good, sizeof good, "good/scenario.ini");
    char *argv[] = {(char *)binary(), "check", good, NULL};
    int status = run_binary(argv, err, sizeof err, &out_size);
    if (status != 0)
        fail_msg("check %s: exit status %d: %s", good, status, err);
    assert_true(out_size > 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_flat_profile_partial_day),
        cmocka_unit_test(test_bom_crlf),
        cmocka_unit_test(test_set),
        cmocka_unit_test(test_set_errors),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_write_lists_every_key),
        cmocka_unit_test(test_key_table),
        cmocka_unit_test(test_every_key_rejects_bad_values),
        cmocka_unit_test(test_bad_in_process),
        cmocka_unit_test(test_bad_binary),
        cmocka_unit_test(test_good_binary),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
