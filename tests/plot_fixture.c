/* plot_fixture.c - small but complete results folders for test_plot (a run, sweeps of one
 * and two keys, a compare), written by hand, each with a scenario name that tries every way
 * into a shell or gnuplot; and the checks that none got there. Split from test_plot.c. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "plot_fixture.h"
#include "testutil.h"

/* Marker files a scenario name tries to create through gnuplot; none may ever exist. */
static char marker[3][128];
char fixture_evil_name[1024];

void fixture_assert_starts_with(const char *dir, const char *name, const char *magic, size_t len)
{
    char path[1024], head[16] = {0};
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("missing %s", path);
    size_t got = fread(head, 1, len, f);
    fclose(f);
    if (got != len || memcmp(head, magic, len) != 0)
        fail_msg("%s does not start with the expected magic", path);
}

FILE *fixture_open(const char *dir, const char *name)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    return f;
}

void fixture_write_scenario(const char *dir)
{
    char ini[2048];
    snprintf(ini, sizeof ini,
             "; resolved scenario\n\n[scenario]\n; name used for output folders\nname = %s\n"
             "rounds = 2\n\n[other]\nname = not this one\n",
             fixture_evil_name);
    testutil_write(testutil_path(dir, "scenario.ini"), ini);
}

static void append_summary_row(FILE *f, const char *round, const char *metric, double mean,
                               double lo, double hi)
{
    fprintf(f, "%s,%s,%.10g,1,%.10g,%.10g,%.10g,%.10g,%.10g,20\n", round, metric, mean, lo, hi, lo,
            mean, hi);
}

void fixture_write_run(const char *dir)
{
    fixture_write_scenario(dir);
    FILE *f = fixture_open(dir, "summary.csv");
    fputs("round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n\n", f);
    static const char *const rounds[] = {"1", "2", "all"};
    for (int r = 0; r < 3; r++) {
        double k = r == 2 ? 1 : 0.5; /* each round is half of the total */
        append_summary_row(f, rounds[r], "registered", 11000 * 2 * k, 10900 * 2 * k, 11100 * 2 * k);
        append_summary_row(f, rounds[r], "registered_online", 10000 * 2 * k, 9900 * 2 * k,
                           10100 * 2 * k);
        append_summary_row(f, rounds[r], "registered_paper", 1000 * 2 * k, 950 * 2 * k,
                           1050 * 2 * k);
        append_summary_row(f, rounds[r], "paper_late", 12 * 2 * k, 10 * 2 * k, 14 * 2 * k);
        append_summary_row(f, rounds[r], "switched",
                           5531 * (r == 2   ? 1
                                   : r == 0 ? 0.45
                                            : 0.55),
                           5480 * (r == 2   ? 1
                                   : r == 0 ? 0.45
                                            : 0.55),
                           5580 * (r == 2   ? 1
                                   : r == 0 ? 0.45
                                            : 0.55));
        append_summary_row(f, rounds[r], "conversion", 0.5028, 0.498, 0.507);
        append_summary_row(f, rounds[r], "conversion_online", 0.5031, 0.499, 0.508);
        append_summary_row(f, rounds[r], "conversion_paper", 0.5, 0.47, 0.53);
        append_summary_row(f, rounds[r], "saving_mean", 271.2, 268, 274);
        append_summary_row(f, rounds[r], "saving_total", 1.5e6 * k, 1.45e6 * k, 1.55e6 * k);
        append_summary_row(f, rounds[r], "winning_annual_cost", 940 + r, 932 + r, 948 + r);
        append_summary_row(f, rounds[r], "bidders", 4.5, 4.2, 4.8);
        append_summary_row(f, rounds[r], "auction_failed", 0, 0, 0);
        /* no CI when every replication gives the same value */
        fprintf(f, "%s,market_best_cost,990.05,0,,,990.05,990.05,990.05,20\n", rounds[r]);
    }
    assert_int_equal(fclose(f), 0);

    f = fixture_open(dir, "daily.csv");
    fputs("day,registered_online,registered_paper,accepted_online,accepted_paper,"
          "switched_online,switched_paper\n",
          f);
    for (int d = 0; d < 90; d++)
        fprintf(f, "%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f\n", d, d < 30 ? 300 + 10.0 * (d % 7) : 0,
                d > 2 && d < 35 ? 30.5 : 0, d >= 35 && d < 60 ? 200.25 : 0,
                d >= 40 && d < 65 ? 20.0 : 0, d >= 60 ? 180.0 : 0, d >= 66 ? 17.5 : 0);
    assert_int_equal(fclose(f), 0);

    f = fixture_open(dir, "savings_hist.csv");
    fputs("bin_low,bin_high,count\n-inf,0,40\n", f);
    static const int counts[] = {600,  1500, 2600, 3600, 4800, 5600, 5200, 4800, 3800, 2800,
                                 2200, 1600, 1000, 600,  300,  200,  100,  60,   0,    0};
    for (int b = 0; b < 20; b++)
        fprintf(f, "%d,%d,%d\n", 50 * b, 50 * (b + 1), counts[b]);
    fputs("1000,inf,20\n", f);
    assert_int_equal(fclose(f), 0);

    testutil_write(testutil_path(dir, "bids.csv"),
                   "replication,round,lot,supplier,bid,won,role\n"
                   "1,1,direct_debit,\"Evil, `touch x` Ltd\",940.5,1,winner\n");
    testutil_write(testutil_path(dir, "replications.csv"),
                   "replication,round,registered,switched\n1,1,11000,2500\n");
}

static const char *const headline[] = {"registered",         "switched",    "conversion",
                                       "conversion_paper",   "saving_mean", "saving_total",
                                       "winning_annual_cost"};
#define N_HEADLINE (sizeof headline / sizeof *headline)

void fixture_sweep_header(FILE *f, const char *keys)
{
    fputs(keys, f);
    for (size_t m = 0; m < N_HEADLINE; m++)
        fprintf(f, ",%s_mean,%s_ci95_low,%s_ci95_high", headline[m], headline[m], headline[m]);
    fputc('\n', f);
}

void fixture_sweep_values(FILE *f, double x)
{
    double v[N_HEADLINE] = {10000 * x,       5000 * x,     0.5,
                            0.45 + 0.05 * x, 270 + 10 * x, 1.35e6 * x * (1 + x / 27),
                            950 - 5 * x};
    for (size_t m = 0; m < N_HEADLINE; m++) {
        double w = v[m] * 0.01;
        fprintf(f, ",%.10g,%.10g,%.10g", v[m], v[m] - w, v[m] + w);
    }
    fputc('\n', f);
}

void fixture_write_sweep1(const char *dir)
{
    fixture_write_scenario(dir);
    FILE *f = fixture_open(dir, "sweep.csv");
    fixture_sweep_header(f, "registration.paper_share");
    static const double shares[] = {0.3, 0.1, 0.2, 0.4}; /* not in order on purpose */
    for (int i = 0; i < 4; i++) {
        fprintf(f, "%g", shares[i]);
        fixture_sweep_values(f, 1 + 10 * shares[i]);
    }
    assert_int_equal(fclose(f), 0);
}

void fixture_write_sweep2(const char *dir)
{
    fixture_write_scenario(dir);
    char keys[512];
    FILE *f = fixture_open(dir, "sweep.csv");
    snprintf(keys, sizeof keys, "\"auction.rule `touch %s`\",paper.clerks", marker[2]);
    fixture_sweep_header(f, keys);
    static const int clerks[] = {2, 4, 8};
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) {
            fprintf(f, "%s,%d", r ? "\"2nd'%d %s\"\"`id`\"" : "first_price", clerks[c]);
            fixture_sweep_values(f, 1 + r + c * 0.5);
        }
    assert_int_equal(fclose(f), 0);
}

void fixture_write_compare(const char *dir)
{
    fixture_write_scenario(dir);
    testutil_write(testutil_path(dir, "compare.csv"),
                   "metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,n\n"
                   "registered,21862,21862,0,0,0,20\n"
                   "switched,5531,5843,312,150,470,20\n"
                   "conversion,0.253,0.267,0.0143,0.0068,0.0214,20\n"
                   "conversion_paper,0.5,0.49,-0.01,-0.03,0.01,20\n"
                   "saving_mean,271,267,-4,-7,-1,20\n"
                   "saving_total,1500000,1560000,60000,20000,100000,20\n"
                   "winning_annual_cost,942,946,4,-2,10,20\n"
                   "auction_failed,0,0,0,,,20\n");
}

void fixture_assert_no_markers(void)
{
    for (int k = 0; k < 3; k++)
        if (access(marker[k], F_OK) == 0)
            fail_msg("%s exists: scenario text ran as a command", marker[k]);
}

void fixture_assert_script_quoted(const char *dir, const char *chart)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s.gp", dir, chart);
    char *s = testutil_read(path);
    assert_non_null(s);
    int quoted = 0, comment = 0;
    for (const char *p = s; *p; p++) {
        if (*p == '\n') {
            if (quoted)
                fail_msg("%s: string runs past the end of a line", path);
            comment = 0;
            continue;
        }
        if (comment)
            continue;
        if (!quoted && *p == '#') {
            comment = 1;
            continue;
        }
        if (!quoted && strncmp(p, "\"\\n\"", 4) == 0) {
            p += 3; /* our own line break between two quoted strings */
            continue;
        }
        if (!quoted && strncmp(p, "\"'\"", 3) == 0) {
            p += 2; /* a single quote of the text, joined to its neighbours with '.' */
            continue;
        }
        if (*p == '\'') {
            if (quoted && p[1] == '\'')
                p++; /* a doubled quote inside a string */
            else
                quoted = !quoted;
            continue;
        }
        if (!quoted && (*p == '`' || *p == '"' || strncmp(p, "system", 6) == 0))
            fail_msg("%s: unquoted text near [%.30s]", path, p);
    }
    free(s);
}

int fixture_setup(void **state)
{
    (void)state;
    long id = (long)getpid() ^ (long)time(NULL);
    for (int k = 0; k < 3; k++)
        snprintf(marker[k], sizeof marker[k], "/tmp/switchsim_pwned%d_%ld", k + 1, id);
    snprintf(fixture_evil_name, sizeof fixture_evil_name,
             "Evil `touch %s` ' \" system(\"touch %s\") @x %%d, Zürich £ \\n end", marker[0],
             marker[1]);
    return 0;
}

void fixture_assert_headline_charts(const char *out, const char *prefix)
{
    for (size_t m = 0; m < N_HEADLINE; m++) {
        char name[96];
        snprintf(name, sizeof name, "%s_%s.png", prefix, headline[m]);
        fixture_assert_starts_with(out, name, "\x89PNG", 4);
        snprintf(name, sizeof name, "%s_%s", prefix, headline[m]);
        fixture_assert_script_quoted(out, name);
    }
}
