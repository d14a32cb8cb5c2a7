/* plot.c - charts and a bulletin drawn by gnuplot from a results folder (run, sweep, compare). */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "switchsim/metric.h"
#include "switchsim/output.h"
#include "switchsim/plot.h"
#include "switchsim/scenario.h"
#include "table.h"
#include "text.h"

#define PATH_SIZE 1200
#define MAX_CHARTS 48
#define MAX_SWEEP_METRICS 24

/* Okabe-Ito colours, readable by colour-blind readers and in grey print. */
#define C_BLUE "#0072B2"
#define C_ORANGE "#E69F00"
#define C_GREEN "#009E73"
#define C_RED "#D55E00"
#define C_SKY "#56B4E9"
/* 95% CI whiskers from (x, low) by (0, high - low): vectors, as error bars leave a gap. */
#define CI_BARS "with vectors heads size screen 0.008,90 linecolor rgb '#333333' linewidth 1.5"

/* ---- the list of files made ---- */

void plot_list_free(struct plot_list *list)
{
    if (!list)
        return;
    for (size_t i = 0; i < list->n; i++)
        free(list->names[i]);
    free(list->names);
    list->names = NULL;
    list->n = 0;
}

static int list_add(struct plot_list *l, const char *dir, const char *file)
{
    if (!l)
        return 0;
    char **grown = realloc(l->names, (l->n + 1) * sizeof *grown);
    if (!grown)
        return -1;
    l->names = grown;
    size_t size = strlen(dir) + strlen(file) + 2;
    if (!(l->names[l->n] = malloc(size)))
        return -1;
    snprintf(l->names[l->n++], size, "%s/%s", dir, file);
    return 0;
}

/* ---- text ---- */

static char *trim(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    size_t n = strlen(s);
    while (n && (s[n - 1] == ' ' || s[n - 1] == '\t' || s[n - 1] == '\r' || s[n - 1] == '\n'))
        s[--n] = '\0';
    return s;
}

/* Whether the len bytes at s end in "_mean": a sweep.csv column of a metric's means. */
static int is_mean(const char *s, size_t len)
{
    return len >= 5 && memcmp(s + len - 5, "_mean", 5) == 0;
}

/* ---- numbers as people read them ---- */

/* Pounds: "£271", "-£4", "£374,000" (from £100,000 to the nearest thousand), or in millions
 * with mdec decimals ("£1.5m") when mdec >= 0 and |x| >= 1e6. */
static char *fmt_money(char *buf, size_t size, double x, int mdec)
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
static int money_mdec(double lo, double hi)
{
    return isfinite(lo) && isfinite(hi) && hi - lo < 1e5 * (1 - 1e-9) ? 2 : 1;
}

/* The registry's words for the metric called `name`, or, for a metric it does not know, the
 * name itself as label and axis, with plain numbers. */
static struct metric_info metric_words(const char *name)
{
    int m = metric_find(name, strlen(name));
    if (m >= 0)
        return *metric_info((enum metric)m);
    return (struct metric_info){.name = name, .label = name, .axis = name, .unit = UNIT_NUMBER};
}

/* A value in its unit for sentences and labels; money in millions with mdec decimals. */
static char *fmt_value(char *buf, size_t size, double x, enum metric_unit u, int mdec)
{
    char num[64];
    switch (u) {
    case UNIT_SHARE:
        if (!isfinite(x))
            return output_number(buf, size, x, 0);
        snprintf(buf, size, "%s%%", output_number(num, sizeof num, 100 * x, 1));
        return buf;
    case UNIT_POUND: return fmt_money(buf, size, x, mdec);
    case UNIT_COUNT: return output_number(buf, size, x, fabs(x) < 10 && x != round(x) ? 1 : 0);
    case UNIT_NUMBER:
    default: return output_number(buf, size, x, fabs(x) >= 100 || x == round(x) ? 0 : 2);
    }
}

/* A difference: sign always shown; shares in percentage points. */
static char *fmt_diff(char *buf, size_t size, double x, enum metric_unit u, int mdec)
{
    char v[56], num[48];
    if (u == UNIT_SHARE)
        snprintf(v, sizeof v, "%s pp", output_number(num, sizeof num, 100 * fabs(x), 1));
    else
        fmt_value(v, sizeof v, fabs(x), u, mdec);
    int zero = strspn(v, "0.,£m pp") == strlen(v);
    snprintf(buf, size, "%s%s", !isfinite(x) || zero ? "" : x > 0 ? "+" : "-", v);
    return buf;
}

/* ---- result tables, read through the library's table reader ---- */

/* Reads the result file dir/name into t; a file with no header is ERROR_INPUT. */
static int result_read(struct table *t, const char *dir, const char *name, struct error *err)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    if (table_read(t, path, path, (size_t)1 << 30, 10000000, NULL, "", err))
        return -1;
    if (t->ncol == 0) {
        table_cleanup(t);
        return error_set(err, ERROR_INPUT, path, 0, "", "empty file: no header");
    }
    return 0;
}

/* Header field col of t without the blanks around it: where it starts, its length in *len. */
static const char *header_span(const struct table *t, size_t col, size_t *len)
{
    const char *h = table_header(t, col);
    h += strspn(h, " \t");
    size_t n = strlen(h);
    while (n > 0 && strchr(" \t\r\n", h[n - 1]))
        n--;
    *len = n;
    return h;
}

/* Finds each named column; a missing one is ERROR_INPUT on the header's line. */
static int need_cols(const struct table *t, const char *const *names, int *idx, size_t n,
                     struct error *err)
{
    for (size_t i = 0; i < n; i++)
        if ((idx[i] = table_column(t, names[i])) < 0)
            return error_set(err, ERROR_INPUT, t->file, t->line[0], names[i], "missing column");
    return 0;
}

/* The number in a cell: empty is NaN; "inf" and "-inf" are accepted. */
static int cell_num(const struct table *t, size_t row, int col, double *out, struct error *err)
{
    char buf[128];
    const char *text = table_cell(t, row, (size_t)col);
    snprintf(buf, sizeof buf, "%s", text);
    char *s = trim(buf), *end;
    if (!*s) {
        *out = NAN;
        return 0;
    }
    errno = 0;
    *out = strtod(s, &end);
    if (*end || strlen(text) >= sizeof buf) {
        size_t len;
        const char *h = header_span(t, (size_t)col, &len);
        char key[sizeof err->key];
        snprintf(key, sizeof key, "%.*s", (int)len, h);
        return error_set(err, ERROR_INPUT, t->file, t->line[row + 1], key, "not a number: '%.40s'",
                         s);
    }
    return 0;
}

/* ---- summary.csv ---- */

struct srow {
    int round; /* 1..R, 0 for all rounds */
    char metric[48];
    double mean, lo, hi, n;
};

struct sum_file {
    struct srow *rows;
    size_t n;
    int rounds;
};

static int sum_read(struct sum_file *s, const char *dir, struct error *err)
{
    static const char *const names[] = {"round", "metric", "mean", "ci95_low", "ci95_high", "n"};
    int c[6];
    struct table t;
    memset(s, 0, sizeof *s);
    if (result_read(&t, dir, "summary.csv", err))
        return -1;
    int bad = need_cols(&t, names, c, 6, err);
    if (!bad && !(s->rows = calloc(t.nrow + 1, sizeof *s->rows)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        struct srow *st = &s->rows[s->n++];
        char round[32];
        snprintf(round, sizeof round, "%s", table_cell(&t, i, (size_t)c[0]));
        char *rs = trim(round), *end;
        long r = strcmp(rs, "all") == 0 ? 0 : strtol(rs, &end, 10);
        if (strcmp(rs, "all") != 0 && (!*rs || *end || r < 1 || r > 1000000)) {
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "round",
                            "not a round number or 'all': '%.20s'", rs);
            break;
        }
        st->round = (int)r;
        if (r > s->rounds)
            s->rounds = (int)r;
        snprintf(st->metric, sizeof st->metric, "%s", table_cell(&t, i, (size_t)c[1]));
        trim(st->metric);
        if (!st->metric[0])
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "metric", "empty metric name");
        else
            bad = cell_num(&t, i, c[2], &st->mean, err) || cell_num(&t, i, c[3], &st->lo, err) ||
                  cell_num(&t, i, c[4], &st->hi, err) || cell_num(&t, i, c[5], &st->n, err);
    }
    table_cleanup(&t);
    if (bad) {
        free(s->rows);
        s->rows = NULL;
        return -1;
    }
    return 0;
}

static const struct srow *stat_find(const struct sum_file *s, int round, const char *metric)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->rows[i].round == round && strcmp(s->rows[i].metric, metric) == 0)
            return &s->rows[i];
    return NULL;
}

/* The all-rounds row, or round 1's when the file has no `all` row. */
static const struct srow *stat_all(const struct sum_file *s, const char *metric)
{
    const struct srow *st = stat_find(s, 0, metric);
    return st ? st : s->rounds == 1 ? stat_find(s, 1, metric) : NULL;
}

/* ---- gnuplot scripts ---- */

struct job {
    const char *dir, *fmt;
    char name[200]; /* scenario name, cleaned for titles */
    struct plot_list *made;
    char charts[MAX_CHARTS][48];
    size_t n_charts;
    FILE *md; /* the bulletin, in memory until the end */
    char *md_text;
    size_t md_size;
    struct error *err;
};

/* Writes s as a single-quoted gnuplot string: nothing in it is expanded (no backquotes, no
 * macros, no backslash escapes), quotes are doubled and control characters dropped. Tic
 * labels are printf formats to gnuplot, so for them `%` is doubled too. */
static void gp_quote(FILE *f, const char *s, int tic)
{
    fputc('\'', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            continue;
        if (*p == '\'' || (tic && *p == '%'))
            fputc(*p, f);
        fputc(*p, f);
    }
    fputc('\'', f);
}

static int system_error(struct job *j, const char *path)
{
    return error_set(j->err, ERROR_SYSTEM, path, 0, "", "cannot write: %s", strerror(errno));
}

static FILE *out_open(struct job *j, const char *file)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", j->dir, file);
    FILE *f = fopen(path, "w");
    if (!f)
        system_error(j, path);
    return f;
}

/* Closes f, then lists it as made. */
static int out_close(struct job *j, FILE *f, const char *file)
{
    char path[PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", j->dir, file);
    int bad = ferror(f);
    if (fclose(f) || bad)
        return system_error(j, path);
    if (list_add(j->made, j->dir, file))
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "out of memory");
    return 0;
}

/* Opens CHART.dat; its first line is a comment naming the columns. */
static FILE *dat_open(struct job *j, const char *chart, const char *columns)
{
    char file[96];
    snprintf(file, sizeof file, "%s.dat", chart);
    FILE *f = out_open(j, file);
    if (f)
        fprintf(f, "# %s\n", columns);
    return f;
}

static int dat_close(struct job *j, FILE *f, const char *chart)
{
    char file[96];
    snprintf(file, sizeof file, "%s.dat", chart);
    return out_close(j, f, file);
}

/* One data field: a comma before all but the first, NaN for a missing value. */
static void dat_num(FILE *f, double x, int first)
{
    if (!first)
        fputc(',', f);
    if (isnan(x))
        fputs("NaN", f);
    else
        fprintf(f, "%.10g", x);
}

/* Writes ",mean,low,high" of st scaled by `scale`: NaN for a missing row, and the mean for
 * a CI bound that is not defined (one replication), so the bar has no whisker. */
static void dat_stat(FILE *f, const struct srow *st, double scale)
{
    double m = st ? scale * st->mean : NAN;
    dat_num(f, m, 0);
    dat_num(f, st && isfinite(st->lo) ? scale * st->lo : m, 0);
    dat_num(f, st && isfinite(st->hi) ? scale * st->hi : m, 0);
}

/* Opens CHART.gp with the terminal (height in px at 1600 px wide; 0 for 1000), output and
 * common style set. */
static FILE *gp_open(struct job *j, const char *chart, const char *about, int height)
{
    char file[96], out[96];
    snprintf(file, sizeof file, "%s.gp", chart);
    snprintf(out, sizeof out, "%s.%s", chart, j->fmt);
    FILE *f = out_open(j, file);
    if (!f)
        return NULL;
    fprintf(f, "# %s - %s.\n# Draws %s from %s.dat; rerun it in this folder: gnuplot %s\n\n", file,
            about, out, chart, file);
    if (height <= 0)
        height = 1000;
    if (strcmp(j->fmt, "png") == 0)
        fprintf(f, "set terminal pngcairo size 1600,%d font 'Sans,18' linewidth 2 noenhanced\n",
                height);
    else if (strcmp(j->fmt, "svg") == 0)
        fprintf(f,
                "set terminal svg size 1600,%d font 'Sans,18' linewidth 2 noenhanced "
                "background '#ffffff'\n",
                height);
    else
        fprintf(f,
                "set terminal pdfcairo size 24cm,%.1fcm font 'Sans,18' fontscale 0.4 "
                "linewidth 1.5 noenhanced\n",
                height * 0.015); /* the PNG's layout, 7pt */
    fputs("set output ", f);
    gp_quote(f, out, 0);
    fputs("\nset encoding utf8\nset datafile separator ','\nset datafile missing 'NaN'\n"
          "set border 3 linewidth 1\nset tics nomirror out\n"
          "set grid ytics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n"
          "set key top left noopaque\nset style fill solid 0.85 noborder\n",
          f);
    return f;
}

/* Closes CHART.gp and queues the chart for drawing. */
static int gp_close(struct job *j, FILE *f, const char *chart)
{
    char file[96];
    snprintf(file, sizeof file, "%s.gp", chart);
    if (out_close(j, f, file))
        return -1;
    if (j->n_charts < MAX_CHARTS)
        snprintf(j->charts[j->n_charts++], sizeof j->charts[0], "%s", chart);
    return 0;
}

/* Whether "<scenario name>: <what>" is too long for one title line. */
static int title_two_lines(const struct job *j, const char *what)
{
    return strlen(j->name) + 2 + strlen(what) > 72;
}

/* The chart title "<scenario name>: <what>", or the name over what on two lines when long:
 * a multiplot's title when cmd is "title", else a label centred on the whole canvas (a plain
 * title centres over the plot area, which long tic labels push aside). */
static void gp_title(FILE *f, const struct job *j, const char *cmd, const char *what)
{
    char title[400];
    int two = title_two_lines(j, what);
    if (strcmp(cmd, "title") == 0)
        fprintf(f, "%s ", cmd);
    else
        fprintf(f, "set tmargin %d\nset label 100 ", two ? 5 : 3);
    if (two) {
        gp_quote(f, j->name, 0);
        fputs(".\"\\n\".", f);
        gp_quote(f, what, 0);
    } else {
        snprintf(title, sizeof title, "%s: %s", j->name, what);
        gp_quote(f, title, 0);
    }
    if (strcmp(cmd, "title") != 0)
        fputs(" at screen 0.5, screen 0.965 center", f);
    fputs(" font ',22'\n", f);
}

static void gp_set(FILE *f, const char *cmd, const char *text)
{
    fprintf(f, "%s ", cmd);
    gp_quote(f, text, 0);
    fputc('\n', f);
}

/* A text label at (x, y) in the given coordinate systems; pos is left, right or center. */
static void gp_label(FILE *f, const char *text, const char *at, const char *pos, const char *extra)
{
    fputs("set label ", f);
    gp_quote(f, text, 0);
    fprintf(f, " at %s %s front %s\n", at, pos, extra ? extra : "");
}

struct axis {
    double lo, hi, step;
    int dec;
};

/* A range covering [lo, hi] in about `steps` steps of 1, 2, 2.5 or 5 times a power of ten
 * (whole steps when `integer`), from zero when `from_zero`. */
static struct axis axis_steps(double lo, double hi, int from_zero, int integer, int steps)
{
    if (!isfinite(lo) || !isfinite(hi)) {
        lo = isfinite(lo) ? lo : isfinite(hi) ? hi : 0;
        hi = isfinite(hi) ? hi : lo + 1;
    }
    if (lo > hi) {
        double t = lo;
        lo = hi;
        hi = t;
    }
    if (from_zero) {
        lo = fmin(lo, 0);
        hi = fmax(hi, 0);
    }
    if (hi - lo < 1e-9 * fmax(1, fabs(hi))) {
        double pad = fabs(hi) > 0 ? fabs(hi) * 0.1 : 1;
        if (!(from_zero && lo == 0))
            lo -= pad;
        hi += pad;
    }
    static const double nice[] = {1, 2, 2.5, 5, 10};
    double raw = (hi - lo) / steps, mag = pow(10, floor(log10(raw))), step = 10 * mag;
    for (size_t i = 0; i < sizeof nice / sizeof *nice; i++)
        if (nice[i] * mag >= raw * (1 - 1e-9)) {
            step = nice[i] * mag;
            break;
        }
    if (integer && step < 1)
        step = 1;
    struct axis a = {floor(lo / step + 1e-9) * step, ceil(hi / step - 1e-9) * step, step, 0};
    while (a.dec < 6 && fabs(step * pow(10, a.dec) - round(step * pow(10, a.dec))) > 1e-6)
        a.dec++;
    return a;
}

static struct axis axis_nice(double lo, double hi, int from_zero, int integer)
{
    return axis_steps(lo, hi, from_zero, integer, 6);
}

/* A tick label: thousands separators; £ before money; % after shares (data in percent). */
static void tic_text(char *buf, size_t size, double v, int dec, enum metric_unit u)
{
    char num[64];
    output_number(num, sizeof num, fabs(v), dec);
    const char *sign = v < 0 && strspn(num, "0.,") != strlen(num) ? "-" : "";
    if (u == UNIT_POUND)
        snprintf(buf, size, "%s£%s", sign, num);
    else if (u == UNIT_SHARE)
        snprintf(buf, size, "%s%s%%", sign, num);
    else
        snprintf(buf, size, "%s%s", sign, num);
}

/* set Xrange and explicit tics with labels we formatted (gnuplot's own %' needs a locale
 * with grouping, which a bare system may lack). */
static void gp_axis(FILE *f, const char *ax, struct axis a, enum metric_unit u, const char *plus)
{
    fprintf(f, "set %srange [%.10g:%.10g]\nset %stics ", ax, a.lo, a.hi, ax);
    if (strcmp(ax, "cb") != 0)
        fputs("nomirror out ", f);
    fputc('(', f);
    long n = lround((a.hi - a.lo) / a.step);
    for (long k = 0; k <= n && k <= 200; k++) {
        double v = a.lo + (double)k * a.step;
        char label[80], text[96];
        tic_text(label, sizeof label, fabs(v) < a.step * 1e-9 ? 0 : v, a.dec, u);
        snprintf(text, sizeof text, "%s%s", plus && v > a.step * 1e-9 ? plus : "", label);
        fputs(k ? ", " : "", f);
        gp_quote(f, text, 1);
        fprintf(f, " %.10g", v);
    }
    fputs(")\n", f);
}

/* ---- running gnuplot: fork and exec, no shell ---- */

/* The telling line of gnuplot's messages: the one naming a script line ("x.gp" line 3: ...),
 * else the last one with text. */
static void gp_message(char *msg, char *out, size_t size)
{
    char *save = NULL;
    out[0] = '\0';
    for (char *line = strtok_r(msg, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *text = trim(line);
        if (strspn(text, "^ ") == strlen(text)) /* blank, or the caret under the fault */
            continue;
        text_clean(out, size, text);
        if (strstr(text, " line "))
            break;
    }
}

/* Draws CHART from CHART.gp in the output folder. Returns 0; -1 with the error recorded;
 * -2 when gnuplot is not installed. */
static int run_gnuplot(struct job *j, const char *chart)
{
    char script[96], path[PATH_SIZE];
    snprintf(script, sizeof script, "%s.gp", chart);
    snprintf(path, sizeof path, "%s/%s", j->dir, script);
    int ep[2], op[2]; /* exec failure report; gnuplot's messages */
    if (pipe(ep))
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "cannot run gnuplot: %s",
                         strerror(errno));
    if (pipe(op)) {
        close(ep[0]);
        close(ep[1]);
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "cannot run gnuplot: %s",
                         strerror(errno));
    }
    fcntl(ep[1], F_SETFD, FD_CLOEXEC);
    pid_t pid = fork();
    if (pid == 0) {
        char arg0[] = "gnuplot";
        char *argv[] = {arg0, script, NULL};
        int report[2] = {0, 0}, null = open("/dev/null", O_RDWR);
        close(ep[0]);
        close(op[0]);
        if (null >= 0) {
            dup2(null, STDIN_FILENO);
            dup2(null, STDOUT_FILENO);
        }
        dup2(op[1], STDERR_FILENO);
        if (chdir(j->dir) == 0) {
            execvp(argv[0], argv);
            report[0] = 1;
        }
        report[1] = errno;
        if (write(ep[1], report, sizeof report) < 0)
            _exit(126);
        _exit(127);
    }
    int fork_errno = errno;
    close(ep[1]);
    close(op[1]);
    if (pid < 0) {
        close(ep[0]);
        close(op[0]);
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "cannot run gnuplot: %s",
                         strerror(fork_errno));
    }
    int report[2] = {0, 0};
    ssize_t got;
    while ((got = read(ep[0], report, sizeof report)) < 0 && errno == EINTR)
        ;
    close(ep[0]);
    char msg[400];
    size_t used = 0;
    for (;;) {
        char chunk[512];
        ssize_t n = read(op[0], chunk, sizeof chunk);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        size_t keep = (size_t)n < sizeof msg - 1 - used ? (size_t)n : sizeof msg - 1 - used;
        memcpy(msg + used, chunk, keep);
        used += keep;
    }
    msg[used] = '\0';
    close(op[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (got == (ssize_t)sizeof report) {
        if (report[0] && report[1] == ENOENT) {
            error_set(j->err, ERROR_SYSTEM, path, 0, "",
                      "gnuplot not found: install it with apt-get install gnuplot-nox");
            return -2;
        }
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "cannot run gnuplot%s: %s",
                         report[0] ? "" : " in this folder", strerror(report[1]));
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        char line[400];
        gp_message(msg, line, sizeof line);
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "gnuplot failed: %s",
                         line[0] ? line : "no message");
    }
    char image[96];
    snprintf(image, sizeof image, "%s.%s", chart, j->fmt);
    snprintf(path, sizeof path, "%s/%s", j->dir, image);
    struct stat st;
    if (stat(path, &st) || st.st_size == 0)
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "gnuplot drew nothing");
    if (list_add(j->made, j->dir, image))
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "out of memory");
    return 0;
}

/* ---- markdown ---- */

/* Scenario text in the bulletin: markdown punctuation escaped, so it stays plain text. */
static void md_text(FILE *md, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            continue;
        if (strchr("\\`*_{}[]<>#|!~&", *p))
            fputc('\\', md);
        fputc(*p, md);
    }
}

/* " (95% CI a to b)", or nothing when the interval is unknown. */
static const char *ci_text(char *buf, size_t size, double lo, double hi, enum metric_unit u,
                           int mdec, int diff)
{
    char a[64], b[64];
    if (!isfinite(lo) || !isfinite(hi)) {
        buf[0] = '\0';
        return buf;
    }
    if (diff) {
        fmt_diff(a, sizeof a, lo, u, mdec);
        fmt_diff(b, sizeof b, hi, u, mdec);
    } else {
        fmt_value(a, sizeof a, lo, u, mdec);
        fmt_value(b, sizeof b, hi, u, mdec);
    }
    snprintf(buf, size, " (95%% CI %s to %s)", a, b);
    return buf;
}

/* "VALUE (95% CI LO to HI)" of a summary row. */
static const char *stat_text(char *buf, size_t size, const struct srow *s, enum metric_unit u)
{
    char v[64], c[160];
    int mdec = money_mdec(s->lo, s->hi);
    snprintf(buf, size, "%s%s", fmt_value(v, sizeof v, s->mean, u, mdec),
             ci_text(c, sizeof c, s->lo, s->hi, u, mdec, 0));
    return buf;
}

static void md_image(struct job *j, const char *chart, const char *alt)
{
    for (size_t i = 0; i < j->n_charts; i++)
        if (strcmp(j->charts[i], chart) == 0) {
            fprintf(j->md, "![%s](%s.%s)\n\n", alt, chart, j->fmt);
            return;
        }
}

/* ---- a run: summary.csv, savings_hist.csv, daily.csv ---- */

struct hist {
    size_t n;
    double *lo, *hi, *count;
    double under, over, over_low;
};

static void hist_free(struct hist *h)
{
    free(h->lo);
    free(h->hi);
    free(h->count);
    memset(h, 0, sizeof *h);
}

static int hist_read(struct hist *h, const char *dir, struct error *err)
{
    static const char *const names[] = {"bin_low", "bin_high", "count"};
    int c[3];
    struct table t;
    memset(h, 0, sizeof *h);
    if (result_read(&t, dir, "savings_hist.csv", err))
        return -1;
    if (need_cols(&t, names, c, 3, err)) {
        table_cleanup(&t);
        return -1;
    }
    h->lo = malloc((t.nrow + 1) * sizeof *h->lo);
    h->hi = malloc((t.nrow + 1) * sizeof *h->hi);
    h->count = malloc((t.nrow + 1) * sizeof *h->count);
    int bad = 0;
    if (!h->lo || !h->hi || !h->count)
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        double lo, hi, n;
        if ((bad = cell_num(&t, i, c[0], &lo, err) || cell_num(&t, i, c[1], &hi, err) ||
                   cell_num(&t, i, c[2], &n, err)))
            break;
        if (!(n >= 0) || !isfinite(n))
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "count",
                            "not a count: '%.40s'", table_cell(&t, i, (size_t)c[2]));
        else if (isinf(lo) && lo < 0)
            h->under += n;
        else if (isinf(hi) && hi > 0) {
            h->over += n;
            h->over_low = lo;
        } else if (!(hi > lo))
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "bin_high",
                            "bin_high must exceed bin_low");
        else {
            h->lo[h->n] = lo;
            h->hi[h->n] = hi;
            h->count[h->n++] = n;
        }
    }
    table_cleanup(&t);
    if (bad) {
        hist_free(h);
        return -1;
    }
    return 0;
}

/* Savings per switching household: the histogram, its mean and median marked. */
static int chart_savings(struct job *j, const struct hist *h, double reps, double *mean_out,
                         double *median_out)
{
    const char *chart = "savings";
    double total = h->under + h->over, sum = h->over * h->over_low, ymax = 0;
    size_t last = 0;
    for (size_t i = 0; i < h->n; i++) {
        total += h->count[i];
        sum += h->count[i] * (h->lo[i] + h->hi[i]) / 2;
        if (h->count[i] > 0)
            last = i;
        ymax = fmax(ymax, h->count[i] / reps);
    }
    if (!(total > 0) || h->n == 0)
        return 0;           /* nobody switched: nothing to draw */
    double above = h->over; /* households right of the drawn bins */
    while (last > 0 && h->count[last] < 0.002 * ymax * reps) {
        above += h->count[last];
        last--;
    }
    double mean = sum / total, median = h->over_low, acc = h->under, half = total / 2;
    if (acc >= half)
        median = 0;
    else
        for (size_t i = 0; i < h->n; i++) {
            if (acc + h->count[i] >= half && h->count[i] > 0) {
                median = h->lo[i] + (half - acc) / h->count[i] * (h->hi[i] - h->lo[i]);
                break;
            }
            acc += h->count[i];
        }
    *mean_out = mean;
    *median_out = median;

    FILE *d = dat_open(j, chart, "bin_low,bin_high,households_per_replication");
    if (!d)
        return -1;
    for (size_t i = 0; i <= last; i++) {
        dat_num(d, h->lo[i], 1);
        dat_num(d, h->hi[i], 0);
        dat_num(d, h->count[i] / reps, 0);
        fputc('\n', d);
    }
    if (dat_close(j, d, chart))
        return -1;

    FILE *f = gp_open(j, chart, "annual saving per switching household", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "annual saving per switching household");
    gp_set(f, "set xlabel", "saving per switching household (£/year)");
    gp_set(f, "set ylabel", reps > 1 ? "households (mean per replication)" : "households");
    gp_axis(f, "x", axis_nice(fmin(0, h->lo[0]), fmax(h->hi[last], mean), 1, 0), UNIT_POUND, NULL);
    gp_axis(f, "y", axis_nice(0, ymax * 1.15, 1, 0), UNIT_COUNT, NULL);
    fputs("unset key\nset style fill solid 0.85 border linecolor rgb '#ffffff'\n", f);
    char text[96], money[48], at[96];
    fprintf(f,
            "set arrow 1 from first %.10g, graph 0 to first %.10g, graph 1 nohead front "
            "linewidth 2 linecolor rgb '" C_RED "'\n",
            mean, mean);
    fprintf(f,
            "set arrow 2 from first %.10g, graph 0 to first %.10g, graph 1 nohead front "
            "linewidth 2 dashtype 2 linecolor rgb '#000000'\n",
            median, median);
    int mean_right = mean >= median;
    snprintf(text, sizeof text, "mean %s", fmt_money(money, sizeof money, mean, -1));
    snprintf(at, sizeof at, "first %.10g, graph 0.95", mean);
    gp_label(f, text, at, mean_right ? "left" : "right",
             mean_right ? "offset character 0.8,0 textcolor rgb '" C_RED "'"
                        : "offset character -0.8,0 textcolor rgb '" C_RED "'");
    snprintf(text, sizeof text, "median %s", fmt_money(money, sizeof money, median, -1));
    snprintf(at, sizeof at, "first %.10g, graph 0.95", median);
    gp_label(f, text, at, mean_right ? "right" : "left",
             mean_right ? "offset character -0.8,0" : "offset character 0.8,0");
    double y = 0.86;
    if (above / reps >= 0.5) {
        char n[48];
        snprintf(text, sizeof text, "%s more above %s", output_number(n, sizeof n, above / reps, 0),
                 fmt_money(money, sizeof money, h->hi[last], -1));
        snprintf(at, sizeof at, "graph 0.98, graph %.2f", y);
        gp_label(f, text, at, "right", NULL);
        y -= 0.07;
    }
    if (h->under / reps >= 0.5) {
        char n[48];
        snprintf(text, sizeof text, "%s saving £0 or less",
                 output_number(n, sizeof n, h->under / reps, 0));
        snprintf(at, sizeof at, "graph 0.98, graph %.2f", y);
        gp_label(f, text, at, "right", NULL);
    }
    fputs("plot 'savings.dat' using (($1+$2)/2):3:($2-$1) with boxes "
          "linecolor rgb '" C_BLUE "' notitle\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* x tics at whole rounds 1..R (every few rounds when there are many). */
static void round_axis(FILE *f, int rounds, const char *label)
{
    if (rounds == 1)
        fputs("set xrange [0:2]\n", f);
    else
        fprintf(f, "set xrange [0.4:%.1f]\n", rounds + 0.6);
    if (rounds <= 20) {
        fputs("set xtics nomirror out (", f);
        for (int r = 1; r <= rounds; r++)
            fprintf(f, "%s'%d' %d", r > 1 ? ", " : "", r, r);
        fputs(")\n", f);
    } else {
        struct axis a = axis_nice(1, rounds, 0, 1);
        gp_axis(f, "x", a, UNIT_COUNT, NULL);
        fprintf(f, "set xrange [0.4:%.1f]\n", rounds + 0.6); /* gp_axis set its own */
    }
    gp_set(f, "set xlabel", label);
}

/* Households switched per round, with 95% CI error bars. */
static int chart_switched(struct job *j, const struct sum_file *s, double reps)
{
    const char *chart = "switched";
    int R = s->rounds, any = 0;
    double ymax = 0;
    for (int r = 1; r <= R; r++) {
        const struct srow *st = stat_find(s, r, "switched");
        if (st && isfinite(st->mean)) {
            any = 1;
            ymax = fmax(ymax, fmax(st->mean, isfinite(st->hi) ? st->hi : st->mean));
        }
    }
    if (!any)
        return 0;
    FILE *d = dat_open(j, chart, "round,switched_mean,ci95_low,ci95_high");
    if (!d)
        return -1;
    for (int r = 1; r <= R; r++) {
        dat_num(d, r, 1);
        dat_stat(d, stat_find(s, r, "switched"), 1);
        fputc('\n', d);
    }
    if (dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "households switched by round", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "households switched by round");
    char xlabel[160];
    snprintf(xlabel, sizeof xlabel,
             "auction round   (bars: mean of %.0f replications; error "
             "bars: 95%% CI)",
             reps);
    round_axis(f, R, reps > 1 ? xlabel : "auction round");
    gp_set(f, "set ylabel", "households switched");
    gp_axis(f, "y", axis_nice(0, ymax * 1.12, 1, 1), UNIT_COUNT, NULL);
    if (ymax <= 0)
        gp_label(f, "no household switched", "graph 0.5, graph 0.5", "center", NULL);
    fputs("set boxwidth 0.6 absolute\nunset key\n", f);
    if (R <= 12)
        for (int r = 1; r <= R; r++) {
            const struct srow *st = stat_find(s, r, "switched");
            if (!st || !isfinite(st->mean))
                continue;
            char text[48], at[96];
            output_number(text, sizeof text, st->mean, 0);
            snprintf(at, sizeof at, "first %d, first %.10g", r,
                     isfinite(st->hi) ? fmax(st->hi, st->mean) : st->mean);
            gp_label(f, text, at, "center", "offset character 0,0.9");
        }
    fputs("plot 'switched.dat' using 1:2 with boxes linecolor rgb '" C_BLUE "', \\\n"
          "     '' using 1:3:(0):($4-$3) " CI_BARS "\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

struct daily {
    size_t n;
    double *v; /* n x 7: day, then the six series */
};

/* The timeline draws the registry's six daily counters, in daily.csv's order. */
_Static_assert(DAILY_COUNT == 6, "a row of struct daily is the day and six counters");

static int daily_read(struct daily *dl, const char *dir, struct error *err)
{
    const char *names[1 + DAILY_COUNT] = {"day"};
    for (int k = 0; k < DAILY_COUNT; k++)
        names[1 + k] = metric_daily_name((enum daily_column)k);
    int c[7];
    struct table t;
    memset(dl, 0, sizeof *dl);
    if (result_read(&t, dir, "daily.csv", err))
        return -1;
    if (need_cols(&t, names, c, 7, err)) {
        table_cleanup(&t);
        return -1;
    }
    int bad = 0;
    if (!(dl->v = malloc((t.nrow + 1) * 7 * sizeof *dl->v)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        for (int k = 0; k < 7 && !bad; k++) {
            double *x = &dl->v[dl->n * 7 + (size_t)k];
            if ((bad = cell_num(&t, i, c[k], x, err)))
                break;
            if (isnan(*x))
                *x = 0;
            if (!isfinite(*x) || *x < 0)
                bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], names[k],
                                "not a count: '%.40s'", table_cell(&t, i, (size_t)c[k]));
        }
        dl->n++;
    }
    table_cleanup(&t);
    if (bad) {
        free(dl->v);
        dl->v = NULL;
        return -1;
    }
    return 0;
}

/* One panel of the timeline: the three series of a channel, per day or cumulative. */
static void timeline_panel(FILE *f, const char *title, int col, double ymax, double key_y,
                           int bottom)
{
    static const char *const names[] = {"registered", "accepted", "switched"};
    static const char *const colours[] = {C_BLUE, C_ORANGE, C_GREEN};
    gp_set(f, "set title", title);
    gp_set(f, "set xlabel", bottom ? "day of campaign" : "");
    gp_set(f, "set ylabel", col < 8 ? "households per day" : "households, cumulative");
    gp_axis(f, "y", axis_nice(0, ymax * 1.05, 1, 0), UNIT_COUNT, NULL);
    fputs("unset key\n", f);
    if (key_y > 0) /* one key for all four panels, under the main title, as coloured words */
        for (int k = 0; k < 3; k++) {
            char at[64], colour[64];
            snprintf(at, sizeof at, "screen %.2f, screen %.3f", 0.38 + 0.12 * k, key_y);
            snprintf(colour, sizeof colour, "textcolor rgb '%s' font ',20'", colours[k]);
            gp_label(f, names[k], at, "center", colour);
        }
    fputs("plot ", f);
    for (int k = 0; k < 3; k++)
        fprintf(f,
                "%s'timeline.dat' using 1:%d with lines linewidth 2 linecolor rgb '%s' "
                "title '%s'",
                k ? ", \\\n     " : "", col + 2 * k, colours[k], names[k]);
    fputs("\nunset label\n", f);
}

/* Registrations, acceptances and switches by day, online and paper, daily and cumulative. */
static int chart_timeline(struct job *j, const struct daily *dl)
{
    const char *chart = "timeline";
    size_t n = 0;
    for (size_t i = 0; i < dl->n; i++)
        for (int k = 1; k < 7; k++)
            if (dl->v[i * 7 + (size_t)k] > 0)
                n = i + 2;
    if (n == 0)
        return 0;
    if (n > dl->n)
        n = dl->n;
    double cum[7] = {0}, max_day[7] = {0};
    FILE *d = dat_open(j, chart,
                       "day, per day: registered_online,registered_paper,accepted_online,"
                       "accepted_paper,switched_online,switched_paper, then the same cumulative");
    if (!d)
        return -1;
    for (size_t i = 0; i < n; i++) {
        const double *row = &dl->v[i * 7];
        dat_num(d, row[0], 1);
        for (int k = 1; k < 7; k++) {
            dat_num(d, row[k], 0);
            max_day[k] = fmax(max_day[k], row[k]);
        }
        for (int k = 1; k < 7; k++) {
            cum[k] += row[k];
            dat_num(d, cum[k], 0);
        }
        fputc('\n', d);
    }
    if (dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "registrations, acceptances and switches by day", 0);
    if (!f)
        return -1;
    const char *what = "registrations, acceptances and switches by day";
    int two = title_two_lines(j, what);
    fprintf(f, "set multiplot layout 2,2 margins 0.1,0.98,0.11,%s spacing 0.12,0.15 ",
            two ? "0.8" : "0.84");
    gp_title(f, j, "title", what);
    gp_axis(f, "x", axis_nice(dl->v[0], dl->v[(n - 1) * 7], 0, 1), UNIT_COUNT, NULL);
    double online_day = fmax(max_day[1], fmax(max_day[3], max_day[5]));
    double paper_day = fmax(max_day[2], fmax(max_day[4], max_day[6]));
    timeline_panel(f, "online, per day", 2, online_day, two ? 0.875 : 0.915, 0);
    timeline_panel(f, "online, cumulative", 8, fmax(cum[1], fmax(cum[3], cum[5])), 0, 0);
    timeline_panel(f, "paper, per day", 3, paper_day, 0, 1);
    timeline_panel(f, "paper, cumulative", 9, fmax(cum[2], fmax(cum[4], cum[6])), 0, 1);
    fputs("unset multiplot\n", f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* Conversion by channel over all rounds, as percentages with 95% CIs. */
static int chart_conversion(struct job *j, const struct sum_file *s)
{
    static const char *const metrics[] = {"conversion_online", "conversion_paper", "conversion"};
    static const char *const labels[] = {"online", "paper", "all registrations"};
    static const long colours[] = {0x0072B2, 0xE69F00, 0x009E73};
    const char *chart = "conversion";
    const struct srow *st[3];
    int any = 0;
    double top = 100;
    for (int k = 0; k < 3; k++) {
        st[k] = stat_all(s, metrics[k]);
        if (st[k] && isfinite(st[k]->mean)) {
            any = 1;
            top = fmax(top, 100 * (isfinite(st[k]->hi) ? st[k]->hi : st[k]->mean) + 9);
        }
    }
    if (!any)
        return 0;
    FILE *d = dat_open(j, chart,
                       "channel (1 online, 2 paper, 3 all),percent,ci95_low,"
                       "ci95_high,colour");
    if (!d)
        return -1;
    for (int k = 0; k < 3; k++) {
        dat_num(d, k + 1, 1);
        dat_stat(d, st[k], 100);
        fprintf(d, ",%ld\n", colours[k]);
    }
    if (dat_close(j, d, chart))
        return -1;
    const char *what =
        s->rounds > 1 ? "conversion by channel, all rounds" : "conversion by channel";
    FILE *f = gp_open(j, chart, what, 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", what);
    gp_set(f, "set ylabel", "registered households who switched (%)");
    gp_axis(f, "y", axis_nice(0, 100, 1, 0), UNIT_SHARE, NULL);
    fprintf(f, "set yrange [0:%.10g]\nset xrange [0.4:3.6]\nset xtics (", top);
    for (int k = 0; k < 3; k++) {
        fputs(k ? ", " : "", f);
        gp_quote(f, labels[k], 1);
        fprintf(f, " %d", k + 1);
    }
    fputs(")\nset boxwidth 0.6 absolute\nunset key\n", f);
    for (int k = 0; k < 3; k++) {
        if (!st[k] || !isfinite(st[k]->mean))
            continue;
        char text[48], at[96];
        fmt_value(text, sizeof text, st[k]->mean, UNIT_SHARE, -1);
        snprintf(at, sizeof at, "first %d, first %.10g", k + 1,
                 100 * (isfinite(st[k]->hi) ? fmax(st[k]->hi, st[k]->mean) : st[k]->mean));
        gp_label(f, text, at, "center", "offset character 0,0.9");
    }
    gp_set(f, "set xlabel", "error bars: 95% confidence interval");
    fputs("plot 'conversion.dat' using 1:2:5 with boxes linecolor rgb variable notitle, \\\n"
          "     '' using 1:3:(0):($4-$3) " CI_BARS " notitle\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* The winning tariff against the market's best, by round, in £/year with 95% CIs. */
static int chart_tariff(struct job *j, const struct sum_file *s)
{
    const char *chart = "tariff";
    int R = s->rounds, any = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int r = 1; r <= R; r++)
        for (int k = 0; k < 2; k++) {
            const struct srow *st = stat_find(s, r, k ? "market_best_cost" : "winning_annual_cost");
            if (!st || !isfinite(st->mean))
                continue;
            any = 1;
            lo = fmin(lo, isfinite(st->lo) ? fmin(st->lo, st->mean) : st->mean);
            hi = fmax(hi, isfinite(st->hi) ? fmax(st->hi, st->mean) : st->mean);
        }
    if (!any)
        return 0;
    FILE *d = dat_open(j, chart,
                       "round,winning_mean,ci95_low,ci95_high,"
                       "market_best_mean,ci95_low,ci95_high");
    if (!d)
        return -1;
    for (int r = 1; r <= R; r++) {
        dat_num(d, r, 1);
        for (int k = 0; k < 2; k++)
            dat_stat(d, stat_find(s, r, k ? "market_best_cost" : "winning_annual_cost"), 1);
        fputc('\n', d);
    }
    if (dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "winning tariff against the market's best", 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "winning tariff against the market's best, by round");
    round_axis(f, R, "auction round");
    gp_set(f, "set ylabel", "annual cost, reference household (£/year)");
    double pad = fmax((hi - lo) * 0.25, fmax(fabs(hi) * 0.01, 1));
    gp_axis(f, "y", axis_nice(lo - pad, hi + pad, 0, 0), UNIT_POUND, NULL);
    fputs("set key below horizontal maxrows 1\nset bmargin 6\n", f);
    int any_win = 0;
    for (int r = 1; r <= R; r++) {
        const struct srow *w = stat_find(s, r, "winning_annual_cost");
        any_win |= w && isfinite(w->mean);
    }
    if (!any_win)
        gp_label(f, "no winning bid: the auction failed", "graph 0.5, graph 0.15", "center",
                 "textcolor rgb '" C_BLUE "'");
    if (R <= 8)
        for (int r = 1; r <= R; r++) {
            const struct srow *w = stat_find(s, r, "winning_annual_cost"),
                              *m = stat_find(s, r, "market_best_cost");
            double win_mean = w ? w->mean : NAN, mkt_mean = m ? m->mean : NAN;
            for (int k = 0; k < 2; k++) {
                const struct srow *st =
                    stat_find(s, r, k ? "market_best_cost" : "winning_annual_cost");
                if (!st || !isfinite(st->mean))
                    continue;
                char text[48], at[96]; /* the lower series labelled below, the other above */
                int below = k == 0 ? mkt_mean > st->mean : win_mean > st->mean;
                double y = below ? (isfinite(st->lo) ? fmin(st->lo, st->mean) : st->mean)
                                 : (isfinite(st->hi) ? fmax(st->hi, st->mean) : st->mean);
                fmt_money(text, sizeof text, st->mean, -1);
                snprintf(at, sizeof at, "first %.10g, first %.10g", r + (k ? 0.1 : -0.1), y);
                gp_label(f, text, at, "center",
                         below ? "offset character 0,-1" : "offset character 0,1");
            }
        }
    fputs("plot 'tariff.dat' using ($1-0.1):2:3:4 with yerrorlines linewidth 2 pointtype 7 "
          "pointsize 1.8 linecolor rgb '" C_BLUE "' title 'winning auction tariff', \\\n"
          "     '' using ($1+0.1):5:6:7 with yerrorlines linewidth 2 pointtype 5 pointsize 1.8 "
          "linecolor rgb '" C_RED "' title 'best market tariff (direct debit)'\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* The headline sentences of a run, ready to paste. */
static void bulletin_run(struct job *j, const struct sum_file *s, double reps, double hist_mean,
                         double hist_median)
{
    FILE *md = j->md;
    const struct srow *sw = stat_all(s, "switched"), *tot = stat_all(s, "saving_total"),
                      *each = stat_all(s, "saving_mean"), *reg = stat_all(s, "registered"),
                      *conv = stat_all(s, "conversion"), *on = stat_all(s, "conversion_online"),
                      *pa = stat_all(s, "conversion_paper"),
                      *win = stat_all(s, "winning_annual_cost"),
                      *mkt = stat_all(s, "market_best_cost"), *late = stat_all(s, "paper_late"),
                      *failed = stat_all(s, "auction_failed");
    char a[200], b[200], c[200];
    if (s->rounds > 1)
        fprintf(md, "Over %d auction rounds, ", s->rounds);
    if (sw) {
        fprintf(md, "%s households switched%s", fmt_value(a, sizeof a, sw->mean, UNIT_COUNT, -1),
                ci_text(b, sizeof b, sw->lo, sw->hi, UNIT_COUNT, -1, 0));
        if (tot && isfinite(tot->mean)) {
            int mdec = money_mdec(tot->lo, tot->hi);
            fprintf(md, ", saving %s a year%s", fmt_value(a, sizeof a, tot->mean, UNIT_POUND, mdec),
                    ci_text(b, sizeof b, tot->lo, tot->hi, UNIT_POUND, mdec, 0));
        }
        if (each && isfinite(each->mean))
            fprintf(md, ", about %s each%s", fmt_value(a, sizeof a, each->mean, UNIT_POUND, -1),
                    ci_text(b, sizeof b, each->lo, each->hi, UNIT_POUND, -1, 0));
        fputs(".\n", md);
    }
    if (reg && conv) {
        fprintf(md, "Of %s registered households%s, ",
                fmt_value(a, sizeof a, reg->mean, UNIT_COUNT, -1),
                ci_text(b, sizeof b, reg->lo, reg->hi, UNIT_COUNT, -1, 0));
        fprintf(md, "%s switched%s", fmt_value(a, sizeof a, conv->mean, UNIT_SHARE, -1),
                ci_text(b, sizeof b, conv->lo, conv->hi, UNIT_SHARE, -1, 0));
        if (on && pa && isfinite(on->mean) && isfinite(pa->mean)) {
            fprintf(md, ": %s of online registrations%s",
                    fmt_value(a, sizeof a, on->mean, UNIT_SHARE, -1),
                    ci_text(b, sizeof b, on->lo, on->hi, UNIT_SHARE, -1, 0));
            fprintf(md, " and %s of paper ones%s", fmt_value(a, sizeof a, pa->mean, UNIT_SHARE, -1),
                    ci_text(b, sizeof b, pa->lo, pa->hi, UNIT_SHARE, -1, 0));
        }
        fputs(".\n", md);
    }
    if (win && isfinite(win->mean)) {
        fprintf(md, "The winning direct-debit tariff costs the reference household %s a year%s",
                fmt_value(a, sizeof a, win->mean, UNIT_POUND, -1),
                ci_text(b, sizeof b, win->lo, win->hi, UNIT_POUND, -1, 0));
        if (mkt && isfinite(mkt->mean)) {
            double gap = mkt->mean - win->mean;
            fprintf(md, ", %s %s than the market's best at %s",
                    fmt_money(b, sizeof b, fabs(gap), -1), gap >= 0 ? "less" : "more",
                    fmt_money(c, sizeof c, mkt->mean, -1));
        }
        fputs(".\n", md);
    } else if (win)
        fputs("No bid beat the reserve: the auction failed in every replication.\n", md);
    if (late && late->mean >= 0.5)
        fprintf(md, "%s paper forms were entered too late for the last auction%s.\n",
                fmt_value(a, sizeof a, late->mean, UNIT_COUNT, -1),
                ci_text(b, sizeof b, late->lo, late->hi, UNIT_COUNT, -1, 0));
    if (failed && failed->mean > 0)
        fprintf(md, "On average %s lots per replication failed the reserve.\n",
                fmt_value(a, sizeof a, failed->mean, UNIT_NUMBER, -1));
    if (isfinite(hist_mean))
        fprintf(md,
                "Among switching households the saving has mean %s and median %s a year "
                "(from the savings histogram).\n",
                fmt_money(a, sizeof a, hist_mean, -1), fmt_money(b, sizeof b, hist_median, -1));
    if (s->rounds > 1 && sw) {
        fputs("\n| round | households switched | saving a year | winning tariff |\n"
              "|---|---|---|---|\n",
              md);
        for (int r = 1; r <= s->rounds; r++) {
            const struct srow *x = stat_find(s, r, "switched"),
                              *y = stat_find(s, r, "saving_total"),
                              *z = stat_find(s, r, "winning_annual_cost");
            fprintf(md, "| %d | %s | %s | %s |\n", r,
                    x ? stat_text(a, sizeof a, x, UNIT_COUNT) : "",
                    y ? stat_text(b, sizeof b, y, UNIT_POUND) : "",
                    z ? stat_text(c, sizeof c, z, UNIT_POUND) : "");
        }
    }
    if (reps > 1)
        fprintf(md,
                "\nFigures are means over %.0f replications, with 95%% confidence intervals "
                "across replications.\n\n",
                reps);
    else
        fputs("\nFigures come from a single replication, so they carry no confidence "
              "interval.\n\n",
              md);
    md_image(j, "switched", "Households switched by round");
    md_image(j, "savings", "Annual saving per switching household");
    md_image(j, "conversion", "Conversion by channel");
    md_image(j, "tariff", "Winning tariff against the market's best");
    md_image(j, "timeline", "Registrations, acceptances and switches by day");
}

/* ---- a sweep: sweep.csv ---- */

struct grid_metric {
    char name[64];
    int col[3]; /* mean, ci95_low, ci95_high; -1 when absent */
};

struct grid {
    struct table t;
    int nkeys;
    char **key; /* the names of the nkeys varied keys, without blanks around them */
    size_t nm;
    struct grid_metric m[MAX_SWEEP_METRICS];
    double *v;        /* nrow x nm x 3 */
    size_t *order[2]; /* distinct values of each key, as the row first holding each, sorted */
    size_t nval[2];
    int numeric[2];
    size_t *pos[2]; /* per row, the index of its value in order[] */
};

static void grid_free(struct grid *sw)
{
    table_cleanup(&sw->t);
    for (int k = 0; sw->key && k < sw->nkeys; k++)
        free(sw->key[k]);
    free(sw->key);
    free(sw->v);
    for (int k = 0; k < 2; k++) {
        free(sw->order[k]);
        free(sw->pos[k]);
    }
    memset(sw, 0, sizeof *sw);
}

static const char *key_value(const struct grid *sw, int k, size_t row)
{
    return table_cell(&sw->t, row, (size_t)k);
}

static double key_number(const struct grid *sw, int k, size_t row)
{
    char *end;
    const char *s = key_value(sw, k, row);
    double x = strtod(s, &end);
    return *s && !*end && isfinite(x) ? x : NAN;
}

static double grid_value(const struct grid *sw, size_t row, size_t m, int which)
{
    return sw->v[(row * sw->nm + m) * 3 + (size_t)which];
}

/* The distinct values of key k, sorted by number when all are numbers, else in file order. */
static int grid_keys(struct grid *sw, int k)
{
    size_t n = sw->t.nrow;
    sw->order[k] = malloc((n + 1) * sizeof *sw->order[k]);
    sw->pos[k] = malloc((n + 1) * sizeof *sw->pos[k]);
    if (!sw->order[k] || !sw->pos[k])
        return -1;
    sw->numeric[k] = 1;
    for (size_t i = 0; i < n; i++) {
        size_t v = 0;
        while (v < sw->nval[k] && strcmp(key_value(sw, k, sw->order[k][v]), key_value(sw, k, i)))
            v++;
        if (v == sw->nval[k])
            sw->order[k][sw->nval[k]++] = i;
        if (isnan(key_number(sw, k, i)))
            sw->numeric[k] = 0;
    }
    if (sw->numeric[k]) /* insertion sort: sweeps are small */
        for (size_t a = 1; a < sw->nval[k]; a++)
            for (size_t b = a; b > 0 && key_number(sw, k, sw->order[k][b - 1]) >
                                            key_number(sw, k, sw->order[k][b]);
                 b--) {
                size_t t = sw->order[k][b];
                sw->order[k][b] = sw->order[k][b - 1];
                sw->order[k][b - 1] = t;
            }
    for (size_t i = 0; i < n; i++)
        for (size_t v = 0; v < sw->nval[k]; v++)
            if (strcmp(key_value(sw, k, sw->order[k][v]), key_value(sw, k, i)) == 0) {
                sw->pos[k][i] = v;
                break;
            }
    return 0;
}

static int grid_read(struct grid *sw, const char *dir, struct error *err)
{
    memset(sw, 0, sizeof *sw);
    if (result_read(&sw->t, dir, "sweep.csv", err))
        return -1;
    struct table *t = &sw->t;
    size_t len;
    const char *h;
    for (; (size_t)sw->nkeys < t->ncol; sw->nkeys++) {
        h = header_span(t, (size_t)sw->nkeys, &len);
        if (is_mean(h, len))
            break;
    }
    if (sw->nkeys < 1 || (size_t)sw->nkeys == t->ncol) {
        error_set(err, ERROR_INPUT, t->file, t->line[0], "",
                  "expected the varied keys, then <metric>_mean columns");
        grid_free(sw);
        return -1;
    }
    for (size_t c = (size_t)sw->nkeys; c < t->ncol && sw->nm < MAX_SWEEP_METRICS; c++) {
        h = header_span(t, c, &len);
        if (!is_mean(h, len) || len - 5 >= sizeof sw->m[0].name || len == 5)
            continue;
        struct grid_metric *m = &sw->m[sw->nm++];
        char lo[96], hi[96];
        snprintf(m->name, sizeof m->name, "%.*s", (int)(len - 5), h);
        snprintf(lo, sizeof lo, "%s_ci95_low", m->name);
        snprintf(hi, sizeof hi, "%s_ci95_high", m->name);
        m->col[0] = (int)c;
        m->col[1] = table_column(t, lo);
        m->col[2] = table_column(t, hi);
    }
    int bad = 0;
    if ((sw->key = calloc((size_t)sw->nkeys, sizeof *sw->key)))
        for (int k = 0; k < sw->nkeys && !bad; k++) {
            h = header_span(t, (size_t)k, &len);
            bad = !(sw->key[k] = strndup(h, len));
        }
    if (bad || !sw->key || !(sw->v = malloc((t->nrow * sw->nm + 1) * 3 * sizeof *sw->v)) ||
        (sw->nkeys <= 2 && grid_keys(sw, 0)) || (sw->nkeys == 2 && grid_keys(sw, 1)))
        bad = error_set(err, ERROR_SYSTEM, t->file, 0, "", "out of memory");
    for (size_t i = 0; i < t->nrow && !bad; i++)
        for (size_t m = 0; m < sw->nm && !bad; m++)
            for (int w = 0; w < 3 && !bad; w++) {
                double *x = &sw->v[(i * sw->nm + m) * 3 + (size_t)w];
                *x = NAN;
                if (sw->m[m].col[w] >= 0)
                    bad = cell_num(t, i, sw->m[m].col[w], x, err);
            }
    if (!bad && t->nrow == 0)
        bad = error_set(err, ERROR_INPUT, t->file, t->line[0], "", "no grid points");
    if (bad) {
        grid_free(sw);
        return -1;
    }
    return 0;
}

/* A chart name from a metric: the metric itself when known (safe letters), else by number. */
static void metric_chart(char *buf, size_t size, const char *prefix, const char *metric, size_t k)
{
    if (metric_find(metric, strlen(metric)) >= 0)
        snprintf(buf, size, "%s_%s", prefix, metric);
    else
        snprintf(buf, size, "%s_metric%zu", prefix, k + 1);
}

static double scale_of(enum metric_unit u)
{
    return u == UNIT_SHARE ? 100 : 1;
}

/* The row holding each value of the only key (the last such row). */
static void grid_rows(const struct grid *sw, size_t *row)
{
    for (size_t i = 0; i < sw->t.nrow; i++)
        row[sw->pos[0][i]] = i;
}

/* x tics at the values of key k, as written in sweep.csv (every few when there are many). */
static void key_tics(FILE *f, const struct grid *sw, int k, const char *ax)
{
    size_t n = sw->nval[k], every = n > 15 ? (n + 14) / 15 : 1;
    fprintf(f, "set %stics nomirror out (", ax);
    for (size_t v = 0; v < n; v += every) {
        fputs(v ? ", " : "", f);
        char text[80];
        const char *value = key_value(sw, k, sw->order[k][v]);
        text_clean(text, 28, value); /* long text values would run into each other */
        if (strlen(text) < strlen(value))
            strcat(text, "…");
        gp_quote(f, text, 1);
        fprintf(f, " %.10g",
                sw->numeric[k] && ax[0] == 'x' && sw->nkeys == 1
                    ? key_number(sw, k, sw->order[k][v])
                    : (double)(v + 1));
    }
    fputs(")\n", f);
}

/* One headline metric against the only varied key, with its 95% CI as a band. */
static int chart_sweep1(struct job *j, const struct grid *sw, size_t m, char *chart, size_t size)
{
    struct metric_info mi = metric_words(sw->m[m].name);
    double sc = scale_of(mi.unit), lo = INFINITY, hi = -INFINITY;
    size_t n = sw->nval[0], *row = malloc(n * sizeof *row);
    if (!row)
        return error_set(j->err, ERROR_SYSTEM, sw->t.file, 0, "", "out of memory");
    grid_rows(sw, row);
    for (size_t v = 0; v < n; v++)
        for (int w = 0; w < 3; w++) {
            double x = grid_value(sw, row[v], m, w) * sc;
            if (isfinite(x)) {
                lo = fmin(lo, x);
                hi = fmax(hi, x);
            }
        }
    if (!isfinite(lo)) {
        free(row);
        return 0;
    }
    metric_chart(chart, size, "sweep", sw->m[m].name, m);
    char cols[160];
    snprintf(cols, sizeof cols, "%s,mean,ci95_low,ci95_high", sw->numeric[0] ? "value" : "index");
    FILE *d = dat_open(j, chart, cols);
    if (!d) {
        free(row);
        return -1;
    }
    for (size_t v = 0; v < n; v++) {
        double mean = grid_value(sw, row[v], m, 0) * sc;
        double a = grid_value(sw, row[v], m, 1) * sc, b = grid_value(sw, row[v], m, 2) * sc;
        dat_num(d, sw->numeric[0] ? key_number(sw, 0, row[v]) : (double)(v + 1), 1);
        dat_num(d, mean, 0);
        dat_num(d, isfinite(a) ? a : mean, 0);
        dat_num(d, isfinite(b) ? b : mean, 0);
        fputc('\n', d);
    }
    if (dat_close(j, d, chart)) {
        free(row);
        return -1;
    }
    char what[300], key[120];
    text_clean(key, sizeof key, sw->key[0]);
    snprintf(what, sizeof what, "%s by %s", mi.label, key);
    FILE *f = gp_open(j, chart, "one headline metric of a sweep with its 95% CI", 0);
    if (!f) {
        free(row);
        return -1;
    }
    gp_title(f, j, "set title", what);
    gp_set(f, "set xlabel", key);
    gp_set(f, "set ylabel", mi.axis);
    double min_span = 0.1 * fmax(fabs(lo), fabs(hi)); /* a flat metric stays a flat line */
    if (hi - lo < min_span) {
        double mid = (lo + hi) / 2;
        lo = lo >= 0 ? fmax(0, mid - min_span / 2) : mid - min_span / 2;
        hi = lo + min_span;
    }
    gp_axis(f, "y", axis_nice(lo, hi + (hi - lo) * 0.05, lo >= 0 && lo < 0.5 * hi, 0), mi.unit,
            NULL);
    fputs("set key below horizontal maxrows 1\nset bmargin 6\n", f);
    char dat[96];
    snprintf(dat, sizeof dat, "%.60s.dat", chart);
    if (sw->numeric[0]) {
        double x0 = key_number(sw, 0, row[0]), x1 = key_number(sw, 0, row[n - 1]);
        double pad = x1 > x0 ? (x1 - x0) * 0.04 : fmax(fabs(x0) * 0.5, 0.5);
        if (n <= 12)
            key_tics(f, sw, 0, "x");
        else
            gp_axis(f, "x", axis_nice(x0, x1, 0, 0), UNIT_NUMBER, NULL);
        fprintf(f, "set xrange [%.10g:%.10g]\nplot ", x0 - pad, x1 + pad);
        gp_quote(f, dat, 0);
        fputs(" using 1:3:4 with filledcurves linecolor rgb '" C_SKY "' "
              "fillstyle transparent solid 0.35 noborder title '95% CI', \\\n     ''"
              " using 1:2 with linespoints linewidth 2 pointtype 7 pointsize 1.5 "
              "linecolor rgb '" C_BLUE "' title 'mean'\n",
              f);
    } else {
        key_tics(f, sw, 0, "x");
        fprintf(f, "set xrange [0.4:%.1f]\nplot ", n + 0.6);
        gp_quote(f, dat, 0);
        fputs(" using 1:2:3:4 with yerrorbars linewidth 2 pointtype 7 pointsize 2 "
              "linecolor rgb '" C_BLUE "' title 'mean and 95% CI'\n",
              f);
    }
    free(row);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* One headline metric over two varied keys, as a labelled heatmap. */
static int chart_sweep2(struct job *j, const struct grid *sw, size_t m, char *chart, size_t size)
{
    struct metric_info mi = metric_words(sw->m[m].name);
    double sc = scale_of(mi.unit), lo = INFINITY, hi = -INFINITY;
    size_t n1 = sw->nval[0], n2 = sw->nval[1];
    double *g = malloc(n1 * n2 * sizeof *g);
    if (!g)
        return error_set(j->err, ERROR_SYSTEM, sw->t.file, 0, "", "out of memory");
    for (size_t i = 0; i < n1 * n2; i++)
        g[i] = NAN;
    for (size_t i = 0; i < sw->t.nrow; i++)
        g[sw->pos[0][i] * n2 + sw->pos[1][i]] = grid_value(sw, i, m, 0) * sc;
    for (size_t i = 0; i < n1 * n2; i++)
        if (isfinite(g[i])) {
            lo = fmin(lo, g[i]);
            hi = fmax(hi, g[i]);
        }
    if (!isfinite(lo)) {
        free(g);
        return 0;
    }
    metric_chart(chart, size, "heat", sw->m[m].name, m);
    FILE *d = dat_open(j, chart, "index of the first key,index of the second key,mean");
    if (!d) {
        free(g);
        return -1;
    }
    for (size_t a = 0; a < n1; a++)
        for (size_t b = 0; b < n2; b++) {
            dat_num(d, (double)(a + 1), 1);
            dat_num(d, (double)(b + 1), 0);
            dat_num(d, g[a * n2 + b], 0);
            fputc('\n', d);
        }
    if (dat_close(j, d, chart)) {
        free(g);
        return -1;
    }
    FILE *f = gp_open(j, chart, "one headline metric of a two-key sweep as a heatmap", 0);
    if (!f) {
        free(g);
        return -1;
    }
    char key1[120], key2[120];
    text_clean(key1, sizeof key1, sw->key[0]);
    text_clean(key2, sizeof key2, sw->key[1]);
    gp_title(f, j, "set title", mi.label);
    gp_set(f, "set xlabel", key1);
    gp_set(f, "set ylabel", key2);
    gp_set(f, "set cblabel", mi.axis);
    struct axis cb = axis_nice(lo, hi, 0, 0);
    gp_axis(f, "cb", cb, mi.unit, NULL);
    key_tics(f, sw, 0, "x");
    key_tics(f, sw, 1, "y");
    fprintf(f,
            "set xrange [0.5:%.1f]\nset yrange [0.5:%.1f]\nunset grid\nunset key\n"
            "set border 0\nset tics scale 0\n"
            "set palette defined (0 '#440154', 1 '#3B528B', 2 '#21918C', 3 '#5EC962', "
            "4 '#FDE725')\n",
            n1 + 0.5, n2 + 0.5);
    if (n1 * n2 <= 150) {
        const char *font = n1 <= 6 ? "20" : n1 <= 10 ? "16" : "12";
        for (size_t a = 0; a < n1; a++)
            for (size_t b = 0; b < n2; b++) {
                double x = g[a * n2 + b];
                if (!isfinite(x))
                    continue;
                char text[64], at[96], extra[96];
                fmt_value(text, sizeof text, x / sc, mi.unit, 2);
                snprintf(at, sizeof at, "first %zu, first %zu", a + 1, b + 1);
                snprintf(extra, sizeof extra, "font ',%s' textcolor rgb '%s'", font,
                         (x - cb.lo) / (cb.hi - cb.lo) < 0.6 ? "#ffffff" : "#000000");
                gp_label(f, text, at, "center", extra);
            }
    }
    char dat[96];
    snprintf(dat, sizeof dat, "%.60s.dat", chart);
    fputs("plot ", f);
    gp_quote(f, dat, 0);
    fputs(" using 1:2:(0.5):(0.5):3 with boxxyerror fillstyle solid 1.0 noborder "
          "fillcolor palette notitle\n",
          f);
    free(g);
    return gp_close(j, f, chart) ? -1 : 1;
}

/* "key = value" or "key1 = v1, key2 = v2" of a grid point, as markdown text. */
static void md_point(FILE *md, const struct grid *sw, size_t row)
{
    for (int k = 0; k < sw->nkeys; k++) {
        fputs(k ? ", " : "", md);
        md_text(md, sw->key[k]);
        fputs(" = ", md);
        md_text(md, key_value(sw, k, row));
    }
}

static int grid_metric_index(const struct grid *sw, const char *name)
{
    for (size_t m = 0; m < sw->nm; m++)
        if (strcmp(sw->m[m].name, name) == 0)
            return (int)m;
    return -1;
}

/* A grid point's value of metric m as text: "before VALUE after (95% CI LO to HI)". */
static void md_grid_value(FILE *md, const struct grid *sw, size_t row, size_t m, const char *before,
                          const char *after)
{
    struct metric_info mi = metric_words(sw->m[m].name);
    double a = grid_value(sw, row, m, 1), b = grid_value(sw, row, m, 2);
    int mdec = money_mdec(a, b);
    char v[64], c[160];
    fmt_value(v, sizeof v, grid_value(sw, row, m, 0), mi.unit, mdec);
    fprintf(md, "%s%s%s%s", before, v, after, ci_text(c, sizeof c, a, b, mi.unit, mdec, 0));
}

static int sweep_section(struct job *j, const struct grid *sw)
{
    FILE *md = j->md;
    char chart[MAX_SWEEP_METRICS][64];
    int drawn[MAX_SWEEP_METRICS] = {0};
    for (size_t m = 0; m < sw->nm && sw->nkeys <= 2; m++) {
        int rc = sw->nkeys == 1 ? chart_sweep1(j, sw, m, chart[m], sizeof chart[m])
                                : chart_sweep2(j, sw, m, chart[m], sizeof chart[m]);
        if (rc < 0)
            return -1;
        drawn[m] = rc;
    }
    fputs("## Sweep over ", md);
    for (int k = 0; k < sw->nkeys; k++) {
        fputs(k ? " and " : "", md);
        md_text(md, sw->key[k]);
    }
    fprintf(md,
            "\n\n%zu grid point%s; figures are means over replications with 95%% "
            "confidence intervals.%s\n\n",
            sw->t.nrow, sw->t.nrow == 1 ? "" : "s",
            sw->nkeys > 2 ? " Charts are drawn for sweeps over one or two keys only." : "");
    int best_m = grid_metric_index(sw, "switched");
    if (best_m < 0)
        best_m = 0;
    size_t best = 0, second = SIZE_MAX;
    for (size_t i = 1; i < sw->t.nrow; i++)
        if (grid_value(sw, i, (size_t)best_m, 0) > grid_value(sw, best, (size_t)best_m, 0) ||
            isnan(grid_value(sw, best, (size_t)best_m, 0)))
            best = i;
    for (size_t i = 0; i < sw->t.nrow; i++)
        if (i != best && (second == SIZE_MAX || grid_value(sw, i, (size_t)best_m, 0) >
                                                    grid_value(sw, second, (size_t)best_m, 0)))
            second = i;
    struct metric_info bi = metric_words(sw->m[best_m].name);
    fprintf(md, "Best point (highest %s): ", bi.label);
    md_point(md, sw, best);
    if (strcmp(bi.name, "switched") == 0)
        md_grid_value(md, sw, best, (size_t)best_m, ": ", " households switched");
    else
        md_grid_value(md, sw, best, (size_t)best_m, ": ", "");
    static const char *const also[] = {"saving_total", "saving_mean", "conversion"};
    static const char *const before[] = {", saving ", ", about ", ", conversion "};
    static const char *const after[] = {" a year", " per switching household", ""};
    for (int k = 0; k < 3; k++) {
        int m = grid_metric_index(sw, also[k]);
        if (m >= 0 && m != best_m && isfinite(grid_value(sw, best, (size_t)m, 0)))
            md_grid_value(md, sw, best, (size_t)m, before[k], after[k]);
    }
    fputs(".", md);
    if (second != SIZE_MAX) {
        double best_lo = grid_value(sw, best, (size_t)best_m, 1);
        double second_hi = grid_value(sw, second, (size_t)best_m, 2);
        if (isfinite(best_lo) && isfinite(second_hi) && best_lo > second_hi)
            fputs(" Its 95% CI lies above that of every other point.", md);
        else if (isfinite(best_lo) && isfinite(second_hi)) {
            fputs(" Its 95% CI overlaps that of the runner-up (", md);
            md_point(md, sw, second);
            fputs("), so the two are not clearly distinguishable.", md);
        }
    }
    fputs("\n\n", md);
    for (size_t m = 0; m < sw->nm; m++) {
        size_t lo = SIZE_MAX, hi = SIZE_MAX;
        for (size_t i = 0; i < sw->t.nrow; i++) {
            double x = grid_value(sw, i, m, 0);
            if (isnan(x))
                continue;
            if (lo == SIZE_MAX || x < grid_value(sw, lo, m, 0))
                lo = i;
            if (hi == SIZE_MAX || x > grid_value(sw, hi, m, 0))
                hi = i;
        }
        if (lo == SIZE_MAX)
            continue;
        struct metric_info mi = metric_words(sw->m[m].name);
        char a[64], b[64];
        fmt_value(a, sizeof a, grid_value(sw, lo, m, 0), mi.unit, 2);
        fmt_value(b, sizeof b, grid_value(sw, hi, m, 0), mi.unit, 2);
        fputs("- ", md);
        md_text(md, mi.label);
        if (strcmp(a, b) == 0) { /* flat */
            fprintf(md, ": %s at every point.\n", a);
            continue;
        }
        md_grid_value(md, sw, lo, m, ": lowest ", "");
        fputs(" at ", md);
        md_point(md, sw, lo);
        md_grid_value(md, sw, hi, m, "; highest ", "");
        fputs(" at ", md);
        md_point(md, sw, hi);
        fputs(".\n", md);
    }
    fputs("\n", md);
    for (size_t m = 0; m < sw->nm; m++)
        if (drawn[m]) {
            fputs("![", md);
            md_text(md, metric_words(sw->m[m].name).label);
            fprintf(md, "](%s.%s)\n\n", chart[m], j->fmt);
        }
    return 0;
}

/* ---- a compare: compare.csv ---- */

struct cmp_row {
    char metric[64];
    double a, b, d, lo, hi, n;
};

struct cmp_file {
    struct cmp_row *rows;
    size_t n;
};

static int cmp_read(struct cmp_file *cp, const char *dir, struct error *err)
{
    static const char *const names[] = {"metric",        "a_mean",         "b_mean", "diff_mean",
                                        "diff_ci95_low", "diff_ci95_high", "n"};
    int c[7];
    struct table t;
    memset(cp, 0, sizeof *cp);
    if (result_read(&t, dir, "compare.csv", err))
        return -1;
    if (need_cols(&t, names, c, 7, err)) {
        table_cleanup(&t);
        return -1;
    }
    int bad = 0;
    if (!(cp->rows = calloc(t.nrow + 1, sizeof *cp->rows)))
        bad = error_set(err, ERROR_SYSTEM, t.file, 0, "", "out of memory");
    for (size_t i = 0; i < t.nrow && !bad; i++) {
        struct cmp_row *r = &cp->rows[cp->n++];
        text_clean(r->metric, sizeof r->metric, table_cell(&t, i, (size_t)c[0]));
        trim(r->metric);
        if (!r->metric[0])
            bad = error_set(err, ERROR_INPUT, t.file, t.line[i + 1], "metric", "empty metric name");
        double *x[] = {&r->a, &r->b, &r->d, &r->lo, &r->hi, &r->n};
        for (int k = 0; k < 6 && !bad; k++)
            bad = cell_num(&t, i, c[k + 1], x[k], err);
    }
    table_cleanup(&t);
    if (bad) {
        free(cp->rows);
        cp->rows = NULL;
        return -1;
    }
    return 0;
}

static int distinguishable(const struct cmp_row *r)
{
    return isfinite(r->lo) && isfinite(r->hi) && (r->lo > 0 || r->hi < 0);
}

/* Paired differences B - A as a share of A's mean, horizontal bars with 95% CIs. */
static int chart_compare(struct job *j, const struct cmp_file *cp)
{
    const char *chart = "compare";
    size_t k = 0;
    double lo = 0, hi = 0;
    for (size_t i = 0; i < cp->n; i++) {
        const struct cmp_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        k++;
        double s = 100 / fabs(r->a);
        lo = fmin(lo, fmin(r->d, isfinite(r->lo) ? r->lo : r->d) * s);
        hi = fmax(hi, fmax(r->d, isfinite(r->hi) ? r->hi : r->d) * s);
    }
    if (k == 0)
        return 0;
    FILE *d = dat_open(j, chart, "position,diff_percent_of_a,ci95_low,ci95_high,colour");
    if (!d)
        return -1;
    size_t y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct cmp_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        double s = 100 / fabs(r->a), p = r->d * s;
        dat_num(d, (double)y--, 1);
        dat_num(d, p, 0);
        dat_num(d, isfinite(r->lo) ? r->lo * s : p, 0);
        dat_num(d, isfinite(r->hi) ? r->hi * s : p, 0);
        fprintf(d, ",%ld\n", !distinguishable(r) ? 0xBBBBBBL : r->d > 0 ? 0x0072B2L : 0xD55E00L);
    }
    if (dat_close(j, d, chart))
        return -1;
    FILE *f = gp_open(j, chart, "paired differences B - A with 95% CIs",
                      k > 14 ? (int)(400 + 45 * k) : 0);
    if (!f)
        return -1;
    gp_title(f, j, "set title", "paired differences B - A with 95% CI");
    gp_set(f, "set xlabel", "difference B - A, % of A's mean  (grey: the 95% CI includes zero)");
    struct axis a = axis_steps(lo, hi, 1, 0, 4);
    double span = a.hi - a.lo;
    gp_axis(f, "x", a, UNIT_SHARE, "+");
    fprintf(f,
            "set xrange [%.10g:%.10g]\nset yrange [0.4:%.1f]\nunset key\nunset grid\n"
            "set grid xtics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n"
            "set arrow from first 0, graph 0 to first 0, graph 1 nohead linewidth 1.5 "
            "linecolor rgb '#333333'\nset ytics nomirror out scale 0 (",
            a.lo - (lo < 0 ? 0.3 : 0.02) * span, a.hi + (hi > 0 ? 0.3 : 0.02) * span, k + 0.6);
    y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct cmp_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        fputs(y < k ? ", " : "", f);
        gp_quote(f, metric_words(r->metric).label, 1);
        fprintf(f, " %zu", y--);
    }
    fputs(")\n", f);
    y = k;
    for (size_t i = 0; i < cp->n; i++) {
        const struct cmp_row *r = &cp->rows[i];
        if (!isfinite(r->a) || r->a == 0 || !isfinite(r->d))
            continue;
        struct metric_info mi = metric_words(r->metric);
        double s = 100 / fabs(r->a), p = r->d * s;
        double end = p >= 0 ? fmax(p, isfinite(r->hi) ? r->hi * s : p)
                            : fmin(p, isfinite(r->lo) ? r->lo * s : p);
        char text[64], at[96];
        fmt_diff(text, sizeof text, r->d, mi.unit, money_mdec(r->lo, r->hi));
        snprintf(at, sizeof at, "first %.10g, first %zu", end, y--);
        gp_label(f, text, at, p >= 0 ? "left" : "right",
                 p >= 0 ? "offset character 0.8,0" : "offset character -0.8,0");
    }
    fputs("plot 'compare.dat' using 2:1:(($2<0)?$2:0):(($2<0)?0:$2):($1-0.32):($1+0.32):5 "
          "with boxxyerror fillstyle solid 0.85 noborder linecolor rgb variable, \\\n"
          "     '' using 3:1:($4-$3):(0) " CI_BARS "\n",
          f);
    return gp_close(j, f, chart) ? -1 : 1;
}

static void md_cmp_row(FILE *md, const struct cmp_row *r)
{
    struct metric_info mi = metric_words(r->metric);
    int mdec = money_mdec(r->lo, r->hi);
    char a[64], b[64], d[64], c[160];
    fputs("- ", md);
    md_text(md, mi.label);
    fprintf(md, ": %s under A, %s under B: %s%s", fmt_value(a, sizeof a, r->a, mi.unit, mdec),
            fmt_value(b, sizeof b, r->b, mi.unit, mdec), fmt_diff(d, sizeof d, r->d, mi.unit, mdec),
            ci_text(c, sizeof c, r->lo, r->hi, mi.unit, mdec, 1));
    if (isfinite(r->a) && r->a != 0 && isfinite(r->d))
        fprintf(md, ", %s%.1f%% of A", r->d >= 0 ? "+" : "-", fabs(100 * r->d / r->a));
    fputs(".\n", md);
}

static int cmp_section(struct job *j, const struct cmp_file *cp)
{
    FILE *md = j->md;
    int rc = chart_compare(j, cp);
    if (rc < 0)
        return -1;
    double n = NAN;
    for (size_t i = 0; i < cp->n && isnan(n); i++)
        n = cp->rows[i].n;
    fputs("## B against A\n\n", md);
    if (isfinite(n))
        fprintf(md,
                "Paired differences B - A over %.0f replications with common random "
                "numbers, with 95%% confidence intervals.\n\n",
                n);
    fputs("Distinguishable from zero (the 95% CI excludes 0):\n\n", md);
    size_t yes = 0, no = 0;
    for (size_t i = 0; i < cp->n; i++)
        if (distinguishable(&cp->rows[i])) {
            md_cmp_row(md, &cp->rows[i]);
            yes++;
        }
    if (!yes)
        fputs("- none.\n", md);
    fputs("\nNot distinguishable from zero: ", md);
    for (size_t i = 0; i < cp->n; i++)
        if (!distinguishable(&cp->rows[i])) {
            fputs(no++ ? ", " : "", md);
            md_text(md, metric_words(cp->rows[i].metric).label);
        }
    fputs(no ? ".\n\n" : "none.\n\n", md);
    md_image(j, "compare", "B against A, paired differences");
    return 0;
}

/* ---- the results folder ---- */

/* What plot_scenario_name looks for: the first non-empty scenario.name. */
struct name_search {
    char *buf;
    size_t size;
    int found;
};

/* scenario_each_value's callback: keeps the first non-empty scenario.name (inih has trimmed
 * it). */
static void name_value(void *ctx, const char *key, const char *value, int line)
{
    struct name_search *ns = ctx;
    (void)line;
    if (ns->found || strcmp(key, "scenario.name") != 0 || value[0] == '\0')
        return;
    ns->found = 1;
    if (ns->size > 0)
        text_clean(ns->buf, ns->size, value);
}

int plot_scenario_name(const char *results_dir, const char *file, char *buf, size_t size,
                       struct error *err)
{
    char path[PATH_SIZE];
    if (snprintf(path, sizeof path, "%s/%s", results_dir, file) >= (int)sizeof path)
        return error_set(err, ERROR_INPUT, results_dir, 0, "", "folder path too long");
    struct name_search ns = {.buf = buf, .size = size};
    if (scenario_each_value(path, name_value, &ns, err))
        return -1;
    if (!ns.found)
        return error_set(err, ERROR_INPUT, path, 0, "scenario.name",
                         "no name in section [scenario]");
    return 0;
}

static int has_file(const char *dir, const char *name)
{
    char path[PATH_SIZE];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

struct inputs {
    struct sum_file sum;
    struct hist hist;
    struct daily daily;
    struct grid sweep;
    struct cmp_file cmp;
    int has_sum, has_hist, has_daily, has_sweep, has_cmp;
};

static void inputs_free(struct inputs *in)
{
    free(in->sum.rows);
    hist_free(&in->hist);
    free(in->daily.v);
    grid_free(&in->sweep);
    free(in->cmp.rows);
}

/* Reads every result file the folder holds; any malformed one is an error. */
static int inputs_read(struct inputs *in, const char *dir, struct error *err)
{
    memset(in, 0, sizeof *in);
    in->has_sum = has_file(dir, "summary.csv");
    in->has_sweep = has_file(dir, "sweep.csv");
    in->has_cmp = has_file(dir, "compare.csv");
    if (!in->has_sum && !in->has_sweep && !in->has_cmp)
        return error_set(err, ERROR_INPUT, dir, 0, "",
                         "not a results folder: no summary.csv, sweep.csv or compare.csv");
    if (in->has_sum) {
        in->has_hist = has_file(dir, "savings_hist.csv");
        in->has_daily = has_file(dir, "daily.csv");
    }
    if ((in->has_sum && sum_read(&in->sum, dir, err)) ||
        (in->has_hist && hist_read(&in->hist, dir, err)) ||
        (in->has_daily && daily_read(&in->daily, dir, err)) ||
        (in->has_sweep && grid_read(&in->sweep, dir, err)) ||
        (in->has_cmp && cmp_read(&in->cmp, dir, err))) {
        inputs_free(in);
        return -1;
    }
    return 0;
}

static int run_section(struct job *j, const struct inputs *in)
{
    const struct srow *reg = stat_all(&in->sum, "registered");
    double reps = reg && reg->n >= 1 ? reg->n : 1, mean = NAN, median = NAN;
    if (chart_switched(j, &in->sum, reps) < 0 ||
        (in->has_hist && chart_savings(j, &in->hist, reps, &mean, &median) < 0) ||
        chart_conversion(j, &in->sum) < 0 || chart_tariff(j, &in->sum) < 0 ||
        (in->has_daily && chart_timeline(j, &in->daily) < 0))
        return -1;
    bulletin_run(j, &in->sum, reps, mean, median);
    return 0;
}

/* Writes the bulletin kept in memory to bulletin.md. */
static int bulletin_write(struct job *j)
{
    FILE *f = out_open(j, "bulletin.md");
    if (!f)
        return -1;
    fwrite(j->md_text, 1, j->md_size, f);
    return out_close(j, f, "bulletin.md");
}

int plot_results(const char *results_dir, const char *out_dir, const char *format,
                 struct plot_list *made, struct error *err)
{
    if (!format || (strcmp(format, "png") && strcmp(format, "svg") && strcmp(format, "pdf")))
        return error_set(err, ERROR_INPUT, "--format", 0, "",
                         "unknown chart format '%.20s': use png, svg or pdf", format ? format : "");
    if (strlen(results_dir) > PATH_SIZE - 100 || strlen(out_dir) > PATH_SIZE - 100)
        return error_set(err, ERROR_INPUT, strlen(out_dir) > PATH_SIZE - 100 ? "-o" : "", 0, "",
                         "folder path longer than %d bytes", PATH_SIZE - 100);
    struct stat st;
    if (stat(results_dir, &st))
        return error_set(err, ERROR_INPUT, results_dir, 0, "", "not a results folder: %s",
                         strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return error_set(err, ERROR_INPUT, results_dir, 0, "",
                         "not a results folder: not a folder");
    struct job j = {.dir = out_dir, .fmt = format, .made = made, .err = err};
    struct inputs in;
    char raw[1024];
    if (inputs_read(&in, results_dir, err))
        return -1;
    if (plot_scenario_name(results_dir, "scenario.ini", raw, sizeof raw, err)) {
        inputs_free(&in);
        return -1;
    }
    char b_name[512];
    struct error no_b = {0};
    if (in.has_cmp &&
        plot_scenario_name(results_dir, "scenario_b.ini", b_name, sizeof b_name, &no_b) == 0) {
        /* a compare is titled by both scenarios: "A vs B" */
        size_t len = strlen(raw);
        snprintf(raw + len, sizeof raw - len, " vs %s", b_name);
    }
    text_clean(j.name, 72, raw); /* a title line holds the name */
    if (strlen(raw) > strlen(j.name))
        strcat(j.name, "…");
    if (output_make_dir(out_dir)) {
        inputs_free(&in);
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "", "cannot create folder: %s",
                         strerror(errno));
    }
    if (!(j.md = open_memstream(&j.md_text, &j.md_size))) {
        inputs_free(&in);
        return error_set(err, ERROR_SYSTEM, out_dir, 0, "", "out of memory");
    }
    fputs("# ", j.md);
    md_text(j.md, raw);
    fputs("\n\n", j.md);
    int rc = (in.has_sum && run_section(&j, &in)) ||
                     (in.has_sweep && sweep_section(&j, &in.sweep)) ||
                     (in.has_cmp && cmp_section(&j, &in.cmp))
                 ? -1
                 : 0;
    inputs_free(&in);
    if (fclose(j.md) && !rc)
        rc = error_set(err, ERROR_SYSTEM, out_dir, 0, "", "out of memory");
    if (!rc)
        rc = bulletin_write(&j);
    free(j.md_text);
    if (rc)
        return -1;
    for (size_t i = 0; i < j.n_charts; i++) {
        int drawn = run_gnuplot(&j, j.charts[i]);
        if (drawn == -2)
            return -1; /* no gnuplot: the rest would fail alike */
        if (drawn)
            rc = -1; /* the first failure is reported; the other charts are still drawn */
    }
    return rc;
}
