/* test_plot.c - tests of the chart module: charts, scripts and bulletin from synthetic results. */
#include <dirent.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "switchsim/plot.h"
#include "testutil.h"

/* Marker files a scenario name tries to create through gnuplot; none may ever exist. */
static char marker[3][128];
static char evil_name[1024];

static const char *const run_charts[] = {"savings", "switched", "timeline", "conversion", "tariff"};
#define N_RUN_CHARTS (sizeof run_charts / sizeof *run_charts)

static void assert_starts_with_file(const char *dir, const char *name, const char *magic,
                                    size_t len)
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

/* A scenario.ini whose name tries every way into a shell or gnuplot. */
static void write_scenario(const char *dir)
{
    char ini[2048];
    snprintf(ini, sizeof ini,
             "; resolved scenario\n\n[scenario]\n; name used for output folders\nname = %s\n"
             "rounds = 2\n\n[other]\nname = not this one\n",
             evil_name);
    testutil_write(testutil_path(dir, "scenario.ini"), ini);
}

static void append_summary_row(FILE *f, const char *round, const char *metric, double mean,
                               double lo, double hi)
{
    fprintf(f, "%s,%s,%.10g,1,%.10g,%.10g,%.10g,%.10g,%.10g,20\n", round, metric, mean, lo, hi, lo,
            mean, hi);
}

/* A small but complete run folder: two rounds, every result file. */
static void write_run(const char *dir)
{
    write_scenario(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/summary.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
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

    snprintf(path, sizeof path, "%s/daily.csv", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs("day,registered_online,registered_paper,accepted_online,accepted_paper,"
          "switched_online,switched_paper\n",
          f);
    for (int d = 0; d < 90; d++)
        fprintf(f, "%d,%.2f,%.2f,%.2f,%.2f,%.2f,%.2f\n", d, d < 30 ? 300 + 10.0 * (d % 7) : 0,
                d > 2 && d < 35 ? 30.5 : 0, d >= 35 && d < 60 ? 200.25 : 0,
                d >= 40 && d < 65 ? 20.0 : 0, d >= 60 ? 180.0 : 0, d >= 66 ? 17.5 : 0);
    assert_int_equal(fclose(f), 0);

    snprintf(path, sizeof path, "%s/savings_hist.csv", dir);
    f = fopen(path, "w");
    assert_non_null(f);
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

static void sweep_header(FILE *f, const char *keys)
{
    fputs(keys, f);
    for (size_t m = 0; m < N_HEADLINE; m++)
        fprintf(f, ",%s_mean,%s_ci95_low,%s_ci95_high", headline[m], headline[m], headline[m]);
    fputc('\n', f);
}

/* The headline metrics of a grid point whose size is `x` (bigger is more switching). */
static void sweep_values(FILE *f, double x)
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

static void write_sweep1(const char *dir)
{
    write_scenario(dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    sweep_header(f, "registration.paper_share");
    static const double shares[] = {0.3, 0.1, 0.2, 0.4}; /* not in order on purpose */
    for (int i = 0; i < 4; i++) {
        fprintf(f, "%g", shares[i]);
        sweep_values(f, 1 + 10 * shares[i]);
    }
    assert_int_equal(fclose(f), 0);
}

/* Two keys, one of them text: its name and values try to break out of gnuplot's strings. */
static void write_sweep2(const char *dir)
{
    write_scenario(dir);
    char path[1024], keys[512];
    snprintf(path, sizeof path, "%s/sweep.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    snprintf(keys, sizeof keys, "\"auction.rule `touch %s`\",paper.clerks", marker[2]);
    sweep_header(f, keys);
    static const int clerks[] = {2, 4, 8};
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) {
            fprintf(f, "%s,%d", r ? "\"2nd'%d %s\"\"`id`\"" : "first_price", clerks[c]);
            sweep_values(f, 1 + r + c * 0.5);
        }
    assert_int_equal(fclose(f), 0);
}

static void write_compare(const char *dir)
{
    write_scenario(dir);
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

static void assert_no_markers(void)
{
    for (int k = 0; k < 3; k++)
        if (access(marker[k], F_OK) == 0)
            fail_msg("%s exists: scenario text ran as a command", marker[k]);
}

/* Every backquote or `system` in a script lies inside a single-quoted string. */
static void assert_script_quoted(const char *dir, const char *chart)
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

static int group_setup(void **state)
{
    (void)state;
    long id = (long)getpid() ^ (long)time(NULL);
    for (int k = 0; k < 3; k++)
        snprintf(marker[k], sizeof marker[k], "/tmp/switchsim_pwned%d_%ld", k + 1, id);
    snprintf(evil_name, sizeof evil_name,
             "Evil `touch %s` ' \" system(\"touch %s\") @x %%d, Zürich £ \\n end", marker[0],
             marker[1]);
    return 0;
}

/* Plots results folder res into out, failing the test with gnuplot's or the reader's
 * message if that does not work; made lists what was drawn. */
static void plot_ok(const char *res, const char *out, const char *format, struct plot_list *made)
{
    struct error err = {0};
    if (plot_results(res, out, format, made, &err))
        fail_msg("plot_results %s: %s:%d: %s", format, err.file, err.line, err.message);
}

/* Each headline metric has its chart PREFIX_METRIC.png, with every text in its script
 * quoted. */
static void assert_headline_charts(const char *out, const char *prefix)
{
    for (size_t m = 0; m < N_HEADLINE; m++) {
        char name[96];
        snprintf(name, sizeof name, "%s_%s.png", prefix, headline[m]);
        assert_starts_with_file(out, name, "\x89PNG", 4);
        snprintf(name, sizeof name, "%s_%s", prefix, headline[m]);
        assert_script_quoted(out, name);
    }
}

/* A run folder gives five PNG charts, their scripts and data, and the bulletin; nothing in
 * the scenario name is run. */
static void test_run_png(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_run(res);
    snprintf(out, sizeof out, "%s/plots/new", res);
    struct plot_list made = {0};
    struct error err = {0};
    int rc = plot_results(res, out, "png", &made, &err);
    if (rc)
        fail_msg("plot_results: %s:%d: %s", err.file, err.line, err.message);
    assert_int_equal(err.kind, ERROR_NONE);
    for (size_t i = 0; i < N_RUN_CHARTS; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.png", run_charts[i]);
        assert_starts_with_file(out, name, "\x89PNG\r\n\x1a\n", 8);
        snprintf(name, sizeof name, "%s.gp", run_charts[i]);
        assert_true(testutil_exists(testutil_path(out, name)));
        snprintf(name, sizeof name, "%s.dat", run_charts[i]);
        assert_true(testutil_exists(testutil_path(out, name)));
        assert_script_quoted(out, run_charts[i]);
    }
    assert_int_equal(made.n, 3 * N_RUN_CHARTS + 2);
    int listed = 0;
    for (size_t i = 0; i < made.n; i++)
        listed += strstr(made.names[i], "/bulletin.md") != NULL;
    assert_int_equal(listed, 1);
    plot_list_cleanup(&made);
    assert_null(made.names);
    plot_list_cleanup(NULL);

    char path[256];
    snprintf(path, sizeof path, "%s/bulletin.md", out);
    char *md = testutil_read(path);
    assert_non_null(md);
    /* the forecast first, with its range (here the file's p05 and p95) */
    testutil_assert_contains(md, "Over 2 auction rounds, we expect about 5,530 households to "
                                 "switch supplier, most likely between 5,480 and 5,580.");
    testutil_assert_contains(md, "about £1.50 million a year (most likely between £1.45 million "
                                 "and £1.55 million)");
    testutil_assert_contains(md, "about £271 a year for each household that switches (between "
                                 "£268 and £274)");
    testutil_assert_contains(md, "50.3% of those who sign up online and 50% of those who send a "
                                 "paper form (between 47% and 53% on paper)");
    testutil_assert_contains(md, "about £942 a year (most likely between £934 and £950), £48 less "
                                 "than the cheapest tariff on the market, £990.");
    testutil_assert_contains(md, "| 2 | 3,042 |");
    testutil_assert_contains(md, "](switched.png)");
    testutil_assert_contains(md, "**How to read the ranges.**");
    assert_null(strstr(md, "95% CI")); /* the forecast range, never the CI, in sentences */
    testutil_assert_contains(md, "Evil \\`touch"); /* markdown punctuation escaped */
    free(md);

    snprintf(path, sizeof path, "%s/switched.gp", out);
    char *gp = testutil_read(path);
    assert_non_null(gp);
    testutil_assert_contains(gp, "set label 100 'Evil `touch ");
    testutil_assert_contains(gp, "` '.\"'\".' \" system(");        /* a quote joined as "'" */
    testutil_assert_contains(gp, "set label '3,042' at first 2,"); /* round 2's bar */
    free(gp);
    assert_no_markers();
    testutil_remove_tree(res);
}

/* The same folder in SVG and PDF. */
static void test_run_svg_pdf(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_run(res);
    static const char *const formats[] = {"svg", "pdf"};
    for (int k = 0; k < 2; k++) {
        snprintf(out, sizeof out, "%s/%s", res, formats[k]);
        struct plot_list made = {0};
        struct error err = {0};
        if (plot_results(res, out, formats[k], &made, &err))
            fail_msg("plot_results %s: %s", formats[k], err.message);
        for (size_t i = 0; i < N_RUN_CHARTS; i++) {
            char name[64];
            snprintf(name, sizeof name, "%s.%s", run_charts[i], formats[k]);
            if (k == 0) {
                char path[256];
                snprintf(path, sizeof path, "%s/%s", out, name);
                char *svg = testutil_read(path);
                assert_non_null(svg);
                testutil_assert_contains(svg, "<svg");
                free(svg);
            } else
                assert_starts_with_file(out, name, "%PDF", 4);
        }
        plot_list_cleanup(&made);
    }
    assert_no_markers();
    testutil_remove_tree(res);
}

static void test_scenario_name(void **state)
{
    (void)state;
    char res[64], name[1024];
    testutil_temp_dir(res, sizeof res, "plot");
    write_scenario(res);
    struct error err = {0};
    assert_int_equal(plot_scenario_name(res, "scenario.ini", name, sizeof name, &err), 0);
    assert_string_equal(name, evil_name);
    char small[8];
    assert_int_equal(plot_scenario_name(res, "scenario.ini", small, sizeof small, &err), 0);
    assert_string_equal(small, "Evil `t");
    testutil_write(testutil_path(res, "scenario.ini"),
                   "\xEF\xBB\xBF[scenario]\r\nname\t=  Zürich £ test \r\n");
    assert_int_equal(plot_scenario_name(res, "scenario.ini", name, sizeof name, &err), 0);
    assert_string_equal(name, "Zürich £ test");
    testutil_write(testutil_path(res, "scenario.ini"), "[scenario]\nrounds = 1\n[x]\nname = y\n");
    assert_int_equal(plot_scenario_name(res, "scenario.ini", name, sizeof name, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    testutil_remove_tree(res);
    err = (struct error){0};
    assert_int_equal(plot_scenario_name(res, "scenario.ini", name, sizeof name, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
}

/* plot_default_folder's name for results_dir, failing the test on an error. */
static void assert_default_folder(const char *res, const char *expect)
{
    char dir[1024];
    struct error err = {0};
    if (plot_default_folder(res, dir, sizeof dir, &err))
        fail_msg("plot_default_folder: %s:%d: %s", err.file, err.line, err.message);
    assert_string_equal(dir, expect);
}

/* The default chart folder: plots/NAME for a run, NAME-sweep for a sweep, A-vs-B or
 * A-compare for a compare, named as output_folder names folders. */
static void test_default_folder(void **state)
{
    (void)state;
    char res[64], dir[1024];
    testutil_temp_dir(res, sizeof res, "plot");
    testutil_write(testutil_path(res, "scenario.ini"), "[scenario]\nname = lga-2015-02\n");
    testutil_write(testutil_path(res, "summary.csv"), "round,metric,mean\n");
    assert_default_folder(res, "plots/lga-2015-02");
    testutil_write(testutil_path(res, "sweep.csv"), "registration.paper_share,switched_mean\n");
    assert_default_folder(res, "plots/lga-2015-02-sweep");
    testutil_write(testutil_path(res, "compare.csv"), "metric,a_mean\n");
    assert_default_folder(res, "plots/lga-2015-02-compare"); /* no scenario_b.ini */
    testutil_write(testutil_path(res, "scenario_b.ini"), "[scenario]\nrounds = 2\n");
    assert_default_folder(res, "plots/lga-2015-02-compare"); /* B without a name */
    testutil_write(testutil_path(res, "scenario_b.ini"), "[scenario]\nname = three-reminders\n");
    assert_default_folder(res, "plots/lga-2015-02-vs-three-reminders");

    /* bytes a path should not hold become '_', and the name's FNV-1a hash tells it apart */
    testutil_write(testutil_path(res, "scenario.ini"), "[scenario]\nname = Zürich £ test\n");
    snprintf(dir, sizeof dir, "%s/compare.csv", res);
    assert_int_equal(unlink(dir), 0);
    snprintf(dir, sizeof dir, "%s/sweep.csv", res);
    assert_int_equal(unlink(dir), 0);
    assert_default_folder(res, "plots/Zürich_£_test-6f0b486d");

    struct error err = {0};
    assert_int_equal(plot_default_folder(res, dir, 12, &err), -1); /* does not fit */
    assert_int_equal(err.kind, ERROR_INPUT);
    testutil_write(testutil_path(res, "scenario.ini"), "[scenario]\nrounds = 2\n");
    err = (struct error){0};
    assert_int_equal(plot_default_folder(res, dir, sizeof dir, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_string_equal(err.key, "scenario.name");
    testutil_remove_tree(res);
    err = (struct error){0};
    assert_int_equal(plot_default_folder(res, dir, sizeof dir, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
}

/* A one-key sweep: a chart per headline metric with a CI band, and the best point. */
static void test_sweep_one_key(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_sweep1(res);
    snprintf(out, sizeof out, "%s/out", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    assert_headline_charts(out, "sweep");
    assert_false(testutil_exists(testutil_path(out, "switched.png")));
    plot_list_cleanup(&made);
    char path[256];
    snprintf(path, sizeof path, "%s/bulletin.md", out);
    char *md = testutil_read(path);
    assert_non_null(md);
    testutil_assert_contains(md, "## How the forecast changes with paper share (%)");
    testutil_assert_contains(md, "Best setting (most households switched): paper share (%) 40%, "
                                 "with about 25,000 households switching, saving £8,000,000 a "
                                 "year");
    testutil_assert_contains(md, "- conversion: 50.0% at every setting.");
    testutil_assert_contains(md, "It is clearly ahead of every other setting.");
    testutil_assert_contains(md, "- households switched: lowest 10,000 (paper share (%) 10%), "
                                 "highest 25,000 (paper share (%) 40%).");
    testutil_assert_contains(md, "](sweep_switched.png)");
    free(md);
    assert_no_markers();
    testutil_remove_tree(res);
}

/* A two-key sweep: a labelled heatmap per headline metric; text values stay text. */
static void test_sweep_two_keys(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_sweep2(res);
    snprintf(out, sizeof out, "%s/out", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    assert_headline_charts(out, "heat");
    plot_list_cleanup(&made);
    char path[256];
    snprintf(path, sizeof path, "%s/heat_switched.gp", out);
    char *gp = testutil_read(path);
    assert_non_null(gp);
    testutil_assert_contains(gp, "set xlabel 'auction.rule `touch ");
    testutil_assert_contains(gp,
                             "('first_price' 1, '2nd'.\"'\".'%%d %%s\"`id`' 2)"); /* %% for tics */
    testutil_assert_contains(gp, "set label '15,000' at first 2, first 3");
    free(gp);
    snprintf(path, sizeof path, "%s/bulletin.md", out);
    char *md = testutil_read(path);
    assert_non_null(md);
    testutil_assert_contains(md, "## How the forecast changes with auction.rule \\`touch ");
    testutil_assert_contains(md, "clerks 8, with about 15,000 households switching");
    free(md);
    assert_no_markers();
    testutil_remove_tree(res);
}

/* A text key gets points with error bars; three keys get the bulletin without charts. */
static void test_sweep_text_and_three_keys(void **state)
{
    (void)state;
    char res[64], out[128], path[256];
    testutil_temp_dir(res, sizeof res, "plot");
    write_scenario(res);
    snprintf(path, sizeof path, "%s/sweep.csv", res);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    sweep_header(f, "auction.rule");
    fputs("first_price", f);
    sweep_values(f, 1);
    fputs("second_price", f);
    sweep_values(f, 1.2);
    assert_int_equal(fclose(f), 0);
    snprintf(out, sizeof out, "%s/text", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    assert_starts_with_file(out, "sweep_switched.png", "\x89PNG", 4);
    plot_list_cleanup(&made);

    f = fopen(path, "w");
    assert_non_null(f);
    sweep_header(f, "auction.rule,paper.clerks,registration.paper_share");
    fputs("first_price,2,0.1", f);
    sweep_values(f, 1);
    fputs("second_price,4,0.2", f);
    sweep_values(f, 2);
    assert_int_equal(fclose(f), 0);
    snprintf(out, sizeof out, "%s/three", res);
    plot_ok(res, out, "png", &made);
    assert_int_equal(made.n, 2); /* the bulletin and the report only */
    plot_list_cleanup(&made);
    snprintf(path, sizeof path, "%s/bulletin.md", out);
    char *md = testutil_read(path);
    assert_non_null(md);
    testutil_assert_contains(md, "Charts are drawn for sweeps over one or two keys only.");
    testutil_assert_contains(md, "## How the forecast changes with rule and clerks and paper "
                                 "share (%)");
    free(md);
    testutil_remove_tree(res);
}

/* A compare folder: one chart of relative differences, and which ones are distinguishable. */
static void test_compare(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_compare(res);
    snprintf(out, sizeof out, "%s/out", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    assert_starts_with_file(out, "compare.png", "\x89PNG", 4);
    assert_script_quoted(out, "compare");
    assert_int_equal(made.n, 5); /* compare.dat, .gp, bulletin.md, compare.png, report.html */
    plot_list_cleanup(&made);
    char path[256];
    snprintf(path, sizeof path, "%s/bulletin.md", out);
    char *md = testutil_read(path);
    assert_non_null(md);
    testutil_assert_contains(md, "- households switched: 5,531 under A, 5,843 under B: +312 "
                                 "(+5.6%) (95% confidence interval +150 to +470), better for "
                                 "households.");
    testutil_assert_contains(md, "- conversion: 25.3% under A, 26.7% under B: +1.4 points "
                                 "(95% confidence interval +0.7 points to +2.1 points)");
    testutil_assert_contains(md, "- saving per switching household: £271 under A, £267 under B: ");
    testutil_assert_contains(md, "worse for households.");
    testutil_assert_contains(md, "Too small to tell apart from no change: paper conversion, "
                                 "winning tariff (reference household), lots that failed the "
                                 "reserve.");
    testutil_assert_contains(md, "The same under both: households registered.");
    assert_null(strstr(md, "B against A"));
    free(md);
    assert_no_markers();
    testutil_remove_tree(res);
}

/* Without gnuplot on PATH: scripts and bulletin are written, then ERROR_SYSTEM with a hint. */
static void test_no_gnuplot(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_run(res);
    snprintf(out, sizeof out, "%s/out", res);
    const char *path_env = getenv("PATH");
    char *saved = strdup(path_env ? path_env : "/usr/bin:/bin");
    assert_non_null(saved);
    setenv("PATH", "/nonexistent", 1);
    struct plot_list made = {0};
    struct error err = {0};
    int rc = plot_results(res, out, "png", &made, &err);
    setenv("PATH", saved, 1);
    free(saved);
    assert_int_equal(rc, -1);
    assert_int_equal(err.kind, ERROR_SYSTEM);
    testutil_assert_contains(err.message, "gnuplot not found: install it with apt-get install "
                                          "gnuplot-nox");
    for (size_t i = 0; i < N_RUN_CHARTS; i++) {
        char name[64];
        snprintf(name, sizeof name, "%s.gp", run_charts[i]);
        assert_true(testutil_exists(testutil_path(out, name)));
        snprintf(name, sizeof name, "%s.png", run_charts[i]);
        assert_false(testutil_exists(testutil_path(out, name)));
    }
    assert_true(testutil_exists(testutil_path(out, "bulletin.md")));
    assert_int_equal(made.n, 2 * N_RUN_CHARTS + 2); /* the report says the charts are missing */
    plot_list_cleanup(&made);
    testutil_remove_tree(res);
}

/* A gnuplot that fails: ERROR_SYSTEM with its message; it ran in out_dir with the script
 * name as its only argument. */
static void test_gnuplot_fails(void **state)
{
    (void)state;
    char res[64], out[128], bin[128], log[160], script[1024];
    testutil_temp_dir(res, sizeof res, "plot");
    write_run(res);
    snprintf(out, sizeof out, "%s/out", res);
    snprintf(bin, sizeof bin, "%s/bin", res);
    snprintf(log, sizeof log, "%s/calls.log", res);
    assert_int_equal(mkdir(bin, 0777), 0);
    snprintf(script, sizeof script,
             "#!/bin/sh\necho \"$PWD|$#|$1 $2 $3\" >> '%s'\n"
             "echo '         plot x' >&2\necho '              ^' >&2\n"
             "echo \"\\\"$2\\\" line 7: undefined variable: boom\" >&2\nexit 1\n",
             log);
    testutil_write(testutil_path(bin, "gnuplot"), script);
    char fake[256];
    snprintf(fake, sizeof fake, "%s/gnuplot", bin);
    assert_int_equal(chmod(fake, 0755), 0);
    const char *path_env = getenv("PATH");
    char *saved = strdup(path_env ? path_env : "/usr/bin:/bin");
    assert_non_null(saved);
    char path[512];
    snprintf(path, sizeof path, "%s:/usr/bin:/bin", bin);
    setenv("PATH", path, 1);
    struct plot_list made = {0};
    struct error err = {0};
    int rc = plot_results(res, out, "png", &made, &err);
    setenv("PATH", saved, 1);
    free(saved);
    assert_int_equal(rc, -1);
    assert_int_equal(err.kind, ERROR_SYSTEM);
    assert_string_equal(err.message,
                        "gnuplot failed: \"switched.gp\" line 7: undefined variable: boom");
    assert_true(strstr(err.file, "/out/switched.gp") != NULL);
    plot_list_cleanup(&made);
    char *calls = testutil_read(log);
    assert_non_null(calls);
    /* gnuplot runs in a private folder inside out; the failed chart's image is not moved */
    char expect[256];
    snprintf(expect, sizeof expect, "%s/.plot-", out);
    testutil_assert_contains(calls, expect);
    testutil_assert_contains(calls, "|3|-c switched.gp png\n");
    testutil_assert_contains(calls, "|3|-c timeline.gp png\n"); /* the others still drawn */
    free(calls);
    assert_true(testutil_exists(testutil_path(out, "switched.gp")));
    assert_false(testutil_exists(testutil_path(out, "switched.png")));
    testutil_remove_tree(res);
}

/* Malformed results: file and line, nothing written. */
static void test_bad_input(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    write_run(res);
    snprintf(out, sizeof out, "%s/out", res);
    testutil_write(testutil_path(res, "summary.csv"),
                   "round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n\n"
                   "1,switched,10,1,9,11,9,10,11,20\n"
                   "\n"
                   "1,registered,10,1,9,11,9,10,11\n");
    struct plot_list made = {0};
    struct error err = {0};
    assert_int_equal(plot_results(res, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_int_equal(err.line, 4);
    assert_true(strstr(err.file, "summary.csv") != NULL);
    assert_string_equal(err.message, "row has 9 fields, the header has 10");
    assert_int_equal(made.n, 0);
    assert_false(testutil_exists(testutil_path(res, "out")));

    testutil_write(testutil_path(res, "summary.csv"),
                   "round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n\r\n"
                   "1,switched,12x,1,9,11,9,10,11,20\r\n");
    err = (struct error){0};
    assert_int_equal(plot_results(res, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_int_equal(err.line, 2);
    assert_string_equal(err.key, "mean");

    testutil_write(testutil_path(res, "summary.csv"), "round,metric,mean\n1,switched,12\n");
    err = (struct error){0};
    assert_int_equal(plot_results(res, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_int_equal(err.line, 1);
    assert_string_equal(err.key, "ci95_low");

    testutil_write(testutil_path(res, "summary.csv"), "");
    err = (struct error){0};
    assert_int_equal(plot_results(res, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);

    testutil_write(testutil_path(res, "summary.csv"),
                   "round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n\n"
                   "1,\"switched,10,1,9,11,9,10,11,20\n");
    err = (struct error){0};
    assert_int_equal(plot_results(res, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);

    write_run(res);
    testutil_write(testutil_path(res, "savings_hist.csv"),
                   "bin_low,bin_high,count\n0,50,10\n50,40,3\n");
    err = (struct error){0};
    assert_int_equal(plot_results(res, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_int_equal(err.line, 3);

    err = (struct error){0};
    assert_int_equal(plot_results(res, out, "gif", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_string_equal(err.file, "--format");

    char empty[64];
    testutil_temp_dir(empty, sizeof empty, "plot");
    err = (struct error){0};
    assert_int_equal(plot_results(empty, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    testutil_assert_contains(err.message, "not a results folder");
    testutil_remove_tree(empty);
    err = (struct error){0};
    assert_int_equal(plot_results(empty, out, "png", &made, &err), -1);
    assert_int_equal(err.kind, ERROR_INPUT);
    assert_int_equal(made.n, 0);
    assert_false(testutil_exists(testutil_path(res, "out")));
    testutil_remove_tree(res);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_run_png),
        cmocka_unit_test(test_run_svg_pdf),
        cmocka_unit_test(test_scenario_name),
        cmocka_unit_test(test_default_folder),
        cmocka_unit_test(test_sweep_one_key),
        cmocka_unit_test(test_sweep_two_keys),
        cmocka_unit_test(test_sweep_text_and_three_keys),
        cmocka_unit_test(test_compare),
        cmocka_unit_test(test_no_gnuplot),
        cmocka_unit_test(test_gnuplot_fails),
        cmocka_unit_test(test_bad_input),
    };
    return cmocka_run_group_tests(tests, group_setup, NULL);
}
