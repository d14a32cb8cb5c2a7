/* compare.c - the chart of a compare (paired differences B - A) and its bulletin section. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

static int distinguishable(const struct plot_compare_row *r)
{
    return isfinite(r->lo) && isfinite(r->hi) && (r->lo > 0 || r->hi < 0);
}

/* Paired differences B - A as a share of A's mean, horizontal bars with 95% CIs. */
static int chart_compare(struct plot_job *j, const struct plot_compare *cp)
{
    const char *chart = "compare";
    size_t k = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        k++;
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
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        double s = 100 / fabs(r->a), p = r->d * s;
        gp_dat_num(d, (double)y--, 1);
        gp_dat_num(d, p, 0);
        gp_dat_num(d, isfinite(r->lo) ? r->lo * s : p, 0);
        gp_dat_num(d, isfinite(r->hi) ? r->hi * s : p, 0);
        fprintf(d, ",%ld\n", !distinguishable(r) ? 0xBBBBBBL : r->d > 0 ? 0x0072B2L : 0xD55E00L);
    }
    if (gp_dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "paired differences B - A with 95% CIs",
                      k > 14 ? (int)(400 + 45 * k) : 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "paired differences B - A with 95% CI");
    gp_set(f, "set xlabel", "difference B - A, % of A's mean  (grey: the 95% CI includes zero)");
    struct gp_scale a = gp_axis_steps(lo, hi, 1, 0, 4);
    double span = a.hi - a.lo;
    gp_axis(f, "x", a, UNIT_SHARE, "+");
    fprintf(f,
            "set xrange [%.10g:%.10g]\nset yrange [0.4:%.1f]\nunset key\nunset grid\n"
            "set grid xtics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n"
            "set arrow from first 0, graph 0 to first 0, graph 1 nohead linewidth 1.5 "
            "linecolor rgb '#333333'\nset ytics nomirror out scale 0 (",
            a.lo - (lo < 0 ? 0.3 : 0.02) * span, a.hi + (hi > 0 ? 0.3 : 0.02) * span, k + 0.6);
    y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        fputs(y < k ? ", " : "", f);
        gp_quote(f, words_metric(r->metric).label, 1);
        fprintf(f, " %zu", y--);
    }
    fputs(")\n", f);
    y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct plot_compare_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        struct metric_info mi = words_metric(r->metric);
        double s = 100 / fabs(r->a), p = r->d * s;
        double end = p >= 0 ? fmax(p, isfinite(r->hi) ? r->hi * s : p)
                            : fmin(p, isfinite(r->lo) ? r->lo * s : p);
        char text[64], at[96];
        words_diff(text, sizeof text, r->d, mi.unit, words_money_mdec(r->lo, r->hi));
        snprintf(at, sizeof at, "first %.10g, first %zu", end, y--);
        gp_label(f, text, at, p >= 0 ? "left" : "right",
                 p >= 0 ? "offset character 0.8,0" : "offset character -0.8,0");
    }
    fputs("plot 'compare.dat' using 2:1:(($2<0)?$2:0):(($2<0)?0:$2):($1-0.32):($1+0.32):5 "
          "with boxxyerror fillstyle solid 0.85 noborder linecolor rgb variable, \\\n"
          "     '' using 3:1:($4-$3):(0) " GP_CI_BARS "\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

static void md_cmp_row(FILE *md, const struct plot_compare_row *r)
{
    struct metric_info mi = words_metric(r->metric);
    int mdec = words_money_mdec(r->lo, r->hi);
    char a[64], b[64], d[64], c[160];
    fputs("- ", md);
    words_md_text(md, mi.label);
    fprintf(md, ": %s under A, %s under B: %s%s", words_value(a, sizeof a, r->a, mi.unit, mdec),
            words_value(b, sizeof b, r->b, mi.unit, mdec),
            words_diff(d, sizeof d, r->d, mi.unit, mdec),
            words_ci(c, sizeof c, r->lo, r->hi, mi.unit, mdec, 1));
    if (isfinite(r->a) && r->a != 0 && isfinite(r->d))
        fprintf(md, ", %s%.1f%% of A", r->d >= 0 ? "+" : "-", fabs(100 * r->d / r->a));
    fputs(".\n", md);
}

int plot_compare_section(struct plot_job *j, const struct plot_compare *cp)
{
    FILE *md = j->md;
    int rc = chart_compare(j, cp);
    if (rc < 0)
        return -1;
    double n = NAN;
    for (size_t i = 0; i < cp->n && isnan(n); i++)
        n = cp->rows[i].n;
    fputs("## B against A\n\n", md);
    if (isfinite(n))
        fprintf(md,
                "Paired differences B - A over %.0f replications with common random "
                "numbers, with 95%% confidence intervals.\n\n",
                n);
    fputs("Distinguishable from zero (the 95% CI excludes 0):\n\n", md);
    size_t yes = 0, no = 0;
    for (size_t i = 0; i < cp->n; i++)
        if (distinguishable(&cp->rows[i])) {
            md_cmp_row(md, &cp->rows[i]);
            yes++;
        }
    if (!yes)
        fputs("- none.\n", md);
    fputs("\nNot distinguishable from zero: ", md);
    for (size_t i = 0; i < cp->n; i++)
        if (!distinguishable(&cp->rows[i])) {
            fputs(no++ ? ", " : "", md);
            words_md_text(md, words_metric(cp->rows[i].metric).label);
        }
    fputs(no ? ".\n\n" : "none.\n\n", md);
    words_md_image(j, "compare", "B against A, paired differences");
    return 0;
}
