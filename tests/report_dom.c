/* report_dom.c - report.html's DOM as headless Chromium serialises it (--dump-dom), read
 * for test_report: tags and their attributes, text as a reader sees it, and the checks of
 * what a page must show (alt text, nothing loaded from outside). Split from test_report.c.
 *
 * Chromium writes the DOM as HTML: attributes in double quotes with & and " escaped, text
 * with &, < and > escaped, the text of style and script raw. That is all a scanner needs. */
#define _GNU_SOURCE /* strcasestr */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "report_dom.h"

bool dom_next(const char **p, struct dom_tag *t)
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

bool dom_next_start(const char **p, struct dom_tag *t)
{
    while (dom_next(p, t))
        if (!t->closing)
            return true;
    return false;
}

bool dom_attr(const struct dom_tag *t, const char *name, const char **v, size_t *len)
{
    for (int a = 0; a < t->n_attr; a++)
        if (!strcmp(t->attr[a].name, name)) {
            *v = t->attr[a].value ? t->attr[a].value : "";
            *len = t->attr[a].value ? t->attr[a].len : 0;
            return true;
        }
    return false;
}

bool dom_has(const struct dom_tag *t, const char *name)
{
    const char *v;
    size_t len;
    return dom_attr(t, name, &v, &len);
}

bool dom_attr_is(const struct dom_tag *t, const char *name, const char *value)
{
    const char *v;
    size_t len;
    return dom_attr(t, name, &v, &len) && len == strlen(value) && !strncmp(v, value, len);
}

char *dom_decode(const char *s, size_t len)
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

char *dom_element_text(const struct dom_tag *t)
{
    char close[32];
    snprintf(close, sizeof close, "</%s>", t->name);
    const char *e = strstr(t->end, close);
    assert_non_null(e);
    return dom_decode(t->end, (size_t)(e - t->end));
}

char *dom_find_text(const char *from, const char *limit, const char *name, const char *cls)
{
    struct dom_tag t;
    for (const char *p = from; dom_next_start(&p, &t) && (!limit || t.start < limit);)
        if (!strcmp(t.name, name) && (!cls || dom_attr_is(&t, "class", cls)))
            return dom_element_text(&t);
    return NULL;
}

/* ---- what the DOM must show ---- */

int dom_alt_problems(const char *dom)
{
    int problems = 0, figures = 0;
    struct dom_tag t;
    for (const char *p = dom; dom_next_start(&p, &t);) {
        const char *v;
        size_t len;
        if (!strcmp(t.name, "img")) {
            char *alt = dom_attr(&t, "alt", &v, &len) ? dom_decode(v, len) : NULL;
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
            struct dom_tag next;
            const char *q = t.end;
            bool titled = (dom_attr(&t, "aria-label", &v, &len) && len > 0) ||
                          (dom_next(&q, &next) && !next.closing && !strcmp(next.name, "title"));
            if (!titled) {
                printf("  inline svg without a title or aria-label: %.120s\n", t.start);
                problems++;
            }
        } else if (dom_attr_is(&t, "role", "img") &&
                   !(dom_attr(&t, "aria-label", &v, &len) && len > 0)) {
            printf("  role=img without aria-label: %.120s\n", t.start);
            problems++;
        } else if (!strcmp(t.name, "figure")) {
            figures++;
            const char *end = strstr(t.end, "</figure>");
            char *caption = dom_find_text(t.end, end, "figcaption", NULL);
            char *missing = dom_find_text(t.end, end, "p", "missing");
            struct dom_tag in;
            bool img = false;
            for (const char *q = t.end; dom_next_start(&q, &in) && in.start < end;)
                img |= !strcmp(in.name, "img") || !strcmp(in.name, "svg");
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

int dom_self_contained_problems(const char *dom)
{
    static const char *const loaders[] = {"script", "link", "iframe", "frame", "object",
                                          "embed",  "base", "audio",  "video", "source",
                                          "track",  "form", "applet", "portal"};
    static const char *const url_attrs[] = {"src",  "href",       "srcset",     "poster",
                                            "data", "action",     "formaction", "background",
                                            "cite", "xlink:href", "ping",       "longdesc"};
    int problems = 0;
    bool csp = false;
    struct dom_tag t;
    for (const char *p = dom; dom_next_start(&p, &t);) {
        const char *v;
        size_t len;
        if (!strcmp(t.name, "meta") && dom_attr_is(&t, "http-equiv", "Content-Security-Policy") &&
            dom_attr(&t, "content", &v, &len)) {
            char *policy = dom_decode(v, len);
            csp = strstr(policy, "default-src 'none'") != NULL;
            free(policy);
        }
        for (size_t k = 0; k < sizeof loaders / sizeof loaders[0]; k++)
            if (!strcmp(t.name, loaders[k])) {
                printf("  a <%s> element: %.160s\n", t.name, t.start);
                problems++;
            }
        for (size_t k = 0; k < sizeof url_attrs / sizeof url_attrs[0]; k++)
            if (dom_attr(&t, url_attrs[k], &v, &len) && !starts_with(v, len, "data:") &&
                !starts_with(v, len, "#")) {
                printf("  <%s %s=\"%.*s\">: not inside the page\n", t.name, url_attrs[k],
                       (int)(len < 120 ? len : 120), v);
                problems++;
            }
        if (!strcmp(t.name, "style") || dom_attr(&t, "style", &v, &len)) {
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
