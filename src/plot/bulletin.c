/* bulletin.c - the headline sentences of a run, and the bulletin written to bulletin.md. */
#include <math.h>
#include <stdio.h>

#include "plot_int.h"

/* The headline sentences of a run, ready to paste. */
void plot_bulletin_run(struct plot_job *j, const struct plot_summary *s, double reps,
                       double hist_mean, double hist_median)
{
    FILE *md = j->md;
    const struct plot_stat *sw = plot_stat_all(s, "switched"),
                           *tot = plot_stat_all(s, "saving_total"),
                           *each = plot_stat_all(s, "saving_mean"),
                           *reg = plot_stat_all(s, "registered"),
                           *conv = plot_stat_all(s, "conversion"),
                           *on = plot_stat_all(s, "conversion_online"),
                           *pa = plot_stat_all(s, "conversion_paper"),
                           *win = plot_stat_all(s, "winning_annual_cost"),
                           *mkt = plot_stat_all(s, "market_best_cost"),
                           *late = plot_stat_all(s, "paper_late"),
                           *failed = plot_stat_all(s, "auction_failed");
    char a[200], b[200], c[200];
    /* The forecast first: where one campaign may land (the 90% range), in the future tense. */
    if (s->rounds > 1)
        fprintf(md, "Over %d auction rounds, ", s->rounds);
    if (sw) {
        fprintf(md, "%s about %s households to switch%s", s->rounds > 1 ? "we expect" : "We expect",
                words_value(a, sizeof a, sw->mean, UNIT_COUNT, -1),
                words_range(b, sizeof b, sw, UNIT_COUNT, -1, ", most likely between "));
        if (tot && isfinite(tot->mean)) {
            int mdec = words_money_mdec(tot->pi_lo, tot->pi_hi);
            fprintf(md, ", saving about %s a year%s",
                    words_value(a, sizeof a, tot->mean, UNIT_POUND, mdec),
                    words_range(b, sizeof b, tot, UNIT_POUND, mdec, " (between "));
            if (b[0])
                fputc(')', md);
        }
        if (each && isfinite(each->mean)) {
            fprintf(md, ", about %s each", words_value(a, sizeof a, each->mean, UNIT_POUND, -1));
            fprintf(md, "%s", words_range(b, sizeof b, each, UNIT_POUND, -1, " (between "));
            if (b[0])
                fputc(')', md);
        }
        fputs(".\n", md);
    }
    if (reg && conv) {
        fprintf(md, "Of about %s registered households",
                words_value(a, sizeof a, reg->mean, UNIT_COUNT, -1));
        fprintf(md, "%s", words_range(b, sizeof b, reg, UNIT_COUNT, -1, " (between "));
        if (b[0])
            fputc(')', md);
        fprintf(md, ", %s are expected to switch",
                words_value(a, sizeof a, conv->mean, UNIT_SHARE, -1));
        fprintf(md, "%s", words_range(b, sizeof b, conv, UNIT_SHARE, -1, " (between "));
        if (b[0])
            fputc(')', md);
        if (on && pa && isfinite(on->mean) && isfinite(pa->mean)) {
            fprintf(md, ": %s of online registrations",
                    words_value(a, sizeof a, on->mean, UNIT_SHARE, -1));
            fprintf(md, " and %s of paper ones",
                    words_value(a, sizeof a, pa->mean, UNIT_SHARE, -1));
            fprintf(md, "%s", words_range(b, sizeof b, pa, UNIT_SHARE, -1, " (between "));
            if (b[0])
                fputc(')', md);
        }
        fputs(".\n", md);
    }
    if (win && isfinite(win->mean)) {
        fprintf(md, "The winning direct-debit tariff costs the reference household %s a year%s",
                words_value(a, sizeof a, win->mean, UNIT_POUND, -1),
                words_ci(b, sizeof b, win->lo, win->hi, UNIT_POUND, -1, 0));
        if (mkt && isfinite(mkt->mean)) {
            double gap = mkt->mean - win->mean;
            fprintf(md, ", %s %s than the market's best at %s",
                    words_money(b, sizeof b, fabs(gap), -1), gap >= 0 ? "less" : "more",
                    words_money(c, sizeof c, mkt->mean, -1));
        }
        fputs(".\n", md);
    } else if (win)
        fputs("No bid beat the reserve: the auction failed in every replication.\n", md);
    if (late && late->mean >= 0.5)
        fprintf(md, "%s paper forms were entered too late for the last auction%s.\n",
                words_value(a, sizeof a, late->mean, UNIT_COUNT, -1),
                words_ci(b, sizeof b, late->lo, late->hi, UNIT_COUNT, -1, 0));
    if (failed && failed->mean > 0)
        fprintf(md, "On average %s lots per replication failed the reserve.\n",
                words_value(a, sizeof a, failed->mean, UNIT_NUMBER, -1));
    if (isfinite(hist_mean))
        fprintf(md,
                "Among switching households the saving has mean %s and median %s a year "
                "(from the savings histogram).\n",
                words_money(a, sizeof a, hist_mean, -1), words_money(b, sizeof b, hist_median, -1));
    if (s->rounds > 1 && sw) {
        fputs("\n| round | households switched | saving a year | winning tariff |\n"
              "|---|---|---|---|\n",
              md);
        for (int r = 1; r <= s->rounds; r++) {
            const struct plot_stat *x = plot_stat_find(s, r, "switched"),
                                   *y = plot_stat_find(s, r, "saving_total"),
                                   *z = plot_stat_find(s, r, "winning_annual_cost");
            fprintf(md, "| %d | %s | %s | %s |\n", r,
                    x ? words_stat(a, sizeof a, x, UNIT_COUNT) : "",
                    y ? words_stat(b, sizeof b, y, UNIT_POUND) : "",
                    z ? words_stat(c, sizeof c, z, UNIT_POUND) : "");
        }
    }
    if (reps > 1)
        fprintf(md,
                "\nRanges (\"between\") are 90%% forecast ranges: where one campaign may land, "
                "given its own chance%s. Other figures are means over %.0f replications, with 95%% "
                "confidence intervals: how precisely the replications pin down the model's "
                "average, not where a campaign may land.\n\n",
                j->uncertain ? " and the uncertainty of the fitted parameters" : "", reps);
    else
        fputs("\nFigures come from a single replication, so they carry no confidence "
              "interval.\n\n",
              md);
    words_md_image(j, "switched", "Households switched by round");
    words_md_image(j, "savings", "Annual saving per switching household");
    words_md_image(j, "conversion", "Conversion by channel");
    words_md_image(j, "tariff", "Winning tariff against the market's best");
    words_md_image(j, "timeline", "Registrations, acceptances and switches by day");
}

/* Writes the bulletin kept in memory to bulletin.md. */
int plot_bulletin_write(struct plot_job *j)
{
    FILE *f = plot_out_open(j, "bulletin.md");
    if (!f)
        return -1;
    fwrite(j->md_text, 1, j->md_size, f);
    return plot_out_close(j, f, "bulletin.md");
}
