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
#include <unistd.h>

#include <cmocka.h>

#include "plot_fixture.h"
#include "switchsim/plot.h"
#include "testutil.h"

static const char *const run_charts[] = {"savings", "switched", "timeline", "conversion", "tariff"};
#define N_RUN_CHARTS (sizeof run_charts / sizeof *run_charts)

/* Plots results folder res into out, failing the test with gnuplot's or the reader's
 * message if that does not work; made lists what was drawn. */
static void plot_ok(const char *res, const char *out, const char *format, struct plot_list *made)
{
    struct error err = {0};
    if (plot_results(res, out, format, made, &err))
        fail_msg("plot_results %s: %s:%d: %s", format, err.file, err.line, err.message);
}

/* A run folder gives five PNG charts, their scripts and data, and the bulletin; nothing in
 * the scenario name is run. */
static void test_run_png(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    fixture_write_run(res);
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
        fixture_assert_starts_with(out, name, "\x89PNG\r\n\x1a\n", 8);
        snprintf(name, sizeof name, "%s.gp", run_charts[i]);
        assert_true(testutil_exists(testutil_path(out, name)));
        snprintf(name, sizeof name, "%s.dat", run_charts[i]);
        assert_true(testutil_exists(testutil_path(out, name)));
        fixture_assert_script_quoted(out, run_charts[i]);
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
    fixture_assert_no_markers();
    testutil_remove_tree(res);
}

/* The same folder in SVG and PDF. */
static void test_run_svg_pdf(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    fixture_write_run(res);
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
                fixture_assert_starts_with(out, name, "%PDF", 4);
        }
        plot_list_cleanup(&made);
    }
    fixture_assert_no_markers();
    testutil_remove_tree(res);
}

static void test_scenario_name(void **state)
{
    (void)state;
    char res[64], name[1024];
    testutil_temp_dir(res, sizeof res, "plot");
    fixture_write_scenario(res);
    struct error err = {0};
    assert_int_equal(plot_scenario_name(res, "scenario.ini", name, sizeof name, &err), 0);
    assert_string_equal(name, fixture_evil_name);
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
    fixture_write_sweep1(res);
    snprintf(out, sizeof out, "%s/out", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    fixture_assert_headline_charts(out, "sweep");
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
    fixture_assert_no_markers();
    testutil_remove_tree(res);
}

/* A two-key sweep: a labelled heatmap per headline metric; text values stay text. */
static void test_sweep_two_keys(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    fixture_write_sweep2(res);
    snprintf(out, sizeof out, "%s/out", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    fixture_assert_headline_charts(out, "heat");
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
    fixture_assert_no_markers();
    testutil_remove_tree(res);
}

/* A text key gets points with error bars; three keys get the bulletin without charts. */
static void test_sweep_text_and_three_keys(void **state)
{
    (void)state;
    char res[64], out[128], path[256];
    testutil_temp_dir(res, sizeof res, "plot");
    fixture_write_scenario(res);
    FILE *f = fixture_open(res, "sweep.csv");
    fixture_sweep_header(f, "auction.rule");
    fputs("first_price", f);
    fixture_sweep_values(f, 1);
    fputs("second_price", f);
    fixture_sweep_values(f, 1.2);
    assert_int_equal(fclose(f), 0);
    snprintf(out, sizeof out, "%s/text", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    fixture_assert_starts_with(out, "sweep_switched.png", "\x89PNG", 4);
    plot_list_cleanup(&made);

    f = fixture_open(res, "sweep.csv");
    fixture_sweep_header(f, "auction.rule,paper.clerks,registration.paper_share");
    fputs("first_price,2,0.1", f);
    fixture_sweep_values(f, 1);
    fputs("second_price,4,0.2", f);
    fixture_sweep_values(f, 2);
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
    fixture_write_compare(res);
    snprintf(out, sizeof out, "%s/out", res);
    struct plot_list made = {0};
    plot_ok(res, out, "png", &made);
    fixture_assert_starts_with(out, "compare.png", "\x89PNG", 4);
    fixture_assert_script_quoted(out, "compare");
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
    fixture_assert_no_markers();
    testutil_remove_tree(res);
}

/* Without gnuplot on PATH: scripts and bulletin are written, then ERROR_SYSTEM with a hint. */
static void test_no_gnuplot(void **state)
{
    (void)state;
    char res[64], out[128];
    testutil_temp_dir(res, sizeof res, "plot");
    fixture_write_run(res);
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
    fixture_write_run(res);
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
    fixture_write_run(res);
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

    fixture_write_run(res);
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
    return cmocka_run_group_tests(tests, fixture_setup, NULL);
}
