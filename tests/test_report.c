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
 * poppler-utils and libpng-dev when missing: `make test` never needs a browser. With
 * SWITCHSIM_REPORT_EVIDENCE=DIR the screenshots, the PDF and its first page are copied
 * into DIR for people to look at. */
#define _GNU_SOURCE /* strcasestr, strchrnul */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
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

#include "switchsim/metric.h"
#include "testutil.h"

#define tmp testutil_tmp
#define SCENARIO "scenarios/lga-2015-02.ini"
#define BROWSER_TIMEOUT 120.0 /* seconds for one Chromium run */

/* Scenario text that must come out as text: markup, both quotes and an ampersand. */
static const char hostile[] = "<script>alert(1)</script> \"double\" & 'single'";

static char chromium[PATH_MAX], pdftoppm[PATH_MAX], pdfinfo[PATH_MAX];
static char *report_dom; /* the report's DOM as Chromium serialised it */
static char *remote_dom; /* the DOM of a page that loads an image from the network */
#define REPORT_NETLOG "report-netlog.json" /* Chromium's net logs of the two, in tmp */
#define REMOTE_NETLOG "remote-netlog.json"

/* ---- small helpers ---- */

static const char *in_tmp(const char *name)
{
    return testutil_path(tmp, name);
}

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

/* ---- headless Chromium ---- */

#define BROWSER_RUNS_MAX 32
static int browser_runs;                    /* each run gets its own profile and log */
static pid_t browser_pid[BROWSER_RUNS_MAX]; /* by run */

/* Starts headless Chromium on the file at path with the network blocked: every host name
 * resolves to nothing, and every request would go to a proxy on this machine where nothing
 * listens (the discard port); background services are asked to stay quiet. extra (NULL
 * ended) says what to do (--dump-dom, --screenshot=..., --print-to-pdf=...); stdout goes
 * to out (NULL: nowhere), stderr to tmp/chromium-N.log. Returns N, for browser_wait. */
static int browser_start(const char *path, const char *out, const char *const *extra)
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

/* Waits for Chromium run n; fails the test, showing the end of its messages, unless it
 * finished well. */
static void browser_wait(int n, const char *what)
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

/* The DOM of the page at path as Chromium builds it (the caller frees it); with netlog,
 * Chromium's net log of the visit is written there. */
static char *dom_of(const char *path, const char *netlog)
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

/* ---- reading the serialised DOM ----
 * Chromium writes the DOM as HTML: attributes in double quotes with & and " escaped, text
 * with &, < and > escaped, the text of style and script raw. That is all a scanner needs. */

struct tag {
    const char *start, *end; /* at '<' and just after '>' */
    char name[24];           /* lower case, without the / of a closing tag */
    bool closing;
    int n_attr;
    struct {
        char name[32];
        const char *value; /* raw, still escaped; NULL for an attribute with no value */
        size_t len;
    } attr[24];
};

/* The next tag at or after *p, skipping doctype, comments and the raw text of style and
 * script; false at the end. */
static bool tag_next(const char **p, struct tag *t)
{
    for (const char *s = *p; (s = strchr(s, '<'));) {
        if (s[1] == '!') {
            const char *e = strncmp(s, "<!--", 4) ? strchr(s, '>') : strstr(s + 4, "-->");
            if (!e)
                return false;
            s = e + 1;
            continue;
        }
        bool closing = s[1] == '/';
        const char *q = s + 1 + closing;
        if (!((*q >= 'a' && *q <= 'z') || (*q >= 'A' && *q <= 'Z'))) {
            s++;
            continue;
        }
        memset(t, 0, sizeof *t);
        t->start = s;
        t->closing = closing;
        size_t k = 0;
        while (*q && !strchr(" \t\n\r/>", *q)) {
            if (k + 1 < sizeof t->name)
                t->name[k++] = (char)(*q >= 'A' && *q <= 'Z' ? *q + 32 : *q);
            q++;
        }
        while (*q && *q != '>') { /* attributes */
            if (strchr(" \t\n\r/", *q)) {
                q++;
                continue;
            }
            const char *name = q;
            while (*q && !strchr(" \t\n\r/>=", *q))
                q++;
            int a = t->n_attr < 24 ? t->n_attr++ : 23;
            snprintf(t->attr[a].name, sizeof t->attr[a].name, "%.*s", (int)(q - name), name);
            t->attr[a].value = NULL;
            if (*q == '=') {
                char quote = *++q;
                if (quote == '"' || quote == '\'') {
                    const char *v = ++q;
                    while (*q && *q != quote)
                        q++;
                    t->attr[a].value = v;
                    t->attr[a].len = (size_t)(q - v);
                    if (*q)
                        q++;
                } else {
                    const char *v = q;
                    while (*q && !strchr(" \t\n\r>", *q))
                        q++;
                    t->attr[a].value = v;
                    t->attr[a].len = (size_t)(q - v);
                }
            }
        }
        if (!*q)
            return false;
        t->end = q + 1;
        *p = t->end;
        if (!closing && (!strcmp(t->name, "style") || !strcmp(t->name, "script"))) {
            char close[sizeof t->name + 2];
            snprintf(close, sizeof close, "</%s", t->name);
            const char *e = strcasestr(t->end, close);
            *p = e ? e : t->end + strlen(t->end);
        }
        return true;
    }
    return false;
}

/* Attribute `name` of t: its raw value and length; false when t has none. */
static bool tag_attr(const struct tag *t, const char *name, const char **v, size_t *len)
{
    for (int a = 0; a < t->n_attr; a++)
        if (!strcmp(t->attr[a].name, name)) {
            *v = t->attr[a].value ? t->attr[a].value : "";
            *len = t->attr[a].value ? t->attr[a].len : 0;
            return true;
        }
    return false;
}

static bool tag_has(const struct tag *t, const char *name)
{
    const char *v;
    size_t len;
    return tag_attr(t, name, &v, &len);
}

static bool tag_attr_is(const struct tag *t, const char *name, const char *value)
{
    const char *v;
    size_t len;
    return tag_attr(t, name, &v, &len) && len == strlen(value) && !strncmp(v, value, len);
}

/* Text as a reader sees it: tags dropped, character references decoded (as UTF-8). */
static char *decode(const char *s, size_t len)
{
    char *out = malloc(len + 1), *o = out;
    assert_non_null(out);
    static const struct {
        const char *ref, *text;
    } named[] = {{"&amp;", "&"}, {"&lt;", "<"},   {"&gt;", ">"},         {"&quot;", "\""},
                 {"&#39;", "'"}, {"&apos;", "'"}, {"&nbsp;", "\xc2\xa0"}};
    for (const char *p = s, *end = s + len; p < end;) {
        if (*p == '<') { /* a tag inside the text */
            const char *e = memchr(p, '>', (size_t)(end - p));
            p = e ? e + 1 : end;
            continue;
        }
        bool done = false;
        if (*p == '&') {
            for (size_t k = 0; k < sizeof named / sizeof named[0] && !done; k++) {
                size_t n = strlen(named[k].ref);
                if ((size_t)(end - p) >= n && !strncmp(p, named[k].ref, n)) {
                    strcpy(o, named[k].text);
                    o += strlen(named[k].text);
                    p += n;
                    done = true;
                }
            }
            if (!done && p + 2 < end && p[1] == '#') { /* a numeric reference, ASCII only */
                char *stop;
                long c = p[2] == 'x' ? strtol(p + 3, &stop, 16) : strtol(p + 2, &stop, 10);
                if (stop < end && *stop == ';' && c > 0 && c < 128) {
                    *o++ = (char)c;
                    p = stop + 1;
                    done = true;
                }
            }
        }
        if (!done)
            *o++ = *p++;
    }
    *o = '\0';
    return out;
}

/* The decoded text of the element whose start tag is t, up to its closing tag. */
static char *element_text(const struct tag *t)
{
    char close[32];
    snprintf(close, sizeof close, "</%s>", t->name);
    const char *e = strstr(t->end, close);
    assert_non_null(e);
    return decode(t->end, (size_t)(e - t->end));
}

/* The text of the first element `name` with class `cls` (NULL: any) at or after from,
 * stopping at limit (NULL: the end); NULL when there is none. */
static char *find_text(const char *from, const char *limit, const char *name, const char *cls)
{
    struct tag t;
    for (const char *p = from; tag_next(&p, &t) && (!limit || t.start < limit);)
        if (!t.closing && !strcmp(t.name, name) && (!cls || tag_attr_is(&t, "class", cls)))
            return element_text(&t);
    return NULL;
}

/* ---- what the DOM must show ---- */

/* Images and charts a reader who cannot see them can follow: every <img> has non-empty alt
 * text and no attribute but src and alt (a quote from scenario text that broke out of an
 * attribute would add some); every inline <svg> has a <title> or an aria-label; every
 * role="img" has an aria-label; every <figure> shows a chart and has a caption. Prints
 * each problem; returns how many there are. */
static int alt_problems(const char *dom)
{
    int problems = 0, figures = 0;
    struct tag t;
    for (const char *p = dom; tag_next(&p, &t);) {
        if (t.closing)
            continue;
        const char *v;
        size_t len;
        if (!strcmp(t.name, "img")) {
            char *alt = tag_attr(&t, "alt", &v, &len) ? decode(v, len) : NULL;
            bool blank = !alt || strspn(alt, " \t\n\r") == strlen(alt);
            if (blank) {
                printf("  img without alt text: %.120s\n", t.start);
                problems++;
            }
            for (int a = 0; a < t.n_attr; a++)
                if (strcmp(t.attr[a].name, "src") && strcmp(t.attr[a].name, "alt")) {
                    printf("  img with a stray attribute '%s': %.200s\n", t.attr[a].name,
                           alt ? alt : "");
                    problems++;
                }
            free(alt);
        } else if (!strcmp(t.name, "svg")) {
            struct tag next;
            const char *q = t.end;
            bool titled = (tag_attr(&t, "aria-label", &v, &len) && len > 0) ||
                          (tag_next(&q, &next) && !next.closing && !strcmp(next.name, "title"));
            if (!titled) {
                printf("  inline svg without a title or aria-label: %.120s\n", t.start);
                problems++;
            }
        } else if (tag_attr_is(&t, "role", "img") &&
                   !(tag_attr(&t, "aria-label", &v, &len) && len > 0)) {
            printf("  role=img without aria-label: %.120s\n", t.start);
            problems++;
        } else if (!strcmp(t.name, "figure")) {
            figures++;
            const char *end = strstr(t.end, "</figure>");
            char *caption = find_text(t.end, end, "figcaption", NULL);
            char *missing = find_text(t.end, end, "p", "missing");
            struct tag in;
            bool img = false;
            for (const char *q = t.end; tag_next(&q, &in) && in.start < end;)
                img |= !in.closing && (!strcmp(in.name, "img") || !strcmp(in.name, "svg"));
            if (!img || missing || !caption || !*caption) {
                printf("  figure %d:%s%s%s\n", figures, img ? "" : " no chart;",
                       missing ? missing : "", caption && *caption ? "" : " no caption");
                problems++;
            }
            free(caption);
            free(missing);
        }
    }
    return problems;
}

static bool starts_with(const char *s, size_t len, const char *prefix)
{
    return len >= strlen(prefix) && !strncmp(s, prefix, strlen(prefix));
}

/* A page that can load nothing: a Content-Security-Policy with default-src 'none'; no
 * element that loads or runs anything (script, link, iframe, object, embed, base, media,
 * form); every URL in an attribute a data: URI or a #fragment; no url() in its style but
 * data:, and no @import. Prints each problem; returns how many. */
static int self_contained_problems(const char *dom)
{
    static const char *const loaders[] = {"script", "link", "iframe", "frame", "object",
                                          "embed",  "base", "audio",  "video", "source",
                                          "track",  "form", "applet", "portal"};
    static const char *const url_attrs[] = {"src",  "href",       "srcset",     "poster",
                                            "data", "action",     "formaction", "background",
                                            "cite", "xlink:href", "ping",       "longdesc"};
    int problems = 0;
    bool csp = false;
    struct tag t;
    for (const char *p = dom; tag_next(&p, &t);) {
        if (t.closing)
            continue;
        const char *v;
        size_t len;
        if (!strcmp(t.name, "meta") && tag_attr_is(&t, "http-equiv", "Content-Security-Policy") &&
            tag_attr(&t, "content", &v, &len)) {
            char *policy = decode(v, len);
            csp = strstr(policy, "default-src 'none'") != NULL;
            free(policy);
        }
        for (size_t k = 0; k < sizeof loaders / sizeof loaders[0]; k++)
            if (!strcmp(t.name, loaders[k])) {
                printf("  a <%s> element: %.160s\n", t.name, t.start);
                problems++;
            }
        for (size_t k = 0; k < sizeof url_attrs / sizeof url_attrs[0]; k++)
            if (tag_attr(&t, url_attrs[k], &v, &len) && !starts_with(v, len, "data:") &&
                !starts_with(v, len, "#")) {
                printf("  <%s %s=\"%.*s\">: not inside the page\n", t.name, url_attrs[k],
                       (int)(len < 120 ? len : 120), v);
                problems++;
            }
        if (!strcmp(t.name, "style") || tag_attr(&t, "style", &v, &len)) {
            const char *css = !strcmp(t.name, "style") ? t.end : v;
            const char *end = !strcmp(t.name, "style") ? strstr(t.end, "</style>") : v + len;
            for (const char *u = css; end && (u = strcasestr(u, "url(")) && u < end; u += 4) {
                const char *arg = u + 4 + strspn(u + 4, "'\" ");
                if (strncmp(arg, "data:", 5) && strncmp(arg, "#", 1)) {
                    printf("  style loads %.80s\n", u);
                    problems++;
                }
            }
            const char *imp = strcasestr(css, "@import");
            if (imp && end && imp < end) {
                printf("  style imports %.80s\n", imp);
                problems++;
            }
        }
    }
    if (!csp) {
        printf("  no Content-Security-Policy with default-src 'none'\n");
        problems++;
    }
    return problems;
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

/* Checks the net log at path: prints what was asked for; returns the number of URLs the
 * page asked for beyond file: and data:, the first of them into first. */
static size_t page_requests(const char *path, char *first, size_t size)
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

struct ink {
    long width, height;
    double ink;      /* share of pixels not of the background colour (the commonest) */
    double dark;     /* share of dark pixels (luma below 100): text, lines */
    long dark_runs;  /* horizontal runs of dark pixels: many short ones are text */
    long dark_lines; /* rows holding a dark pixel */
};

/* Reads the PNG at path (any kind, flattened onto white) and measures its ink. */
static void ink_read(const char *path, struct ink *k)
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

/* NULL when the picture looks like a page of text and charts, else why not: at least 3%
 * of it not background, and dark text-like marks (0.2% dark pixels, in 200 or more runs
 * over 30 or more rows). */
static const char *ink_blank(const struct ink *k)
{
    if (k->ink < 0.03)
        return "under 3% of it differs from the background";
    if (k->dark < 0.002)
        return "under 0.2% of it is dark";
    if (k->dark_runs < 200 || k->dark_lines < 30)
        return "its dark pixels do not look like text";
    return NULL;
}

/* The first page of the PDF at pdf as a PNG at 50 dpi, at png_path. */
static void pdf_page1(const char *pdf, const char *png_path)
{
    char stem[PATH_MAX];
    snprintf(stem, sizeof stem, "%.*s", (int)(strlen(png_path) - 4), png_path);
    char *argv[] = {pdftoppm, "-png", "-r",          "50",        "-f", "1",
                    "-l",     "1",    "-singlefile", (char *)pdf, stem, NULL};
    assert_int_equal(testutil_run(argv, NULL, NULL, NULL, 60), 0);
    assert_true(testutil_exists(png_path));
}

/* ---- the set up: one run of the February 2015 auction, plotted, opened once ---- */

static int setup(void **state)
{
    if (testutil_setup(state))
        return -1;
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
    char res[256], plots[256];
    snprintf(res, sizeof res, "%s/results", tmp);
    snprintf(plots, sizeof plots, "%s/plots", tmp);
    sim("run", SCENARIO, "-r", "50", "-q", "-o", res, NULL);
    sim("plot", res, "-o", plots, NULL);
    char netlog[256];
    snprintf(netlog, sizeof netlog, "%s/%s", tmp, REPORT_NETLOG);
    report_dom = dom_of(testutil_path(plots, "report.html"), netlog);
    /* the control: a page without a policy that shows an image from the network */
    testutil_write(in_tmp("remote.html"),
                   "<!DOCTYPE html><html><head><title>remote</title></head><body>"
                   "<p>An image from the network:</p>"
                   "<img src=\"http://example.invalid/x.png\" alt=\"x\"></body></html>\n");
    snprintf(netlog, sizeof netlog, "%s/%s", tmp, REMOTE_NETLOG);
    remote_dom = dom_of(in_tmp("remote.html"), netlog);
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
    struct tag t;
    for (const char *p = report_dom; tag_next(&p, &t);)
        in_dom += !t.closing && !strcmp(t.name, "tr") && tag_has(&t, "data-metric");
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
        char *mean = find_text(row, end, "td", "mean"), *range = find_text(row, end, "td", "range"),
             *ci = find_text(row, end, "td", "ci");
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
    char *headline = find_text(report_dom, NULL, "p", "headline");
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
    struct tag t;
    for (const char *p = report_dom; tag_next(&p, &t);)
        images += !t.closing && !strcmp(t.name, "img");
    printf("  %d images\n", images);
    assert_true(images >= 3);
    assert_int_equal(alt_problems(report_dom), 0);

    const char *bad = "<!DOCTYPE html><html><head><title>t</title></head><body>"
                      "<img src=\"data:image/gif;base64,R0lGODlhAQABAAAAACw=\" alt=\" \">"
                      "<svg width=\"4\" height=\"4\"><rect width=\"4\" height=\"4\"/></svg>"
                      "<figure><p>no chart</p></figure></body></html>";
    testutil_write(in_tmp("no-alt.html"), bad);
    char *dom = dom_of(in_tmp("no-alt.html"), NULL);
    assert_int_equal(alt_problems(dom), 3);
    free(dom);
}

/* Nothing in the page points outside it, and its policy forbids loading anything; the
 * check catches a page that does load an image from the network. */
static void test_self_contained(void **state)
{
    (void)state;
    assert_int_equal(self_contained_problems(report_dom), 0);
    assert_int_equal(self_contained_problems(remote_dom), 2); /* the img, and no policy */
}

/* With the network blocked, the report asks for nothing but itself: Chromium's net log
 * holds no request from the page but for file: and data: URLs; the same check finds the
 * image a page without a policy asks the network for. */
static void test_nothing_requested(void **state)
{
    (void)state;
    char first[300];
    assert_int_equal(page_requests(in_tmp(REPORT_NETLOG), first, sizeof first), 0);
    assert_int_equal(page_requests(in_tmp(REMOTE_NETLOG), first, sizeof first), 1);
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
    char *argv[] = {pdfinfo, pdf, NULL};
    char info_path[256];
    snprintf(info_path, sizeof info_path, "%s/pdfinfo.txt", tmp);
    assert_int_equal(testutil_run(argv, NULL, info_path, NULL, 60), 0);
    char *info = testutil_read(info_path);
    assert_non_null(info);
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
    char *dom = dom_of(testutil_path(plots, "report.html"), NULL);
    assert_null(strcasestr(dom, "<script"));

    char *title = find_text(dom, NULL, "title", NULL), *h1 = find_text(dom, NULL, "h1", NULL);
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
        struct tag t;
        for (const char *p = dom; !row && tag_next(&p, &t);)
            if (!t.closing && !strcmp(t.name, "code")) {
                char *text = element_text(&t);
                if (!strcmp(text, keys[k]))
                    row = t.start;
                free(text);
            }
        assert_non_null(row);
        char *value = find_text(row, strstr(row, "</tr>"), "td", NULL);
        assert_non_null(value);
        assert_string_equal(value, hostile);
        free(value);
    }
    char *changed = find_text(dom, NULL, "p", "changed");
    assert_non_null(changed);
    testutil_assert_contains(changed, set_name);
    testutil_assert_contains(changed, set_title);
    free(changed);
    assert_int_equal(alt_problems(dom), 0);
    assert_int_equal(self_contained_problems(dom), 0);
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
