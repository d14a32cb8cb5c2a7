/* ini.c - the scenario's INI file through inih, and --set overrides (split off scenario.c). */
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

#include <ini.h>

#include "scenario_int.h"
#include "text.h"

/* ---------------------------------------------------------------------------------------
 * The INI file through inih: our reader hands it one line at a time. */

static void ini_fault(struct load *ld, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void ini_fault(struct load *ld, const char *key, const char *fmt, ...)
{
    char msg[sizeof ld->first.message];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    error_set(&ld->first, ERROR_INPUT, ld->path, ld->line, key, "%s", msg);
}

/* A "[section]" line: checks and records it; returns the text to hand inih. */
static const char *ini_section_line(struct load *ld, const char *start, size_t len)
{
    const char *close = memchr(start, ']', len);
    if (!close)
        return NULL; /* inih reports the syntax error */
    const char *after = skip_blank(close + 1);
    if (after < start + len && *after != ';' && *after != '#') {
        ini_fault(ld, "", "unexpected text after the section header");
        return "";
    }
    const char *name = skip_blank(start + 1);
    size_t n = (size_t)(close - name);
    while (n > 0 && (name[n - 1] == ' ' || name[n - 1] == '\t'))
        n--;
    int s = scenario_section_find(name, n);
    if (s < 0) {
        char list[300], shown[80];
        scenario_section_list(list, sizeof list);
        snprintf(shown, sizeof shown, "[%.*s]", (int)(n < 60 ? n : 60), name);
        ini_fault(ld, shown, "unknown section (sections are: %s)", list);
        return "";
    }
    ld->section = s;
    ld->prev_key = -1;
    if (!ld->section_line[s])
        ld->section_line[s] = ld->line;
    return "[]"; /* the handler uses ld->section, not inih's copy */
}

/* Where inih's find_chars_or_comment stops in s: at one of `chars` (none when NULL), at an
 * inline comment (';' after blank space), or at the end. */
static const char *ini_find(const char *s, const char *chars)
{
    bool was_space = false;
    while (*s && !(chars && strchr(chars, *s)) && !(was_space && *s == ';')) {
        was_space = isspace((unsigned char)*s);
        s++;
    }
    return s;
}

/* Copies the n bytes at s into buf without blank space at either end. */
static void ini_copy_trimmed(char *buf, const char *s, size_t n)
{
    while (n > 0 && isspace((unsigned char)*s))
        s++, n--;
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    memcpy(buf, s, n);
    buf[n] = '\0';
}

/* A line longer than inih's buffer: splits it as inih would into ld->long_name and
 * long_value, keeps its text in long_whole, and returns the stand-in line to hand inih:
 * "\2=\1" (name and value to be taken from ld), or "\2" for a line with no '=' or ':',
 * which inih reports as a syntax error unless it continues a value. Indentation is kept,
 * since inih reads an indented line as a continuation. Section lines (read with
 * scenario_each_value) keep their first 40 bytes of name. */
static const char *ini_long_line(struct load *ld, const char *text, size_t rest, bool indented,
                                 char *stand_in, size_t size)
{
    ld->long_line = true;
    ini_copy_trimmed(ld->long_whole, text, rest);
    const char *line = ld->long_whole;
    if (*line == '[') {
        const char *close = ini_find(line + 1, "]");
        if (*close != ']')
            return "[";
        snprintf(stand_in, size, "[%.*s]", (int)((close - line - 1) < 40 ? close - line - 1 : 40),
                 line + 1);
        return stand_in;
    }
    const char *delim = ini_find(line, "=:");
    if (*delim != '=' && *delim != ':')
        return indented ? " \2" : "\2";
    ini_copy_trimmed(ld->long_name, line, (size_t)(delim - line));
    const char *value = delim + 1;
    ini_copy_trimmed(ld->long_value, value, (size_t)(ini_find(value, NULL) - value));
    return indented ? " \2=\1" : "\2=\1";
}

/* The name and value inih handed the handler, with those of a long line put back. Neither
 * byte of the stand-in can come from a file: text_read refuses control bytes. */
static void ini_real(const struct load *ld, const char **name, const char **value)
{
    if (!ld->long_line)
        return;
    if (!strcmp(*name, "\2")) {
        *name = ld->long_name;
        *value = ld->long_value;
    } else if (!strcmp(*value, "\2=\1") || !strcmp(*value, "\2")) {
        *value = ld->long_whole; /* a continuation line */
    }
}

static char *ini_line_reader(char *str, int num, void *stream)
{
    struct load *ld = stream;
    ld->long_line = false;
    if (ld->first.kind != ERROR_NONE || ld->pos >= ld->end)
        return NULL;
    const char *nl = memchr(ld->pos, '\n', (size_t)(ld->end - ld->pos));
    const char *stop = nl ? nl : ld->end;
    const char *start = ld->pos;
    ld->pos = nl ? nl + 1 : ld->end;
    ld->line++;
    size_t len = (size_t)(stop - start);
    if (len > 0 && start[len - 1] == '\r')
        len--;
    const char *text = skip_blank(start);
    ld->indented = text > start;
    size_t rest = len - (size_t)(text - start);
    const char *hand = NULL;
    if (rest == 0 || *text == ';' || *text == '#')
        hand = ""; /* blank or comment: any length is fine */
    else if (*text == '[' && !ld->each)
        hand = ini_section_line(ld, text, rest);
    if (hand) {
        snprintf(str, (size_t)num, "%s", hand);
        return str;
    }
    if (len + 1 > (size_t)num) {
        char stand_in[64];
        snprintf(str, (size_t)num, "%s",
                 ini_long_line(ld, text, rest, ld->indented, stand_in, sizeof stand_in));
        return str;
    }
    memcpy(str, start, len);
    str[len] = '\0';
    return str;
}

static int ini_key_handler(void *user, const char *section, const char *name, const char *value)
{
    struct load *ld = user;
    (void)section;
    if (ld->first.kind != ERROR_NONE)
        return 1;
    ini_real(ld, &name, &value);
    if (ld->indented && ld->prev_key >= 0) {
        ini_fault(ld, scenario_keys[ld->prev_key].full,
                  "indented line continues the value from line %d; multi-line values are "
                  "not allowed (remove the indentation)",
                  ld->key_line[ld->prev_key]);
        return 1;
    }
    if (ld->section < 0) {
        ini_fault(ld, name, "key outside any [section]");
        return 1;
    }
    char full[160];
    snprintf(full, sizeof full, "%s.%.120s", scenario_keys[ld->section].section, name);
    int k = scenario_key_find(full);
    if (k < 0) {
        char hint[128];
        scenario_key_suggest(full, hint, sizeof hint);
        ini_fault(ld, full, "unknown key%s", hint);
        return 1;
    }
    if (ld->key_line[k]) {
        ini_fault(ld, full, "given twice (first on line %d)", ld->key_line[k]);
        return 1;
    }
    ld->key_line[k] = ld->line;
    ld->prev_key = k;
    char why[sizeof ld->first.message];
    if (scenario_value_parse(&scenario_keys[k].spec, value, ld->sc, why, sizeof why) < 0)
        ini_fault(ld, full, "%s", why);
    return 1;
}

/* scenario_each_value's handler: every key as it stands, none checked. */
static int ini_each_handler(void *user, const char *section, const char *name, const char *value)
{
    struct load *ld = user;
    char full[400];
    if (ld->first.kind != ERROR_NONE)
        return 1;
    ini_real(ld, &name, &value);
    snprintf(full, sizeof full, "%.60s.%.300s", section, name);
    ld->each(ld->each_ctx, full, value, ld->line);
    return 1;
}

int scenario_ini_load(struct load *ld)
{
    struct text in;
    if (text_read(&in, ld->path, ld->path, FILE_SIZE_MAX, NULL, "", ld->err))
        return -1;
    ld->pos = in.data;
    ld->end = in.data + in.len;
    ld->line = 0;
    ld->section = -1;
    ld->prev_key = -1;
    int syntax =
        ini_parse_stream(ini_line_reader, ld, ld->each ? ini_each_handler : ini_key_handler, ld);
    text_cleanup(&in);
    if (syntax == -2)
        return scenario_oom(ld->err);
    if (syntax > 0 && (ld->first.kind == ERROR_NONE || syntax < ld->first.line))
        return error_set(ld->err, ERROR_INPUT, ld->path, syntax, "",
                         "syntax error: expected [section], key = value, or a ; comment");
    if (ld->first.kind != ERROR_NONE)
        return error_set(ld->err, ld->first.kind, ld->first.file, ld->first.line, ld->first.key,
                         "%s", ld->first.message);
    return 0;
}

/* ---------------------------------------------------------------------------------------
 * --set SECTION.KEY=VALUE */

int scenario_set_apply(struct load *ld, size_t i)
{
    const char *text = ld->sets[i];
    char file[sizeof ld->err->file];
    snprintf(file, sizeof file, "--set %s", text);
    const char *eq = strchr(text, '=');
    if (!eq)
        return error_set(ld->err, ERROR_INPUT, file, 0, "", "expected SECTION.KEY=VALUE");
    char full[160];
    const char *k0 = skip_blank(text);
    size_t klen = (size_t)(eq - k0);
    while (klen > 0 && isspace((unsigned char)k0[klen - 1]))
        klen--;
    if (klen >= sizeof full)
        return error_set(ld->err, ERROR_INPUT, file, 0, "", "unknown key");
    memcpy(full, k0, klen);
    full[klen] = '\0';
    int k = scenario_key_find(full);
    if (k < 0) {
        char hint[128];
        scenario_key_suggest(full, hint, sizeof hint);
        return error_set(ld->err, ERROR_INPUT, file, 0, full, "unknown key%s", hint);
    }
    char value[1024];
    const char *v0 = skip_blank(eq + 1);
    size_t vlen = strlen(v0);
    while (vlen > 0 && isspace((unsigned char)v0[vlen - 1]))
        vlen--;
    if (vlen >= sizeof value)
        return error_set(ld->err, ERROR_INPUT, file, 0, full, "value is too long");
    memcpy(value, v0, vlen);
    value[vlen] = '\0';
    char why[sizeof ld->err->message];
    if (scenario_value_parse(&scenario_keys[k].spec, value, ld->sc, why, sizeof why) < 0)
        return error_set(ld->err, ERROR_INPUT, file, 0, full, "%s", why);
    ld->key_set[k] = i + 1;
    return 0;
}

int scenario_each_value(const char *path,
                        void (*fn)(void *ctx, const char *key, const char *value, int line),
                        void *ctx, struct error *err)
{
    struct load *ld = scenario_load_create(NULL, err);
    if (!ld)
        return -1;
    ld->path = path;
    ld->each = fn;
    ld->each_ctx = ctx;
    int rc = scenario_ini_load(ld);
    scenario_load_destroy(ld);
    return rc;
}
