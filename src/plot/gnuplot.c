/* gnuplot.c - the gnuplot layer: scripts and data written, text quoted, axes, gnuplot run. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "switchsim/output.h"
#include "text.h"
#include "plot_int.h"

/* ---- the files made ---- */

void plot_list_cleanup(struct plot_list *list)
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

/* An error writing FILE, named as it would be in the output folder. */
static int system_error(struct plot_job *j, const char *file)
{
    char path[PLOT_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", j->out, file);
    return error_set(j->err, ERROR_SYSTEM, path, 0, "", "cannot write: %s", strerror(errno));
}

FILE *plot_out_open(struct plot_job *j, const char *file)
{
    char path[PLOT_PATH_SIZE];
    snprintf(path, sizeof path, "%s/%s", j->dir, file);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
    FILE *f = fd >= 0 ? fdopen(fd, "w") : NULL;
    if (!f) {
        system_error(j, file);
        if (fd >= 0)
            close(fd);
    }
    return f;
}

int plot_out_close(struct plot_job *j, FILE *f, const char *file)
{
    int bad = ferror(f);
    if (fclose(f) || bad)
        return system_error(j, file);
    return plot_stage(j, file);
}

int plot_stage(struct plot_job *j, const char *file)
{
    char **grown = realloc(j->staged, (j->n_staged + 1) * sizeof *grown);
    if (grown)
        j->staged = grown;
    if (!grown || !(j->staged[j->n_staged] = strdup(file)))
        return error_set(j->err, ERROR_SYSTEM, j->out, 0, "", "out of memory");
    j->n_staged++;
    return 0;
}

int plot_move_staged(struct plot_job *j)
{
    for (size_t i = 0; i < j->n_staged; i++) {
        char from[PLOT_PATH_SIZE], to[PLOT_PATH_SIZE];
        snprintf(from, sizeof from, "%s/%s", j->dir, j->staged[i]);
        snprintf(to, sizeof to, "%s/%s", j->out, j->staged[i]);
        if (rename(from, to)) /* replaces a link planted at `to`, never follows it */
            return error_set(j->err, ERROR_SYSTEM, to, 0, "", "cannot write: %s", strerror(errno));
        if (list_add(j->made, j->out, j->staged[i]))
            return error_set(j->err, ERROR_SYSTEM, to, 0, "", "out of memory");
    }
    return 0;
}

/* ---- scripts, data and titles ---- */

/* Writes s as a gnuplot string expression in which nothing is expanded (no backquotes, no
 * macros, no backslash escapes): single-quoted runs, and each single quote of s as "'"
 * joined to them with '.' (gnuplot reads a doubled quote at the start of a string, ''',
 * as an empty string, and fails on some runs of them). Control characters are dropped. Tic
 * labels are printf formats to gnuplot, so for them `%` is doubled too. Text without a
 * quote gives 'text', as it always did. */
void gp_quote(FILE *f, const char *s, int tic)
{
    int open = 0, any = 0;
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            continue;
        if (*p == '\'') {
            fputs(open ? "'.\"'\"" : any ? ".\"'\"" : "\"'\"", f);
            open = 0;
            any = 1;
            continue;
        }
        if (!open)
            fputs(any ? ".'" : "'", f);
        open = any = 1;
        if (tic && *p == '%')
            fputc('%', f);
        fputc(*p, f);
    }
    if (open)
        fputc('\'', f);
    else if (!any)
        fputs("''", f);
}

/* Opens CHART.dat; its first line is a comment naming the columns. */
FILE *gp_dat_open(struct plot_job *j, const char *chart, const char *columns)
{
    char file[96];
    snprintf(file, sizeof file, "%s.dat", chart);
    FILE *f = plot_out_open(j, file);
    if (f)
        fprintf(f, "# %s\n", columns);
    return f;
}

int gp_dat_close(struct plot_job *j, FILE *f, const char *chart)
{
    char file[96];
    snprintf(file, sizeof file, "%s.dat", chart);
    return plot_out_close(j, f, file);
}

/* One data field: a comma before all but the first, NaN for a missing value. */
void gp_dat_num(FILE *f, double x, int first)
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
void gp_dat_stat(FILE *f, const struct plot_stat *st, double scale)
{
    double m = st ? scale * st->mean : NAN;
    gp_dat_num(f, m, 0);
    gp_dat_num(f, st && isfinite(st->lo) ? scale * st->lo : m, 0);
    gp_dat_num(f, st && isfinite(st->hi) ? scale * st->hi : m, 0);
}

/* Opens CHART.gp with the terminal (height in px at 1600 px wide; 0 for 1000), output and
 * common style set. The script draws in the job's format, or in the one its first argument
 * names (gnuplot -c CHART.gp svg). */
FILE *gp_open(struct plot_job *j, const char *chart, const char *about, int height)
{
    char file[96];
    snprintf(file, sizeof file, "%s.gp", chart);
    FILE *f = plot_out_open(j, file);
    if (!f)
        return NULL;
    fprintf(f,
            "# %s - %s.\n# Draws %s.%s from %s.dat; rerun it in this folder: gnuplot %s\n"
            "# (or in another format: gnuplot -c %s svg; png, svg or pdf)\n\n",
            file, about, chart, j->fmt, chart, file, file);
    if (height <= 0)
        height = 1000;
    fprintf(f, "chart_format = ARGC > 0 ? ARG1 : '%s'\n", j->fmt);
    fprintf(f,
            "if (chart_format eq 'svg') {\n"
            "    set terminal svg size 1600,%d font 'Sans,18' linewidth 2 noenhanced "
            "background '#ffffff'\n"
            "} else { if (chart_format eq 'pdf') {\n"
            "    set terminal pdfcairo size 24cm,%.1fcm font 'Sans,18' fontscale 0.4 "
            "linewidth 1.5 noenhanced\n"
            "} else {\n"
            "    set terminal pngcairo size 1600,%d font 'Sans,18' linewidth 2 noenhanced\n"
            "    chart_format = 'png'\n"
            "} }\n",
            height, height * 0.015, height); /* the PDF: the PNG's layout, 7pt */
    fputs("set output ", f);
    gp_quote(f, chart, 0);
    fputs(".'.'.chart_format", f);
    fputs("\nset encoding utf8\nset datafile separator ','\nset datafile missing 'NaN'\n"
          "set border 3 linewidth 1\nset tics nomirror out\n"
          "set grid ytics linecolor rgb '#dddddd' linewidth 0.5 dashtype solid\n"
          "set key top left noopaque\nset style fill solid 0.85 noborder\n",
          f);
    return f;
}

int gp_close(struct plot_job *j, FILE *f, const char *chart, const char *alt,
             const char *caption)
{
    char file[96];
    snprintf(file, sizeof file, "%s.gp", chart);
    if (plot_out_close(j, f, file))
        return -1;
    if (j->n_charts < PLOT_CHARTS_MAX) {
        struct plot_chart *c = &j->charts[j->n_charts++];
        snprintf(c->name, sizeof c->name, "%s", chart);
        snprintf(c->alt, sizeof c->alt, "%s", alt);
        snprintf(c->caption, sizeof c->caption, "%s", caption);
    }
    return 0;
}

int plot_own_file(const char *file)
{
    static const char *const fixed[] = {"switched", "savings",  "conversion", "tariff",
                                        "timeline", "compare",  "fan",        "fit",
                                        "coverage", "error", NULL};
    static const char *const exts[] = {"gp", "dat", "png", "svg", "pdf", NULL};
    const char *dot = strrchr(file, '.');
    if (!dot)
        return 0;
    int ext = 0;
    for (int e = 0; exts[e]; e++)
        ext |= strcmp(dot + 1, exts[e]) == 0;
    size_t n = (size_t)(dot - file);
    if (!ext || n == 0)
        return 0;
    for (int i = 0; fixed[i]; i++)
        if (strlen(fixed[i]) == n && strncmp(file, fixed[i], n) == 0)
            return 1;
    /* sweep_METRIC, heat_METRIC: a metric's name, or metricN */
    size_t p = strncmp(file, "sweep_", 6) == 0 ? 6 : strncmp(file, "heat_", 5) == 0 ? 5 : 0;
    return p && n > p && strspn(file + p, "abcdefghijklmnopqrstuvwxyz0123456789_") >= n - p;
}

/* Whether "<scenario name>: <what>" is too long for one title line. */
int gp_title_two_lines(const struct plot_job *j, const char *what)
{
    return strlen(j->name) + 2 + strlen(what) > 72;
}

/* The chart title "<scenario name>: <what>", or the name over what on two lines when long:
 * a multiplot's title when cmd is "title", else a label centred on the whole canvas (a plain
 * title centres over the plot area, which long tic labels push aside). */
void gp_title(FILE *f, const struct plot_job *j, const char *cmd, const char *what)
{
    char title[400];
    int two = gp_title_two_lines(j, what);
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

void gp_set(FILE *f, const char *cmd, const char *text)
{
    fprintf(f, "%s ", cmd);
    gp_quote(f, text, 0);
    fputc('\n', f);
}

/* A text label at (x, y) in the given coordinate systems; pos is left, right or center. */
void gp_label(FILE *f, const char *text, const char *at, const char *pos, const char *extra)
{
    fputs("set label ", f);
    gp_quote(f, text, 0);
    fprintf(f, " at %s %s front %s\n", at, pos, extra ? extra : "");
}

/* ---- axes ---- */

/* A range covering [lo, hi] in about `steps` steps of 1, 2, 2.5 or 5 times a power of ten
 * (whole steps when `integer`), from zero when `from_zero`. */
struct gp_scale gp_axis_steps(double lo, double hi, int from_zero, int integer, int steps)
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
    struct gp_scale a = {floor(lo / step + 1e-9) * step, ceil(hi / step - 1e-9) * step, step, 0};
    while (a.dec < 6 && fabs(step * pow(10, a.dec) - round(step * pow(10, a.dec))) > 1e-6)
        a.dec++;
    return a;
}

struct gp_scale gp_axis_nice(double lo, double hi, int from_zero, int integer)
{
    return gp_axis_steps(lo, hi, from_zero, integer, 6);
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
void gp_axis(FILE *f, const char *ax, struct gp_scale a, enum metric_unit u, const char *plus)
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
        char *text = plot_trim(line);
        if (strspn(text, "^ ") == strlen(text)) /* blank, or the caret under the fault */
            continue;
        text_clean(out, size, text);
        if (strstr(text, " line "))
            break;
    }
}

/* Draws CHART from CHART.gp in the output folder. Returns 0; -1 with the error recorded;
 * -2 when gnuplot is not installed. */
int gp_run(struct plot_job *j, const char *chart, const char *fmt, int stage)
{
    char script[96], path[PLOT_PATH_SIZE], set[64];
    snprintf(set, sizeof set, "%s", fmt); /* png, svg or pdf: no user text */
    snprintf(script, sizeof script, "%s.gp", chart);
    snprintf(path, sizeof path, "%s/%s", j->out, script); /* as errors name it */
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
        char arg1[] = "-c";
        char *argv[] = {arg0, arg1, script, set, NULL};
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
    snprintf(image, sizeof image, "%s.%s", chart, fmt);
    snprintf(path, sizeof path, "%s/%s", j->dir, image);
    struct stat st;
    if (lstat(path, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
        snprintf(path, sizeof path, "%s/%s", j->out, image);
        return error_set(j->err, ERROR_SYSTEM, path, 0, "", "gnuplot drew nothing");
    }
    return stage ? plot_stage(j, image) : 0;
}
