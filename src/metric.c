/* metric.c - the one list of metrics: names, words for people, units, and how each derives. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "switchsim/metric.h"
#include "switchsim/output.h"

#define COUNT(name, label, axis)                                                                   \
    {                                                                                              \
        name, label, axis, UNIT_COUNT, ROLLUP_SUM, 0, 0, false                                     \
    }
#define RATIO(name, label, axis, unit, num, den, head)                                             \
    {                                                                                              \
        name, label, axis, unit, ROLLUP_RATIO, num, den, head                                      \
    }

static const struct metric_info metrics[M_COUNT] = {
    [M_REGISTERED] = {"registered", "households registered", "households registered", UNIT_COUNT,
                      ROLLUP_SUM, 0, 0, true},
    [M_REGISTERED_ONLINE] =
        COUNT("registered_online", "registered online", "households registered online"),
    [M_REGISTERED_PAPER] =
        COUNT("registered_paper", "registered on paper", "households registered on paper"),
    [M_PAPER_LATE] = {"paper_late", "paper forms too late", "paper forms", UNIT_COUNT, ROLLUP_LAST,
                      0, 0, false},
    [M_OFFERS] = COUNT("offers", "offers sent", "offers"),
    [M_OFFERS_SAVING] = COUNT("offers_saving", "offers that save", "offers that save"),
    [M_ACCEPTED] = COUNT("accepted", "offers accepted", "households"),
    [M_DECLINED] = COUNT("declined", "offers declined", "households"),
    [M_CANCELLED] = COUNT("cancelled", "cancelled in cooling-off", "households"),
    [M_FAILED] = COUNT("failed", "failed transfers", "households"),
    [M_NO_OFFER] = COUNT("no_offer", "households without an offer", "households"),
    [M_NO_SAVING] = COUNT("no_saving", "households whose offer saves nothing", "households"),
    [M_SWITCHED] = {"switched", "households switched", "households switched", UNIT_COUNT,
                    ROLLUP_SUM, 0, 0, true},
    [M_SWITCHED_ONLINE] = COUNT("switched_online", "switched online", "households switched online"),
    [M_SWITCHED_PAPER] =
        COUNT("switched_paper", "switched on paper", "households switched on paper"),
    [M_CONVERSION] = RATIO("conversion", "conversion", "conversion (% of registrations switched)",
                           UNIT_SHARE, M_SWITCHED, M_REGISTERED, true),
    [M_CONVERSION_ONLINE] = RATIO("conversion_online", "online conversion", "online conversion (%)",
                                  UNIT_SHARE, M_SWITCHED_ONLINE, M_REGISTERED_ONLINE, false),
    [M_CONVERSION_PAPER] = RATIO("conversion_paper", "paper conversion", "paper conversion (%)",
                                 UNIT_SHARE, M_SWITCHED_PAPER, M_REGISTERED_PAPER, true),
    [M_SAVING_MEAN] = RATIO("saving_mean", "saving per switching household",
                            "saving per switching household (£/year)", UNIT_POUND, M_SAVING_TOTAL,
                            M_SWITCHED, true),
    [M_SAVING_TOTAL] = {"saving_total", "total saving", "total saving (£/year)", UNIT_POUND,
                        ROLLUP_SUM, 0, 0, true},
    [M_SAVING_OFFERED_TOTAL] = {"saving_offered_total", "saving on offer, in all",
                                "saving on offer, offers that save (£/year)", UNIT_POUND,
                                ROLLUP_SUM, 0, 0, false},
    [M_SAVING_OFFERED_MEAN] = RATIO("saving_offered_mean", "saving on offer",
                                    "saving on offer per offer that saves (£/year)", UNIT_POUND,
                                    M_SAVING_OFFERED_TOTAL, M_OFFERS_SAVING, false),
    [M_SAVING_OFFERED_SHARE] =
        RATIO("saving_offered_share", "offers that save", "offers that save (% of offers)",
              UNIT_SHARE, M_OFFERS_SAVING, M_OFFERS, false),
    [M_WINNING_ANNUAL_COST] = {"winning_annual_cost", "winning tariff (reference household)",
                               "winning tariff, reference household (£/year)", UNIT_POUND,
                               ROLLUP_MEAN, 0, 0, true},
    [M_MARKET_BEST_COST] = {"market_best_cost", "best market tariff (reference household)",
                            "best market tariff, reference household (£/year)", UNIT_POUND,
                            ROLLUP_MEAN, 0, 0, false},
    [M_BIDDERS] = {"bidders", "bidders", "bidders per auction", UNIT_NUMBER, ROLLUP_MEAN, 0, 0,
                   false},
    [M_AUCTION_FAILED] = {"auction_failed", "lots that failed the reserve", "failed lots",
                          UNIT_NUMBER, ROLLUP_SUM, 0, 0, false},
};

/* Table rows use shorter words where the label is long. */
static const char *const briefs[M_COUNT] = {
    [M_REGISTERED] = "registered",
    [M_SWITCHED] = "switched",
    [M_CONVERSION_PAPER] = "conversion on paper",
    [M_CONVERSION_ONLINE] = "conversion online",
    [M_SAVING_TOTAL] = "saving, total/year",
    [M_SAVING_MEAN] = "saving per switcher",
    [M_NO_SAVING] = "offers saving nothing",
    [M_PAPER_LATE] = "paper forms late",
    [M_AUCTION_FAILED] = "lots failing the reserve",
    [M_WINNING_ANNUAL_COST] = "winning tariff",
    [M_MARKET_BEST_COST] = "best market tariff",
};

static const signed char better[M_COUNT] = {
    [M_REGISTERED] = 1,         [M_REGISTERED_ONLINE] = 1,    [M_REGISTERED_PAPER] = 1,
    [M_PAPER_LATE] = -1,        [M_OFFERS] = 1,               [M_OFFERS_SAVING] = 1,
    [M_ACCEPTED] = 1,           [M_DECLINED] = -1,            [M_CANCELLED] = -1,
    [M_FAILED] = -1,            [M_NO_OFFER] = -1,            [M_NO_SAVING] = -1,
    [M_SWITCHED] = 1,           [M_SWITCHED_ONLINE] = 1,      [M_SWITCHED_PAPER] = 1,
    [M_CONVERSION] = 1,         [M_CONVERSION_ONLINE] = 1,    [M_CONVERSION_PAPER] = 1,
    [M_SAVING_MEAN] = 1,        [M_SAVING_TOTAL] = 1,         [M_SAVING_OFFERED_TOTAL] = 1,
    [M_SAVING_OFFERED_MEAN] = 1, [M_SAVING_OFFERED_SHARE] = 1, [M_WINNING_ANNUAL_COST] = -1,
    [M_MARKET_BEST_COST] = 0,   [M_BIDDERS] = 1,              [M_AUCTION_FAILED] = -1,
};

const struct metric_row *metric_printout(size_t *n)
{
    static const struct metric_row rows[] = {
        {M_REGISTERED, false},          {M_SWITCHED, false},     {M_CONVERSION, false},
        {M_CONVERSION_PAPER, false},    {M_SAVING_TOTAL, false}, {M_SAVING_MEAN, false},
        {M_SAVING_OFFERED_MEAN, false}, {M_NO_SAVING, true},     {M_PAPER_LATE, true},
        {M_AUCTION_FAILED, true},
    };
    *n = sizeof rows / sizeof rows[0];
    return rows;
}

int metric_better(enum metric m)
{
    return better[m];
}

static const char *const daily_names[DAILY_COUNT] = {
    "registered_online", "registered_paper", "accepted_online",
    "accepted_paper",    "switched_online",  "switched_paper",
};

const struct metric_info *metric_info(enum metric m)
{
    return &metrics[m];
}

const char *metric_brief(enum metric m)
{
    return briefs[m] ? briefs[m] : metrics[m].label;
}

char *metric_figure(char *buf, size_t size, double x, enum metric_unit u, bool change)
{
    char num[64];
    if (isnan(x)) {
        snprintf(buf, size, "-");
        return buf;
    }
    /* small numbers, and small changes of money, to the hundredth */
    bool share = u == UNIT_SHARE,
         small = (u == UNIT_NUMBER && fabs(x) < 100) || (u == UNIT_POUND && change && fabs(x) < 10);
    int dec = share ? 1 : small ? 2 : 0;
    double a = fabs(share ? 100 * x : x), unit = pow(10, -dec);
    bool zero = round(a / unit) == 0; /* shown as zero: no sign */
    const char *sign = zero ? "" : x < 0 ? "-" : change ? "+" : "";
    if (share)
        snprintf(buf, size, "%s%.1f%s", sign, a, change ? " points" : "%");
    else if (small)
        snprintf(buf, size, "%s%s%.2f", sign, u == UNIT_POUND ? "£" : "", a);
    else
        snprintf(buf, size, "%s%s%s", sign, u == UNIT_POUND ? "£" : "",
                 output_number(num, sizeof num, a, 0));
    return buf;
}

/* x to `sig` significant figures. */
static double significant(double x, int sig)
{
    if (x == 0 || !isfinite(x))
        return x;
    double scale = pow(10, sig - 1 - (int)floor(log10(fabs(x))));
    return round(x * scale) / scale;
}

char *metric_about(char *buf, size_t size, double x, enum metric_unit u, int extra)
{
    char num[64];
    if (isnan(x) || u == UNIT_NUMBER)
        return metric_figure(buf, size, x, u, false);
    if (extra < 0)
        extra = 0;
    double a = fabs(x);
    if (u == UNIT_SHARE) {
        double p = 100 * a;
        int dec = (p >= 9.95 ? 0 : 1) + extra;
        dec = dec > 2 ? 2 : dec;
        bool zero = round(p * pow(10, dec)) == 0;
        snprintf(buf, size, "%s%s%%", x < 0 && !zero ? "-" : "", output_number(num, sizeof num, p, dec));
        return buf;
    }
    const char *pound = u == UNIT_POUND ? "£" : "";
    if (u == UNIT_POUND && significant(a, 2 + extra) >= 1e6) {
        double m = significant(a, 2 + extra) / 1e6;
        int dec = 1 + extra - (int)floor(log10(m));
        snprintf(buf, size, "%s£%.*f million", x < 0 ? "-" : "", dec < 0 ? 0 : dec, m);
        return buf;
    }
    double r = a >= 999.5 ? significant(a, 2 + extra) : round(a);
    snprintf(buf, size, "%s%s%s", x < 0 && r != 0 ? "-" : "", pound,
             output_number(num, sizeof num, r, 0));
    return buf;
}

int metric_about_extra(double lo, double hi, enum metric_unit u)
{
    if (!isfinite(lo) || !isfinite(hi) || !(lo < hi))
        return 0;
    for (int extra = 0; extra < 3; extra++) { /* the bounds and their middle all read apart */
        char a[64], b[64], c[64];
        metric_about(a, sizeof a, lo, u, extra);
        metric_about(b, sizeof b, (lo + hi) / 2, u, extra);
        metric_about(c, sizeof c, hi, u, extra);
        if (strcmp(a, b) && strcmp(b, c))
            return extra;
    }
    return 3;
}

const char *metric_name(enum metric m)
{
    return metrics[m].name;
}

int metric_find(const char *name, size_t len)
{
    for (int m = 0; m < M_COUNT; m++)
        if (strlen(metrics[m].name) == len && !strncmp(metrics[m].name, name, len))
            return m;
    return -1;
}

static double ratio(double num, double den)
{
    return den > 0 ? num / den : NAN;
}

void metric_derive(double *x)
{
    for (int m = 0; m < M_COUNT; m++)
        if (metrics[m].rollup == ROLLUP_RATIO)
            x[m] = ratio(x[metrics[m].num], x[metrics[m].den]);
}

double metric_over_rounds(const double *x, int rounds, enum metric m)
{
    const struct metric_info *mi = &metrics[m];
    double sum = 0;
    int n = 0;
    switch (mi->rollup) {
    case ROLLUP_RATIO:
        return ratio(metric_over_rounds(x, rounds, mi->num),
                     metric_over_rounds(x, rounds, mi->den));
    case ROLLUP_LAST: return x[(size_t)(rounds - 1) * M_COUNT + m];
    case ROLLUP_MEAN:
        for (int r = 0; r < rounds; r++) {
            double v = x[(size_t)r * M_COUNT + m];
            if (!isnan(v)) {
                sum += v;
                n++;
            }
        }
        return n ? sum / n : NAN;
    case ROLLUP_SUM:
    default:
        for (int r = 0; r < rounds; r++)
            sum += x[(size_t)r * M_COUNT + m];
        return sum;
    }
}

const char *metric_daily_name(enum daily_column c)
{
    return daily_names[c];
}
