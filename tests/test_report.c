/* test_report.c - report.html in a real browser: headless Chromium opens it from disk.
 *
 * From the DOM Chromium builds (--dump-dom): every headline figure reads as summary.csv's
 * value formatted by metric_figure()/metric_about(), every image has alt text, nothing
 * points outside the file, and scenario text holding <script> and quotes is shown literally.
 * From Chromium's net log, with every name resolving to nothing and every request sent to a
 * proxy where nothing listens: the page asks for nothing. From the pixels of screenshots at
 * 1280 and 390 pixels wide and of the first printed page: the pages are not blank.
 *
 * Each check is also run on a page made to fail it (one that loads an image from the
 * network, with an empty alt; an empty page on screen and on paper), so none can pass by
 * checking nothing. Built and run only by `make test-report`, which installs chromium,
 * poppler-utils and libpng-dev when missing: `make test` never needs a browser. Chromium,
 * its net log and the pixels are read by report_browser.c, the DOM by report_dom.c. With
 * SWITCHSIM_REPORT_EVIDENCE=DIR the screenshots, the PDF and its first page are copied
 * into DIR for people to look at. */
#define _GNU_SOURCE /* strcasestr */
#include <ctype.h>
#include <limits.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_browser.h"
#include "report_dom.h"
#include "switchsim/metric.h"
#include "testutil.h"

#define tmp testutil_tmp
#define SCENARIO "scenarios/lga-2015-02.ini"

/* Scenario text that must come out as text: markup, both quotes and an ampersand. */
static const char hostile[] = "<script>alert(1)</script> \"double\" & 'single'";

static char *report_dom; /* the report's DOM as Chromium serialised it */
static char *remote_dom; /* the DOM of a page that loads an image from the network */
#define REPORT_NETLOG "report-netlog.json" /* Chromium's net logs of the two, in tmp */
#define REMOTE_NETLOG "remote-netlog.json"

/* ---- small helpers ---- */

static const char *in_tmp(const char *name)
{
    return testutil_path(tmp, name);
}

static void copy_file(const char *from, const char *to)
{
    FILE *in = fopen(from, "rb"), *out = in ? fopen(to, "wb") : NULL;
    char buf[65536];
    size_t n;
    assert_non_null(in);
    assert_non_null(out);
    while ((n = fread(buf, 1, sizeof buf, in)) > 0)
        assert_int_equal(fwrite(buf, 1, n, out), n);
    fclose(in);
    assert_int_equal(fclose(out), 0);
}

/* Runs switchsim with args (NULL-terminated), output into tmp/switchsim.out and .err;
 * fails the test unless it succeeds. */
static void sim(const char *first, ...)
{
    char *argv[32];
    va_list ap;
    va_start(ap, first);
    testutil_argv(argv, 32, testutil_binary(), first, ap);
    va_end(ap);
    char out[256], err[256];
    snprintf(out, sizeof out, "%s/switchsim.out", tmp);
    snprintf(err, sizeof err, "%s/switchsim.err", tmp);
    int rc = testutil_run(argv, NULL, out, err, 600);
    if (rc != 0) {
        char *e = testutil_read(err);
        fail_msg("switchsim %s exited %d: %s", first, rc, e ? e : "");
    }
}

/* ---- the set up: one run of the February 2015 auction, plotted, opened once ---- */

static int setup(void **state)
{
    if (testutil_setup(state))
        return -1;
    if (browser_setup())
        return -1;
    char res[256], plots[256];
    snprintf(res, sizeof res, "%s/results", tmp);
    snprintf(plots, sizeof plots, "%s/plots", tmp);
    sim("run", SCENARIO, "-r", "50", "-q", "-o", res, NULL);
    sim("plot", res, "-o", plots, NULL);
    char netlog[256];
    snprintf(netlog, sizeof netlog, "%s/%s", tmp, REPORT_NETLOG);
    report_dom = browser_dom(testutil_path(plots, "report.html"), netlog);
    /* the control: a page without a policy that shows an image from the network */
    testutil_write(in_tmp("remote.html"),
                   "<!DOCTYPE html><html><head><title>remote</title></head><body>"
                   "<p>An image from the network:</p>"
                   "<img src=\"http://example.invalid/x.png\" alt=\"x\"></body></html>\n");
    snprintf(netlog, sizeof netlog, "%s/%s", tmp, REMOTE_NETLOG);
    remote_dom = browser_dom(in_tmp("remote.html"), netlog);
    return 0;
}

static int teardown(void **state)
{
    free(report_dom);
    free(remote_dom);
    return testutil_teardown(state);
}

/* ---- the tests ---- */

/* summary.csv's row "all" of a metric: mean, 95% CI of it, 90% forecast range. */
struct figure_row {
    double mean, ci_lo, ci_hi, pi_lo, pi_hi;
};

static double field(const char *s)
{
    char *end;
    double x = strtod(s, &end);
    return end == s ? NAN : x;
}

/* Reads the `all` row of metric m from the run's summary.csv; false when there is none. */
static bool summary_all(enum metric m, struct figure_row *r)
{
    char path[256];
    snprintf(path, sizeof path, "%s/results/summary.csv", tmp);
    char *csv = testutil_read(path);
    assert_non_null(csv);
    static const char header[] =
        "round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n,pi90_low,pi90_high\n";
    if (strncmp(csv, header, strlen(header)))
        fail_msg("summary.csv does not start with %s", header);
    char want[80];
    snprintf(want, sizeof want, "\nall,%s,", metric_name(m));
    const char *line = strstr(csv, want);
    bool found = line != NULL;
    if (found) {
        const char *f[12] = {line + 1};
        for (int k = 1; k < 12; k++) {
            f[k] = strchr(f[k - 1], ',');
            assert_non_null(f[k]);
            f[k]++;
        }
        *r = (struct figure_row){field(f[2]), field(f[4]), field(f[5]), field(f[10]), field(f[11])};
    }
    free(csv);
    return found;
}

static void range_text(char *buf, size_t size, double lo, double hi, enum metric_unit u)
{
    char a[64], b[64];
    buf[0] = '\0';
    if (isfinite(lo))
        snprintf(buf, size, "%s to %s", metric_figure(a, sizeof a, lo, u, false),
                 metric_figure(b, sizeof b, hi, u, false));
}

/* The table of figures: each row, named by data-metric, gives summary.csv's mean, 90%
 * forecast range and 95% CI as metric_figure() prints them; every row of the printout is
 * there (but those left out when they round to nothing), and no other. */
static void test_figures_equal_summary(void **state)
{
    (void)state;
    size_t n;
    const struct metric_row *rows = metric_printout(&n);
    int shown = 0, in_dom = 0;
    struct dom_tag t;
    for (const char *p = report_dom; dom_next_start(&p, &t);)
        in_dom += !strcmp(t.name, "tr") && dom_has(&t, "data-metric");
    for (size_t k = 0; k < n; k++) {
        enum metric m = rows[k].m;
        enum metric_unit u = metric_info(m)->unit;
        struct figure_row r;
        if (!summary_all(m, &r))
            fail_msg("summary.csv has no row all,%s", metric_name(m));
        char attr[80];
        snprintf(attr, sizeof attr, "<tr data-metric=\"%s\">", metric_name(m));
        const char *row = strstr(report_dom, attr);
        if (!row) {
            if (!rows[k].only_if_positive)
                fail_msg("the report has no row of figures for %s", metric_name(m));
            continue;
        }
        const char *end = strstr(row, "</tr>");
        char *mean = dom_find_text(row, end, "td", "mean"),
             *range = dom_find_text(row, end, "td", "range"),
             *ci = dom_find_text(row, end, "td", "ci");
        char want_mean[64], want_range[160], want_ci[160];
        metric_figure(want_mean, sizeof want_mean, r.mean, u, false);
        range_text(want_range, sizeof want_range, r.pi_lo, r.pi_hi, u);
        range_text(want_ci, sizeof want_ci, r.ci_lo, r.ci_hi, u);
        assert_non_null(mean);
        assert_non_null(range);
        assert_non_null(ci);
        printf("  %-20s %-28s %-12s %s\n", metric_name(m), range, mean, ci);
        assert_string_equal(mean, want_mean);
        assert_string_equal(range, want_range);
        assert_string_equal(ci, want_ci);
        free(mean);
        free(range);
        free(ci);
        shown++;
    }
    assert_true(shown >= 5);
    assert_int_equal(in_dom, shown);
}

/* The figures in a sentence: "-£1.5 million", "5,500", "7.1%". Returns the length of the
 * one at s, 0 when none starts there. */
static size_t figure_at(const char *s)
{
    const char *p = s;
    if (*p == '-')
        p++;
    if (!strncmp(p, "£", strlen("£")))
        p += strlen("£");
    if (!(*p >= '0' && *p <= '9'))
        return 0;
    while ((*p >= '0' && *p <= '9') || ((*p == ',' || *p == '.') && p[1] >= '0' && p[1] <= '9'))
        p++;
    if (*p == '%')
        p++;
    if (!strncmp(p, " million", 8))
        p += 8;
    return (size_t)(p - s);
}

/* The headline: every figure in it is summary.csv's mean or a bound of its 90% range of
 * households switching, their total saving or the saving of each, as metric_about() rounds
 * them with the figures their range needs; each mean is there after "about", and each range
 * as "between LO and HI". */
static void test_headline_equals_summary(void **state)
{
    (void)state;
    char *headline = dom_find_text(report_dom, NULL, "p", "headline");
    assert_non_null(headline);
    printf("  %s\n", headline);
    static const enum metric ms[] = {M_SWITCHED, M_SAVING_TOTAL, M_SAVING_MEAN};
    char want[9][64];
    for (int k = 0; k < 3; k++) {
        struct figure_row r;
        enum metric_unit u = metric_info(ms[k])->unit;
        assert_true(summary_all(ms[k], &r));
        int extra = metric_about_extra(r.pi_lo, r.pi_hi, u);
        metric_about(want[3 * k], sizeof want[0], r.mean, u, extra);
        metric_about(want[3 * k + 1], sizeof want[0], r.pi_lo, u, extra);
        metric_about(want[3 * k + 2], sizeof want[0], r.pi_hi, u, extra);
        char about[sizeof want[0] + 8], between[2 * sizeof want[0] + 16];
        snprintf(about, sizeof about, "about %.63s", want[3 * k]);
        testutil_assert_contains(headline, about);
        if (strcmp(want[3 * k + 1], want[3 * k + 2])) {
            snprintf(between, sizeof between, "between %.63s and %.63s", want[3 * k + 1],
                     want[3 * k + 2]);
            testutil_assert_contains(headline, between);
        }
    }
    int figures = 0;
    for (const char *p = headline; *p;) {
        bool word = p > headline && isalnum((unsigned char)p[-1]);
        size_t len = word ? 0 : figure_at(p);
        if (!len) {
            p++;
            continue;
        }
        bool known = false;
        for (int k = 0; k < 9; k++)
            known |= strlen(want[k]) == len && !strncmp(want[k], p, len);
        if (!known)
            fail_msg("the headline says %.*s, which is none of summary.csv's figures", (int)len, p);
        figures++;
        p += len;
    }
    assert_true(figures >= 6);
    free(headline);
}

/* Every image has alt text, every figure a chart and a caption; and the check catches a
 * page that has an image without it and an unlabelled inline SVG. */
static void test_alt_text(void **state)
{
    (void)state;
    int images = 0;
    struct dom_tag t;
    for (const char *p = report_dom; dom_next_start(&p, &t);)
        images += !strcmp(t.name, "img");
    printf("  %d images\n", images);
    assert_true(images >= 3);
    assert_int_equal(dom_alt_problems(report_dom), 0);

    const char *bad = "<!DOCTYPE html><html><head><title>t</title></head><body>"
                      "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\" \">"
                      "<svg width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>"
                      "<figure><p>no chart</p></figure></body></html>";
    testutil_write(in_tmp("no-alt.html"), bad);
    char *dom = browser_dom(in_tmp("no-alt.html"), NULL);
    assert_int_equal(dom_alt_problems(dom), 3);
    free(dom);
}

/* Nothing in the page points outside it, and its policy forbids loading anything; the
 * check catches a page that does load an image from the network. */
static void test_self_contained(void **state)
{
    (void)state;
    assert_int_equal(dom_self_contained_problems(report_dom), 0);
    assert_int_equal(dom_self_contained_problems(remote_dom), 2); /* the img, and no policy */
}

/* With the network blocked, the report asks for nothing but itself: Chromium's net log
 * holds no request from the page but for file: and data: URLs; the same check finds the
 * image a page without a policy asks the network for. */
static void test_nothing_requested(void **state)
{
    (void)state;
    char first[300];
    assert_int_equal(browser_page_requests(in_tmp(REPORT_NETLOG), first, sizeof first), 0);
    assert_int_equal(browser_page_requests(in_tmp(REMOTE_NETLOG), first, sizeof first), 1);
    assert_string_equal(first, "http://example.invalid/x.png");
}

/* Screenshots at 1280 and 390 pixels wide and the first printed page (A4, no browser
 * header or footer) show text and charts; the same check rejects an empty page on screen
 * and on paper. */
static void test_pages_not_blank(void **state)
{
    (void)state;
    char report[256], shot_wide[256], shot_narrow[256], pdf[256], page1[256];
    snprintf(report, sizeof report, "%s/plots/report.html", tmp);
    snprintf(shot_wide, sizeof shot_wide, "%s/report-1280.png", tmp);
    snprintf(shot_narrow, sizeof shot_narrow, "%s/report-390.png", tmp);
    snprintf(pdf, sizeof pdf, "%s/report.pdf", tmp);
    snprintf(page1, sizeof page1, "%s/report-print-page1.png", tmp);
    char a_wide[300], a_narrow[300], a_pdf[300];
    snprintf(a_wide, sizeof a_wide, "--screenshot=%s", shot_wide);
    snprintf(a_narrow, sizeof a_narrow, "--screenshot=%s", shot_narrow);
    snprintf(a_pdf, sizeof a_pdf, "--print-to-pdf=%s", pdf);
    const char *wide[] = {"--window-size=1280,2000", "--hide-scrollbars", a_wide, NULL},
               *narrow[] = {"--window-size=390,1600", "--hide-scrollbars", a_narrow, NULL},
               *print[] = {"--no-pdf-header-footer", a_pdf, NULL};
    /* the three side by side: Chromium mostly waits */
    int p1 = browser_start(report, NULL, wide), p2 = browser_start(report, NULL, narrow),
        p3 = browser_start(report, NULL, print);
    browser_wait(p1, "screenshot at 1280");
    browser_wait(p2, "screenshot at 390");
    browser_wait(p3, "print to PDF");
    pdf_page1(pdf, page1);

    struct ink k;
    ink_read(shot_wide, &k);
    assert_int_equal(k.width, 1280);
    assert_int_equal(k.height, 2000);
    assert_null(ink_blank(&k));
    ink_read(shot_narrow, &k);
    assert_int_equal(k.width, 390);
    assert_int_equal(k.height, 1600);
    assert_null(ink_blank(&k));
    ink_read(page1, &k);
    assert_null(ink_blank(&k));
    /* printed on A4 */
    char *info = pdf_info(pdf);
    const char *size = strstr(info, "Page size:");
    assert_non_null(size);
    printf("  %.*s\n", (int)strcspn(size, "\n"), size);
    assert_non_null(strstr(size, "(A4)"));
    free(info);

    const char *evidence = getenv("SWITCHSIM_REPORT_EVIDENCE");
    if (evidence && *evidence) {
        const char *files[] = {"report-1280.png", "report-390.png", "report-print-page1.png",
                               "report.pdf"};
        for (int f = 0; f < 4; f++) {
            char to[PATH_MAX];
            snprintf(to, sizeof to, "%s/%s", evidence, files[f]);
            copy_file(in_tmp(files[f]), to);
        }
        printf("  copied the screenshots, the PDF and its first page to %s\n", evidence);
    }

    /* an empty page, on screen and on paper, must be rejected */
    char empty[256], shot_empty[256], pdf_empty[256], page1_empty[256];
    snprintf(empty, sizeof empty, "%s/empty.html", tmp);
    snprintf(shot_empty, sizeof shot_empty, "%s/empty-1280.png", tmp);
    snprintf(pdf_empty, sizeof pdf_empty, "%s/empty.pdf", tmp);
    snprintf(page1_empty, sizeof page1_empty, "%s/empty-print-page1.png", tmp);
    testutil_write(empty, "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                          "<title>empty</title></head><body></body></html>\n");
    snprintf(a_wide, sizeof a_wide, "--screenshot=%s", shot_empty);
    snprintf(a_pdf, sizeof a_pdf, "--print-to-pdf=%s", pdf_empty);
    p1 = browser_start(empty, NULL, wide);
    p3 = browser_start(empty, NULL, print);
    browser_wait(p1, "screenshot of an empty page");
    browser_wait(p3, "print of an empty page");
    pdf_page1(pdf_empty, page1_empty);
    ink_read(shot_empty, &k);
    assert_non_null(ink_blank(&k));
    printf("  rejected: %s\n", ink_blank(&k));
    ink_read(page1_empty, &k);
    assert_non_null(ink_blank(&k));
    printf("  rejected: %s\n", ink_blank(&k));
}

/* A scenario whose name and title hold <script>, both quotes and an ampersand: the page
 * shows them as text (heading, title, the table of inputs, the changed settings) and has
 * no script element at all. */
static void test_scenario_text_shown_literally(void **state)
{
    (void)state;
    char set_name[128], set_title[128], res[256], plots[256];
    snprintf(set_name, sizeof set_name, "scenario.name=%s", hostile);
    snprintf(set_title, sizeof set_title, "scenario.title=%s", hostile);
    snprintf(res, sizeof res, "%s/hostile-results", tmp);
    snprintf(plots, sizeof plots, "%s/hostile-plots", tmp);
    sim("run", SCENARIO, "-r", "5", "-q", "-o", res, "--set", set_name, "--set", set_title, NULL);
    sim("plot", res, "-o", plots, NULL);
    char *html = testutil_read(testutil_path(plots, "report.html"));
    assert_non_null(html);
    assert_null(strcasestr(html, "<script"));
    free(html);
    char *dom = browser_dom(testutil_path(plots, "report.html"), NULL);
    assert_null(strcasestr(dom, "<script"));

    char *title = dom_find_text(dom, NULL, "title", NULL),
         *h1 = dom_find_text(dom, NULL, "h1", NULL);
    assert_non_null(title);
    assert_non_null(h1);
    printf("  title: %s\n  h1:    %s\n", title, h1);
    assert_string_equal(title, hostile);
    assert_string_equal(h1, hostile);
    free(title);
    free(h1);
    /* the table of inputs gives both keys' values as they are */
    const char *keys[] = {"scenario.name", "scenario.title"};
    for (int k = 0; k < 2; k++) {
        const char *row = NULL;
        struct dom_tag t;
        for (const char *p = dom; !row && dom_next_start(&p, &t);)
            if (!strcmp(t.name, "code")) {
                char *text = dom_element_text(&t);
                if (!strcmp(text, keys[k]))
                    row = t.start;
                free(text);
            }
        assert_non_null(row);
        char *value = dom_find_text(row, strstr(row, "</tr>"), "td", NULL);
        assert_non_null(value);
        assert_string_equal(value, hostile);
        free(value);
    }
    char *changed = dom_find_text(dom, NULL, "p", "changed");
    assert_non_null(changed);
    testutil_assert_contains(changed, set_name);
    testutil_assert_contains(changed, set_title);
    free(changed);
    assert_int_equal(dom_alt_problems(dom), 0);
    assert_int_equal(dom_self_contained_problems(dom), 0);
    free(dom);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_figures_equal_summary),
        cmocka_unit_test(test_headline_equals_summary),
        cmocka_unit_test(test_alt_text),
        cmocka_unit_test(test_self_contained),
        cmocka_unit_test(test_nothing_requested),
        cmocka_unit_test(test_pages_not_blank),
        cmocka_unit_test(test_scenario_text_shown_literally),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
