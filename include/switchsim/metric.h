/* metric.h - the one list of metrics: names, words for people, units, and how each derives. */
#ifndef SWITCHSIM_METRIC_H
#define SWITCHSIM_METRIC_H

#include <stdbool.h>
#include <stddef.h>

/* Per-round metrics of one replication, in the order summary.csv lists them. Adding one is
 * a line here, a line in metric.c's table, and the code in the model that counts it. */
enum metric {
    M_REGISTERED,
    M_REGISTERED_ONLINE,
    M_REGISTERED_PAPER,
    M_PAPER_LATE, /* paper forms not entered by auction day: rolled over, or late after the last */
    M_OFFERS,
    M_OFFERS_SAVING, /* offers whose saving is above zero */
    M_ACCEPTED,
    M_DECLINED,
    M_CANCELLED,
    M_FAILED,
    M_NO_OFFER,
    M_NO_SAVING, /* offered a tariff that costs no less than its current deal */
    M_SWITCHED,
    M_SWITCHED_ONLINE,
    M_SWITCHED_PAPER,
    M_CONVERSION,
    M_CONVERSION_ONLINE,
    M_CONVERSION_PAPER,
    M_SAVING_MEAN,
    M_SAVING_TOTAL,
    M_SAVING_OFFERED_TOTAL, /* £/year on offer, summed over the offers that save */
    M_SAVING_OFFERED_MEAN,  /* the saving on offer per offer that saves: what schemes announce */
    M_SAVING_OFFERED_SHARE, /* share of offers that save */
    M_WINNING_ANNUAL_COST,  /* direct-debit lot, reference household */
    M_MARKET_BEST_COST,     /* best direct-debit market tariff, reference household */
    M_BIDDERS,
    M_AUCTION_FAILED, /* lots that failed the reserve */
    M_COUNT
};

/* What a metric's values are, for words and axes. */
enum metric_unit {
    UNIT_COUNT,  /* households, forms: whole numbers per replication */
    UNIT_SHARE,  /* 0..1, shown as a percentage */
    UNIT_POUND,  /* £ (a year) */
    UNIT_NUMBER, /* anything else: bidders, failed lots */
};

/* How a metric over several rounds follows from its per-round values. */
enum metric_rollup {
    ROLLUP_SUM,   /* counts and sums add up */
    ROLLUP_RATIO, /* num / den of the rounds' sums (NaN when den is 0) */
    ROLLUP_MEAN,  /* prices and bidders: the mean of the rounds where it is defined */
    ROLLUP_LAST,  /* the last round's value (forms late after the last auction) */
};

struct metric_info {
    const char *name;  /* column name in result files, e.g. "saving_mean" */
    const char *label; /* for sentences and categories, e.g. "saving per switching household" */
    const char *axis;  /* an axis title with its unit */
    enum metric_unit unit;
    enum metric_rollup rollup;
    enum metric num, den; /* ROLLUP_RATIO only: the value is num / den */
    bool headline;        /* in sweep.csv, compare's printout and the sweep charts */
};

/* The description of metric m (0 <= m < M_COUNT); static, never NULL. */
const struct metric_info *metric_info(enum metric m);

/* The column name of metric m. */
const char *metric_name(enum metric m);

/* The metric called `name` (the first len bytes of it), or -1 when there is none. */
int metric_find(const char *name, size_t len);

/* Fills the ratio metrics of one round's values x[0..M_COUNT) from its counts; a ratio
 * whose denominator is not positive is NaN. */
void metric_derive(double *x);

/* A row of the figures printed for people (the terminal's table, the report's). */
struct metric_row {
    enum metric m;
    bool only_if_positive; /* left out when it rounds to nothing */
};

/* The rows printed for people, in order: *n of them, static. */
const struct metric_row *metric_printout(size_t *n);

/* Which way metric m is better for households: +1 when more is better (switched, saving),
 * -1 when less is (declined, failed transfers, the winning tariff's cost), 0 when neither. */
int metric_better(enum metric m);

/* The short label of metric m for a table row ("saving per switcher"). */
const char *metric_brief(enum metric m);

/* A figure of metric unit u for people, the same wherever it is shown: "21,868",
 * "£1,562,212", "25.4%", "2.07"; "-" for NaN. With `change`, a signed difference: "+668",
 * "-£1", and shares in percentage points ("+4.4 points"). Returns buf. */
char *metric_figure(char *buf, size_t size, double x, enum metric_unit u, bool change);

/* A figure of unit u rounded for sentences ("we expect about 5,500 households to switch"),
 * the one rounding every bulletin, report and chart sentence uses: counts and money of 1,000
 * or more to 2 + extra significant figures ("5,500", "£1.5 million": money in millions from
 * £1 million), below that to the unit ("279", "£279"); shares to a whole percent from 10%
 * ("51%"), else to a tenth ("5.2%"), extra more decimals up to 2; UNIT_NUMBER as
 * metric_figure. "-" for NaN. Returns buf. */
char *metric_about(char *buf, size_t size, double x, enum metric_unit u, int extra);

/* The extra significant figures (0 to 3) metric_about needs for the bounds lo < hi of a
 * range and its middle to read apart; 0 when they are not finite. */
int metric_about_extra(double lo, double hi, enum metric_unit u);

/* Metric m over `rounds` rounds whose values are x[r * M_COUNT + m], by its rollup. */
double metric_over_rounds(const double *x, int rounds, enum metric m);

/* Daily counters, indexed [day * DAILY_COUNT + column], in daily.csv's column order. */
enum daily_column {
    DAILY_REGISTERED_ONLINE,
    DAILY_REGISTERED_PAPER,
    DAILY_ACCEPTED_ONLINE,
    DAILY_ACCEPTED_PAPER,
    DAILY_SWITCHED_ONLINE,
    DAILY_SWITCHED_PAPER,
    DAILY_COUNT
};

/* The daily.csv column name of c. */
const char *metric_daily_name(enum daily_column c);

#endif
