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
    fputs("round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n\n", f);
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
            fprintf(f, ",%zu\n", s.n);
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
};

static void write_run_file(FILE *f, size_t k, const void *ctx)
{
    const struct run_files *r = ctx;
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
    struct run_files r = {ex, sc};
    return output_set_write(set, partial ? FILE_COUNT : FILE_PARTIAL, file_names, write_run_file,
                            &r, err);
}

static void print_count(FILE *out, const char *label, const struct summary *s, const char *unit)
{
    char a[40], b[40], c[40];
    if (isnan(s->mean)) {
        fprintf(out, "  %-22s -\n", label);
        return;
    }
    output_number(a, sizeof a, s->mean, 0);
    if (isnan(s->ci_low)) {
        fprintf(out, "  %-22s %s%s\n", label, unit, a);
        return;
    }
    output_number(b, sizeof b, s->ci_low, 0);
    output_number(c, sizeof c, s->ci_high, 0);
    fprintf(out, "  %-22s %s%s  (95%% CI %s%s to %s%s)\n", label, unit, a, unit, b, unit, c);
}

static void print_share(FILE *out, const char *label, const struct summary *s)
{
    if (isnan(s->mean))
        fprintf(out, "  %-22s -\n", label);
    else if (isnan(s->ci_low))
        fprintf(out, "  %-22s %.1f%%\n", label, 100 * s->mean);
    else
        fprintf(out, "  %-22s %.1f%%  (95%% CI %.1f%% to %.1f%%)\n", label, 100 * s->mean,
                100 * s->ci_low, 100 * s->ci_high);
}

void results_print(const struct experiment *ex, const struct scenario *sc, FILE *out)
{
    fprintf(out, "%s: %d replication%s, seed %llu, %d round%s\n", sc->scenario.name,
            ex->replications, ex->replications == 1 ? "" : "s",
            (unsigned long long)sc->scenario.seed, ex->rounds, ex->rounds == 1 ? "" : "s");
    for (int r = 0; r <= ex->rounds; r++) {
        if (r == ex->rounds && ex->rounds == 1)
            break;
        if (r == ex->rounds)
            fprintf(out, "all rounds\n");
        else
            fprintf(out, "round %d\n", r + 1);
        struct summary s;
        results_summary(ex, r, M_REGISTERED, &s);
        print_count(out, "registered", &s, "");
        results_summary(ex, r, M_SWITCHED, &s);
        print_count(out, "switched", &s, "");
        results_summary(ex, r, M_CONVERSION, &s);
        print_share(out, "conversion", &s);
        results_summary(ex, r, M_CONVERSION_PAPER, &s);
        print_share(out, "conversion on paper", &s);
        results_summary(ex, r, M_SAVING_TOTAL, &s);
        print_count(out, "saving, total/year", &s, "£");
        results_summary(ex, r, M_SAVING_MEAN, &s);
        print_count(out, "saving per switcher", &s, "£");
        results_summary(ex, r, M_PAPER_LATE, &s);
        if (s.mean > 0)
            print_count(out, "paper forms late", &s, "");
        results_summary(ex, r, M_AUCTION_FAILED, &s);
        if (s.mean > 0)
            fprintf(out, "  %-22s %.2f lots on average\n", "auction failed", s.mean);
    }
}
