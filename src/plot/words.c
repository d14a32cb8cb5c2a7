/* words.c - numbers and words as people read them, and the document the bulletin and the
 * report are written from. Every figure goes through metric.c: metric_figure for tables and
 * chart labels, metric_about for sentences, so a figure reads the same everywhere. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchsim/output.h"
#include "switchsim/scenario.h"
#include "plot_int.h"

void words_add(struct words *w, const char *fmt, ...)
{
    if (w->n >= sizeof w->s - 1)
        return;
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(w->s + w->n, sizeof w->s - w->n, fmt, ap);
    va_end(ap);
    if (k > 0)
        w->n = w->n + (size_t)k < sizeof w->s ? w->n + (size_t)k : sizeof w->s - 1;
}

char *words_about(char *buf, size_t size, double x, enum metric_unit u, int extra)
{
    return metric_about(buf, size, x, u, extra);
}

const char *words_range(char *buf, size_t size, double lo, double hi, enum metric_unit u,
                        const char *and)
{
    char a[64], b[64];
    buf[0] = '\0';
    if (!isfinite(lo) || !isfinite(hi))
        return buf;
    int extra = metric_about_extra(lo, hi, u);
    metric_about(a, sizeof a, lo, u, extra);
    metric_about(b, sizeof b, hi, u, extra);
    if (strcmp(a, b) != 0)
        snprintf(buf, size, "%s%s%s", a, and, b);
    return buf;
}

struct metric_info words_metric(const char *name)
{
    int m = metric_find(name, strlen(name));
    if (m >= 0)
        return *metric_info((enum metric)m);
    return (struct metric_info){.name = name, .label = name, .axis = name, .unit = UNIT_NUMBER};
}

const char *metric_brief_of(const char *name)
{
    int m = metric_find(name, strlen(name));
    return m >= 0 ? metric_brief((enum metric)m) : name;
}

void words_key(char *buf, size_t size, const char *key)
{
    scenario_key_label(key, buf, size);
}

void words_key_value(char *buf, size_t size, const char *key, const char *value)
{
    char *end, num[64];
    double x = strtod(value, &end);
    if (*value && !*end && isfinite(x) && strcmp(scenario_key_unit(key), "share") == 0) {
        /* as many decimals as the value has, less two */
        const char *dot = strchr(value, '.');
        int dec = dot ? (int)strlen(dot + 1) - 2 : 0;
        snprintf(buf, size, "%s%%", output_number(num, sizeof num, 100 * x, dec < 0 ? 0 : dec > 3 ? 3 : dec));
    } else
        snprintf(buf, size, "%s", value);
}

/* ---- the document ---- */

void doc_add(struct plot_job *j, enum doc_kind kind, const char *text)
{
    struct doc_item *grown = realloc(j->doc, (j->n_doc + 1) * sizeof *grown);
    char *copy = grown ? strdup(text) : NULL;
    if (grown)
        j->doc = grown;
    if (!copy) {
        j->oom = 1;
        return;
    }
    j->doc[j->n_doc++] = (struct doc_item){kind, copy};
}

const struct plot_chart *doc_chart(const struct plot_job *j, const char *name)
{
    for (size_t i = 0; i < j->n_charts; i++)
        if (strcmp(j->charts[i].name, name) == 0)
            return &j->charts[i];
    return NULL;
}

void doc_chart_add(struct plot_job *j, const char *name)
{
    if (doc_chart(j, name))
        doc_add(j, DOC_CHART, name);
}

void doc_note_ranges(struct plot_job *j, int ranges, int cis)
{
    struct words w = {0};
    if (ranges)
        words_add(&w,
                  "\"Most likely between A and B\" is a 90%% forecast range: in 90 of every 100 "
                  "simulated campaigns the figure fell between A and B, counting the chance in "
                  "who registers, what each household does and what suppliers bid%s. One real "
                  "campaign may still land outside it, about one time in ten. ",
                  j->uncertain ? ", and the uncertainty of the fitted behaviour parameters" : "");
    if (j->reps > 1)
        words_add(&w, "Figures without a range are averages over %.0f simulated campaigns. ",
                  j->reps);
    if (cis)
        words_add(&w,
                  "A 95%% confidence interval says how precisely those simulations pin an average "
                  "down; it narrows with more of them, and is not where a campaign may land. ");
    words_add(&w, "Sentences round figures (\"about 5,500\"); tables give them in full.");
    doc_add(j, DOC_NOTE, w.s);
}

void doc_free(struct plot_job *j)
{
    for (size_t i = 0; i < j->n_doc; i++)
        free(j->doc[i].text);
    free(j->doc);
    j->doc = NULL;
    j->n_doc = 0;
}
