/* test_forecast.c - live forecasts: the posterior against closed forms, replayed days kept as
 * observed, the observed auction used, backtests that cover as often as they say, and bad
 * sign-up and auction files refused with FILE:LINE. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "forecast/forecast_int.h"
#include "switchsim/forecast.h"
#include "testutil.h"

#define BASE "tests/data/model/base.ini"
#define tmp testutil_tmp

/* The share of paper forms arrived by the end of day D against its closed form: sent flat over
 * a 10-day window, delayed uniformly 1 to 3 days, by day 5 the forms sent before day 2 have all
 * arrived and those of days 2 to 4 arrive on a ramp: (2 + 1) / 10. The online share is the
 * profile's weight of the days. */
static void test_shares(void **state)
{
    (void)state;
    const char *sets[] = {"registration.window_days=10", "auction.day=10",
                          "paper.postal_delay_min=1", "paper.postal_delay_max=3"};
    struct error err = {0};
    struct scenario *sc = scenario_load(BASE, sets, 4, &err);
    assert_non_null(sc);
    assert_float_equal(forecast_online_share(sc, 5), 0.5, 1e-12);
    assert_float_equal(forecast_paper_share_arrived(sc, 5), 0.3, 1e-9);
    assert_float_equal(forecast_paper_share_arrived(sc, 1), 0.0, 1e-12);
    assert_float_equal(forecast_paper_share_arrived(sc, 13), 1.0, 1e-12);
    /* the Gamma posterior: prior mean 500, sd 250 (half the mean): shape 4, rate 4/500 */
    struct observation o = {0};
    o.m.days = 5;
    o.n_online = 200;
    o.n_paper = 40;
    assert_int_equal(forecast_posterior(sc, &o, &err), 0);
    double a0 = 4, b0 = 4.0 / 500, pi = sc->registration.paper_share;
    assert_float_equal(o.m.online_shape, (1 - pi) * a0 + 200, 1e-9);
    assert_float_equal(o.m.online_rate, b0 + 0.5, 1e-12);
    assert_float_equal(o.m.paper_shape, pi * a0 + 40, 1e-9);
    assert_float_equal(o.m.paper_rate, b0 + 0.3, 1e-9);
    scenario_destroy(sc);
}

static void write_signups(const char *path, int days, int online, int paper)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("day,online,paper\n", f);
    for (int d = 0; d < days; d++)
        fprintf(f, "%d,%d,%d\n", d, online, paper);
    assert_int_equal(fclose(f), 0);
}

/* With every day of an online-only window observed, nothing is left to forecast: every
 * replication has exactly the observed sign-ups, on the days observed. */
static void test_all_days_observed(void **state)
{
    (void)state;
    char signups[200];
    snprintf(signups, sizeof signups, "%s/all.csv", tmp);
    write_signups(signups, 28, 17, 0);
    const char *sets[] = {"registration.paper_share=0"};
    struct settings s = {.jobs = 2,
                         .replications = 30,
                         .sets = sets,
                         .n_sets = 1,
                         .out_dir = testutil_path(tmp, "all")};
    struct forecast_result r;
    struct error err = {0};
    if (forecast_run(BASE, signups, NULL, &s, &r, &err))
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    const struct forecast_row *reg = &r.rows[FORECAST_REGISTERED];
    assert_float_equal(reg->observed, 28 * 17, 0);
    assert_float_equal(reg->lo90, 28 * 17, 0);
    assert_float_equal(reg->hi90, 28 * 17, 0);
    for (int i = 0; i < r.ex.replications; i++)
        for (int d = 0; d < 28; d++)
            assert_int_equal(r.ex.reps[i].days[d * DAY_COUNT + DAY_ONLINE], 17);
    assert_true(r.rows[FORECAST_SWITCHED].median > 0);
    forecast_result_cleanup(&r);
    assert_true(testutil_exists(testutil_path(testutil_path(tmp, "all"), "forecast.csv")));
}

/* The auction's observed result replaces the simulated one: the price is the one given, and a
 * lot not listed failed. */
static void test_observed_auction(void **state)
{
    (void)state;
    char signups[200], auction[200];
    snprintf(signups, sizeof signups, "%s/s.csv", tmp);
    snprintf(auction, sizeof auction, "%s/a.csv", tmp);
    write_signups(signups, 10, 10, 3);
    testutil_write(auction, "lot,winning_annual_cost\ndirect_debit,901.5\n");
    struct settings s = {.jobs = 2, .replications = 10, .out_dir = testutil_path(tmp, "auction")};
    struct forecast_result r;
    struct error err = {0};
    if (forecast_run(BASE, signups, auction, &s, &r, &err))
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    assert_true(r.auction);
    for (int i = 0; i < r.ex.replications; i++) {
        const double *x = r.ex.reps[i].metrics;
        assert_float_equal(x[M_WINNING_ANNUAL_COST], 901.5, 1e-9);
        assert_float_equal(x[M_AUCTION_FAILED], 2, 0); /* standard credit and prepayment */
        assert_true(x[M_NO_OFFER] > 0);
    }
    forecast_result_cleanup(&r);
}

/* Forecasts of 300 campaigns drawn from the prior, from their first 5 and 14 days: the 90%
 * ranges of sign-ups and switches cover 85-95% of the truths, the 50% ranges 40-60%, and the
 * range of switches narrows as days come in. */
static void test_backtest_covers(void **state)
{
    (void)state;
    const int days[] = {5, 14};
    struct settings s = {.jobs = 2, .replications = 60, .out_dir = testutil_path(tmp, "backtest")};
    struct backtest_result r;
    struct error err = {0};
    if (backtest_run(BASE, days, 2, 300, &s, &r, &err))
        fail_msg("%s: %s", err.key, err.message);
    backtest_print(&r, stdout);
    for (size_t d = 0; d < 2; d++) {
        const struct backtest_day *b = &r.days[d];
        double c90[] = {b->coverage90_registered, b->coverage90_switched},
               c50[] = {b->coverage50_registered, b->coverage50_switched};
        for (int f = 0; f < 2; f++) {
            assert_true(c90[f] >= 0.85 && c90[f] <= 0.95);
            assert_true(c50[f] >= 0.40 && c50[f] <= 0.60);
        }
    }
    assert_true(r.days[1].width90_switched < r.days[0].width90_switched);
    assert_true(testutil_exists(testutil_path(testutil_path(tmp, "backtest"), "backtest.csv")));
}

/* Bad sign-up and auction files: exit 2 material, one line naming file, line and column. */
static void test_bad_files(void **state)
{
    (void)state;
    const struct {
        const char *signups, *auction, *file, *key, *what;
        int line;
    } cases[] = {
        {"day,online,paper\n0,1,1\n2,1,1\n", NULL, "s", "day", "expected day 1", 3},
        {"day,online,paper\n0,1,-1\n", NULL, "s", "paper", "whole number", 2},
        {"day,online,paper\n0,1.5,1\n", NULL, "s", "online", "whole number", 2},
        {"day,online\n0,1\n", NULL, "s", "paper", "column missing", 1},
        {NULL, NULL, "s", "day", "beyond the registration window", 30},
        {"day,online,paper\n0,1,1\n", "lot,winning_annual_cost\ndirect_debt,900\n", "a", "lot",
         "not a lot", 2},
        {"day,online,paper\n0,1,1\n", "lot,winning_annual_cost\nprepayment,0\n", "a",
         "winning_annual_cost", "above 0", 2},
        {"day,online,paper\n0,1,1\n", "lot,winning_annual_cost\nprepayment,950\nprepayment,960\n",
         "a", "lot", "already given", 3},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        char s_path[200], a_path[200];
        snprintf(s_path, sizeof s_path, "%s/bad-s%zu.csv", tmp, k);
        snprintf(a_path, sizeof a_path, "%s/bad-a%zu.csv", tmp, k);
        if (cases[k].signups)
            testutil_write(s_path, cases[k].signups);
        else
            write_signups(s_path, 29, 1, 1); /* the window is 28 days: day 28 is beyond */
        if (cases[k].auction)
            testutil_write(a_path, cases[k].auction);
        struct settings s = {.jobs = 1, .replications = 2, .out_dir = testutil_path(tmp, "never")};
        struct forecast_result r;
        struct error e = {0};
        assert_int_equal(forecast_run(BASE, s_path, cases[k].auction ? a_path : NULL, &s, &r, &e),
                         -1);
        forecast_result_cleanup(&r);
        const char *file = cases[k].file[0] == 's' ? s_path : a_path;
        if (e.kind != ERROR_INPUT || strcmp(e.file, file) || e.line != cases[k].line ||
            strcmp(e.key, cases[k].key) || !strstr(e.message, cases[k].what))
            fail_msg("case %zu: %s:%d: %s: %s", k, e.file, e.line, e.key, e.message);
    }
    assert_false(testutil_exists(testutil_path(tmp, "never")));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_shares),           cmocka_unit_test(test_all_days_observed),
        cmocka_unit_test(test_observed_auction), cmocka_unit_test(test_backtest_covers),
        cmocka_unit_test(test_bad_files),
    };
    return cmocka_run_group_tests(tests, testutil_setup, testutil_teardown);
}
