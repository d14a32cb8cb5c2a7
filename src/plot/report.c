/* report.c - report.html: one self-contained page a council officer can send or print.
 *
 * Everything is inside the file: the charts as SVG in data: URIs, the style in the page; a
 * Content-Security-Policy lets the page load nothing else (no script, font or request to
 * any network). Every piece of text from a scenario or a result file is HTML-escaped. The
 * date shown is when the results were made (their file's time), or SOURCE_DATE_EPOCH when
 * set, so the page of the same results is the same bytes. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "switchsim/scenario.h"
#include "switchsim/version.h"
#include "plot_int.h"

/* Text as HTML: the five special characters escaped, control characters dropped. */
static void html(FILE *f, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '&': fputs("&amp;", f); break;
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '"': fputs("&quot;", f); break;
        case '\'': fputs("&#39;", f); break;
        default:
            if (*p >= 0x20 && *p != 0x7f)
                fputc(*p, f);
        }
    }
}

/* A setting's key as HTML with a break opportunity after each '.' and '_', so that a narrow
 * column wraps "households.standard_credit_share" between its words, never inside one. */
static void html_key(FILE *f, const char *key)
{
    char one[2] = "";
    for (const char *p = key; *p; p++) {
        one[0] = *p;
        html(f, one);
        if ((*p == '.' || *p == '_') && p[1])
            fputs("<wbr>", f);
    }
}

static void base64(FILE *f, const unsigned char *p, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16 | (i + 1 < n ? (unsigned)p[i + 1] << 8 : 0) |
                     (i + 2 < n ? p[i + 2] : 0);
        fputc(digits[v >> 18 & 63], f);
        fputc(digits[v >> 12 & 63], f);
        fputc(i + 1 < n ? digits[v >> 6 & 63] : '=', f);
        fputc(i + 2 < n ? digits[v & 63] : '=', f);
    }
}

/* The chart's SVG from the private folder, or NULL (not drawn); *n its size. */
static unsigned char *svg_read(const struct plot_job *j, const char *chart, size_t *n)
{
    char path[PLOT_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s.svg", j->dir, chart);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    unsigned char *buf = NULL;
    size_t cap = 0;
    *n = 0;
    for (;;) {
        if (*n == cap) {
            unsigned char *grown = realloc(buf, cap = cap ? 2 * cap : 65536);
            if (!grown || cap > ((size_t)64 << 20)) {
                free(grown ? grown : buf);
                fclose(f);
                return NULL;
            }
            buf = grown;
        }
        size_t got = fread(buf + *n, 1, cap - *n, f);
        if (got == 0)
            break;
        *n += got;
    }
    fclose(f);
    return buf;
}

static void chart(FILE *f, const struct plot_job *j, const struct plot_chart *c)
{
    size_t n = 0;
    unsigned char *svg = svg_read(j, c->name, &n);
    fputs("<figure>\n", f);
    if (svg) { /* in a box that scrolls sideways on a phone, where the chart keeps a readable size */
        fputs("<div class=\"chart\"><img src=\"data:image/svg+xml;base64,", f);
        base64(f, svg, n);
        fputs("\" alt=\"", f);
        html(f, c->alt);
        fputs("\"></div>\n", f);
        free(svg);
    } else {
        fputs("<p class=\"missing\" role=\"img\" aria-label=\"", f);
        html(f, c->alt);
        fputs("\">(chart not drawn: ", f);
        html(f, c->alt);
        fputs(")</p>\n", f);
    }
    fputs("<figcaption>", f);
    html(f, c->caption);
    fputs("</figcaption>\n</figure>\n", f);
}

static void cells(FILE *f, const char *row, const char *tag)
{
    fputs("<tr>", f);
    for (const char *p = row;;) {
        const char *end = strchr(p, DOC_SEP);
        char cell[700];
        snprintf(cell, sizeof cell, "%.*s", (int)(end ? end - p : (long)strlen(p)), p);
        fprintf(f, "<%s>", tag);
        html(f, cell);
        fprintf(f, "</%s>", tag);
        if (!end)
            break;
        p = end + 1;
    }
    fputs("</tr>\n", f);
}

/* The document items, in order, but item `skip`: headings, paragraphs, lists, tables and
 * charts. */
static void items(FILE *f, const struct plot_job *j, size_t skip)
{
    for (size_t i = 0; i < j->n_doc; i++) {
        const struct doc_item *it = &j->doc[i];
        if (i == skip)
            continue;
        enum doc_kind prev = i ? j->doc[i - 1].kind : DOC_PARA,
                      next = i + 1 < j->n_doc ? j->doc[i + 1].kind : DOC_PARA;
        switch (it->kind) {
        case DOC_HEADING:
            fputs("<h2>", f);
            html(f, it->text);
            fputs("</h2>\n", f);
            break;
        case DOC_PARA:
            fputs("<p>", f);
            html(f, it->text);
            fputs("</p>\n", f);
            break;
        case DOC_NOTE:
            fputs("<section class=\"note\"><h2>How to read the ranges</h2>\n<p>", f);
            html(f, it->text);
            fputs("</p></section>\n", f);
            break;
        case DOC_BULLET:
            if (prev != DOC_BULLET)
                fputs("<ul>\n", f);
            fputs("<li>", f);
            html(f, it->text);
            fputs("</li>\n", f);
            if (next != DOC_BULLET)
                fputs("</ul>\n", f);
            break;
        case DOC_HEAD:
            fputs("<div class=\"wide\"><table>\n<thead>", f);
            cells(f, it->text, "th");
            fputs("</thead>\n<tbody>\n", f);
            if (next != DOC_ROW)
                fputs("</tbody></table></div>\n", f);
            break;
        case DOC_ROW:
            cells(f, it->text, "td");
            if (next != DOC_ROW)
                fputs("</tbody></table></div>\n", f);
            break;
        case DOC_CHART: chart(f, j, doc_chart(j, it->text)); break;
        }
    }
}

/* The headline figures as the terminal prints them, each row naming its metric. */
static void figures(FILE *f, const struct plot_summary *s)
{
    size_t n;
    const struct metric_row *rows = metric_printout(&n);
    fputs("<h2>The figures in full</h2>\n<div class=\"wide\"><table class=\"figures\">\n"
          "<thead><tr><th>figure</th><th>90% forecast range</th><th>average</th>"
          "<th>95% CI of the average</th></tr></thead>\n<tbody>\n",
          f);
    for (size_t k = 0; k < n; k++) {
        const struct plot_stat *st = plot_stat_all(s, metric_name(rows[k].m));
        enum metric_unit u = metric_info(rows[k].m)->unit;
        if (!st || (rows[k].only_if_positive && !(st->mean >= (u == UNIT_COUNT ? 0.5 : 0.005))))
            continue;
        char a[64], b[64], m[64];
        fprintf(f, "<tr data-metric=\"%s\"><th scope=\"row\">", metric_name(rows[k].m));
        html(f, metric_brief(rows[k].m));
        fputs("</th><td class=\"range\">", f);
        if (isfinite(st->pi_lo))
            fprintf(f, "%s to %s", metric_figure(a, sizeof a, st->pi_lo, u, false),
                    metric_figure(b, sizeof b, st->pi_hi, u, false));
        fprintf(f, "</td><td class=\"mean\">%s</td><td class=\"ci\">",
                metric_figure(m, sizeof m, st->mean, u, false));
        if (isfinite(st->lo))
            fprintf(f, "%s to %s", metric_figure(a, sizeof a, st->lo, u, false),
                    metric_figure(b, sizeof b, st->hi, u, false));
        fputs("</td></tr>\n", f);
    }
    fputs("</tbody></table></div>\n", f);
}

/* The table of inputs: every key of the results folder's scenario, with its unit, what it
 * means and, where the scenario cites one, its source. */
struct inputs {
    FILE *f;
    struct scenario_source *src;
    size_t n_src;
};

static void input_row(void *ctx, const char *key, const char *value, int line)
{
    struct inputs *in = ctx;
    FILE *f = in->f;
    (void)line;
    if (!strcmp(key, "scenario.sources") || !strcmp(key, "scenario.overrides"))
        return;
    const char *doc = "", *source = "";
    struct scenario_key_info info;
    for (size_t k = 0; k < scenario_key_count(); k++)
        if (scenario_key_at(k, &info) == 0 && !strcmp(info.name, key))
            doc = info.doc;
    for (size_t k = 0; k < in->n_src; k++)
        if (!strcmp(in->src[k].key, key))
            source = in->src[k].source;
    const char *shown = value;
    const char *unit = scenario_key_unit(key);
    if (!strcmp(unit, "file")) { /* a table: its folder and name, not the whole path */
        const char *slash = strrchr(value, '/');
        while (slash && slash > value && slash[-1] != '/' && (slash - 1) > value) {
            const char *up = slash - 1;
            while (up > value && *up != '/')
                up--;
            shown = *up == '/' ? up + 1 : up;
            break;
        }
    }
    fputs("<tr><th scope=\"row\"><code>", f);
    html_key(f, key);
    fputs("</code></th><td>", f);
    html(f, shown);
    fputs("</td><td>", f);
    html(f, unit);
    fputs("</td><td>", f);
    html(f, doc);
    fputs("</td><td>", f);
    html(f, source);
    fputs("</td></tr>\n", f);
}

static void inputs_table(FILE *f, const struct plot_job *j, const char *file)
{
    char path[PLOT_PATH_SIZE], sources[PLOT_PATH_SIZE];
    struct inputs in = {f, NULL, 0};
    struct error err = {0};
    snprintf(path, sizeof path, "%s/%s", j->results, file);
    fputs("<h2>Inputs</h2>\n", f);
    if (plot_scenario_value(path, "scenario.sources", sources, sizeof sources) == 0 &&
        scenario_sources_read(sources, sources, &in.src, &in.n_src, &err)) {
        char line[1400];
        error_format(&err, line, sizeof line);
        fputs("<p class=\"missing\">The scenario's sources could not be read: ", f);
        html(f, line);
        fputs("</p>\n", f);
    }
    fputs("<p>Every setting of the scenario behind these results, as the simulation used it.</p>\n"
          "<div class=\"wide\"><table class=\"inputs\">\n<thead><tr><th>key</th><th>value</th>"
          "<th>unit</th><th>what it means</th><th>source</th></tr></thead>\n<tbody>\n",
          f);
    struct error ignored = {0};
    scenario_each_value(path, input_row, &in, &ignored);
    fputs("</tbody></table></div>\n", f);
    free(in.src);
}

/* When the results were made: SOURCE_DATE_EPOCH, else the time of their main file. */
static void made_on(const struct plot_job *j, const struct plot_inputs *in, char *buf, size_t size)
{
    const char *epoch = getenv("SOURCE_DATE_EPOCH");
    char *end;
    time_t t = 0;
    if (epoch && *epoch && (t = (time_t)strtoll(epoch, &end, 10), !*end)) {
    } else {
        static const char *const files[] = {"summary.csv", "sweep.csv", "compare.csv", "fit.csv",
                                            "backtest.csv"};
        int have[] = {in->has_sum, in->has_sweep, in->has_cmp, in->has_fit, in->has_backtest};
        struct stat st;
        char path[PLOT_PATH_SIZE];
        t = 0;
        for (int k = 0; k < 5 && !t; k++) {
            snprintf(path, sizeof path, "%s/%s", j->results, files[k]);
            if (have[k] && stat(path, &st) == 0)
                t = st.st_mtime;
        }
    }
    struct tm tm;
    if (!t || !gmtime_r(&t, &tm) || !strftime(buf, size, "%-d %B %Y", &tm))
        snprintf(buf, size, "an unknown date");
}

/* The inputs table has five columns of set widths (the source takes what is left), keys
 * wrapping at their dots and underscores, so it fits a desktop and a page of A4; on a phone
 * each setting becomes a block of its own (key; value and unit; meaning; source) rather than
 * a table wider than the screen, and each chart keeps 44rem of width in a box that scrolls
 * sideways (shrunk to the screen, its lettering would be too small to read). */
static const char style[] =
    "body{font-family:system-ui,'DejaVu Sans',sans-serif;line-height:1.5;color:#1a1a1a;"
    "background:#fff;margin:0 auto;max-width:58rem;padding:1rem 1.2rem 3rem}"
    "h1{font-size:1.7rem;line-height:1.25;margin:.5rem 0}"
    "h2{font-size:1.25rem;margin:2rem 0 .5rem;border-bottom:2px solid #0072B2}"
    ".meta{color:#555;font-size:.95rem}.changed{background:#fff4d6;padding:.4rem .6rem}"
    ".changed code{overflow-wrap:anywhere}.headline{font-size:1.15rem}"
    "figure{margin:1.2rem 0;break-inside:avoid}figure img{width:100%;height:auto;"
    "border:1px solid #ddd}figcaption{font-size:.92rem;color:#333;margin-top:.3rem}"
    ".wide{overflow-x:auto}table{border-collapse:collapse;font-size:.9rem;margin:.5rem 0}"
    "th,td{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left;vertical-align:top}"
    "td.mean,td.range,td.ci{text-align:right;white-space:nowrap}"
    "table.inputs{width:100%;table-layout:fixed}table.inputs td{overflow-wrap:anywhere}"
    "table.inputs th:nth-child(1){width:22%}table.inputs th:nth-child(2){width:12%}"
    "table.inputs th:nth-child(3){width:11%}table.inputs th:nth-child(4){width:25%}"
    "code{font-size:.9em;overflow-wrap:break-word}"
    ".note{background:#eef5fb;padding:.2rem 1rem .6rem;margin-top:2rem}"
    ".note h2{border:0}.missing{color:#a33}footer{margin-top:2rem;color:#555;font-size:.85rem}"
    "@media (max-width:40rem){body{padding:.6rem}h1{font-size:1.35rem}"
    ".chart{overflow-x:auto}.chart img{width:44rem;max-width:none}"
    ".headline{font-size:1.05rem}table{font-size:.8rem}th,td{padding:.3rem .25rem}"
    "td.range,td.ci{white-space:normal}"
    "table.inputs,table.inputs tbody,table.inputs tr,table.inputs th,table.inputs td{"
    "display:block;border:0;padding:0}table.inputs th[scope]{width:auto}"
    "table.inputs thead{position:absolute;left:-100vw}"
    "table.inputs tr{padding:.45rem 0;border-bottom:1px solid #ddd}"
    "table.inputs td:nth-child(2),table.inputs td:nth-child(3){display:inline;margin-right:.4rem}"
    "table.inputs td:nth-child(3){color:#555}table.inputs td:empty{display:none}"
    "table.inputs td:nth-child(5)::before{content:'Source: ';font-weight:600}}"
    "@media print{@page{size:A4;margin:15mm}body{max-width:none;padding:0;font-size:10.5pt}"
    "h2{break-after:avoid}table{font-size:8.5pt}tr,table.figures{break-inside:avoid}"
    ".wide{overflow:visible}"
    "figure img{border:0}a{color:inherit;text-decoration:none}}";

int plot_report_write(struct plot_job *j, const struct plot_inputs *in)
{
    FILE *f = plot_out_open(j, "report.html");
    if (!f)
        return -1;
    char date[64];
    made_on(j, in, date, sizeof date);
    fputs("<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
          "img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>",
          f);
    html(f, j->title);
    fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<header>\n<h1>", style);
    html(f, j->title);
    fprintf(f, "</h1>\n<p class=\"meta\">Results of %s · switchsim %s</p>\n", date,
            SWITCHSIM_VERSION);
    if (j->overrides[0]) {
        fputs("<p class=\"changed\">Settings changed from the scenario file for these results: "
              "<code>",
              f);
        html(f, j->overrides);
        fputs("</code></p>\n", f);
    }
    fputs("</header>\n<main>\n", f);
    /* the first paragraph is the headline forecast */
    size_t first = 0;
    while (first < j->n_doc && j->doc[first].kind != DOC_PARA)
        first++;
    if (first < j->n_doc) {
        fputs("<p class=\"headline\">", f);
        html(f, j->doc[first].text);
        fputs("</p>\n", f);
    }
    items(f, j, first);
    if (in->has_sum)
        figures(f, &in->sum);
    if (in->scenario_file[0])
        inputs_table(f, j, in->scenario_file);
    fprintf(f,
            "</main>\n<footer>Made by switchsim %s from the results in <code>",
            SWITCHSIM_VERSION);
    html(f, j->results);
    fprintf(f, "</code>. The date is when those results were made.</footer>\n</body>\n</html>\n");
    return plot_out_close(j, f, "report.html");
}
