/* output.c - what every writer of files for people shares: folders and readable numbers. */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <csv.h>

#include "switchsim/output.h"
#include "text.h"

char *output_number(char *buf, size_t size, double x, int dec)
{
    char digits[400], out[560];
    if (!isfinite(x)) {
        snprintf(buf, size, "%s", isnan(x) ? "n/a" : x > 0 ? "infinity" : "-infinity");
        return buf;
    }
    snprintf(digits, sizeof digits, "%.*f", dec, fabs(x));
    size_t ilen = strcspn(digits, "."), o = 0;
    if (x < 0 && strspn(digits, "0.") != strlen(digits))
        out[o++] = '-';
    for (size_t i = 0; i < ilen; i++) {
        out[o++] = digits[i];
        if ((ilen - i - 1) % 3 == 0 && i + 1 < ilen)
            out[o++] = ',';
    }
    snprintf(out + o, sizeof out - o, "%s", digits + ilen);
    snprintf(buf, size, "%s", out);
    return buf;
}

int output_make_dir(const char *dir)
{
    char path[4096];
    if (snprintf(path, sizeof path, "%s", dir) >= (int)sizeof path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    for (char *p = path + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(path, 0777) && errno != EEXIST)
            return -1;
        *p = '/';
    }
    struct stat st;
    if (mkdir(path, 0777) && errno != EEXIST)
        return -1;
    if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
        errno = ENOTDIR;
        return -1;
    }
    return 0;
}

void output_csv_number(FILE *f, double x)
{
    if (isnan(x))
        return;
    if (x == floor(x) && fabs(x) < 1e15)
        fprintf(f, "%.0f", x);
    else
        fprintf(f, "%.10g", x);
}

/* Whether a spreadsheet opening the file would take s for a formula (=cmd|' /C calc'!A0):
 * it starts with =, +, -, @, a tab or a carriage return, and is not a plain number. */
static bool formula_like(const char *s)
{
    if (!*s || !strchr("=+-@\t\r", *s))
        return false;
    const char *p = s + 1;
    size_t digits = strspn(p, "0123456789");
    p += digits;
    if (*p == '.') {
        digits += strspn(p + 1, "0123456789");
        p += 1 + strspn(p + 1, "0123456789");
    }
    if (digits && (*p == 'e' || *p == 'E')) {
        p += 1 + (p[1] == '+' || p[1] == '-');
        size_t exp = strspn(p, "0123456789");
        p = exp ? p + exp : s; /* an 'e' without digits is not a number */
    }
    return !(digits && (*s == '+' || *s == '-') && *p == '\0');
}

void output_csv_text(FILE *f, const char *s)
{
    char safe[1024];
    if (formula_like(s)) {
        snprintf(safe, sizeof safe, "'%s", s);
        s = safe;
    }
    if (strpbrk(s, ",\"\r\n\t"))
        csv_fwrite(f, s, strlen(s));
    else
        fputs(s, f);
}

int output_folder(const char *parent, const char *name, char *buf, size_t size)
{
    char safe[1024];
    size_t k = 0;
    bool changed = false;
    uint32_t hash = 2166136261u; /* FNV-1a */
    size_t len = strlen(name), step;
    for (const unsigned char *p = (const unsigned char *)name; *p; p += step) {
        unsigned char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-' || (c == '.' && k > 0);
        step = 1;
        if (c >= 0x80) { /* UTF-8 letters stay; a hiding character or a stray byte is one '_' */
            size_t n = text_utf8_length(p, len - (size_t)(p - (const unsigned char *)name));
            ok = n > 0 && !text_hidden(p, n) && k + n < sizeof safe;
            step = n > 0 ? n : 1;
        }
        for (size_t i = 0; i < step; i++)
            hash = (hash ^ p[i]) * 16777619u;
        changed |= !ok;
        size_t put = ok ? step : 1;
        if (k + put < sizeof safe) {
            memcpy(safe + k, ok ? (const char *)p : "_", put);
            k += put;
        }
    }
    safe[k] = '\0';
    int n = changed ? snprintf(buf, size, "%s/%s-%08x", parent, safe, hash)
                    : snprintf(buf, size, "%s/%s", parent, k ? safe : "scenario");
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

int output_write_files(const char *dir, size_t n, const char *const *names, output_writer write,
                       const void *ctx, struct error *err)
{
    if (output_make_dir(dir))
        return error_set(err, ERROR_SYSTEM, dir, 0, "", "cannot create folder: %s",
                         strerror(errno));
    char(*tmp)[1100] = calloc(n, sizeof *tmp);
    if (!tmp)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    size_t k = 0;
    int rc = 0;
    for (; k < n; k++) {
        int len = snprintf(tmp[k], sizeof tmp[k], "%s/.%s.%ld.tmp", dir, names[k], (long)getpid());
        FILE *f = len < (int)sizeof tmp[k] ? fopen(tmp[k], "w") : NULL;
        if (!f && len >= (int)sizeof tmp[k])
            errno = ENAMETOOLONG;
        if (!f) {
            rc = error_set(err, ERROR_SYSTEM, tmp[k], 0, "", "cannot write: %s", strerror(errno));
            break;
        }
        write(f, k, ctx);
        if (ferror(f) | fclose(f)) {
            rc = error_set(err, ERROR_SYSTEM, tmp[k], 0, "", "cannot write: %s", strerror(errno));
            k++;
            break;
        }
    }
    if (rc) {
        while (k-- > 0)
            unlink(tmp[k]);
    }
    for (k = 0; k < n && rc == 0; k++) {
        char final[1100];
        snprintf(final, sizeof final, "%s/%s", dir, names[k]);
        if (rename(tmp[k], final)) {
            rc = error_set(err, ERROR_SYSTEM, final, 0, "", "cannot rename: %s", strerror(errno));
            for (size_t j = k; j < n; j++) /* leave no temporary file behind */
                unlink(tmp[j]);
        }
    }
    free(tmp);
    return rc;
}
