/* bulletin.c - the headline sentences of a run, and the bulletin written to bulletin.md. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "plot_int.h"

/* " (most likely between A and B)" or ", most likely between A and B" of a summary row. */
static void add_range(struct words *w, const struct plot_stat *s, enum metric_unit u,
                      const char *before, const char *after)
{
    char r[160];
    if (s && words_range(r, sizeof r, s->pi_lo, s->pi_hi, u, " and ")[0])
        words_add(w, "%sbetween %s%s", before, r, after);
}

/* "about X" of a summary row's mean, with the figures its range needs. */
static const char *about(char *buf, size_t size, const struct plot_stat *s, enum metric_unit u)
{
    return words_about(buf, size, s->mean, u, metric_about_extra(s->pi_lo, s->pi_hi, u));
}

static int known(const struct plot_stat *s)
{
    return s && isfinite(s->mean);
}

void plot_bulletin_run(struct plot_job *j, const struct plot_summary *s)
{
    const struct plot_stat *sw = plot_stat_all(s, metric_name(M_SWITCHED)),
                           *tot = plot_stat_all(s, metric_name(M_SAVING_TOTAL)),
                           *each = plot_stat_all(s, metric_name(M_SAVING_MEAN)),
                           *reg = plot_stat_all(s, metric_name(M_REGISTERED)),
                           *conv = plot_stat_all(s, metric_name(M_CONVERSION)),
                           *on = plot_stat_all(s, metric_name(M_CONVERSION_ONLINE)),
                           *pa = plot_stat_all(s, metric_name(M_CONVERSION_PAPER)),
                           *win = plot_stat_all(s, metric_name(M_WINNING_ANNUAL_COST)),
                           *mkt = plot_stat_all(s, metric_name(M_MARKET_BEST_COST)),
                           *late = plot_stat_all(s, metric_name(M_PAPER_LATE)),
                           *failed = plot_stat_all(s, metric_name(M_AUCTION_FAILED));
    char a[96], b[96];
    struct words w = {0};
    /* The forecast first: where one campaign may land (the 90% range), in the future tense. */
    if (known(sw)) {
        if (s->rounds > 1)
            words_add(&w, "Over %d auction rounds, we expect", s->rounds);
        else
            words_add(&w, "We expect");
        words_add(&w, " about %s households to switch supplier", about(a, sizeof a, sw, UNIT_COUNT));
        add_range(&w, sw, UNIT_COUNT, ", most likely ", "");
        words_add(&w, ".");
        if (known(tot) && tot->mean > 0) {
            words_add(&w, " Together they would save about %s a year",
                      about(a, sizeof a, tot, UNIT_POUND));
            add_range(&w, tot, UNIT_POUND, " (most likely ", ")");
            if (known(each))
                words_add(&w, ", about %s a year for each household that switches",
                          about(b, sizeof b, each, UNIT_POUND));
            add_range(&w, each, UNIT_POUND, " (", ")");
            words_add(&w, ".");
        }
        doc_add(j, DOC_PARA, w.s);
    }
    if (known(reg) && known(conv)) {
        w = (struct words){0};
        words_add(&w, "About %s households are expected to sign up",
                  about(a, sizeof a, reg, UNIT_COUNT));
        add_range(&w, reg, UNIT_COUNT, " (most likely ", ")");
        words_add(&w, ", and about %s of them to switch", about(a, sizeof a, conv, UNIT_SHARE));
        add_range(&w, conv, UNIT_SHARE, " (", ")");
        if (known(on) && known(pa))
            words_add(&w, ": %s of those who sign up online and %s of those who send a paper form",
                      about(a, sizeof a, on, UNIT_SHARE), about(b, sizeof b, pa, UNIT_SHARE));
        add_range(&w, pa, UNIT_SHARE, " (", " on paper)");
        words_add(&w, ".");
        doc_add(j, DOC_PARA, w.s);
    }
    w = (struct words){0};
    if (known(win)) {
        words_add(&w, "The winning tariff is expected to cost a typical household paying by "
                      "direct debit about %s a year", about(a, sizeof a, win, UNIT_POUND));
        add_range(&w, win, UNIT_POUND, " (most likely ", ")");
        if (known(mkt)) {
            double gap = mkt->mean - win->mean;
            words_add(&w, ", %s %s than the cheapest tariff on the market, %s",
                      words_about(a, sizeof a, fabs(gap), UNIT_POUND, 0),
                      gap >= 0 ? "less" : "more", words_about(b, sizeof b, mkt->mean, UNIT_POUND, 0));
        }
        words_add(&w, ".");
    } else if (win)
        words_add(&w, "No bid is expected to beat the reserve price: the auction failed in every "
                      "simulated campaign, so no offers would go out.");
    if (failed && failed->mean > 0 && known(win)) {
        /* failed lots per campaign: below one, as "one campaign in N" */
        if (failed->mean < 0.5)
            snprintf(b, sizeof b, "about one campaign in %.0f", 1 / failed->mean);
        else
            snprintf(b, sizeof b, "%s times a campaign on average",
                     metric_figure(a, sizeof a, failed->mean, UNIT_NUMBER, false));
        words_add(&w,
                  " Now and then an auction for one way of paying gets no bid under its reserve "
                  "price, and those households get no offer (%s).",
                  b);
    }
    if (w.n)
        doc_add(j, DOC_PARA, w.s);
    if (late && late->mean >= 0.5) {
        w = (struct words){0};
        words_add(&w, "About %s paper forms are expected to be typed in too late for %s",
                  about(a, sizeof a, late, UNIT_COUNT),
                  s->rounds > 1 ? "the last auction" : "the auction");
        add_range(&w, late, UNIT_COUNT, " (most likely ", ")");
        words_add(&w, ".");
        doc_add(j, DOC_PARA, w.s);
    }
    if (s->rounds > 1 && sw) {
        char head[300];
        snprintf(head, sizeof head,
                 "round%chouseholds switching%cmost likely between%csaving a year%cwinning tariff",
                 DOC_SEP, DOC_SEP, DOC_SEP, DOC_SEP);
        doc_add(j, DOC_HEAD, head);
        for (int r = 1; r <= s->rounds; r++) {
            const struct plot_stat *x = plot_stat_find(s, r, metric_name(M_SWITCHED)),
                                   *y = plot_stat_find(s, r, metric_name(M_SAVING_TOTAL)),
                                   *z = plot_stat_find(s, r, metric_name(M_WINNING_ANNUAL_COST));
            char c[5][96];
            metric_figure(c[0], sizeof c[0], x ? x->mean : NAN, UNIT_COUNT, false);
            snprintf(c[1], sizeof c[1], "-");
            if (x && isfinite(x->pi_lo))
                snprintf(c[1], sizeof c[1], "%s to %s",
                         metric_figure(c[2], sizeof c[2], x->pi_lo, UNIT_COUNT, false),
                         metric_figure(c[3], sizeof c[3], x->pi_hi, UNIT_COUNT, false));
            metric_figure(c[2], sizeof c[2], y ? y->mean : NAN, UNIT_POUND, false);
            metric_figure(c[3], sizeof c[3], z ? z->mean : NAN, UNIT_POUND, false);
            char row[600];
            snprintf(row, sizeof row, "%d%c%s%c%s%c%s%c%s", r, DOC_SEP, c[0], DOC_SEP, c[1],
                     DOC_SEP, c[2], DOC_SEP, c[3]);
            doc_add(j, DOC_ROW, row);
        }
    }
}

/* ---- bulletin.md ---- */

/* Plain text as markdown: punctuation that would mark text up escaped, an underscore only
 * where it could start or end emphasis (not inside a word, as in a key's name). */
static void md_text(FILE *md, const char *s, int cell)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            continue;
        int inside = *p == '_' && p > (const unsigned char *)s && isalnum(p[-1]) && isalnum(p[1]);
        if ((strchr("\\`*{}[]<>#!~&", *p) || (*p == '_' && !inside) || (cell && *p == '|')))
            fputc('\\', md);
        fputc(*p, md);
    }
}

static void md_cells(FILE *md, const char *row, int cell_only)
{
    fputs("|", md);
    for (const char *p = row;;) {
        const char *end = strchr(p, DOC_SEP);
        char cell[600];
        snprintf(cell, sizeof cell, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
        fputc(' ', md);
        if (cell_only)
            fputs("---", md);
        else
            md_text(md, cell, 1);
        fputs(" |", md);
        if (!end)
            break;
        p = end + 1;
    }
    fputc('\n', md);
}

/* Writes the document to bulletin.md: the title, what the run changed, then each item. */
int plot_bulletin_write(struct plot_job *j)
{
    FILE *md = plot_out_open(j, "bulletin.md");
    if (!md)
        return -1;
    fputs("# ", md);
    md_text(md, j->title, 0);
    fputs("\n\n", md);
    if (j->overrides[0]) {
        fputs("Settings changed from the scenario file for these results: ", md);
        md_text(md, j->overrides, 0);
        fputs(".\n\n", md);
    }
    for (size_t i = 0; i < j->n_doc; i++) {
        const struct doc_item *it = &j->doc[i];
        enum doc_kind next = i + 1 < j->n_doc ? j->doc[i + 1].kind : DOC_PARA;
        switch (it->kind) {
        case DOC_HEADING:
            fputs("## ", md);
            md_text(md, it->text, 0);
            fputs("\n\n", md);
            break;
        case DOC_PARA:
        case DOC_NOTE:
            if (it->kind == DOC_NOTE)
                fputs("**How to read the ranges.** ", md);
            md_text(md, it->text, 0);
            fputs("\n\n", md);
            break;
        case DOC_BULLET:
            fputs("- ", md);
            md_text(md, it->text, 0);
            fputs(next == DOC_BULLET ? "\n" : "\n\n", md);
            break;
        case DOC_HEAD:
            md_cells(md, it->text, 0);
            md_cells(md, it->text, 1);
            if (next != DOC_ROW)
                fputc('\n', md);
            break;
        case DOC_ROW:
            md_cells(md, it->text, 0);
            if (next != DOC_ROW)
                fputc('\n', md);
            break;
        case DOC_CHART: {
            const struct plot_chart *c = doc_chart(j, it->text);
            /* a PDF is not an image a markdown viewer shows: its PNG is, with a link to it */
            int pdf = strcmp(j->fmt, "pdf") == 0;
            fputs("![", md);
            md_text(md, c->alt, 0);
            fprintf(md, "](%s.%s)\n\n", c->name, pdf ? "png" : j->fmt);
            md_text(md, c->caption, 0);
            if (pdf)
                fprintf(md, " ([PDF](%s.pdf))", c->name);
            fputs("\n\n", md);
            break;
        }
        }
    }
    return plot_out_close(j, md, "bulletin.md");
}
