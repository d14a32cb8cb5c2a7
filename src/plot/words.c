/* words.c - numbers as people read them, and markdown text, for charts and the bulletin. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "switchsim/output.h"
#include "plot_int.h"

/* Pounds: "£271", "-£4", "£374,000" (from £100,000 to the nearest thousand), or in millions
 * with mdec decimals ("£1.5m") when mdec >= 0 and |x| >= 1e6. */
char *words_money(char *buf, size_t size, double x, int mdec)
{
    char num[64];
    if (!isfinite(x))
        return output_number(buf, size, x, 0);
    if (mdec >= 0 && fabs(x) >= 1e6)
        snprintf(num, sizeof num, "%.*fm", mdec, fabs(x) / 1e6);
    else /* large sums to the nearest thousand: the rest is noise */
        output_number(num, sizeof num, fabs(x) >= 1e5 ? round(fabs(x) / 1e3) * 1e3 : fabs(x), 0);
    snprintf(buf, size, "%s£%s", x < 0 && strspn(num, "0.,m") != strlen(num) ? "-" : "", num);
    return buf;
}

/* Decimals for the millions of a money triple, so its bounds stay apart: 1, or 2 when the
 * interval is narrower than £0.1m. */
int words_money_mdec(double lo, double hi)
{
    return isfinite(lo) && isfinite(hi) && hi - lo < 1e5 * (1 - 1e-9) ? 2 : 1;
}

/* A value in its unit for sentences and labels; money in millions with mdec decimals. */
char *words_value(char *buf, size_t size, double x, enum metric_unit u, int mdec)
{
    char num[64];
    switch (u) {
    case UNIT_SHARE:
        if (!isfinite(x))
            return output_number(buf, size, x, 0);
        snprintf(buf, size, "%s%%", output_number(num, sizeof num, 100 * x, 1));
        return buf;
    case UNIT_POUND: return words_money(buf, size, x, mdec);
    case UNIT_COUNT: return output_number(buf, size, x, fabs(x) < 10 && x != round(x) ? 1 : 0);
    case UNIT_NUMBER:
    default: return output_number(buf, size, x, fabs(x) >= 100 || x == round(x) ? 0 : 2);
    }
}

/* A difference: sign always shown; shares in percentage points. */
char *words_diff(char *buf, size_t size, double x, enum metric_unit u, int mdec)
{
    char v[56], num[48];
    if (u == UNIT_SHARE)
        snprintf(v, sizeof v, "%s pp", output_number(num, sizeof num, 100 * fabs(x), 1));
    else
        words_value(v, sizeof v, fabs(x), u, mdec);
    int zero = strspn(v, "0.,£m pp") == strlen(v);
    snprintf(buf, size, "%s%s", !isfinite(x) || zero ? "" : x > 0 ? "+" : "-", v);
    return buf;
}

/* " (95% CI a to b)", or nothing when the interval is unknown. */
const char *words_ci(char *buf, size_t size, double lo, double hi, enum metric_unit u, int mdec,
                     int diff)
{
    char a[64], b[64];
    if (!isfinite(lo) || !isfinite(hi)) {
        buf[0] = '\0';
        return buf;
    }
    if (diff) {
        words_diff(a, sizeof a, lo, u, mdec);
        words_diff(b, sizeof b, hi, u, mdec);
    } else {
        words_value(a, sizeof a, lo, u, mdec);
        words_value(b, sizeof b, hi, u, mdec);
    }
    snprintf(buf, size, " (95%% CI %s to %s)", a, b);
    return buf;
}

const char *words_range(char *buf, size_t size, const struct plot_stat *s, enum metric_unit u,
                        int mdec, const char *between)
{
    char a[64], b[64];
    buf[0] = '\0';
    if (!s || !isfinite(s->pi_lo) || !isfinite(s->pi_hi))
        return buf;
    words_value(a, sizeof a, s->pi_lo, u, mdec);
    words_value(b, sizeof b, s->pi_hi, u, mdec);
    if (strcmp(a, b) != 0)
        snprintf(buf, size, "%s%s and %s", between, a, b);
    return buf;
}

/* "VALUE (95% CI LO to HI)" of a summary row. */
const char *words_stat(char *buf, size_t size, const struct plot_stat *s, enum metric_unit u)
{
    char v[64], c[160];
    int mdec = words_money_mdec(s->lo, s->hi);
    snprintf(buf, size, "%s%s", words_value(v, sizeof v, s->mean, u, mdec),
             words_ci(c, sizeof c, s->lo, s->hi, u, mdec, 0));
    return buf;
}

/* The registry's words for the metric called `name`, or, for a metric it does not know, the
 * name itself as label and axis, with plain numbers. */
struct metric_info words_metric(const char *name)
{
    int m = metric_find(name, strlen(name));
    if (m >= 0)
        return *metric_info((enum metric)m);
    return (struct metric_info){.name = name, .label = name, .axis = name, .unit = UNIT_NUMBER};
}

/* Scenario text in the bulletin: markdown punctuation escaped, so it stays plain text. */
void words_md_text(FILE *md, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            continue;
        if (strchr("\\`*_{}[]<>#|!~&", *p))
            fputc('\\', md);
        fputc(*p, md);
    }
}

void words_md_image(struct plot_job *j, const char *chart, const char *alt)
{
    for (size_t i = 0; i < j->n_charts; i++)
        if (strcmp(j->charts[i], chart) == 0) {
            fprintf(j->md, "![%s](%s.%s)\n\n", alt, chart, j->fmt);
            return;
        }
}
