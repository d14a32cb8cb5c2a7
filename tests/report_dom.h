/* report_dom.h - reading a page's DOM as headless Chromium serialises it, and the checks of
 * what report.html must show, for test_report. */
#ifndef SWITCHSIM_REPORT_DOM_H
#define SWITCHSIM_REPORT_DOM_H

#include <stdbool.h>
#include <stddef.h>

/* A tag of the serialised DOM. */
struct dom_tag {
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
bool dom_next(const char **p, struct dom_tag *t);

/* dom_next for start tags only: closing tags are passed over. */
bool dom_next_start(const char **p, struct dom_tag *t);

/* Attribute `name` of t: its raw value and length; false when t has none. */
bool dom_attr(const struct dom_tag *t, const char *name, const char **v, size_t *len);

/* Whether t has attribute `name`; whether it has it with exactly `value` (raw). */
bool dom_has(const struct dom_tag *t, const char *name);
bool dom_attr_is(const struct dom_tag *t, const char *name, const char *value);

/* Text as a reader sees it (the caller frees it): tags dropped, character references
 * decoded (as UTF-8). */
char *dom_decode(const char *s, size_t len);

/* The decoded text of the element whose start tag is t, up to its closing tag (the caller
 * frees it). */
char *dom_element_text(const struct dom_tag *t);

/* The text of the first element `name` with class `cls` (NULL: any) at or after from,
 * stopping at limit (NULL: the end); NULL when there is none (the caller frees it). */
char *dom_find_text(const char *from, const char *limit, const char *name, const char *cls);

/* Images and charts a reader who cannot see them can follow: every <img> has non-empty alt
 * text and no attribute but src and alt (a quote from scenario text that broke out of an
 * attribute would add some); every inline <svg> has a <title> or an aria-label; every
 * role="img" has an aria-label; every <figure> shows a chart and has a caption. Prints
 * each problem; returns how many there are. */
int dom_alt_problems(const char *dom);

/* A page that can load nothing: a Content-Security-Policy with default-src 'none'; no
 * element that loads or runs anything (script, link, iframe, object, embed, base, media,
 * form); every URL in an attribute a data: URI or a #fragment; no url() in its style but
 * data:, and no @import. Prints each problem; returns how many. */
int dom_self_contained_problems(const char *dom);

#endif
