/* test_model.c - the switching model against closed forms and its own accounting. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include <cmocka.h>
#include <gsl/gsl_statistics_double.h>

#include "switchsim/experiment.h"
#include "offers.h"
#include "switchsim/results.h"

#define BASE "tests/data/model/base.ini"

struct run {
    struct scenario *sc;
    struct model_setup setup;
    struct experiment ex;
};

static void run(struct run *r, const char *const *sets, size_t n_sets, int reps)
{
    struct error err = {0};
    r->sc = scenario_load(BASE, sets, n_sets, &err);
    if (!r->sc)
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    assert_int_equal(model_setup_init(&r->setup, r->sc, &err), 0);
    struct experiment_options opts = {.jobs = 2};
    assert_int_equal(experiment_run(&r->setup, r->sc->scenario.seed, reps, &opts, &r->ex, &err), 0);
}

static void done(struct run *r)
{
    experiment_cleanup(&r->ex);
    model_setup_cleanup(&r->setup);
    scenario_destroy(r->sc);
}

static double get(const struct run *r, int rep, int round, enum metric m)
{
    return r->ex.reps[rep].metrics[(size_t)round * M_COUNT + m];
}

/* Poisson registrations each kept with probability p: switched is Poisson(E p), so its
 * mean and variance are both E p. A fixed number of registrations would give variance
 * E p (1 - p), 30% lower here, which the variance check rejects. */
static void test_binomial_thinning(void **state)
{
    (void)state;
    const char *sets[] = {"decisions.fixed_probability=0.3",  "decisions.reminder_lift=0",
                          "switching.cancel_prob=0",          "switching.fail_prob=0",
                          "switching.fail_prob_prepayment=0", "rounds.reregister_prob=0"};
    struct run r;
    const int reps = 1000;
    run(&r, sets, sizeof sets / sizeof *sets, reps);
    double *x = malloc(reps * sizeof *x);
    for (int i = 0; i < reps; i++)
        x[i] = get(&r, i, 0, M_SWITCHED);
    double mean = gsl_stats_mean(x, 1, reps), var = gsl_stats_variance(x, 1, reps);
    double expected = 500 * 0.3;
    print_message("switched mean %.2f var %.2f, exact both %.2f\n", mean, var, expected);
    assert_true(fabs(mean - expected) < 4 * sqrt(expected / reps));
    /* sample variance of a Poisson: sd about expected * sqrt(2 / (reps - 1)) */
    assert_true(fabs(var - expected) < 4 * expected * sqrt(2.0 / (reps - 1)));
    free(x);
    done(&r);
}

/* Every registration ends in exactly one final state, in every replication, on a
 * scenario that exercises every path: paper queue overflow, rounds, capacity, a failing
 * lot, cancellations, failures, registering again and coming back. */
static void test_accounting(void **state)
{
    (void)state;
    const char *sets[] = {
        "scenario.rounds=4",       "registration.expected=800",   "registration.paper_share=0.4",
        "paper.clerks=1",          "paper.forms_per_clerk_day=6", "switching.cancel_prob=0.2",
        "switching.fail_prob=0.1", "rounds.reregister_prob=0.6",  "rounds.fixed_term_days=100",
        "rounds.return_prob=0.9",  "auction.reserve_margin=160"};
    struct run r;
    run(&r, sets, sizeof sets / sizeof *sets, 20);
    double failed_lots = 0, late = 0, no_offer = 0, accepted = 0, cancelled = 0;
    for (int i = 0; i < 20; i++) {
        for (int k = 0; k < 4; k++) {
            accepted += get(&r, i, k, M_ACCEPTED);
            cancelled += get(&r, i, k, M_CANCELLED);
            double reg = get(&r, i, k, M_REGISTERED);
            double finals = get(&r, i, k, M_SWITCHED) + get(&r, i, k, M_DECLINED) +
                            get(&r, i, k, M_CANCELLED) + get(&r, i, k, M_FAILED) +
                            get(&r, i, k, M_NO_OFFER) + get(&r, i, k, M_NO_SAVING);
            assert_true(reg == finals);
            assert_true(get(&r, i, k, M_OFFERS) == get(&r, i, k, M_ACCEPTED) +
                                                       get(&r, i, k, M_DECLINED) +
                                                       get(&r, i, k, M_NO_SAVING));
            assert_true(get(&r, i, k, M_OFFERS) ==
                        get(&r, i, k, M_OFFERS_SAVING) + get(&r, i, k, M_NO_SAVING));
            assert_true(get(&r, i, k, M_ACCEPTED) == get(&r, i, k, M_SWITCHED) +
                                                         get(&r, i, k, M_CANCELLED) +
                                                         get(&r, i, k, M_FAILED));
            assert_true(reg ==
                        get(&r, i, k, M_REGISTERED_ONLINE) + get(&r, i, k, M_REGISTERED_PAPER));
            failed_lots += get(&r, i, k, M_AUCTION_FAILED);
            no_offer += get(&r, i, k, M_NO_OFFER);
        }
        late += get(&r, i, 3, M_PAPER_LATE);
    }
    /* Whether a household will cancel is drawn at its offer, apart from whether it accepts:
     * the cancellations thin the acceptances binomially (within 4 standard deviations). */
    assert_true(accepted > 1000);
    assert_true(fabs(cancelled / accepted - 0.2) < 4 * sqrt(0.2 * 0.8 / accepted));
    /* the scenario must really reach the rare paths */
    assert_true(failed_lots > 0);
    assert_true(no_offer > 0);
    assert_true(late > 0);
    done(&r);
}

/* Suppliers whose costs lie between the market's best direct-debit tariff (1,016 a year for
 * the reference household) and its share-weighted average (1,230): against the best, the
 * reserve fails every direct-debit lot; against the average, the lot is won, below the
 * reserve, and the households on the cheap tariff (20% of direct-debit payers) get an offer
 * that saves them nothing: binomial thinning of the offers by the market shares. */
static void test_benchmark_average(void **state)
{
    (void)state;
    const char *best[] = {"auction.suppliers=suppliers_dear.csv", "auction.benchmark=best"};
    const char *average[] = {"auction.suppliers=suppliers_dear.csv", "auction.benchmark=average"};
    struct run b, a;
    run(&b, best, 2, 20);
    run(&a, average, 2, 20);
    double offers = 0, saving = 0, no_saving = 0;
    for (int i = 0; i < 20; i++) {
        assert_int_equal(get(&b, i, 0, M_OFFERS), 0);
        assert_int_equal(get(&b, i, 0, M_NO_SAVING), 0);
        assert_true(get(&b, i, 0, M_AUCTION_FAILED) == 3); /* every lot */
        double price = get(&a, i, 0, M_WINNING_ANNUAL_COST);
        assert_true(price > 1016 && price <= 1230.0001);
        offers += get(&a, i, 0, M_OFFERS);
        saving += get(&a, i, 0, M_OFFERS_SAVING);
        no_saving += get(&a, i, 0, M_NO_SAVING);
        /* the offers that save are the ones anyone can accept */
        assert_true(get(&a, i, 0, M_ACCEPTED) <= get(&a, i, 0, M_OFFERS_SAVING));
    }
    double share = saving / offers;
    print_message("offers %.0f, saving %.0f, no saving %.0f: share that saves %.4f (0.8 by the "
                  "market shares)\n",
                  offers, saving, no_saving, share);
    assert_true(no_saving > 0);
    assert_true(fabs(share - 0.8) < 4 * sqrt(0.8 * 0.2 / offers));
    struct summary s;
    results_summary(&a.ex, 1, M_SAVING_OFFERED_SHARE, &s);
    assert_float_equal(s.mean, 0.8, 4 * sqrt(0.8 * 0.2 / (offers / 20)));
    done(&b);
    done(&a);
}

/* More paper forms than one clerk can enter before auction day: the rest roll into the
 * next round, and forms sent = registered in every round + late after the last. */
static void test_paper_queue_rolls_over(void **state)
{
    (void)state;
    const char *sets[] = {
        "scenario.rounds=2",   "registration.expected=2000",   "registration.paper_share=1",
        "paper.clerks=1",      "paper.forms_per_clerk_day=20", "rounds.reregister_prob=0",
        "rounds.return_prob=0"};
    struct run r;
    const int reps = 100;
    run(&r, sets, sizeof sets / sizeof *sets, reps);
    double total = 0, rolled = 0, first = 0;
    for (int i = 0; i < reps; i++) {
        total +=
            get(&r, i, 0, M_REGISTERED) + get(&r, i, 1, M_REGISTERED) + get(&r, i, 1, M_PAPER_LATE);
        rolled += get(&r, i, 0, M_PAPER_LATE);
        first += get(&r, i, 0, M_REGISTERED);
        assert_true(get(&r, i, 0, M_REGISTERED_ONLINE) == 0);
    }
    total /= reps;
    rolled /= reps;
    first /= reps;
    print_message("forms %.1f (exact 4000), entered in round 1 %.1f, rolled %.1f\n", total, first,
                  rolled);
    /* Poisson(4000) forms per replication: standard error of the mean 6.3 */
    assert_true(fabs(total - 4000) < 4 * sqrt(4000.0 / reps));
    /* the clerk works flat out from the first form (about day 1) to auction day 35 */
    assert_true(first > 20 * 32 && first < 20 * 36);
    assert_true(rolled > 1200);
    done(&r);
}

/* The reminder hazard: with no lift the acceptance probability over the window is p;
 * with a lift, 1 - (1 - p)^(sum of multiplied segment lengths / window). */
static void test_reminder_hazard(void **state)
{
    (void)state;
    struct error err = {0};
    const char *sets[] = {"offers.reminder_days=7,14", "offers.window_days=28",
                          "decisions.reminder_lift=0.5"};
    struct scenario *sc = scenario_load(BASE, sets, 3, &err);
    assert_non_null(sc);
    double p = 0.4;
    double exponent = (7 * 1.0 + 7 * 1.5 + 14 * 2.0) / 28;
    assert_float_equal(offer_accept_total_probability(sc, p, 0), 1 - pow(1 - p, exponent), 1e-12);
    /* inverse: the delay where the cumulative hazard reaches e */
    double h0 = -log(1 - p) / 28;
    assert_float_equal(offer_accept_delay(sc, p, h0 * 3, 0), 3, 1e-9);
    assert_float_equal(offer_accept_delay(sc, p, h0 * (7 + 1.5 * 2), 0), 9, 1e-9);
    assert_true(offer_accept_delay(sc, p, 10.0, 0) < 0);
    /* an emailed offer that took 2 days: its reminders come 2 days sooner after receipt */
    double early = (5 * 1.0 + 7 * 1.5 + 16 * 2.0) / 28;
    assert_float_equal(offer_accept_total_probability(sc, p, 2), 1 - pow(1 - p, early), 1e-12);
    /* nobody accepts an offer that saves nothing, whatever the probability setting */
    sc->decisions.fixed_probability = 0.9;
    assert_float_equal(offer_accept_probability(sc, 120, false, false), 0.9, 0);
    assert_float_equal(offer_accept_probability(sc, 0, false, false), 0, 0);
    assert_float_equal(offer_accept_probability(sc, -5, true, true), 0, 0);
    sc->decisions.fixed_probability = -1;
    sc->decisions.reminder_lift = 0;
    assert_float_equal(offer_accept_total_probability(sc, p, 0), p, 1e-12);
    scenario_destroy(sc);
}

/* The same seed gives the same numbers whatever the number of threads. */
static void test_threads_do_not_change_results(void **state)
{
    (void)state;
    struct error err = {0};
    const char *sets[] = {"scenario.rounds=3", "rounds.fixed_term_days=60"};
    struct scenario *sc = scenario_load(BASE, sets, 2, &err);
    assert_non_null(sc);
    struct model_setup setup;
    assert_int_equal(model_setup_init(&setup, sc, &err), 0);
    struct experiment a, b;
    struct experiment_options one = {.jobs = 1}, three = {.jobs = 3};
    assert_int_equal(experiment_run(&setup, 5, 8, &one, &a, &err), 0);
    assert_int_equal(experiment_run(&setup, 5, 8, &three, &b, &err), 0);
    for (int i = 0; i < 8; i++)
        assert_memory_equal(a.reps[i].metrics, b.reps[i].metrics, 3 * M_COUNT * sizeof(double));
    assert_memory_equal(a.totals.daily, b.totals.daily,
                        a.totals.days * DAILY_COUNT * sizeof *a.totals.daily);
    assert_memory_equal(a.totals.hist, b.totals.hist, (a.totals.bins + 2) * sizeof *a.totals.hist);
    for (int i = 0; i < 8; i++) {
        assert_int_equal(a.reps[i].n_bids, b.reps[i].n_bids);
        for (size_t k = 0; k < a.reps[i].n_bids; k++) {
            const struct bid_record *x = &a.reps[i].bids[k], *y = &b.reps[i].bids[k];
            assert_true(x->round == y->round && x->lot == y->lot && x->won == y->won &&
                        x->supplier == y->supplier);
            assert_memory_equal(&x->amount, &y->amount, sizeof x->amount); /* NaN too */
        }
    }
    experiment_cleanup(&a);
    experiment_cleanup(&b);
    model_setup_cleanup(&setup);
    scenario_destroy(sc);
}

/* The saving each household is offered at the first auction, by household (NAN for those
 * not offered then), from the trace of one replication with `clerks`; returns how many
 * households signed up. */
static size_t first_offers(const char *clerks, double *saving, size_t cap)
{
    const char *sets[] = {"scenario.rounds=2",
                          "registration.expected=3000",
                          "registration.paper_share=0.6",
                          clerks,
                          "paper.forms_per_clerk_day=40",
                          "rounds.reregister_prob=0.5",
                          "rounds.return_prob=0.5"};
    struct error err = {0};
    struct scenario *sc = scenario_load(BASE, sets, sizeof sets / sizeof *sets, &err);
    if (!sc)
        fail_msg("%s:%d: %s: %s", err.file, err.line, err.key, err.message);
    struct model_setup setup;
    struct model_totals totals;
    struct replication rep;
    assert_int_equal(model_setup_init(&setup, sc, &err), 0);
    assert_int_equal(model_totals_init(&totals, &setup), 0);
    assert_int_equal(model_replication_init(&rep, &setup), 0);
    FILE *trace = tmpfile();
    assert_non_null(trace);
    assert_int_equal(model_run(&setup, sc->scenario.seed, 0, &rep, &totals, trace, &err), 0);
    rewind(trace);
    for (size_t i = 0; i < cap; i++)
        saving[i] = NAN;
    size_t households = 0;
    char line[512];
    while (fgets(line, sizeof line, trace)) {
        double t, x;
        unsigned hh;
        char event[32];
        if (sscanf(line, "%lf,%31[^,],%u,", &t, event, &hh) == 3 && hh + 1 > households)
            households = hh + 1;
        if (sscanf(line, "%lf,offer,%u,%*[^,],\"saving %lf", &t, &hh, &x) == 3 &&
            t < sc->scenario.interval_days) {
            assert_true(hh < cap);
            saving[hh] = x;
        }
    }
    fclose(trace);
    model_replication_cleanup(&rep);
    model_totals_cleanup(&totals);
    model_setup_cleanup(&setup);
    scenario_destroy(sc);
    return households;
}

/* What a household is does not hang on when it is drawn. Households are drawn at the first
 * auction after they register, in the order they registered: with one clerk, hundreds of
 * forms are still on their way at the first auction (drawn then, offered at the second);
 * with fifty, none are. Each household offered at the first auction in both runs is
 * offered the same saving, whatever was drawn before it. */
static void test_households_drawn_in_order(void **state)
{
    (void)state;
    enum { CAP = 20000 };
    double *slow = malloc(CAP * sizeof *slow), *fast = malloc(CAP * sizeof *fast);
    assert_true(slow && fast);
    size_t n_slow = first_offers("paper.clerks=1", slow, CAP);
    size_t n_fast = first_offers("paper.clerks=50", fast, CAP);
    assert_int_equal(n_slow, n_fast); /* the same sign-ups: the clerks come after */
    size_t both = 0, rolled = 0;
    for (size_t i = 0; i < n_fast; i++) {
        if (!isnan(slow[i]) && !isnan(fast[i])) {
            both++;
            assert_true(slow[i] == fast[i]);
        }
        rolled += isnan(slow[i]) && !isnan(fast[i]);
    }
    print_message("%zu households offered at the first auction in both runs, %zu only with "
                  "fifty clerks\n",
                  both, rolled);
    assert_true(both > 1500 && rolled > 200);
    free(slow);
    free(fast);
}

/* Payment shares may sum to a hair under 1 (the loader allows 1e-6), and the method left
 * over may have no market rows: a household drawn with it (the last method takes what the
 * others leave) is in a lot with no tariff, and gets no offer. Some 2 million registrations
 * draw about two such households. */
static void test_payment_without_rows(void **state)
{
    (void)state;
    const char *sets[] = {"households.market=market_no_prepayment.csv",
                          "households.direct_debit_share=0.5",
                          "households.standard_credit_share=0.4999991",
                          "households.prepayment_share=0", "registration.expected=3000000"};
    struct run r;
    run(&r, sets, sizeof sets / sizeof *sets, 1);
    print_message("registered %.0f, no offer %.0f\n", get(&r, 0, 0, M_REGISTERED),
                  get(&r, 0, 0, M_NO_OFFER));
    assert_true(get(&r, 0, 0, M_NO_OFFER) >= 1);
    assert_true(get(&r, 0, 0, M_NO_OFFER) < 10);
    done(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reminder_hazard),
        cmocka_unit_test(test_binomial_thinning),
        cmocka_unit_test(test_accounting),
        cmocka_unit_test(test_benchmark_average),
        cmocka_unit_test(test_paper_queue_rolls_over),
        cmocka_unit_test(test_threads_do_not_change_results),
        cmocka_unit_test(test_households_drawn_in_order),
        cmocka_unit_test(test_payment_without_rows),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
