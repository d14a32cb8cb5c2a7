/* report_browser.c - the tools test_report looks at report.html with: headless Chromium
 * with the network blocked (the DOM, screenshots, a printed PDF), Chromium's net log,
 * poppler for the printed page, and libpng for the pixels. Split from test_report.c. */
#define _GNU_SOURCE /* strchrnul */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <png.h>

#include "report_browser.h"
#include "testutil.h"

#define tmp testutil_tmp
#define BROWSER_TIMEOUT 120.0 /* seconds for one Chromium run */

static char chromium[PATH_MAX], pdftoppm[PATH_MAX], pdfinfo[PATH_MAX];

/* name's full path in buf: as given when it holds a slash, else the first on $PATH. */
static bool find_program(const char *name, char *buf, size_t size)
{
    if (strchr(name, '/')) {
        snprintf(buf, size, "%s", name);
        return access(buf, X_OK) == 0;
    }
    const char *path = getenv("PATH");
    for (const char *p = path && *path ? path : "/usr/bin:/bin";;) {
        const char *end = strchrnul(p, ':');
        snprintf(buf, size, "%.*s/%s", (int)(end - p), p, name);
        if (end > p && access(buf, X_OK) == 0)
            return true;
        if (!*end)
            return false;
        p = end + 1;
    }
}

int browser_setup(void)
{
    const char *browser_name = getenv("CHROMIUM");
    if (!find_program(browser_name && *browser_name ? browser_name : "chromium", chromium,
                      sizeof chromium) ||
        !find_program("pdftoppm", pdftoppm, sizeof pdftoppm) ||
        !find_program("pdfinfo", pdfinfo, sizeof pdfinfo)) {
        fprintf(stderr, "test_report needs chromium, pdftoppm and pdfinfo: make test-report "
                        "installs them (packages chromium and poppler-utils)\n");
        return -1;
    }
    /* Chromium keeps its settings and caches in the test's folder, not the user's home */
    char home[256];
    snprintf(home, sizeof home, "%s/home", tmp);
    if (mkdir(home, 0700) || setenv("HOME", home, 1) || setenv("XDG_CONFIG_HOME", home, 1) ||
        setenv("XDG_CACHE_HOME", home, 1))
        return -1;
    return 0;
}

/* ---- headless Chromium ---- */

#define BROWSER_RUNS_MAX 32
static int browser_runs;                    /* each run gets its own profile and log */
static pid_t browser_pid[BROWSER_RUNS_MAX]; /* by run */

int browser_start(const char *path, const char *out, const char *const *extra)
{
    char profile[256], log[256], url[PATH_MAX + 8];
    int n = ++browser_runs;
    assert_true(n < BROWSER_RUNS_MAX);
    snprintf(profile, sizeof profile, "--user-data-dir=%s/profile-%d", tmp, n);
    snprintf(log, sizeof log, "%s/chromium-%d.log", tmp, n);
    snprintf(url, sizeof url, "file://%s", path);
    char *argv[48] = {chromium,
                      "--headless=new",
                      "--no-sandbox",
                      "--disable-gpu",
                      profile,
                      "--no-first-run",
                      "--disable-background-networking",
                      "--disable-component-update",
                      "--disable-default-apps",
                      "--disable-extensions",
                      "--disable-spell-checking",
                      "--disable-sync",
                      "--host-resolver-rules=MAP * ~NOTFOUND",
                      "--proxy-server=127.0.0.1:9"};
    int argc = 0;
    while (argv[argc])
        argc++;
    for (; *extra && argc < 46; extra++)
        argv[argc++] = (char *)*extra;
    argv[argc++] = url;
    argv[argc] = NULL;
    browser_pid[n] = testutil_start(argv, NULL, out, log);
    return n;
}

void browser_wait(int n, const char *what)
{
    int rc = testutil_wait(browser_pid[n], BROWSER_TIMEOUT);
    if (rc != 0) {
        char log[256];
        snprintf(log, sizeof log, "%s/chromium-%d.log", tmp, n);
        char *text = testutil_read(log);
        size_t len = text ? strlen(text) : 0;
        fail_msg("chromium (%s) %s %d; the end of its messages:\n%s", what,
                 rc < 0 ? "took longer than its time, killed:" : "exited", rc,
                 text ? text + (len > 3000 ? len - 3000 : 0) : "(none)");
    }
}

static void browser(const char *path, const char *out, const char *const *extra)
{
    browser_wait(browser_start(path, out, extra), extra[0]);
}

char *browser_dom(const char *path, const char *netlog)
{
    char out[256], log_arg[300];
    snprintf(out, sizeof out, "%s/dom-%d.html", tmp, browser_runs + 1);
    snprintf(log_arg, sizeof log_arg, "--log-net-log=%s", netlog ? netlog : "");
    const char *extra[] = {"--dump-dom", netlog ? log_arg : NULL, NULL};
    browser(path, out, extra);
    char *dom = testutil_read(out);
    assert_non_null(dom);
    if (!strstr(dom, "</html>"))
        fail_msg("chromium's DOM of %s is cut short: %.200s", path, dom);
    return dom;
}

/* ---- the net log ----
 * Chromium writes one event a line, each naming its source (a request) by id. A request
 * made for the page carries the page's origin as initiator ("null" for a file) and the
 * page (file://) in its network isolation key; Chromium's own background requests (its
 * updater, the account check) carry "not an origin" and no page. */

struct urls {
    char url[16][300];
    size_t n;
};

static void urls_add(struct urls *u, const char *url, size_t len)
{
    for (size_t k = 0; k < u->n; k++)
        if (strlen(u->url[k]) == (len < 299 ? len : 299) && !strncmp(u->url[k], url, len))
            return;
    if (u->n < 16)
        snprintf(u->url[u->n++], sizeof u->url[0], "%.*s", (int)len, url);
}

static long event_source(const char *line)
{
    const char *s = strstr(line, "\"source\":{\"id\":");
    return s ? strtol(s + 15, NULL, 10) : -1;
}

/* The URLs other than file: and data: that the page asked for (into page) and that
 * Chromium asked for by itself (into own), from the net log's text (cut into lines in
 * place); returns the number of events read. */
static size_t netlog_requests(char *log, struct urls *page, struct urls *own)
{
    size_t n_lines = 1, events = 0;
    for (char *p = log; (p = strchr(p, '\n')); p++)
        n_lines++;
    char **lines = malloc(n_lines * sizeof *lines);
    assert_non_null(lines);
    n_lines = 0;
    for (char *p = log; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
        lines[n_lines++] = p;
    for (size_t i = 1; i < n_lines; i++)
        lines[i][-1] = '\0';
    long max_id = -1;
    for (size_t i = 0; i < n_lines; i++) {
        long id = event_source(lines[i]);
        max_id = id > max_id ? id : max_id;
    }
    bool *for_page = calloc((size_t)max_id + 2, sizeof *for_page);
    assert_non_null(for_page);
    for (size_t i = 0; i < n_lines; i++) { /* which requests the page made */
        long id = event_source(lines[i]);
        if (id < 0)
            continue;
        events++;
        const char *init = strstr(lines[i], "\"initiator\":\"");
        if ((init && strncmp(init + 13, "not an origin\"", 14)) || strstr(lines[i], "file://"))
            for_page[id] = true;
    }
    for (size_t i = 0; i < n_lines; i++) { /* what they asked for */
        long id = event_source(lines[i]);
        for (const char *u = lines[i]; id >= 0 && (u = strstr(u, "\"url\":\"")); u += 7) {
            const char *url = u + 7, *end = strchr(url, '"');
            if (end && strncmp(url, "file:", 5) && strncmp(url, "data:", 5))
                urls_add(for_page[id] ? page : own, url, (size_t)(end - url));
        }
    }
    free(for_page);
    free(lines);
    /* a request the page made also shows under the connection opened for it */
    size_t kept = 0;
    for (size_t k = 0; k < own->n; k++) {
        bool mine = false;
        for (size_t j = 0; j < page->n; j++)
            mine |= !strcmp(own->url[k], page->url[j]);
        if (!mine)
            memmove(own->url[kept++], own->url[k], sizeof own->url[0]);
    }
    own->n = kept;
    return events;
}

size_t browser_page_requests(const char *path, char *first, size_t size)
{
    char *log = testutil_read(path);
    if (!log)
        fail_msg("chromium wrote no net log at %s", path);
    struct urls page = {0}, own = {0};
    size_t events = netlog_requests(log, &page, &own);
    if (events < 10 || !strstr(log, "URL_REQUEST_START_JOB"))
        fail_msg("the net log %s has %zu events and no request type: not a net log", path, events);
    printf("  %s: %zu events; Chromium's own background requests, not the page's: %zu\n", path,
           events, own.n);
    for (size_t k = 0; k < own.n; k++)
        printf("    %.90s\n", own.url[k]);
    for (size_t k = 0; k < page.n; k++)
        printf("  the page asked for %s\n", page.url[k]);
    snprintf(first, size, "%s", page.n ? page.url[0] : "");
    free(log);
    return page.n;
}

/* ---- pixels ---- */

void ink_read(const char *path, struct ink *k)
{
    png_image im;
    memset(&im, 0, sizeof im);
    im.version = PNG_IMAGE_VERSION;
    if (!png_image_begin_read_from_file(&im, path))
        fail_msg("cannot read %s as PNG: %s", path, im.message);
    im.format = PNG_FORMAT_RGB;
    unsigned char *px = malloc(PNG_IMAGE_SIZE(im));
    assert_non_null(px);
    png_color white = {255, 255, 255};
    if (!png_image_finish_read(&im, &white, px, 0, NULL))
        fail_msg("cannot decode %s: %s", path, im.message);
    size_t n = (size_t)im.width * im.height;
    /* the background: the commonest colour, to 5 bits a channel */
    static uint32_t bins[1 << 15];
    memset(bins, 0, sizeof bins);
    for (size_t i = 0; i < n; i++) {
        const unsigned char *c = px + 3 * i;
        bins[(c[0] >> 3) << 10 | (c[1] >> 3) << 5 | c[2] >> 3]++;
    }
    size_t bg = 0;
    for (size_t b = 1; b < sizeof bins / sizeof bins[0]; b++)
        if (bins[b] > bins[bg])
            bg = b;
    long dark = 0, runs = 0, lines = 0;
    for (size_t y = 0; y < im.height; y++) {
        bool in_run = false, any = false;
        for (size_t x = 0; x < im.width; x++) {
            const unsigned char *c = px + 3 * (y * im.width + x);
            bool d = 299 * c[0] + 587 * c[1] + 114 * c[2] < 100 * 1000;
            dark += d;
            runs += d && !in_run;
            in_run = d;
            any |= d;
        }
        lines += any;
    }
    k->width = im.width;
    k->height = im.height;
    k->ink = 1.0 - (double)bins[bg] / (double)n;
    k->dark = (double)dark / (double)n;
    k->dark_runs = runs;
    k->dark_lines = lines;
    printf("  %s: %ldx%ld, %.1f%% ink, %.2f%% dark in %ld runs on %ld rows\n", path, k->width,
           k->height, 100 * k->ink, 100 * k->dark, k->dark_runs, k->dark_lines);
    free(px);
}

const char *ink_blank(const struct ink *k)
{
    if (k->ink < 0.03)
        return "under 3% of it differs from the background";
    if (k->dark < 0.002)
        return "under 0.2% of it is dark";
    if (k->dark_runs < 200 || k->dark_lines < 30)
        return "its dark pixels do not look like text";
    return NULL;
}

void pdf_page1(const char *pdf, const char *png_path)
{
    char stem[PATH_MAX];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(png_path) - 4), png_path);
    char *argv[] = {pdftoppm, "-png", "-r",          "50",        "-f", "1",
                    "-l",     "1",    "-singlefile", (char *)pdf, stem, NULL};
    assert_int_equal(testutil_run(argv, NULL, NULL, NULL, 60), 0);
    assert_true(testutil_exists(png_path));
}

char *pdf_info(const char *pdf)
{
    char *argv[] = {pdfinfo, (char *)pdf, NULL};
    char info_path[256];
    snprintf(info_path, sizeof info_path, "%s/pdfinfo.txt", tmp);
    assert_int_equal(testutil_run(argv, NULL, info_path, NULL, 60), 0);
    char *info = testutil_read(info_path);
    assert_non_null(info);
    return info;
}
