/* results.c - the result files of a run: summary, replications, daily, savings, bids. */
#include <errno.h>
#include <stdbool.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "market.h"
#include "switchsim/output.h"
#include "switchsim/results.h"

static double rep_metric(const struct experiment *ex, int rep, int round, enum metric m)
{
    return ex->reps[rep].metrics[(size_t)round * M_COUNT + m];
}

double results_all_rounds(const struct experiment *ex, int rep, enum metric m)
{
    return metric_over_rounds(ex->reps[rep].metrics, ex->rounds, m);
}

static double value(const struct experiment *ex, int rep, int r, enum metric m)
{
    return r == ex->rounds ? results_all_rounds(ex, rep, m) : rep_metric(ex, rep, r, m);
}

void results_summary(const struct experiment *ex, int r, enum metric m, struct summary *out)
{
    struct accum acc;
    accum_init(&acc);
    int rc = 0;
    for (int i = 0; i < ex->replications && rc == 0; i++)
        rc = accum_add(&acc, value(ex, i, r, m));
    if (rc || accum_summary(&acc, out))
        stats_summary(NULL, 0, 1, NULL, out); /* out of memory: nothing known */
    accum_cleanup(&acc);
    /* Every metric is at least 0, and a share at most 1: the t interval of a mean near a
     * bound is cut there (-0.02 failed lots means nothing to anyone). */
    if (out->ci_low < 0)
        out->ci_low = 0;
    if (metric_info(m)->unit == UNIT_SHARE && out->ci_high > 1)
        out->ci_high = 1;
}

static void put_round(FILE *f, int r, int rounds)
{
    if (r == rounds)
        fputs("all", f);
    else
        fprintf(f, "%d", r + 1);
}

static void write_summary(FILE *f, const struct experiment *ex)
{
    fputs("round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n,pi90_low,pi90_high\n", f);
    for (int r = 0; r <= ex->rounds; r++) {
        for (int m = 0; m < M_COUNT; m++) {
            struct summary s;
            results_summary(ex, r, (enum metric)m, &s);
            put_round(f, r, ex->rounds);
            fprintf(f, ",%s", metric_name((enum metric)m));
            double v[] = {s.mean, s.sd, s.ci_low, s.ci_high, s.p05, s.p50, s.p95};
            for (size_t k = 0; k < sizeof v / sizeof *v; k++) {
                fputc(',', f);
                output_csv_number(f, v[k]);
            }
            fprintf(f, ",%zu", s.n);
            /* the 90% forecast range of one campaign: quantiles over replications */
            double pi[] = {s.pi_lo, s.pi_hi};
            for (size_t k = 0; k < 2; k++) {
                fputc(',', f);
                output_csv_number(f, pi[k]);
            }
            fputc('\n', f);
        }
    }
}

static void write_replications(FILE *f, const struct experiment *ex)
{
    fputs("replication,round", f);
    for (int m = 0; m < M_COUNT; m++)
        fprintf(f, ",%s", metric_name((enum metric)m));
    fputc('\n', f);
    for (int i = 0; i < ex->replications; i++) {
        for (int r = 0; r < ex->rounds; r++) {
            fprintf(f, "%d,%d", i + 1, r + 1);
            for (int m = 0; m < M_COUNT; m++) {
                fputc(',', f);
                output_csv_number(f, rep_metric(ex, i, r, (enum metric)m));
            }
            fputc('\n', f);
        }
    }
}

static void write_daily(FILE *f, const struct experiment *ex)
{
    fputs("day", f);
    for (int c = 0; c < DAILY_COUNT; c++)
        fprintf(f, ",%s", metric_daily_name((enum daily_column)c));
    fputc('\n', f);
    const struct model_totals *t = &ex->totals;
    for (size_t d = 0; d < t->days; d++) {
        fprintf(f, "%zu", d);
        for (int c = 0; c < DAILY_COUNT; c++) {
            fputc(',', f);
            output_csv_number(f, (double)t->daily[d * DAILY_COUNT + c] / ex->replications);
        }
        fputc('\n', f);
    }
}

static void write_hist(FILE *f, const struct experiment *ex, const struct scenario *sc)
{
    const struct model_totals *t = &ex->totals;
    double w = sc->output.savings_bin;
    fputs("bin_low,bin_high,count\n", f);
    fprintf(f, "-inf,0,%llu\n", (unsigned long long)t->hist[0]);
    for (size_t b = 0; b < t->bins; b++) {
        output_csv_number(f, b * w);
        fputc(',', f);
        output_csv_number(f, (b + 1) * w);
        fprintf(f, ",%llu\n", (unsigned long long)t->hist[b + 1]);
    }
    output_csv_number(f, t->bins * w);
    fprintf(f, ",inf,%llu\n", (unsigned long long)t->hist[t->bins + 1]);
}

static void write_bids(FILE *f, const struct experiment *ex, const struct scenario *sc)
{
    static const char *const roles[] = {"lost", "winner", "runner_up"};
    fputs("replication,round,lot,supplier,bid,won,role\n", f);
    for (int i = 0; i < ex->replications; i++) {
        const struct replication *rep = &ex->reps[i];
        for (size_t k = 0; k < rep->n_bids; k++) {
            const struct bid_record *b = &rep->bids[k];
            if (isnan(b->amount))
                continue; /* did not take part */
            fprintf(f, "%d,%d,%s,", i + 1, b->round + 1,
                    scenario_payment_name((enum payment)b->lot));
            output_csv_text(f, sc->suppliers[b->supplier].name);
            fprintf(f, ",%.2f,%d,%s\n", b->amount, b->won == 1, roles[b->won]);
        }
    }
}

enum {
    FILE_SUMMARY,
    FILE_REPLICATIONS,
    FILE_DAILY,
    FILE_HIST,
    FILE_BIDS,
    FILE_SCENARIO,
    FILE_PARTIAL, /* last: written only for an interrupted run */
    FILE_COUNT
};
static const char *const file_names[FILE_COUNT] = {
    "summary.csv", "replications.csv", "daily.csv", "savings_hist.csv",
    "bids.csv",    "scenario.ini",     "PARTIAL"};

struct run_files {
    const struct experiment *ex;
    const struct scenario *sc;
    size_t n_extra;
    const char *const *extra_names;
    output_writer extra_write;
    const void *extra_ctx;
};

static void write_run_file(FILE *f, size_t k, const void *ctx)
{
    const struct run_files *r = ctx;
    if (k >= FILE_PARTIAL && k < FILE_PARTIAL + r->n_extra) {
        r->extra_write(f, k - FILE_PARTIAL, r->extra_ctx);
        return;
    }
    if (k >= FILE_PARTIAL)
        k = FILE_PARTIAL;
    switch (k) {
    case FILE_SUMMARY: write_summary(f, r->ex); break;
    case FILE_REPLICATIONS: write_replications(f, r->ex); break;
    case FILE_DAILY: write_daily(f, r->ex); break;
    case FILE_HIST: write_hist(f, r->ex, r->sc); break;
    case FILE_BIDS: write_bids(f, r->ex, r->sc); break;
    case FILE_SCENARIO: {
        /* what was run, for running it again exactly: the replications done */
        struct scenario done = *r->sc;
        done.scenario.replications = r->ex->replications;
        scenario_write(&done, f);
        break;
    }
    case FILE_PARTIAL:
        fprintf(f, "interrupted: these results hold the %d replications that finished\n",
                r->ex->replications);
        break;
    }
}

int results_write(const struct experiment *ex, const struct scenario *sc, struct output_set *set,
                  bool partial, struct error *err)
{
    return results_write_with(ex, sc, set, partial, 0, NULL, NULL, NULL, err);
}

int results_write_with(const struct experiment *ex, const struct scenario *sc,
                       struct output_set *set, bool partial, size_t n_extra,
                       const char *const *extra_names, output_writer extra_write,
                       const void *extra_ctx, struct error *err)
{
    struct run_files r = {ex, sc, n_extra, extra_names, extra_write, extra_ctx};
    const char *names[FILE_COUNT + 8];
    size_t n = 0;
    for (; n < FILE_PARTIAL; n++)
        names[n] = file_names[n];
    for (size_t k = 0; k < n_extra && k < 8; k++)
        names[n++] = extra_names[k];
    if (partial)
        names[n++] = file_names[FILE_PARTIAL];
    return output_set_write(set, n, names, write_run_file, &r, err);
}

/* One line: the label, the 90% forecast range, the mean, and the 95% CI of the mean. */
static void print_row(FILE *out, const char *label, const struct summary *s, enum metric_unit u)
{
    char lo[48], hi[48], mean[48], cl[48], ch[48], range[100] = "", ci[100] = "";
    metric_figure(mean, sizeof mean, s->mean, u, false);
    if (!isnan(s->pi_lo) && s->n > 1)
        snprintf(range, sizeof range, "%s to %s", metric_figure(lo, sizeof lo, s->pi_lo, u, false),
                 metric_figure(hi, sizeof hi, s->pi_hi, u, false));
    if (!isnan(s->ci_low))
        snprintf(ci, sizeof ci, "%s to %s", metric_figure(cl, sizeof cl, s->ci_low, u, false),
                 metric_figure(ch, sizeof ch, s->ci_high, u, false));
    fputs("  ", out);
    output_cell(out, label, 25, -1);
    output_cell(out, range, 28, -1);
    output_cell(out, mean, 12, 1);
    fprintf(out, "   %s\n", ci);
}

void results_print(const struct experiment *ex, const struct scenario *sc, FILE *out)
{
    size_t n_rows;
    const struct metric_row *rows = metric_printout(&n_rows);
    fprintf(out, "%s: %d replication%s, seed %llu, %d round%s\n", sc->scenario.name,
            ex->replications, ex->replications == 1 ? "" : "s",
            (unsigned long long)sc->scenario.seed, ex->rounds, ex->rounds == 1 ? "" : "s");
    for (int r = 0; r <= ex->rounds; r++) {
        if (r == ex->rounds && ex->rounds == 1)
            break;
        char head[32];
        if (r == ex->rounds)
            snprintf(head, sizeof head, "all rounds");
        else
            snprintf(head, sizeof head, "round %d", r + 1);
        output_cell(out, head, 27, -1);
        output_cell(out, "90% forecast range", 28, -1);
        output_cell(out, "mean", 12, 1);
        fputs("   95% CI of the mean\n", out);
        for (size_t k = 0; k < n_rows; k++) {
            struct summary s;
            results_summary(ex, r, rows[k].m, &s);
            enum metric_unit u = metric_info(rows[k].m)->unit;
            if (rows[k].only_if_positive && !(s.mean >= (u == UNIT_COUNT ? 0.5 : 0.005)))
                continue; /* what rounds to nothing is not shown */
            print_row(out, metric_brief(rows[k].m), &s, u);
        }
    }
    fprintf(out,
            "The forecast range is where one campaign may land: 90%% of replications fall in "
            "it%s.\nThe CI of the mean says how precisely the replications pin down the average;\n"
            "it narrows with more of them.\n",
            sc->n_params ? ",\neach drawing its parameters from their fitted uncertainty" : "");
}
