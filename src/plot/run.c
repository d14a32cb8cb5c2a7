/* run.c - the charts of a run: savings, households switched, timeline, conversion, tariff. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "switchsim/output.h"
#include "plot_int.h"

/* Savings per switching household: the histogram, its mean and median marked. */
static int chart_savings(struct plot_job *j, const struct plot_hist *h, double reps,
                         double *mean_out, double *median_out)
{
    const char *chart = "savings";
    double total = h->under + h->over, sum = h->over * h->over_low, ymax = 0;
    size_t last = 0;
    for (size_t i = 0; i < h->n; i++) {
        total += h->count[i];
        sum += h->count[i] * (h->lo[i] + h->hi[i]) / 2;
        if (h->count[i] > 0)
            last = i;
        ymax = fmax(ymax, h->count[i] / reps);
    }
    if (!(total > 0) || h->n == 0)
        return 0;           /* nobody switched: nothing to draw */
    double above = h->over; /* households right of the drawn bins */
    while (last > 0 && h->count[last] < 0.002 * ymax * reps) {
        above += h->count[last];
        last--;
    }
    double mean = sum / total, median = h->over_low, acc = h->under, half = total / 2;
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
    *mean_out = mean;
    *median_out = median;

    FILE *d = gp_dat_open(j, chart, "bin_low,bin_high,households_per_replication");
    if (!d)
        return -1;
    for (size_t i = 0; i <= last; i++) {
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
    gp_set(f, "set xlabel", "saving per switching household (£/year)");
    gp_set(f, "set ylabel", reps > 1 ? "households (mean per replication)" : "households");
    gp_axis(f, "x", gp_axis_nice(fmin(0, h->lo[0]), fmax(h->hi[last], mean), 1, 0), UNIT_POUND,
            NULL);
    gp_axis(f, "y", gp_axis_nice(0, ymax * 1.15, 1, 0), UNIT_COUNT, NULL);
    fputs("unset key\nset style fill solid 0.85 border linecolor rgb '#ffffff'\n", f);
    char text[96], money[48], at[96];
    fprintf(f,
            "set arrow 1 from first %.10g, graph 0 to first %.10g, graph 1 nohead front "
            "linewidth 2 linecolor rgb '" GP_RED "'\n",
            mean, mean);
    fprintf(f,
            "set arrow 2 from first %.10g, graph 0 to first %.10g, graph 1 nohead front "
            "linewidth 2 dashtype 2 linecolor rgb '#000000'\n",
            median, median);
    int mean_right = mean >= median;
    snprintf(text, sizeof text, "mean %s", words_money(money, sizeof money, mean, -1));
    snprintf(at, sizeof at, "first %.10g, graph 0.95", mean);
    gp_label(f, text, at, mean_right ? "left" : "right",
             mean_right ? "offset character 0.8,0 textcolor rgb '" GP_RED "'"
                        : "offset character -0.8,0 textcolor rgb '" GP_RED "'");
    snprintf(text, sizeof text, "median %s", words_money(money, sizeof money, median, -1));
    snprintf(at, sizeof at, "first %.10g, graph 0.95", median);
    gp_label(f, text, at, mean_right ? "right" : "left",
             mean_right ? "offset character -0.8,0" : "offset character 0.8,0");
    double y = 0.86;
    if (above / reps >= 0.5) {
        char n[48];
        snprintf(text, sizeof text, "%s more above %s", output_number(n, sizeof n, above / reps, 0),
                 words_money(money, sizeof money, h->hi[last], -1));
        snprintf(at, sizeof at, "graph 0.98, graph %.2f", y);
        gp_label(f, text, at, "right", NULL);
        y -= 0.07;
    }
    if (h->under / reps >= 0.5) {
        char n[48];
        snprintf(text, sizeof text, "%s saving £0 or less",
                 output_number(n, sizeof n, h->under / reps, 0));
        snprintf(at, sizeof at, "graph 0.98, graph %.2f", y);
        gp_label(f, text, at, "right", NULL);
    }
    fputs("plot 'savings.dat' using (($1+$2)/2):3:($2-$1) with boxes "
          "linecolor rgb '" GP_BLUE "' notitle\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
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

/* Households switched per round, with 95% CI error bars. */
static int chart_switched(struct plot_job *j, const struct plot_summary *s, double reps)
{
    const char *chart = "switched";
    int R = s->rounds, any = 0;
    double ymax = 0;
    for (int r = 1; r <= R; r++) {
        const struct plot_stat *st = plot_stat_find(s, r, "switched");
        if (st && isfinite(st->mean)) {
            any = 1;
            ymax = fmax(ymax, fmax(st->mean, isfinite(st->hi) ? st->hi : st->mean));
        }
    }
    if (!any)
        return 0;
    FILE *d = gp_dat_open(j, chart, "round,switched_mean,ci95_low,ci95_high");
    if (!d)
        return -1;
    for (int r = 1; r <= R; r++) {
        gp_dat_num(d, r, 1);
        gp_dat_stat(d, plot_stat_find(s, r, "switched"), 1);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "households switched by round", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "households switched by round");
    char xlabel[160];
    snprintf(xlabel, sizeof xlabel,
             "auction round   (bars: mean of %.0f replications; error "
             "bars: 95%% CI)",
             reps);
    round_axis(f, R, reps > 1 ? xlabel : "auction round");
    gp_set(f, "set ylabel", "households switched");
    gp_axis(f, "y", gp_axis_nice(0, ymax * 1.12, 1, 1), UNIT_COUNT, NULL);
    if (ymax <= 0)
        gp_label(f, "no household switched", "graph 0.5, graph 0.5", "center", NULL);
    fputs("set boxwidth 0.6 absolute\nunset key\n", f);
    if (R <= 12)
        for (int r = 1; r <= R; r++) {
            const struct plot_stat *st = plot_stat_find(s, r, "switched");
            if (!st || !isfinite(st->mean))
                continue;
            char text[48], at[96];
            output_number(text, sizeof text, st->mean, 0);
            snprintf(at, sizeof at, "first %d, first %.10g", r,
                     isfinite(st->hi) ? fmax(st->hi, st->mean) : st->mean);
            gp_label(f, text, at, "center", "offset character 0,0.9");
        }
    fputs("plot 'switched.dat' using 1:2 with boxes linecolor rgb '" GP_BLUE "', \\\n"
          "     '' using 1:3:(0):($4-$3) " GP_CI_BARS "\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* One panel of the timeline: the three series of a channel, per day or cumulative. */
static void timeline_panel(FILE *f, const char *title, int col, double ymax, double key_y,
                           int bottom)
{
    static const char *const names[] = {"registered", "accepted", "switched"};
    static const char *const colours[] = {GP_BLUE, GP_ORANGE, GP_GREEN};
    gp_set(f, "set title", title);
    gp_set(f, "set xlabel", bottom ? "day of campaign" : "");
    gp_set(f, "set ylabel", col < 8 ? "households per day" : "households, cumulative");
    gp_axis(f, "y", gp_axis_nice(0, ymax * 1.05, 1, 0), UNIT_COUNT, NULL);
    fputs("unset key\n", f);
    if (key_y > 0) /* one key for all four panels, under the main title, as coloured words */
        for (int k = 0; k < 3; k++) {
            char at[64], colour[64];
            snprintf(at, sizeof at, "screen %.2f, screen %.3f", 0.38 + 0.12 * k, key_y);
            snprintf(colour, sizeof colour, "textcolor rgb '%s' font ',20'", colours[k]);
            gp_label(f, names[k], at, "center", colour);
        }
    fputs("plot ", f);
    for (int k = 0; k < 3; k++)
        fprintf(f,
                "%s'timeline.dat' using 1:%d with lines linewidth 2 linecolor rgb '%s' "
                "title '%s'",
                k ? ", \\\n     " : "", col + 2 * k, colours[k], names[k]);
    fputs("\nunset label\n", f);
}

/* Registrations, acceptances and switches by day, online and paper, daily and cumulative. */
static int chart_timeline(struct plot_job *j, const struct plot_daily *dl)
{
    const char *chart = "timeline";
    size_t n = 0;
    for (size_t i = 0; i < dl->n; i++)
        for (int k = 1; k < 7; k++)
            if (dl->v[i * 7 + (size_t)k] > 0)
                n = i + 2;
    if (n == 0)
        return 0;
    if (n > dl->n)
        n = dl->n;
    double cum[7] = {0}, max_day[7] = {0};
    FILE *d =
        gp_dat_open(j, chart,
                    "day, per day: registered_online,registered_paper,accepted_online,"
                    "accepted_paper,switched_online,switched_paper, then the same cumulative");
    if (!d)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const double *row = &dl->v[i * 7];
        gp_dat_num(d, row[0], 1);
        for (int k = 1; k < 7; k++) {
            gp_dat_num(d, row[k], 0);
            max_day[k] = fmax(max_day[k], row[k]);
        }
        for (int k = 1; k < 7; k++) {
            cum[k] += row[k];
            gp_dat_num(d, cum[k], 0);
        }
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "registrations, acceptances and switches by day", 0);
    if (!f)
        return -1;
    const char *what = "registrations, acceptances and switches by day";
    int two = gp_title_two_lines(j, what);
    fprintf(f, "set multiplot layout 2,2 margins 0.1,0.98,0.11,%s spacing 0.12,0.15 ",
            two ? "0.8" : "0.84");
    gp_title(f, j, "title", what);
    gp_axis(f, "x", gp_axis_nice(dl->v[0], dl->v[(n - 1) * 7], 0, 1), UNIT_COUNT, NULL);
    double online_day = fmax(max_day[1], fmax(max_day[3], max_day[5]));
    double paper_day = fmax(max_day[2], fmax(max_day[4], max_day[6]));
    timeline_panel(f, "online, per day", 2, online_day, two ? 0.875 : 0.915, 0);
    timeline_panel(f, "online, cumulative", 8, fmax(cum[1], fmax(cum[3], cum[5])), 0, 0);
    timeline_panel(f, "paper, per day", 3, paper_day, 0, 1);
    timeline_panel(f, "paper, cumulative", 9, fmax(cum[2], fmax(cum[4], cum[6])), 0, 1);
    fputs("unset multiplot\n", f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* Conversion by channel over all rounds, as percentages with 95% CIs. */
static int chart_conversion(struct plot_job *j, const struct plot_summary *s)
{
    static const char *const metrics[] = {"conversion_online", "conversion_paper", "conversion"};
    static const char *const labels[] = {"online", "paper", "all registrations"};
    static const long colours[] = {0x0072B2, 0xE69F00, 0x009E73};
    const char *chart = "conversion";
    const struct plot_stat *st[3];
    int any = 0;
    double top = 100;
    for (int k = 0; k < 3; k++) {
        st[k] = plot_stat_all(s, metrics[k]);
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
        words_value(text, sizeof text, st[k]->mean, UNIT_SHARE, -1);
        snprintf(at, sizeof at, "first %d, first %.10g", k + 1,
                 100 * (isfinite(st[k]->hi) ? fmax(st[k]->hi, st[k]->mean) : st[k]->mean));
        gp_label(f, text, at, "center", "offset character 0,0.9");
    }
    gp_set(f, "set xlabel", "error bars: 95% confidence interval");
    fputs("plot 'conversion.dat' using 1:2:5 with boxes linecolor rgb variable notitle, \\\n"
          "     '' using 1:3:(0):($4-$3) " GP_CI_BARS " notitle\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* The winning tariff against the market's best, by round, in £/year with 95% CIs. */
static int chart_tariff(struct plot_job *j, const struct plot_summary *s)
{
    const char *chart = "tariff";
    int R = s->rounds, any = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int r = 1; r <= R; r++)
        for (int k = 0; k < 2; k++) {
            const struct plot_stat *st =
                plot_stat_find(s, r, k ? "market_best_cost" : "winning_annual_cost");
            if (!st || !isfinite(st->mean))
                continue;
            any = 1;
            lo = fmin(lo, isfinite(st->lo) ? fmin(st->lo, st->mean) : st->mean);
            hi = fmax(hi, isfinite(st->hi) ? fmax(st->hi, st->mean) : st->mean);
        }
    if (!any)
        return 0;
    FILE *d = gp_dat_open(j, chart,
                          "round,winning_mean,ci95_low,ci95_high,"
                          "market_best_mean,ci95_low,ci95_high");
    if (!d)
        return -1;
    for (int r = 1; r <= R; r++) {
        gp_dat_num(d, r, 1);
        for (int k = 0; k < 2; k++)
            gp_dat_stat(d, plot_stat_find(s, r, k ? "market_best_cost" : "winning_annual_cost"), 1);
        fputc('\n', d);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "winning tariff against the market's best", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "winning tariff against the market's best, by round");
    round_axis(f, R, "auction round");
    gp_set(f, "set ylabel", "annual cost, reference household (£/year)");
    double pad = fmax((hi - lo) * 0.25, fmax(fabs(hi) * 0.01, 1));
    gp_axis(f, "y", gp_axis_nice(lo - pad, hi + pad, 0, 0), UNIT_POUND, NULL);
    fputs("set key below horizontal maxrows 1\nset bmargin 6\n", f);
    int any_win = 0;
    for (int r = 1; r <= R; r++) {
        const struct plot_stat *w = plot_stat_find(s, r, "winning_annual_cost");
        any_win |= w && isfinite(w->mean);
    }
    if (!any_win)
        gp_label(f, "no winning bid: the auction failed", "graph 0.5, graph 0.15", "center",
                 "textcolor rgb '" GP_BLUE "'");
    if (R <= 8)
        for (int r = 1; r <= R; r++) {
            const struct plot_stat *w = plot_stat_find(s, r, "winning_annual_cost"),
                                   *m = plot_stat_find(s, r, "market_best_cost");
            double win_mean = w ? w->mean : NAN, mkt_mean = m ? m->mean : NAN;
            for (int k = 0; k < 2; k++) {
                const struct plot_stat *st =
                    plot_stat_find(s, r, k ? "market_best_cost" : "winning_annual_cost");
                if (!st || !isfinite(st->mean))
                    continue;
                char text[48], at[96]; /* the lower series labelled below, the other above */
                int below = k == 0 ? mkt_mean > st->mean : win_mean > st->mean;
                double y = below ? (isfinite(st->lo) ? fmin(st->lo, st->mean) : st->mean)
                                 : (isfinite(st->hi) ? fmax(st->hi, st->mean) : st->mean);
                words_money(text, sizeof text, st->mean, -1);
                snprintf(at, sizeof at, "first %.10g, first %.10g", r + (k ? 0.1 : -0.1), y);
                gp_label(f, text, at, "center",
                         below ? "offset character 0,-1" : "offset character 0,1");
            }
        }
    fputs("plot 'tariff.dat' using ($1-0.1):2:3:4 with yerrorlines linewidth 2 pointtype 7 "
          "pointsize 1.8 linecolor rgb '" GP_BLUE "' title 'winning auction tariff', \\\n"
          "     '' using ($1+0.1):5:6:7 with yerrorlines linewidth 2 pointtype 5 pointsize 1.8 "
          "linecolor rgb '" GP_RED "' title 'best market tariff (direct debit)'\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

int plot_run_section(struct plot_job *j, const struct plot_inputs *in)
{
    const struct plot_stat *reg = plot_stat_all(&in->sum, "registered");
    double reps = reg && reg->n >= 1 ? reg->n : 1, mean = NAN, median = NAN;
    if (chart_switched(j, &in->sum, reps) < 0 ||
        (in->has_hist && chart_savings(j, &in->hist, reps, &mean, &median) < 0) ||
        chart_conversion(j, &in->sum) < 0 || chart_tariff(j, &in->sum) < 0 ||
        (in->has_daily && chart_timeline(j, &in->daily) < 0))
        return -1;
    plot_bulletin_run(j, &in->sum, reps, mean, median);
    return 0;
}
