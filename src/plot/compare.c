/* compare.c - the chart of a compare (paired differences B - A) and its words. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

#define COLOUR_BETTER 0x0072B2L /* blue */
#define COLOUR_WORSE 0xD55E00L  /* vermillion */
#define COLOUR_NEUTRAL 0x777777L
#define COLOUR_UNCLEAR 0xBBBBBBL /* grey: the CI includes zero */

static int distinguishable(const struct plot_compare_row *r)
{
    return isfinite(r->lo) && isfinite(r->hi) && (r->lo > 0 || r->hi < 0);
}

/* The same in every pair (the two scenarios cannot differ in it): nothing to show. */
static int same(const struct plot_compare_row *r)
{
    return r->d == 0 && r->lo == 0 && r->hi == 0;
}

static int charted(const struct plot_compare_row *r)
{
    return isfinite(r->a) && r->a != 0 && isfinite(r->d) && !same(r);
}

/* Whether B's change is better (+1) or worse (-1) for households, 0 when neither. */
static int verdict(const struct plot_compare_row *r)
{
    int m = metric_find(r->metric, strlen(r->metric));
    int b = m >= 0 ? metric_better((enum metric)m) : 0;
    return r->d > 0 ? b : r->d < 0 ? -b : 0;
}

static long colour_of(const struct plot_compare_row *r)
{
    if (!distinguishable(r))
        return COLOUR_UNCLEAR;
    int v = verdict(r);
    return v > 0 ? COLOUR_BETTER : v < 0 ? COLOUR_WORSE : COLOUR_NEUTRAL;
}

/* "+668 (+12.3%)": a difference as the terminal prints it, and as a share of A, which is
 * what a bar's length shows; a change of a percentage is in points, and only a bar's label
 * (bar) adds its share of A ("+3.2 points (+12.6%)"): a sentence would read as a percent of a
 * percent. */
static void diff_label(char *buf, size_t size, const struct plot_compare_row *r, bool bar)
{
    char d[64];
    struct metric_info mi = words_metric(r->metric);
    metric_figure(d, sizeof d, r->d, mi.unit, true);
    double p = 100 * r->d / fabs(r->a);
    if (!isfinite(p) || (mi.unit == UNIT_SHARE && !bar))
        snprintf(buf, size, "%s", d);
    else
        snprintf(buf, size, "%s (%s%.1f%%)", d, p > 0 ? "+" : p < 0 ? "-" : "", fabs(p));
}

/* Paired differences B - A as a share of A's mean, horizontal bars with 95% CIs, coloured
 * by whether the change is better or worse for households. */
static int chart_compare(struct plot_job *j, const struct plot_compare *cp)
{
    const char *chart = "compare";
    size_t k = 0, grey = 0, worse = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!charted(r))
            continue;
        k++;
        grey += !distinguishable(r);
        worse += colour_of(r) == COLOUR_WORSE;
        double s = 100 / fabs(r->a);
        lo = fmin(lo, fmin(r->d, isfinite(r->lo) ? r->lo : r->d) * s);
        hi = fmax(hi, fmax(r->d, isfinite(r->hi) ? r->hi : r->d) * s);
    }
    if (k == 0)
        return 0;
    FILE *d = gp_dat_open(j, chart, "position,diff_percent_of_a,ci95_low,ci95_high,colour");
    if (!d)
        return -1;
    size_t y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!charted(r))
            continue;
        double s = 100 / fabs(r->a), p = r->d * s;
        gp_dat_num(d, (double)y--, 1);
        gp_dat_num(d, p, 0);
        gp_dat_num(d, isfinite(r->lo) ? r->lo * s : p, 0);
        gp_dat_num(d, isfinite(r->hi) ? r->hi * s : p, 0);
        fprintf(d, ",%ld\n", colour_of(r));
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "paired differences B - A with 95% CIs",
                      k > 14 ? (int)(400 + 45 * k) : 0);
    if (!f)
        return -1;
    /* The title, then A and B named on a line each: long titles fit, the x label stays short */
    char line_a[400], line_b[400];
    snprintf(line_a, sizeof line_a, "A: %s", j->title_a);
    snprintf(line_b, sizeof line_b, "B: %s", j->title_b);
    fputs("set tmargin 7\nset label 100 ", f);
    gp_quote(f, "what changes from A to B", 0);
    fputs(" at screen 0.5, screen 0.965 center font ',22'\nset label 101 ", f);
    gp_quote(f, line_a, 0);
    fputs(" at screen 0.5, screen 0.925 center font ',15'\nset label 102 ", f);
    gp_quote(f, line_b, 0);
    fputs(" at screen 0.5, screen 0.895 center font ',15'\n", f);
    gp_set(f, "set xlabel", "change from A to B, % of A");
    struct gp_scale a = gp_axis_steps(lo, hi, 1, 0, 4);
    double span = a.hi - a.lo;
    gp_axis(f, "x", a, UNIT_SHARE, "+");
    fprintf(f,
            "set xrange [%.10g:%.10g]\nset yrange [0.4:%.1f]\nunset key\nunset grid\n"
            "set grid xtics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n"
            "set arrow from first 0, graph 0 to first 0, graph 1 nohead linewidth 1.5 "
            "linecolor rgb '#333333'\nset ytics nomirror out scale 0 (",
            a.lo - (lo < 0 ? 0.45 : 0.02) * span, a.hi + (hi > 0 ? 0.45 : 0.02) * span, k + 0.6);
    y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!charted(r))
            continue;
        fputs(y < k ? ", " : "", f);
        gp_quote(f, metric_brief_of(r->metric), 1);
        fprintf(f, " %zu", y--);
    }
    fputs(")\n", f);
    y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!charted(r))
            continue;
        double s = 100 / fabs(r->a), p = r->d * s;
        double end = p >= 0 ? fmax(p, isfinite(r->hi) ? r->hi * s : p)
                            : fmin(p, isfinite(r->lo) ? r->lo * s : p);
        char text[96], at[96];
        diff_label(text, sizeof text, r, true);
        snprintf(at, sizeof at, "first %.10g, first %zu", end, y--);
        gp_label(f, text, at, p >= 0 ? "left" : "right",
                 p >= 0 ? "offset character 0.8,0" : "offset character -0.8,0");
    }
    /* the key, as coloured words under the title */
    gp_label(f, "better for households", "graph 0.0, graph 1.03", "left",
             "textcolor rgb '#0072B2'");
    if (worse)
        gp_label(f, "worse", "graph 0.35, graph 1.03", "left", "textcolor rgb '#D55E00'");
    if (grey)
        gp_label(f, "grey: too small to tell apart from no change", "graph 1.0, graph 1.03",
                 "right", "textcolor rgb '#888888'");
    fputs("plot 'compare.dat' using 2:1:(($2<0)?$2:0):(($2<0)?0:$2):($1-0.32):($1+0.32):5 "
          "with boxxyerror fillstyle solid 0.85 noborder linecolor rgb variable, \\\n"
          "     '' using 3:1:($4-$3):(0) " GP_CI_BARS "\n",
          f);
    char alt[700], cap[700];
    const struct plot_compare_row *sw = NULL;
    for (size_t i = 0; i < cp->n; i++)
        if (!strcmp(cp->rows[i].metric, metric_name(M_SWITCHED)))
            sw = &cp->rows[i];
    char sl[96] = "";
    if (sw)
        diff_label(sl, sizeof sl, sw, false);
    snprintf(alt, sizeof alt,
             "Horizontal bar chart of %zu figures, each bar the change from A to B as a share of "
             "A's value%s%s.",
             k, sw ? "; households switching change by " : "", sl);
    snprintf(cap, sizeof cap,
             "How B differs from A, as a percentage of A's value (labels give the change itself "
             "and that percentage); the lines are the 95%% confidence interval of each change. "
             "Blue is better for households, orange worse%s. Figures that are the same under "
             "both are left out.",
             grey ? "; grey bars are changes too small to tell apart from none" : "");
    return gp_close(j, f, chart, alt, cap) ? -1 : 1;
}

/* One change in words: "households switched: about 5,400 under A and 6,100 under B, 668
 * more (+12.3%; 95% confidence interval +631 to +705)". */
static void cmp_words(struct plot_job *j, const struct plot_compare_row *r)
{
    struct metric_info mi = words_metric(r->metric);
    char a[64], b[64], d[96], lo[64], hi[64];
    struct words w = {0};
    words_add(&w, "%s: %s under A, %s under B: %s", mi.label,
              metric_figure(a, sizeof a, r->a, mi.unit, false),
              metric_figure(b, sizeof b, r->b, mi.unit, false), (diff_label(d, sizeof d, r, false), d));
    if (isfinite(r->lo) && isfinite(r->hi))
        words_add(&w, " (95%% confidence interval %s to %s)",
                  metric_figure(lo, sizeof lo, r->lo, mi.unit, true),
                  metric_figure(hi, sizeof hi, r->hi, mi.unit, true));
    int v = verdict(r);
    words_add(&w, "%s.", !distinguishable(r) ? "" : v > 0 ? ", better for households"
                                               : v < 0    ? ", worse for households"
                                                          : "");
    doc_add(j, DOC_BULLET, w.s);
}

int plot_compare_section(struct plot_job *j, const struct plot_compare *cp)
{
    int rc = chart_compare(j, cp);
    if (rc < 0)
        return -1;
    double n = NAN;
    for (size_t i = 0; i < cp->n && isnan(n); i++)
        n = cp->rows[i].n;
    struct words w = {0};
    doc_add(j, DOC_HEADING, "What changes from A to B");
    words_add(&w, "A is %s; B is %s.", j->title_a, j->title_b);
    if (isfinite(n))
        words_add(&w,
                  " Both were simulated %.0f times with the same chance events (the same "
                  "households, the same bids), so each difference is B's own doing.",
                  n);
    doc_add(j, DOC_PARA, w.s);
    const struct plot_compare_row *sw = NULL;
    for (size_t i = 0; i < cp->n; i++)
        if (!strcmp(cp->rows[i].metric, metric_name(M_SWITCHED)))
            sw = &cp->rows[i];
    if (sw && isfinite(sw->d)) {
        char a[64], b[64];
        w = (struct words){0};
        words_add(&w, "Under B we expect about %s %s households to switch than under A (%s against "
                      "%s on average).",
                  words_about(a, sizeof a, fabs(sw->d), UNIT_COUNT, 0),
                  sw->d >= 0 ? "more" : "fewer",
                  metric_figure(b, sizeof b, sw->b, UNIT_COUNT, false),
                  metric_figure(a, sizeof a, sw->a, UNIT_COUNT, false));
        doc_add(j, DOC_PARA, w.s);
    }
    size_t yes = 0;
    for (size_t i = 0; i < cp->n; i++)
        if (distinguishable(&cp->rows[i]) && !same(&cp->rows[i])) {
            if (!yes++)
                doc_add(j, DOC_PARA, "Clear changes:");
            cmp_words(j, &cp->rows[i]);
        }
    if (!yes)
        doc_add(j, DOC_PARA, "No figure changes clearly.");
    const char *lists[2] = {"Too small to tell apart from no change: ",
                            "The same under both: "};
    for (int l = 0; l < 2; l++) {
        w = (struct words){0};
        size_t k = 0;
        for (size_t i = 0; i < cp->n; i++) {
            const struct plot_compare_row *r = &cp->rows[i];
            if (distinguishable(r) || (l == 0) == same(r))
                continue;
            words_add(&w, "%s%s", k++ ? ", " : lists[l], words_metric(r->metric).label);
        }
        if (k) {
            words_add(&w, ".");
            doc_add(j, DOC_PARA, w.s);
        }
    }
    doc_chart_add(j, "compare");
    doc_note_ranges(j, 0, 1);
    return 0;
}
