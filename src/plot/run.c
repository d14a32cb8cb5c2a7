/* run.c - the charts of a run: savings, households switched, conversion, tariff, and the
 * timeline (timeline.c). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchsim/output.h"
#include "plot_int.h"

/* Savings per switching household: the histogram, the average (summary.csv's, as every
 * printout gives it) and the median marked. */
static int chart_savings(struct plot_job *j, const struct plot_hist *h, double reps,
                         const struct plot_stat *avg)
{
    const char *chart = "savings";
    double total = h->under + h->over, ymax = 0;
    size_t last = 0;
    for (size_t i = 0; i < h->n; i++) {
        total += h->count[i];
        if (h->count[i] > 0)
            last = i;
        ymax = fmax(ymax, h->count[i] / reps);
    }
    if (!(total > 0) || h->n == 0)
        return 0; /* nobody switched: nothing to draw */
    while (last > 0 && h->count[last] < 0.002 * ymax * reps)
        last--;
    double median = h->over_low, acc = h->under, half = total / 2;
    if (acc >= half)
        median = 0;
    else
        for (size_t i = 0; i < h->n; i++) {
            if (acc + h->count[i] >= half && h->count[i] > 0) {
                median = h->lo[i] + (half - acc) / h->count[i] * (h->hi[i] - h->lo[i]);
                break;
            }
            acc += h->count[i];
        }
    double mean = avg && isfinite(avg->mean) ? avg->mean : NAN;
    /* the axis ends where the drawn bins end, so "N more above £X" names the axis's end */
    struct gp_scale ax =
        gp_axis_nice(fmin(0, h->lo[0]), fmax(h->hi[last], isfinite(mean) ? mean : 0), 1, 0);
    double above = h->over; /* households right of the axis */
    FILE *d = gp_dat_open(j, chart, "bin_low,bin_high,households_per_replication");
    if (!d)
        return -1;
    for (size_t i = 0; i < h->n; i++) {
        if (h->hi[i] > ax.hi + 1e-9 * fabs(ax.hi)) {
            above += h->count[i];
            continue;
        }
        gp_dat_num(d, h->lo[i], 1);
        gp_dat_num(d, h->hi[i], 0);
        gp_dat_num(d, h->count[i] / reps, 0);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;

    FILE *f = gp_open(j, chart, "annual saving per switching household", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "annual saving per switching household");
    gp_set(f, "set xlabel", "saving per switching household (£ a year)");
    gp_set(f, "set ylabel", reps > 1 ? "households (average per campaign)" : "households");
    gp_axis(f, "x", ax, UNIT_POUND, NULL);
    gp_axis(f, "y", gp_axis_nice(0, ymax * 1.15, 1, 0), UNIT_COUNT, NULL);
    fputs("unset key\nset style fill solid 0.85 border linecolor rgb '#ffffff'\n", f);
    char text[96], money[48], at[96], n[48];
    if (isfinite(mean))
        fprintf(f,
                "set arrow 1 from first %.10g, graph 0 to first %.10g, graph 1 nohead front "
                "linewidth 2 linecolor rgb '" GP_RED "'\n",
                mean, mean);
    fprintf(f,
            "set arrow 2 from first %.10g, graph 0 to first %.10g, graph 1 nohead front "
            "linewidth 2 dashtype 2 linecolor rgb '#000000'\n",
            median, median);
    int mean_right = !isfinite(mean) || mean >= median;
    if (isfinite(mean)) {
        snprintf(text, sizeof text, "average %s",
                 metric_figure(money, sizeof money, mean, UNIT_POUND, false));
        snprintf(at, sizeof at, "first %.10g, graph 0.95", mean);
        gp_label(f, text, at, mean_right ? "left" : "right",
                 mean_right ? "offset character 0.8,0 textcolor rgb '" GP_RED "'"
                            : "offset character -0.8,0 textcolor rgb '" GP_RED "'");
    }
    snprintf(text, sizeof text, "median %s",
             metric_figure(money, sizeof money, median, UNIT_POUND, false));
    snprintf(at, sizeof at, "first %.10g, graph 0.95", median);
    gp_label(f, text, at, mean_right ? "right" : "left",
             mean_right ? "offset character -0.8,0" : "offset character 0.8,0");
    double y = 0.86;
    char more[160] = "";
    if (above / reps >= 0.5) {
        snprintf(more, sizeof more, "%s more above %s",
                 metric_figure(n, sizeof n, above / reps, UNIT_COUNT, false),
                 metric_figure(money, sizeof money, ax.hi, UNIT_POUND, false));
        snprintf(at, sizeof at, "graph 0.98, graph %.2f", y);
        gp_label(f, more, at, "right", NULL);
        y -= 0.07;
    }
    if (h->under / reps >= 0.5) {
        snprintf(text, sizeof text, "%s saving £0 or less",
                 metric_figure(n, sizeof n, h->under / reps, UNIT_COUNT, false));
        snprintf(at, sizeof at, "graph 0.98, graph %.2f", y);
        gp_label(f, text, at, "right", NULL);
    }
    fputs("plot 'savings.dat' using (($1+$2)/2):3:($2-$1) with boxes "
          "linecolor rgb '" GP_BLUE "' notitle\n",
          f);
    char alt[700], cap[700];
    snprintf(alt, sizeof alt,
             "Histogram of the annual saving of each household that switches, from %s to %s; "
             "the average is %s a year (red line) and the median %s (dashed line).%s%s",
             metric_figure(text, sizeof text, ax.lo, UNIT_POUND, false),
             metric_figure(money, sizeof money, ax.hi, UNIT_POUND, false),
             isfinite(mean) ? metric_figure(n, sizeof n, mean, UNIT_POUND, false) : "-",
             metric_figure(at, sizeof at, median, UNIT_POUND, false), more[0] ? " " : "", more);
    snprintf(cap, sizeof cap,
             "How much each switching household saves a year. Bars count households in equal "
             "steps of saving%s.",
             reps > 1 ? ", averaged over the simulated campaigns" : "");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* x tics at whole rounds 1..R (every few rounds when there are many). */
static void round_axis(FILE *f, int rounds, const char *label)
{
    if (rounds == 1)
        fputs("set xrange [0:2]\n", f);
    else
        fprintf(f, "set xrange [0.4:%.1f]\n", rounds + 0.6);
    if (rounds <= 20) {
        fputs("set xtics nomirror out (", f);
        for (int r = 1; r <= rounds; r++)
            fprintf(f, "%s'%d' %d", r > 1 ? ", " : "", r, r);
        fputs(")\n", f);
    } else {
        struct gp_scale a = gp_axis_nice(1, rounds, 0, 1);
        gp_axis(f, "x", a, UNIT_COUNT, NULL);
        fprintf(f, "set xrange [0.4:%.1f]\n", rounds + 0.6); /* gp_axis set its own */
    }
    gp_set(f, "set xlabel", label);
}

/* One round: how many households switch in each simulated campaign, as a histogram, with
 * the 90% forecast range shaded and the average marked. */
static int chart_switched_one(struct plot_job *j, const struct plot_numbers *reps,
                              const struct plot_stat *st)
{
    const char *chart = "switched";
    size_t n = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < reps->n; i++) {
        double x = plot_num(reps, i, 1);
        if (plot_num(reps, i, 0) == 1 && isfinite(x)) {
            n++;
            lo = fmin(lo, x);
            hi = fmax(hi, x);
        }
    }
    if (n < 2 || !(hi > lo))
        return 0;
    struct gp_scale bins = gp_axis_steps(lo, hi, 0, 1, n >= 200 ? 30 : n >= 50 ? 15 : 8);
    size_t nb = (size_t)lround((bins.hi - bins.lo) / bins.step);
    if (nb < 1 || nb > 100)
        return 0;
    double count[100] = {0}, top = 0;
    for (size_t i = 0; i < reps->n; i++) {
        double x = plot_num(reps, i, 1);
        if (plot_num(reps, i, 0) != 1 || !isfinite(x))
            continue;
        size_t b = (size_t)fmin((double)nb - 1, floor((x - bins.lo) / bins.step));
        top = fmax(top, ++count[b]);
    }
    FILE *d = gp_dat_open(j, chart, "bin_low,bin_high,campaigns");
    if (!d)
        return -1;
    for (size_t b = 0; b < nb; b++) {
        gp_dat_num(d, bins.lo + (double)b * bins.step, 1);
        gp_dat_num(d, bins.lo + (double)(b + 1) * bins.step, 0);
        gp_dat_num(d, count[b], 0);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "households switching in each simulated campaign", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "how many households may switch");
    gp_set(f, "set xlabel", "households switching in one campaign");
    gp_set(f, "set ylabel", "simulated campaigns");
    gp_axis(f, "x", gp_axis_nice(bins.lo, bins.hi, 0, 1), UNIT_COUNT, NULL);
    gp_axis(f, "y", gp_axis_nice(0, top * 1.25, 1, 1), UNIT_COUNT, NULL);
    fputs("unset key\nset style fill solid 0.85 border linecolor rgb '#ffffff'\n", f);
    char a[64], b[64], m[64], text[200], at[96];
    int range = st && isfinite(st->pi_lo) && isfinite(st->pi_hi);
    if (range) {
        fprintf(f,
                "set object 1 rectangle from first %.10g, graph 0 to first %.10g, graph 1 "
                "behind fillcolor rgb '" GP_SKY "' fillstyle solid 0.25 noborder\n",
                st->pi_lo, st->pi_hi);
        snprintf(text, sizeof text, "90%% forecast range: %s to %s",
                 metric_figure(a, sizeof a, st->pi_lo, UNIT_COUNT, false),
                 metric_figure(b, sizeof b, st->pi_hi, UNIT_COUNT, false));
        gp_label(f, text, "graph 0.02, graph 0.95", "left", NULL);
    }
    if (st && isfinite(st->mean)) {
        fprintf(f,
                "set arrow 1 from first %.10g, graph 0 to first %.10g, graph 0.86 nohead front "
                "linewidth 2 linecolor rgb '" GP_RED "'\n",
                st->mean, st->mean);
        snprintf(text, sizeof text, "average %s",
                 metric_figure(m, sizeof m, st->mean, UNIT_COUNT, false));
        snprintf(at, sizeof at, "first %.10g, graph 0.89", st->mean);
        gp_label(f, text, at, "center", "textcolor rgb '" GP_RED "'");
    }
    fputs("plot 'switched.dat' using (($1+$2)/2):3:($2-$1) with boxes "
          "linecolor rgb '" GP_BLUE "' notitle\n",
          f);
    char alt[700], cap[700];
    snprintf(alt, sizeof alt,
             "Histogram of the households switching in each of %zu simulated campaigns, from %s "
             "to %s; on average %s%s%s%s%s.",
             n, metric_figure(a, sizeof a, lo, UNIT_COUNT, false),
             metric_figure(b, sizeof b, hi, UNIT_COUNT, false),
             st ? metric_figure(m, sizeof m, st->mean, UNIT_COUNT, false) : "-",
             range ? ", and in 90% of them between " : "",
             range ? metric_figure(text, sizeof text, st->pi_lo, UNIT_COUNT, false) : "",
             range ? " and " : "",
             range ? metric_figure(at, sizeof at, st->pi_hi, UNIT_COUNT, false) : "");
    snprintf(cap, sizeof cap,
             "Where one campaign may land: each bar counts the simulated campaigns in which that "
             "many households switched. The shaded band is the 90%% forecast range; the red line "
             "the average.");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* Households switched per round: the average, with the 90% forecast range as whiskers (the
 * 95% CI of the average when the file has no range). */
static int chart_switched(struct plot_job *j, const struct plot_summary *s, double reps)
{
    const char *chart = "switched";
    int R = s->rounds, any = 0, ranges = 1;
    double ymax = 0;
    for (int r = 1; r <= R; r++) {
        const struct plot_stat *st = plot_stat_find(s, r, metric_name(M_SWITCHED));
        if (st && isfinite(st->mean)) {
            any = 1;
            ranges &= isfinite(st->pi_hi);
            ymax = fmax(ymax, fmax(st->mean, isfinite(st->hi) ? st->hi : st->mean));
            ymax = fmax(ymax, isfinite(st->pi_hi) ? st->pi_hi : st->mean);
        }
    }
    if (!any)
        return 0;
    FILE *d = gp_dat_open(j, chart, ranges ? "round,switched_mean,pi90_low,pi90_high"
                                           : "round,switched_mean,ci95_low,ci95_high");
    if (!d)
        return -1;
    for (int r = 1; r <= R; r++) {
        const struct plot_stat *st = plot_stat_find(s, r, metric_name(M_SWITCHED));
        gp_dat_num(d, r, 1);
        if (ranges && st) {
            gp_dat_num(d, st->mean, 0);
            gp_dat_num(d, st->pi_lo, 0);
            gp_dat_num(d, st->pi_hi, 0);
        } else
            gp_dat_stat(d, st, 1);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "households switched by round", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "households switching by round");
    char xlabel[160];
    snprintf(xlabel, sizeof xlabel, "auction round   (bars: average of %.0f campaigns; lines: %s)",
             reps, ranges ? "90% forecast range" : "95% CI of the average");
    round_axis(f, R, reps > 1 ? xlabel : "auction round");
    gp_set(f, "set ylabel", "households switching");
    gp_axis(f, "y", gp_axis_nice(0, ymax * 1.12, 1, 1), UNIT_COUNT, NULL);
    if (ymax <= 0)
        gp_label(f, "no household switched", "graph 0.5, graph 0.5", "center", NULL);
    fputs("set boxwidth 0.6 absolute\nunset key\n", f);
    if (R <= 12)
        for (int r = 1; r <= R; r++) {
            const struct plot_stat *st = plot_stat_find(s, r, metric_name(M_SWITCHED));
            if (!st || !isfinite(st->mean))
                continue;
            char text[48], at[96];
            metric_figure(text, sizeof text, st->mean, UNIT_COUNT, false);
            double top = ranges ? st->pi_hi : st->hi;
            snprintf(at, sizeof at, "first %d, first %.10g", r,
                     isfinite(top) ? fmax(top, st->mean) : st->mean);
            gp_label(f, text, at, "center", "offset character 0,0.9");
        }
    fputs("plot 'switched.dat' using 1:2 with boxes linecolor rgb '" GP_BLUE "', \\\n"
          "     '' using 1:3:(0):($4-$3) " GP_CI_BARS "\n",
          f);
    const struct plot_stat *all = plot_stat_all(s, metric_name(M_SWITCHED));
    char alt[700], cap[700], a[64];
    snprintf(alt, sizeof alt,
             "Bar chart of the households expected to switch in each of %d auction rounds; %s in "
             "all on average.",
             R, all ? metric_figure(a, sizeof a, all->mean, UNIT_COUNT, false) : "-");
    snprintf(cap, sizeof cap, "Households switching after each auction round: bars are averages, "
                              "lines the %s.",
             ranges ? "90% forecast range of one campaign" : "95% confidence interval of the average");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* Conversion by channel over all rounds, as percentages with 95% CIs. */
static int chart_conversion(struct plot_job *j, const struct plot_summary *s)
{
    static const enum metric metrics[] = {M_CONVERSION_ONLINE, M_CONVERSION_PAPER, M_CONVERSION};
    static const char *const labels[] = {"online", "paper", "all registrations"};
    static const long colours[] = {0x0072B2, 0xE69F00, 0x009E73};
    const char *chart = "conversion";
    const struct plot_stat *st[3];
    int any = 0;
    double top = 100;
    for (int k = 0; k < 3; k++) {
        st[k] = plot_stat_all(s, metric_name(metrics[k]));
        if (st[k] && isfinite(st[k]->mean)) {
            any = 1;
            top = fmax(top, 100 * (isfinite(st[k]->hi) ? st[k]->hi : st[k]->mean) + 9);
        }
    }
    if (!any)
        return 0;
    FILE *d = gp_dat_open(j, chart,
                          "channel (1 online, 2 paper, 3 all),percent,ci95_low,"
                          "ci95_high,colour");
    if (!d)
        return -1;
    for (int k = 0; k < 3; k++) {
        gp_dat_num(d, k + 1, 1);
        gp_dat_stat(d, st[k], 100);
        fprintf(d, ",%ld\n", colours[k]);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    const char *what =
        s->rounds > 1 ? "conversion by channel, all rounds" : "conversion by channel";
    FILE *f = gp_open(j, chart, what, 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", what);
    gp_set(f, "set ylabel", "registered households who switched (%)");
    gp_axis(f, "y", gp_axis_nice(0, 100, 1, 0), UNIT_SHARE, NULL);
    fprintf(f, "set yrange [0:%.10g]\nset xrange [0.4:3.6]\nset xtics (", top);
    for (int k = 0; k < 3; k++) {
        fputs(k ? ", " : "", f);
        gp_quote(f, labels[k], 1);
        fprintf(f, " %d", k + 1);
    }
    fputs(")\nset boxwidth 0.6 absolute\nunset key\n", f);
    for (int k = 0; k < 3; k++) {
        if (!st[k] || !isfinite(st[k]->mean))
            continue;
        char text[48], at[96];
        metric_figure(text, sizeof text, st[k]->mean, UNIT_SHARE, false);
        snprintf(at, sizeof at, "first %d, first %.10g", k + 1,
                 100 * (isfinite(st[k]->hi) ? fmax(st[k]->hi, st[k]->mean) : st[k]->mean));
        gp_label(f, text, at, "center", "offset character 0,0.9");
    }
    gp_set(f, "set xlabel", "error bars: 95% confidence interval of the average");
    fputs("plot 'conversion.dat' using 1:2:5 with boxes linecolor rgb variable notitle, \\\n"
          "     '' using 1:3:(0):($4-$3) " GP_CI_BARS " notitle\n",
          f);
    char alt[700], cap[700], x[3][48];
    for (int k = 0; k < 3; k++)
        metric_figure(x[k], sizeof x[k], st[k] ? st[k]->mean : NAN, UNIT_SHARE, false);
    snprintf(alt, sizeof alt,
             "Bar chart of the share of registered households who switch: %s of online "
             "registrations, %s of paper ones, %s of all.",
             x[0], x[1], x[2]);
    snprintf(cap, sizeof cap, "The share of households who sign up that go on to switch, by "
                              "how they signed up (averages, with their 95%% confidence "
                              "intervals).");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* The winning tariff against the market's best. Over rounds: each round's average, the
 * winning one with its 90% forecast range (the market's has none). One round: the winning
 * tariff's range as a band, against the market's best, the reserve and the market's average. */
static int chart_tariff(struct plot_job *j, const struct plot_summary *s, const char *file)
{
    const char *chart = "tariff";
    int R = s->rounds, any = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int r = 1; r <= R; r++)
        for (int k = 0; k < 2; k++) {
            const struct plot_stat *st =
                plot_stat_find(s, r, k ? metric_name(M_MARKET_BEST_COST) : metric_name(M_WINNING_ANNUAL_COST));
            if (!st || !isfinite(st->mean))
                continue;
            any = 1;
            double l = isfinite(st->pi_lo) ? st->pi_lo : st->mean,
                   h = isfinite(st->pi_hi) ? st->pi_hi : st->mean;
            lo = fmin(lo, fmin(l, st->mean));
            hi = fmax(hi, fmax(h, st->mean));
        }
    if (!any)
        return 0;
    double margin = plot_scenario_number(j->results, file, "auction.reserve_margin");
    FILE *d = gp_dat_open(j, chart, "round,winning_mean,pi90_low,pi90_high,market_best_mean");
    if (!d)
        return -1;
    for (int r = 1; r <= R; r++) {
        const struct plot_stat *w = plot_stat_find(s, r, metric_name(M_WINNING_ANNUAL_COST)),
                               *m = plot_stat_find(s, r, metric_name(M_MARKET_BEST_COST));
        gp_dat_num(d, r, 1);
        gp_dat_num(d, w ? w->mean : NAN, 0);
        gp_dat_num(d, w && isfinite(w->pi_lo) ? w->pi_lo : w ? w->mean : NAN, 0);
        gp_dat_num(d, w && isfinite(w->pi_hi) ? w->pi_hi : w ? w->mean : NAN, 0);
        gp_dat_num(d, m ? m->mean : NAN, 0);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "winning tariff against the market's best", 0);
    if (!f)
        return -1;
    const struct plot_stat *w1 = plot_stat_all(s, metric_name(M_WINNING_ANNUAL_COST)),
                           *m1 = plot_stat_all(s, metric_name(M_MARKET_BEST_COST));
    char a[64], b[64], c[64], text[200], at[96];
    if (R == 1) {
        gp_title(f, j, "set title", "what the winning tariff may cost");
        gp_set(f, "set xlabel", "annual cost for a typical household paying by direct debit (£ a year)");
        double mk = m1 && isfinite(m1->mean) ? m1->mean : NAN;
        double reserve = isfinite(mk) && isfinite(margin) ? mk - margin : NAN;
        double l = fmin(lo, isfinite(reserve) ? reserve : lo), h = fmax(hi, isfinite(mk) ? mk : hi);
        double pad = fmax((h - l) * 0.3, 5);
        gp_axis(f, "x", gp_axis_nice(l - pad, h + pad, 0, 0), UNIT_POUND, NULL);
        fputs("set yrange [0:1]\nunset ytics\nset border 1\nunset key\nunset grid\n"
              "set grid xtics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n",
              f);
        if (w1 && isfinite(w1->mean)) {
            double pl = isfinite(w1->pi_lo) ? w1->pi_lo : w1->mean,
                   ph = isfinite(w1->pi_hi) ? w1->pi_hi : w1->mean;
            fprintf(f,
                    "set object 1 rectangle from first %.10g, graph 0.3 to first %.10g, graph 0.6 "
                    "fillcolor rgb '" GP_SKY "' fillstyle solid 0.6 noborder front\n",
                    pl, ph);
            fprintf(f,
                    "set arrow 1 from first %.10g, graph 0.25 to first %.10g, graph 0.65 nohead "
                    "front linewidth 3 linecolor rgb '" GP_BLUE "'\n",
                    w1->mean, w1->mean);
            snprintf(text, sizeof text, "winning tariff: %s on average, most likely %s to %s",
                     metric_figure(a, sizeof a, w1->mean, UNIT_POUND, false),
                     metric_figure(b, sizeof b, pl, UNIT_POUND, false),
                     metric_figure(c, sizeof c, ph, UNIT_POUND, false));
            snprintf(at, sizeof at, "first %.10g, graph 0.7", w1->mean);
            gp_label(f, text, at, "center", "textcolor rgb '" GP_BLUE "'");
        } else
            gp_label(f, "no winning bid: the auction failed", "graph 0.5, graph 0.45", "center",
                     "textcolor rgb '" GP_BLUE "'");
        if (isfinite(mk)) {
            fprintf(f,
                    "set arrow 2 from first %.10g, graph 0 to first %.10g, graph 0.85 nohead "
                    "front linewidth 2 dashtype 2 linecolor rgb '" GP_RED "'\n",
                    mk, mk);
            snprintf(text, sizeof text, "cheapest market tariff %s",
                     metric_figure(a, sizeof a, mk, UNIT_POUND, false));
            snprintf(at, sizeof at, "first %.10g, graph 0.9", mk);
            gp_label(f, text, at, "center", "textcolor rgb '" GP_RED "'");
        }
        if (isfinite(reserve) && margin > 0) {
            fprintf(f,
                    "set arrow 3 from first %.10g, graph 0 to first %.10g, graph 0.2 nohead "
                    "front linewidth 2 dashtype 3 linecolor rgb '#000000'\n",
                    reserve, reserve);
            snprintf(text, sizeof text, "reserve price %s: bids above it lose",
                     metric_figure(a, sizeof a, reserve, UNIT_POUND, false));
            snprintf(at, sizeof at, "first %.10g, graph 0.12", reserve);
            gp_label(f, text, at, "right", "offset character -0.8,0");
        }
        fputs("plot -1 notitle\n", f); /* the axis alone: objects and arrows draw the rest */
    } else {
        gp_title(f, j, "set title", "winning tariff against the market's best, by round");
        round_axis(f, R, "auction round");
        gp_set(f, "set ylabel", "annual cost, typical household (£ a year)");
        double pad = fmax((hi - lo) * 0.25, fmax(fabs(hi) * 0.01, 1));
        gp_axis(f, "y", gp_axis_nice(lo - pad, hi + pad, 0, 0), UNIT_POUND, NULL);
        fputs("set key below horizontal maxrows 1\nset bmargin 6\n", f);
        if (!(w1 && isfinite(w1->mean)))
            gp_label(f, "no winning bid: the auction failed", "graph 0.5, graph 0.15", "center",
                     "textcolor rgb '" GP_BLUE "'");
        fputs("plot 'tariff.dat' using ($1-0.1):2:3:4 with yerrorlines linewidth 2 pointtype 7 "
              "pointsize 1.8 linecolor rgb '" GP_BLUE "' title 'winning tariff (90% forecast "
              "range)', \\\n"
              "     '' using ($1+0.1):5 with linespoints linewidth 2 dashtype 2 pointtype 5 "
              "pointsize 1.8 linecolor rgb '" GP_RED "' title 'cheapest market tariff'\n",
              f);
    }
    char alt[700], cap[700];
    snprintf(alt, sizeof alt,
             "Chart of the winning tariff's annual cost for a typical household paying by direct "
             "debit, %s on average, against the cheapest market tariff, %s.",
             w1 ? metric_figure(a, sizeof a, w1->mean, UNIT_POUND, false) : "-",
             m1 ? metric_figure(b, sizeof b, m1->mean, UNIT_POUND, false) : "-");
    snprintf(cap, sizeof cap,
             "What the auction's winning tariff costs a household of typical use (the scenario's "
             "reference use of electricity and gas), against the cheapest tariff already on the "
             "market%s.",
             R == 1 ? "; the band is the 90% forecast range" : "");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

int plot_run_section(struct plot_job *j, const struct plot_inputs *in)
{
    const struct plot_stat *reg = plot_stat_all(&in->sum, metric_name(M_REGISTERED));
    double reps = reg && reg->n >= 1 ? reg->n : 1;
    j->reps = reps;
    int one = in->sum.rounds == 1 && in->has_reps && reps >= 10;
    int drawn = one ? chart_switched_one(j, &in->reps, plot_stat_all(&in->sum, metric_name(M_SWITCHED))) : 0;
    if (drawn < 0 || (drawn == 0 && chart_switched(j, &in->sum, reps) < 0) ||
        (in->has_hist &&
         chart_savings(j, &in->hist, reps, plot_stat_all(&in->sum, metric_name(M_SAVING_MEAN))) < 0) ||
        chart_conversion(j, &in->sum) < 0 || chart_tariff(j, &in->sum, in->scenario_file) < 0 ||
        (in->has_daily && plot_chart_timeline(j, &in->daily, in->scenario_file) < 0))
        return -1;
    if (j->forecast) {
        /* the forecast said it already: the run's sentences would say it again, counting
         * sign-ups entered by auction day rather than received */
        doc_add(j, DOC_HEADING, "The simulated campaigns in detail");
        doc_add(j, DOC_PARA,
                "The charts below show the campaigns simulated from the sign-ups so far: "
                "the forecast above is the one to quote.");
    } else {
        plot_bulletin_run(j, &in->sum);
    }
    doc_chart_add(j, "switched");
    doc_chart_add(j, "savings");
    doc_chart_add(j, "conversion");
    doc_chart_add(j, "tariff");
    doc_chart_add(j, "timeline");
    if (!in->has_fan)
        doc_note_ranges(j, 1, 1);
    return 0;
}
