/* timeline.c - the day-by-day chart of a run: registrations, acceptances and switches,
 * online and paper, per day and cumulative, in four panels, with the auction, offer and
 * reminder days marked. Split from run.c, which draws it with the other charts of a run. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot_int.h"

/* Days marked on the timeline: each round's auction, offers and reminders. */
struct marks {
    size_t n;
    double day[64];
    const char *what[64];
};

static void marks_of(const struct plot_job *j, const char *file, struct marks *mk)
{
    char path[PLOT_PATH_SIZE], list[400];
    double rounds = plot_scenario_number(j->results, file, "scenario.rounds"),
           every = plot_scenario_number(j->results, file, "scenario.interval_days"),
           auction = plot_scenario_number(j->results, file, "auction.day"),
           send = plot_scenario_number(j->results, file, "offers.send_delay_days");
    mk->n = 0;
    if (!isfinite(auction) || !isfinite(rounds))
        return;
    snprintf(path, sizeof path, "%s/%s", j->results, file);
    if (plot_scenario_value(path, "offers.reminder_days", list, sizeof list))
        list[0] = '\0';
    for (int r = 0; r < (int)fmin(rounds, 8); r++) {
        double start = r * (isfinite(every) ? every : 0);
        if (mk->n + 2 > 64)
            break;
        mk->day[mk->n] = start + auction;
        mk->what[mk->n++] = "auction";
        if (!isfinite(send))
            continue;
        mk->day[mk->n] = start + auction + send;
        mk->what[mk->n++] = "offers";
        for (char *p = list; *p && mk->n < 64;) {
            char *end;
            double d = strtod(p, &end);
            if (end == p)
                break;
            mk->day[mk->n] = start + auction + send + d;
            mk->what[mk->n++] = "reminder";
            p = end + strspn(end, ", ");
        }
    }
}

/* One panel of the timeline: the three series of a channel, per day or cumulative: told
 * apart by dash and point as well as colour, so they stay apart in grey print; each drawn
 * only where it is above zero. The marked days are named in
 * the top left panel, for the first round only (the rounds repeat them); the key goes top
 * left in the top right panel, where the cumulative lines have not yet risen. */
static void timeline_panel(FILE *f, const char *title, int col, double ymax, int key, int bottom,
                           const struct marks *mk, double x_hi)
{
    static const char *const names[] = {"registered", "accepted", "switched"};
    static const char *const colours[] = {GP_BLUE, GP_ORANGE, GP_GREEN};
    static const int dash[] = {1, 2, 3}, point[] = {7, 5, 9};
    gp_set(f, "set title", title);
    gp_set(f, "set xlabel", bottom ? "day of campaign" : "");
    gp_set(f, "set ylabel", col < 8 ? "households per day" : "households, cumulative");
    int names_marks = !bottom && !key; /* the top left panel: room above the lines for them */
    struct gp_scale y = gp_axis_nice(0, ymax * (names_marks && mk->n ? 1.35 : 1.05), 1, 0);
    gp_axis(f, "y", y, UNIT_COUNT, NULL);
    fprintf(f, "set yrange [0:%.10g]\n", y.hi);
    fputs("unset arrow\nunset label\n", f);
    int auctions = 0;
    for (size_t i = 0; i < mk->n; i++) {
        if (mk->day[i] > x_hi)
            continue;
        fprintf(f,
                "set arrow from first %.10g, graph 0 to first %.10g, graph 1 nohead back "
                "linewidth 1 dashtype 3 linecolor rgb '#777777'\n",
                mk->day[i], mk->day[i]);
        auctions += !strcmp(mk->what[i], "auction");
        if (!names_marks || auctions > 1)
            continue; /* named once: the first round's, in the top left panel */
        char at[64];
        snprintf(at, sizeof at, "first %.10g, graph 0.98", mk->day[i]);
        gp_label(f, mk->what[i], at, "right",
                 "rotate by 90 offset character -0.5,0 font ',13' textcolor rgb '#555555'");
    }
    if (key)
        fputs("set key top left Left reverse opaque samplen 3 spacing 1.1\n", f);
    else
        fputs("unset key\n", f);
    /* a series is drawn where it is above zero: no lines along the axis while nothing
     * happens (between rounds, before the auction) */
    fputs("plot ", f);
    for (int k = 0; k < 3; k++)
        fprintf(f,
                "%s'timeline.dat' using 1:($%d>0?$%d:NaN) with linespoints linewidth 2 dashtype %d "
                "pointtype %d pointsize 0.9 pointinterval 7 linecolor rgb '%s' title '%s'",
                k ? ", \\\n     " : "", col + 2 * k, col + 2 * k, dash[k], point[k], colours[k],
                names[k]);
    fputs("\n", f);
}

int plot_chart_timeline(struct plot_job *j, const struct plot_daily *dl, const char *file)
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
    FILE *f = gp_open(j, chart, "registrations, acceptances and switches by day", 1100);
    if (!f)
        return -1;
    struct marks mk;
    marks_of(j, file, &mk);
    const char *what = "registrations, acceptances and switches by day";
    int two = gp_title_two_lines(j, what);
    /* timeline.dat has no missing values; NaN, where a series is zero, is to break its line */
    fputs("set datafile missing '?'\n", f);
    fprintf(f, "set multiplot layout 2,2 margins 0.1,0.98,0.1,%s spacing 0.12,0.2 ",
            two ? "0.78" : "0.82");
    gp_title(f, j, "title", what);
    double x_hi = dl->v[(n - 1) * 7];
    gp_axis(f, "x", gp_axis_nice(dl->v[0], x_hi, 0, 1), UNIT_COUNT, NULL);
    double online_day = fmax(max_day[1], fmax(max_day[3], max_day[5]));
    double paper_day = fmax(max_day[2], fmax(max_day[4], max_day[6]));
    timeline_panel(f, "online, per day", 2, online_day, 0, 0, &mk, x_hi);
    timeline_panel(f, "online, cumulative", 8, fmax(cum[1], fmax(cum[3], cum[5])), 1, 0, &mk, x_hi);
    timeline_panel(f, "paper, per day", 3, paper_day, 0, 1, &mk, x_hi);
    timeline_panel(f, "paper, cumulative", 9, fmax(cum[2], fmax(cum[4], cum[6])), 0, 1, &mk, x_hi);
    fputs("unset multiplot\n", f);
    char alt[700], cap[700], a[64], b[64], c[64];
    snprintf(alt, sizeof alt,
             "Four line charts, online and paper, per day and cumulative, over %.0f days: by the "
             "end about %s households registered online and %s on paper, and %s switched in all "
             "(averages).",
             x_hi, metric_figure(a, sizeof a, cum[1], UNIT_COUNT, false),
             metric_figure(b, sizeof b, cum[2], UNIT_COUNT, false),
             metric_figure(c, sizeof c, cum[5] + cum[6], UNIT_COUNT, false));
    snprintf(cap, sizeof cap,
             "The campaign day by day, averaged over the simulated campaigns: registrations "
             "(solid), acceptances (dashed) and switches (dotted). Dotted grey lines mark the "
             "auction, the day offers go out, and each reminder.");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}
