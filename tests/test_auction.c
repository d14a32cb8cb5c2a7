/* test_auction.c - the reverse auction against revenue equivalence and its clearing rules. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <gsl/gsl_rng.h>

#include "auction.h"
#include "stream.h"

enum { N_MAX = 16 };

/* Runs k auctions of n suppliers with costs uniform on [a, b], participation q, all
 * bidding by the equilibrium strategy; returns the mean price (failed lots skipped) and
 * its standard error. Both rules draw the same costs (same stream). */
static void simulate(enum auction_rule rule, int n, double a, double b, double q, double reserve,
                     int k, double *mean, double *se)
{
    gsl_rng *r = stream_create(99, 0, 0);
    struct supplier_row s = {
        .participation = q, .cost_low = a, .cost_high = b, .strategy = STRATEGY_EQUILIBRIUM};
    struct bid bids[N_MAX];
    double sum = 0, sum2 = 0;
    int cleared = 0;
    for (int i = 0; i < k; i++) {
        for (int j = 0; j < n; j++) {
            bids[j].supplier = j;
            bids[j].participates = gsl_rng_uniform(r) < q;
            bids[j].cost = a + (b - a) * gsl_rng_uniform(r);
            bids[j].amount = auction_bid(&s, rule, bids[j].cost, a, b, (size_t)n, reserve);
        }
        struct auction_result res;
        auction_clear(bids, (size_t)n, rule, reserve, &res);
        if (res.failed)
            continue;
        sum += res.price;
        sum2 += res.price * res.price;
        cleared++;
    }
    gsl_rng_free(r);
    *mean = sum / cleared;
    *se = sqrt((sum2 / cleared - *mean * *mean) / cleared);
}

/* With n bidders, costs uniform on [a, b] and no reserve, both rules pay on average
 * a + 2(b - a)/(n + 1): the expected second-lowest cost. */
static void test_revenue_equivalence(void **state)
{
    (void)state;
    const double a = 100, b = 200;
    const int ns[] = {2, 5, 10};
    for (size_t i = 0; i < sizeof ns / sizeof *ns; i++) {
        int n = ns[i];
        double expected = a + 2 * (b - a) / (n + 1);
        double m1, se1, m2, se2;
        simulate(RULE_FIRST_PRICE, n, a, b, 1.0, INFINITY, 40000, &m1, &se1);
        simulate(RULE_SECOND_PRICE, n, a, b, 1.0, INFINITY, 40000, &m2, &se2);
        print_message("n=%d exact %.3f first %.3f (se %.3f) second %.3f (se %.3f)\n", n, expected,
                      m1, se1, m2, se2);
        /* 4 standard errors: bidding cost (a + (b-a)/(n+1)) misses by > 40 of them. */
        assert_true(fabs(m1 - expected) < 4 * se1);
        assert_true(fabs(m2 - expected) < 4 * se2);
    }
}

/* Random participation and a binding reserve: the equilibrium still equalises the two
 * rules' expected price (revenue equivalence with an uncertain number of bidders). */
static void test_equivalence_with_reserve_and_participation(void **state)
{
    (void)state;
    double m1, se1, m2, se2;
    simulate(RULE_FIRST_PRICE, 6, 100, 200, 0.6, 170, 60000, &m1, &se1);
    simulate(RULE_SECOND_PRICE, 6, 100, 200, 0.6, 170, 60000, &m2, &se2);
    print_message("first %.3f (se %.3f) second %.3f (se %.3f)\n", m1, se1, m2, se2);
    assert_true(fabs(m1 - m2) < 4 * sqrt(se1 * se1 + se2 * se2));
    /* Ignoring the reserve in the bid formula would move first price by about 2. */
    double naive = 0;
    struct supplier_row s = {
        .participation = 0.6, .cost_low = 100, .cost_high = 200, .strategy = STRATEGY_EQUILIBRIUM};
    naive = auction_bid(&s, RULE_FIRST_PRICE, 150, 100, 200, 6, INFINITY) -
            auction_bid(&s, RULE_FIRST_PRICE, 150, 100, 200, 6, 170);
    assert_true(naive > 1.0);
}

static void test_equilibrium_closed_form(void **state)
{
    (void)state;
    /* q = 1, no reserve: b(c) = c + (b - c)/n */
    for (double c = 100; c <= 200; c += 12.5)
        assert_float_equal(auction_equilibrium_bid(c, 100, 200, 1.0, 3, INFINITY),
                           c + (200 - c) / 4, 1e-9);
    /* alone: bid the reserve */
    assert_float_equal(auction_equilibrium_bid(120, 100, 200, 1.0, 0, 150), 150, 1e-12);
    /* a cost above the reserve bids its cost and loses */
    assert_float_equal(auction_equilibrium_bid(180, 100, 200, 1.0, 3, 150), 180, 1e-12);
}

static void test_clearing_rules(void **state)
{
    (void)state;
    struct bid bids[4] = {
        {0, true, 90, 120}, {1, true, 80, 100}, {2, false, 10, 10}, {3, true, 95, 110}};
    struct auction_result res;
    auction_clear(bids, 4, RULE_FIRST_PRICE, 130, &res);
    assert_false(res.failed);
    assert_int_equal(res.winner, 1);
    assert_float_equal(res.price, 100, 0);
    assert_int_equal(res.runner_up, 3);
    assert_float_equal(res.runner_price, 110, 0);
    assert_int_equal(res.bidders, 3);
    auction_clear(bids, 4, RULE_SECOND_PRICE, 130, &res);
    assert_float_equal(res.price, 110, 0);
    assert_float_equal(res.runner_price, 120, 0);
    /* reserve caps the second price */
    auction_clear(bids, 4, RULE_SECOND_PRICE, 105, &res);
    assert_int_equal(res.winner, 1);
    assert_float_equal(res.price, 105, 0);
    assert_int_equal(res.runner_up, -1);
    /* nobody under the reserve: the lot fails */
    auction_clear(bids, 4, RULE_FIRST_PRICE, 99, &res);
    assert_true(res.failed);
    assert_int_equal(res.winner, -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_equilibrium_closed_form),
        cmocka_unit_test(test_clearing_rules),
        cmocka_unit_test(test_revenue_equivalence),
        cmocka_unit_test(test_equivalence_with_reserve_and_participation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
