/* values.c - parsing and formatting one scenario value, INI key or CSV cell (split off scenario.c).
 */
#include <assert.h>
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "scenario_int.h"
#include "text.h"

/* ---------------------------------------------------------------------------------------
 * Parsing one value. Each returns 0, or -1 with a message (no key, no location) in why. */

/* Checks the plain decimal syntax [+-]digits[.digits][e[+-]digits]; rejects hex, inf,
 * nan, blanks and trailing junk before strtod sees the text. */
static bool number_syntax(const char *s, bool whole)
{
    if (*s == '+' || *s == '-')
        s++;
    size_t digits = 0;
    while (isdigit((unsigned char)*s))
        s++, digits++;
    if (!whole && *s == '.') {
        s++;
        while (isdigit((unsigned char)*s))
            s++, digits++;
    }
    if (digits == 0)
        return false;
    if (!whole && (*s == 'e' || *s == 'E')) {
        s++;
        if (*s == '+' || *s == '-')
            s++;
        if (!isdigit((unsigned char)*s))
            return false;
        while (isdigit((unsigned char)*s))
            s++;
    }
    return *s == '\0';
}

/* Checks v, read from `text`, against the spec's range; the message quotes the value as
 * typed (%g would report 1.0000001 as 1). */
static int range_check(const struct spec *sp, double v, const char *text, char *why, size_t n)
{
    if (sp->type == V_PROB && (v < 0 || v > 1)) {
        snprintf(why, n, "must be a probability between 0 and 1, got %s", text);
        return -1;
    }
    if ((sp->flags & F_MIN_OPEN) ? !(v > sp->min) : !(v >= sp->min)) {
        snprintf(why, n, "must be %s %s, got %s",
                 (sp->flags & F_MIN_OPEN) ? "greater than" : "at least", scenario_shortest(sp->min).s,
                 text);
        return -1;
    }
    if (!(v <= sp->max)) {
        snprintf(why, n, "must be at most %s, got %s", scenario_shortest(sp->max).s, text);
        return -1;
    }
    return 0;
}

static int parse_double(const struct spec *sp, const char *text, double *out, char *why, size_t n)
{
    if (*text == '\0') {
        snprintf(why, n, "expected a number, got nothing");
        return -1;
    }
    if (!number_syntax(text, false)) {
        const char *t = text + (*text == '+' || *text == '-');
        if (strncasecmp(t, "inf", 3) == 0 || strncasecmp(t, "nan", 3) == 0)
            snprintf(why, n, "expected a finite number, got '%s'", text);
        else
            snprintf(why, n, "expected a number, got '%s'", text);
        return -1;
    }
    errno = 0;
    double v = strtod(text, NULL);
    if (errno == ERANGE || !isfinite(v)) {
        snprintf(why, n, "number '%s' is too large or too small", text);
        return -1;
    }
    if (range_check(sp, v, text, why, n) < 0)
        return -1;
    *out = v;
    return 0;
}

static int parse_int(const struct spec *sp, const char *text, int *out, char *why, size_t n)
{
    if (*text == '\0') {
        snprintf(why, n, "expected a whole number, got nothing");
        return -1;
    }
    if (!number_syntax(text, true)) {
        snprintf(why, n, "expected a whole number, got '%s'", text);
        return -1;
    }
    errno = 0;
    long v = strtol(text, NULL, 10);
    if (errno == ERANGE || v < INT_MIN || v > INT_MAX) {
        snprintf(why, n, "must be %s %s, got %s", v < 0 ? "at least" : "at most",
                 scenario_shortest(v < 0 ? sp->min : sp->max).s, text);
        return -1;
    }
    if (range_check(sp, (double)v, text, why, n) < 0)
        return -1;
    *out = (int)v;
    return 0;
}

static int parse_uint64(const char *text, uint64_t *out, char *why, size_t n)
{
    const char *s = text[0] == '+' ? text + 1 : text;
    if (*text == '-') {
        snprintf(why, n, "must not be negative, got '%s'", text);
        return -1;
    }
    if (*s == '\0' || !number_syntax(s, true)) {
        snprintf(why, n, "expected a whole number, got '%s'", text);
        return -1;
    }
    errno = 0;
    unsigned long long v = strtoull(s, NULL, 10);
    if (errno == ERANGE) {
        snprintf(why, n, "must be at most %" PRIu64 ", got '%s'", UINT64_MAX, text);
        return -1;
    }
    *out = (uint64_t)v;
    return 0;
}

/* Text that an INI file can hold and give back unchanged, and that shows as what it is:
 * inih strips blanks at both ends and treats ';' after a blank as a comment; the file is
 * UTF-8 without control characters; and no character may hide or reorder the text around
 * it (a right-to-left override in a supplier's or scenario's name, a C1 control). */
static int text_check(const char *text, char *why, size_t n)
{
    size_t len = strlen(text);
    if (len > 0 && (isspace((unsigned char)text[0]) || isspace((unsigned char)text[len - 1]))) {
        snprintf(why, n, "must not start or end with blank space");
        return -1;
    }
    for (size_t i = 0, step; i < len; i += step) {
        const unsigned char *at = (const unsigned char *)text + i;
        unsigned char c = *at;
        if (!(step = text_utf8_length(at, len - i))) {
            snprintf(why, n, "is not UTF-8 text (byte 0x%02x at byte %zu)", c, i + 1);
            return -1;
        }
        if (text_hidden(at, step)) {
            unsigned cp = step == 1   ? c
                          : step == 2 ? (c & 0x1fu) << 6 | (at[1] & 0x3fu)
                                      : (c & 0x0fu) << 12 | (at[1] & 0x3fu) << 6 | (at[2] & 0x3fu);
            snprintf(why, n, "must not contain control characters (U+%04X at byte %zu)", cp, i + 1);
            return -1;
        }
        if (c == ';' && (i == 0 || isspace((unsigned char)text[i - 1]))) {
            snprintf(why, n,
                     "must not contain ';' at the start or after a blank "
                     "(it would start a comment)");
            return -1;
        }
    }
    return 0;
}

static int parse_days(const struct spec *sp, const char *text, void *base, char *why, size_t n)
{
    double days[SCENARIO_MAX_REMINDERS];
    int count = 0;
    size_t cap = sp->size / sizeof(double);
    assert(cap <= SCENARIO_MAX_REMINDERS);
    const char *s = skip_blank(text);
    if (*s != '\0') {
        for (;;) {
            const char *comma = strchr(s, ',');
            size_t len = comma ? (size_t)(comma - s) : strlen(s);
            char item[64];
            while (len > 0 && isspace((unsigned char)s[len - 1]))
                len--;
            if (len == 0) {
                snprintf(why, n, "empty item in the list '%s'", text);
                return -1;
            }
            if (len >= sizeof item) {
                snprintf(why, n, "item %d of the list is too long", count + 1);
                return -1;
            }
            memcpy(item, s, len);
            item[len] = '\0';
            if ((size_t)count == cap) {
                snprintf(why, n, "more than %zu days in the list", cap);
                return -1;
            }
            char sub[400];
            double v;
            if (parse_double(sp, item, &v, sub, sizeof sub) < 0) {
                snprintf(why, n, "item %d: %s", count + 1, sub);
                return -1;
            }
            if (count > 0 && !(v > days[count - 1])) {
                snprintf(why, n, "days must be in ascending order, but %s follows %s", item,
                         scenario_shortest(days[count - 1]).s);
                return -1;
            }
            days[count++] = v;
            if (!comma)
                break;
            s = skip_blank(comma + 1);
        }
    }
    memset((char *)base + sp->offset, 0, sp->size);
    memcpy((char *)base + sp->offset, days, (size_t)count * sizeof(double));
    memcpy((char *)base + sp->count_offset, &count, sizeof count);
    return 0;
}

/* Parses `text` by `sp` into base + sp->offset. Paths are stored as written. */
int scenario_value_parse(const struct spec *sp, const char *text, void *base, char *why, size_t n)
{
    char *dest = (char *)base + sp->offset;
    switch (sp->type) {
    case V_STRING:
    case V_PATH: {
        if ((sp->flags & F_NONEMPTY) && text[0] == '\0') {
            snprintf(why, n, "must not be empty");
            return -1;
        }
        if (text_check(text, why, n) < 0)
            return -1;
        size_t len = strlen(text);
        if (len >= sp->size) {
            snprintf(why, n, "is %zu bytes long; at most %zu allowed", len, sp->size - 1);
            return -1;
        }
        memset(dest, 0, sp->size);
        memcpy(dest, text, len);
        return 0;
    }
    case V_INT: {
        int v;
        assert(sp->size == sizeof(int));
        if (parse_int(sp, text, &v, why, n) < 0)
            return -1;
        memcpy(dest, &v, sizeof v);
        return 0;
    }
    case V_UINT64: {
        uint64_t v;
        assert(sp->size == sizeof(uint64_t));
        if (parse_uint64(text, &v, why, n) < 0)
            return -1;
        memcpy(dest, &v, sizeof v);
        return 0;
    }
    case V_DOUBLE:
    case V_PROB: {
        double v;
        assert(sp->size == sizeof(double));
        if (parse_double(sp, text, &v, why, n) < 0)
            return -1;
        memcpy(dest, &v, sizeof v);
        return 0;
    }
    case V_ENUM: {
        assert(sp->size == sizeof(int));
        for (int i = 0; sp->names[i]; i++) {
            if (strcmp(text, sp->names[i]) == 0) {
                memcpy(dest, &i, sizeof i);
                return 0;
            }
        }
        size_t used = (size_t)snprintf(why, n, "expected one of ");
        for (int i = 0; sp->names[i] && used < n; i++)
            used += (size_t)snprintf(why + used, n - used, "%s%s", i ? ", " : "", sp->names[i]);
        if (used < n)
            snprintf(why + used, n - used, "; got '%s'", text);
        return -1;
    }
    case V_DAYS: return parse_days(sp, text, base, why, n);
    }
    assert(!"unknown value type");
    return -1;
}

/* Shortest "%.*g" text that reads back as exactly v. */
static void double_format(double v, char *buf, size_t size)
{
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, size, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

struct scenario_shortest scenario_shortest(double v)
{
    struct scenario_shortest n;
    double_format(v, n.s, sizeof n.s);
    return n;
}

void scenario_value_format(const struct spec *sp, const void *base, char *buf, size_t size)
{
    const char *src = (const char *)base + sp->offset;
    switch (sp->type) {
    case V_STRING:
    case V_PATH: snprintf(buf, size, "%s", src); return;
    case V_INT: {
        int v;
        memcpy(&v, src, sizeof v);
        snprintf(buf, size, "%d", v);
        return;
    }
    case V_UINT64: {
        uint64_t v;
        memcpy(&v, src, sizeof v);
        snprintf(buf, size, "%" PRIu64, v);
        return;
    }
    case V_DOUBLE:
    case V_PROB: {
        double v;
        memcpy(&v, src, sizeof v);
        double_format(v, buf, size);
        return;
    }
    case V_ENUM: {
        int v;
        memcpy(&v, src, sizeof v);
        snprintf(buf, size, "%s", sp->names[v]);
        return;
    }
    case V_DAYS: {
        int count;
        size_t used = 0;
        memcpy(&count, (const char *)base + sp->count_offset, sizeof count);
        buf[0] = '\0';
        for (int i = 0; i < count && used + 1 < size; i++) {
            double v;
            char one[32];
            memcpy(&v, src + (size_t)i * sizeof v, sizeof v);
            double_format(v, one, sizeof one);
            used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? "," : "", one);
        }
        return;
    }
    }
}

static const struct spec *number_spec(const char *key)
{
    int k = scenario_key_find(key);
    if (k < 0)
        return NULL;
    const struct spec *sp = &scenario_keys[k].spec;
    return sp->type == V_DOUBLE || sp->type == V_PROB || sp->type == V_INT ? sp : NULL;
}

int scenario_number(const struct scenario *sc, const char *key, double *out)
{
    const struct spec *sp = number_spec(key);
    if (!sp)
        return -1;
    const char *at = (const char *)sc + sp->offset;
    if (sp->type == V_INT) {
        int v;
        memcpy(&v, at, sizeof v);
        *out = v;
    } else {
        memcpy(out, at, sizeof *out);
    }
    return 0;
}

int scenario_set_number(struct scenario *sc, const char *key, double v, char *why, size_t n)
{
    const struct spec *sp = number_spec(key);
    if (!sp) {
        snprintf(why, n, "not a numeric scenario key");
        return -1;
    }
    if (!isfinite(v) || range_check(sp, v, scenario_shortest(v).s, why, n))
        return isfinite(v) ? -1 : (snprintf(why, n, "not a finite number"), -1);
    char *at = (char *)sc + sp->offset;
    if (sp->type == V_INT) {
        if (v != floor(v)) {
            snprintf(why, n, "expected a whole number, got %.17g", v);
            return -1;
        }
        int i = (int)v;
        memcpy(at, &i, sizeof i);
    } else {
        memcpy(at, &v, sizeof v);
    }
    return 0;
}

int scenario_number_range(const char *key, double *lo, double *hi)
{
    const struct spec *sp = number_spec(key);
    if (!sp)
        return -1;
    *lo = sp->min;
    *hi = sp->max;
    return 0;
}
