/* test_scenario.c - scenario loading, defaults, overrides, and the write/load round trip. */
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
#include "testutil.h"

extern char **environ;

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
    struct scenario *sc = testutil_load_ok("good/scenario.ini", NULL, 0);
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
    struct scenario *sc = testutil_load_ok("good/minimal.ini", NULL, 0);
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
    struct scenario *sc = testutil_load_ok("good/minimal.ini", sets, 1);
    assert_int_equal(sc->n_profile, 3);
    assert_true(fabs(sc->profile[0] - 0.4) < 1e-15);
    assert_true(fabs(sc->profile[1] - 0.4) < 1e-15);
    assert_true(fabs(sc->profile[2] - 0.2) < 1e-15);
    scenario_destroy(sc);
}

static void test_bom_crlf(void **state)
{
    (void)state;
    struct scenario *a = testutil_load_ok("good/scenario.ini", NULL, 0);
    struct scenario *b = testutil_load_ok("good/bom_crlf.ini", NULL, 0);
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
    struct scenario *sc = testutil_load_ok("good/scenario.ini", sets, sizeof sets / sizeof sets[0]);
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
        testutil_load_bad("good/scenario.ini", sets, 2, line, sizeof line);
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

/* scenario_each_value's callback: keeps scenario.name. */
struct name_seen {
    char name[300];
};

static void see_name(void *ctx, const char *key, const char *value, int line)
{
    struct name_seen *seen = ctx;
    (void)line;
    if (!strcmp(key, "scenario.name"))
        snprintf(seen->name, sizeof seen->name, "%s", value);
}

static void round_trip(const char *rel, const char *const *sets, size_t n_sets)
{
    struct scenario *a = testutil_load_ok(rel, sets, n_sets);
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
    char *t1 = testutil_read(tmp), *t2 = testutil_read(tmp2);
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

/* Key lines longer than inih's 199-byte buffer: every value the loader accepts (a name of
 * 127 bytes, a table path of 300) is written and read back; plot reads the name whole. */
static void test_round_trip_long_lines(void **state)
{
    (void)state;
    char name[200], market[400], suppliers[400];
    snprintf(name, sizeof name, "scenario.name=%0127d", 7);
    memset(name + 14, 'n', 126);
    int dots = (300 - (int)strlen("market.csv")) / 2;
    snprintf(market, sizeof market, "households.market=%.*smarket.csv", 2 * dots,
             "./././././././././././././././././././././././././././././././././././././././././"
             "./././././././././././././././././././././././././././././././././././././././././"
             "./././././././././././././././././././././././././././././././././././././././././"
             "./././././././././././././././././././././././././././././././././././././././.");
    snprintf(suppliers, sizeof suppliers, "auction.suppliers=%.*ssuppliers.csv", 2 * dots,
             market + strlen("households.market="));
    const char *sets[] = {name, market, suppliers};
    round_trip("good/scenario.ini", sets, 3);

    struct scenario *sc = testutil_load_ok("good/scenario.ini", sets, 3);
    char path[64];
    write_temp(sc, path, sizeof path);
    char *text = testutil_read(path);
    testutil_assert_contains(text, "\nmarket = /");
    const char *line = strstr(text, "\nmarket = /") + 1;
    assert_true(strcspn(line, "\n") > 300); /* the long line really is written */
    free(text);
    struct name_seen seen = {0};
    struct error err = {0};
    assert_int_equal(scenario_each_value(path, see_name, &seen, &err), 0);
    assert_string_equal(seen.name, sc->scenario.name);
    assert_int_equal(strlen(seen.name), 127);
    unlink(path);
    scenario_destroy(sc);
}

/* Values the key table accepts but a run could not bear are refused up front, each naming
 * the key at fault and where it was given: the days simulated, the households a replication
 * draws, and the estimated memory of the run against the ceiling it is given. */
static void test_ceilings(void **state)
{
    (void)state;
    char line[1400];
    const char *horizon[] = {"scenario.rounds=1000", "scenario.interval_days=36500",
                             "registration.expected=0"};
    testutil_load_bad("model/base.ini", horizon, 3, line, sizeof line);
    testutil_assert_contains(line, "--set scenario.interval_days=36500: scenario.interval_days: "
                                   "1000 rounds 36500 days apart simulate 36463604 days; at "
                                   "most 100000");
    const char *ok_horizon[] = {"scenario.rounds=1000", "scenario.interval_days=99"};
    scenario_destroy(testutil_load_ok("model/base.ini", ok_horizon, 2));

    const char *households[] = {"registration.expected=1e9"};
    testutil_load_bad("model/base.ini", households, 1, line, sizeof line);
    testutil_assert_contains(line, "registration.expected: a replication would draw about "
                                   "1000000000 households");
    const char *rounds[] = {"registration.expected=100000", "scenario.rounds=400"};
    testutil_load_bad("model/base.ini", rounds, 2, line, sizeof line);
    testutil_assert_contains(line, "--set scenario.rounds=400: scenario.rounds: a replication "
                                   "would draw about 40000000 households");

    /* memory: 500 households x 64 bytes on each thread, against a ceiling of 1 MB */
    char path[512];
    testutil_data_path(path, sizeof path, "model/base.ini");
    struct error err = {0};
    struct scenario_limits lim = {.threads = 8, .memory = 1e6};
    const char *many[] = {"registration.expected=5000"};
    struct scenario *sc = scenario_load_limited(path, many, 1, &lim, &err);
    assert_null(sc);
    error_format(&err, line, sizeof line);
    testutil_assert_contains(line, "--set registration.expected=5000: registration.expected: a "
                                   "run would need about 0.0 GiB (8 threads x 5000 households");
    testutil_assert_contains(line, "or run on fewer threads (-j)");
    /* one thread fits: the file's line is blamed when the file gave the key */
    lim.threads = 1;
    err = (struct error){0};
    lim.memory = 3e4;
    assert_null(scenario_load_limited(path, NULL, 0, &lim, &err));
    error_format(&err, line, sizeof line);
    testutil_assert_contains(line, "base.ini:9: registration.expected: a run would need");
    lim.memory = 1e6;
    err = (struct error){0};
    sc = scenario_load_limited(path, NULL, 0, &lim, &err);
    assert_non_null(sc);
    scenario_destroy(sc);
    /* results kept for every replication */
    const char *reps[] = {"scenario.replications=1000000", "scenario.rounds=100"};
    lim.memory = 1e9;
    err = (struct error){0};
    assert_null(scenario_load_limited(path, reps, 2, &lim, &err));
    error_format(&err, line, sizeof line);
    testutil_assert_contains(line, "scenario.replications: keeping the results of 1000000 "
                                   "replications of 100 rounds");
    assert_true(scenario_memory_budget() > 1e8);
}

static void test_write_lists_every_key(void **state)
{
    (void)state;
    struct scenario *sc = testutil_load_ok("good/minimal.ini", NULL, 0);
    char tmp[64];
    write_temp(sc, tmp, sizeof tmp);
    char *text = testutil_read(tmp);
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
    struct scenario *sc = testutil_load_ok("good/scenario.ini", NULL, 0);
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
        cmocka_unit_test(test_round_trip_long_lines),
        cmocka_unit_test(test_ceilings),
        cmocka_unit_test(test_write_lists_every_key),
        cmocka_unit_test(test_key_table),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
