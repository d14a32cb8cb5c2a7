/* output.c - what every writer of files for people shares: folders, result sets written whole
 * and swapped in, and readable numbers. */
#define _GNU_SOURCE /* renameat2: Linux's atomic exchange of two folders */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
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

/* Prints text padded with spaces to `width` characters (UTF-8 counted as characters), on
 * the left (align < 0) or the right. */
void output_cell(FILE *out, const char *text, int width, int align)
{
    int chars = 0;
    for (const unsigned char *p = (const unsigned char *)text; *p; p++)
        chars += (*p & 0xC0) != 0x80;
    if (align > 0)
        fprintf(out, "%*s", width > chars ? width - chars : 0, "");
    fputs(text, out);
    if (align < 0)
        fprintf(out, "%*s", width > chars ? width - chars : 0, "");
}

int output_folder(const char *parent, const char *name, char *buf, size_t size)
{
    char safe[OUTPUT_NAME_MAX + 1];
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
        if (k + put <= OUTPUT_NAME_MAX) {
            memcpy(safe + k, ok ? (const char *)p : "_", put);
            k += put;
        } else {
            changed = true; /* cut short: the hash tells long names apart */
        }
    }
    safe[k] = '\0';
    int n = changed ? snprintf(buf, size, "%s/%s-%08x", parent, safe, hash)
                    : snprintf(buf, size, "%s/%s", parent, k ? safe : "scenario");
    return n >= 0 && (size_t)n < size ? 0 : -1;
}

/* ---- fresh names ---- */

/* 64 unpredictable bits for a name (the clock and a counter when the kernel has none). */
static uint64_t random_bits(void)
{
    static _Atomic uint64_t counter;
    uint64_t r;
    if (getrandom(&r, sizeof r, GRND_NONBLOCK) != (ssize_t)sizeof r) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        r = ((uint64_t)ts.tv_nsec << 20) ^ (uint64_t)ts.tv_sec ^ ((uint64_t)getpid() << 40);
    }
    return r ^ (counter++ * 0x9e3779b97f4a7c15u);
}

int output_temp(const char *parent, const char *base, bool folder, char *buf, size_t size)
{
    for (int attempt = 0; attempt < 100; attempt++) {
        int n =
            snprintf(buf, size, "%s/.%s.%016llx", parent, base, (unsigned long long)random_bits());
        if (n < 0 || (size_t)n >= size) {
            errno = ENAMETOOLONG;
            return -1;
        }
        int rc = folder ? mkdir(buf, 0777)
                        : open(buf, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (rc >= 0 || errno != EEXIST)
            return rc;
    }
    return -1; /* EEXIST a hundred times: someone is guessing */
}

/* ---- files written in place, each whole ---- */

/* Writes one file through the writer to the open descriptor fd (closed here); returns 0, or
 * -1 with errno set. */
static int write_one(int fd, size_t k, output_writer write, const void *ctx)
{
    FILE *f = fdopen(fd, "w");
    if (!f) {
        close(fd);
        return -1;
    }
    errno = 0;
    write(f, k, ctx);
    int bad = ferror(f), saved = errno;
    if (fclose(f) || bad) {
        if (bad && saved)
            errno = saved;
        if (!errno)
            errno = EIO;
        return -1;
    }
    return 0;
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
    for (; k < n && rc == 0; k++) {
        int fd = output_temp(dir, names[k], false, tmp[k], sizeof tmp[k]);
        if (fd < 0 || write_one(fd, k, write, ctx)) {
            char final[1100];
            snprintf(final, sizeof final, "%s/%s", dir, names[k]);
            rc = error_set(err, ERROR_SYSTEM, final, 0, "", "cannot write: %s", strerror(errno));
            if (fd < 0)
                tmp[k][0] = '\0';
        }
    }
    for (size_t j = 0; j < n && rc == 0; j++) {
        char final[1100];
        snprintf(final, sizeof final, "%s/%s", dir, names[j]);
        if (rename(tmp[j], final)) /* replaces a link planted at final, never follows it */
            rc = error_set(err, ERROR_SYSTEM, final, 0, "", "cannot rename: %s", strerror(errno));
        else
            tmp[j][0] = '\0';
    }
    for (size_t j = 0; j < k; j++) /* leave no temporary file behind */
        if (tmp[j][0])
            unlink(tmp[j]);
    free(tmp);
    return rc;
}

/* ---- result sets: held, written into a fresh folder, swapped in ---- */

/* What a result folder may hold: the files of a run, a sweep, a compare, a calibration, a
 * forecast and a backtest, a sweep's working folder, and temporary files older versions
 * left. Anything else is someone's. */
static bool ours(const char *name)
{
    static const char *const known[] = {
        "summary.csv",    "replications.csv", "daily.csv",      "savings_hist.csv",
        "bids.csv",       "scenario.ini",     "scenario_b.ini", "compare.csv",
        "sweep.csv",      "parameters.csv",   "covariance.csv", "fit.csv",
        "calibrated.ini", "forecast.csv",     "fan.csv",        "backtest.csv",
        "PARTIAL",        ".points"};
    for (size_t k = 0; k < sizeof known / sizeof *known; k++)
        if (!strcmp(name, known[k]))
            return true;
    size_t len = strlen(name);
    return name[0] == '.' && len > 4 && !strcmp(name + len - 4, ".tmp");
}

void output_remove_flat_at(int fd, const char *name)
{
    int sub = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    DIR *sd = sub >= 0 ? fdopendir(sub) : NULL;
    for (struct dirent *f; sd && (f = readdir(sd));)
        if (strcmp(f->d_name, ".") && strcmp(f->d_name, ".."))
            unlinkat(sub, f->d_name, 0);
    if (sd)
        closedir(sd);
    else if (sub >= 0)
        close(sub);
    unlinkat(fd, name, AT_REMOVEDIR);
}

/* A stream over the folder open as fd, from its first entry, leaving fd open. */
static DIR *open_again(int fd)
{
    int again = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    DIR *d = again >= 0 ? fdopendir(again) : NULL;
    if (!d && again >= 0)
        close(again);
    return d;
}

/* Removes what is ours in the folder open as fd (a sweep's points in .points too), leaving
 * anything else. */
static void remove_ours(int fd)
{
    DIR *d = open_again(fd);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));) {
        if (!ours(e->d_name))
            continue;
        if (unlinkat(fd, e->d_name, 0) == 0 || errno != EISDIR)
            continue;
        output_remove_flat_at(fd, e->d_name);
    }
    closedir(d);
}

/* The first entry of the folder open as fd that is not ours, into buf; "" when none. */
static void first_foreign(int fd, char *buf, size_t size)
{
    buf[0] = '\0';
    DIR *d = open_again(fd);
    for (struct dirent *e; d && (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..") && !ours(e->d_name)) {
            text_clean(buf, size, e->d_name);
            break;
        }
    if (d)
        closedir(d);
}

/* Whether the folder at real (a resolved path) holds the current folder: replacing it would
 * pull the floor from under whoever works there. */
static bool holds_cwd(const char *real)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return false;
    size_t n = strlen(real);
    return !strcmp(real, "/") || (!strncmp(cwd, real, n) && (cwd[n] == '\0' || cwd[n] == '/'));
}

/* Splits path (trailing slashes aside) into its parent folder and "NAME.new" (NAME cut to
 * 200 bytes) for the fresh folder's name. */
static void path_split(const char *path, char *parent, size_t psize, char *base, size_t bsize)
{
    size_t len = strlen(path);
    while (len > 1 && path[len - 1] == '/')
        len--;
    const char *slash = memrchr(path, '/', len);
    if (!slash)
        snprintf(parent, psize, ".");
    else
        snprintf(parent, psize, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    const char *name = slash ? slash + 1 : path;
    size_t n = len - (size_t)(name - path);
    snprintf(base, bsize, "%.*s.new", (int)(n < 200 ? n : 200), name);
}

/* Removes what killed writers left beside the held folder at path: fresh folders
 * ".NAME.new.<16 hex digits>" (and ".old" ones of the exchange-less swap). While the folder is
 * held no other switchsim writes it, so none of them is in use; only our files are removed,
 * and a folder holding anything else stays. */
static void remove_stale(const char *path)
{
    char parent[1100], base[300];
    path_split(path, parent, sizeof parent, base, sizeof base);
    size_t blen = strlen(base);
    DIR *d = opendir(parent);
    for (struct dirent *e; d && (e = readdir(d));) {
        const char *name = e->d_name, *hex = name + 1 + blen + 1;
        if (name[0] != '.' || strncmp(name + 1, base, blen) || name[1 + blen] != '.' ||
            strspn(hex, "0123456789abcdef") != 16 || (hex[16] && strcmp(hex + 16, ".old")))
            continue;
        int fd = openat(dirfd(d), name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            continue;
        remove_ours(fd);
        close(fd);
        unlinkat(dirfd(d), name, AT_REMOVEDIR);
    }
    if (d)
        closedir(d);
}

int output_set_hold(const char *dir, struct output_set *set, struct error *err)
{
    *set = (struct output_set){.fd = -1};
    if (snprintf(set->path, sizeof set->path, "%s", dir) >= (int)sizeof set->path)
        return error_set(err, ERROR_INPUT, dir, 0, "", "the folder name is too long");
    struct stat st;
    if (lstat(dir, &st) == 0 && S_ISLNK(st.st_mode))
        return error_set(err, ERROR_INPUT, dir, 0, "",
                         "is a symbolic link: name the folder it points to");
    if (lstat(dir, &st) && errno == ENOENT) {
        if (output_make_dir(dir))
            return error_set(err, ERROR_SYSTEM, dir, 0, "", "cannot create folder: %s",
                             strerror(errno));
        set->created = true;
    }
    char *real = realpath(dir, NULL);
    int rc = 0;
    if (!real)
        rc = error_set(err, ERROR_SYSTEM, dir, 0, "", "cannot use folder: %s", strerror(errno));
    else if (holds_cwd(real))
        rc = error_set(err, ERROR_INPUT, dir, 0, "",
                       "is the current folder or holds it: name a folder below it for results");
    free(real);
    if (rc) {
        output_set_release(set);
        return -1;
    }
    for (int attempt = 0; attempt < 10; attempt++) {
        set->fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (set->fd < 0) {
            rc = error_set(err, errno == ENOTDIR ? ERROR_INPUT : ERROR_SYSTEM, dir, 0, "",
                           errno == ENOTDIR ? "not a folder" : "cannot use folder: %s",
                           strerror(errno));
            break;
        }
        if (flock(set->fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK) {
            rc = error_set(err, ERROR_SYSTEM, dir, 0, "",
                           "another switchsim is writing results into this folder; wait for it "
                           "to finish, or choose another folder with -o");
            /* not ours: even when our mkdir made it, the other holds it now */
            close(set->fd);
            set->fd = -1;
            set->created = false;
            break;
        }
        /* a set swapped in between open and flock: hold the folder now there instead */
        struct stat held;
        if (fstat(set->fd, &held) == 0 && stat(dir, &st) == 0 && held.st_ino == st.st_ino &&
            held.st_dev == st.st_dev)
            break;
        close(set->fd);
        set->fd = -1;
    }
    char foreign[256];
    if (rc == 0 && set->fd < 0)
        rc = error_set(err, ERROR_SYSTEM, dir, 0, "", "the folder keeps changing");
    if (rc == 0 && (first_foreign(set->fd, foreign, sizeof foreign), foreign[0]))
        rc = error_set(err, ERROR_INPUT, dir, 0, "",
                       "holds '%s', which is not a switchsim result file; results replace the "
                       "whole folder, so choose one of their own",
                       foreign);
    if (rc)
        output_set_release(set);
    else
        remove_stale(dir);
    return rc;
}

/* Swaps folder `fresh` in at `path`: one exchange, or where the file system has none, the
 * old one moved aside and the fresh one renamed in (absent for a moment, never mixed).
 * Returns 0 with the old set's path in aside, or -1 with errno set. */
static int swap_in(const char *fresh, const char *path, char *aside, size_t size)
{
    if (renameat2(AT_FDCWD, fresh, AT_FDCWD, path, RENAME_EXCHANGE) == 0) {
        snprintf(aside, size, "%s", fresh);
        return 0;
    }
    if (errno != EINVAL && errno != ENOSYS)
        return -1;
    int len = snprintf(aside, size, "%s.old", fresh);
    if (len < 0 || (size_t)len >= size || rename(path, aside))
        return -1;
    if (rename(fresh, path)) {
        int saved = errno;
        rename(aside, path);
        errno = saved;
        return -1;
    }
    return 0;
}

int output_set_write(struct output_set *set, size_t n, const char *const *names,
                     output_writer write, const void *ctx, struct error *err)
{
    /* the fresh folder goes beside the held one, on the same file system */
    char parent[1100], base[300], fresh[1500], aside[1600];
    const char *path = set->path;
    path_split(path, parent, sizeof parent, base, sizeof base);
    if (output_temp(parent, base, true, fresh, sizeof fresh))
        return error_set(err, ERROR_SYSTEM, path, 0, "", "cannot create a folder beside it: %s",
                         strerror(errno));
    int fd = open(fresh, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    int rc = 0;
    struct stat old;
    if (fd < 0 || flock(fd, LOCK_EX | LOCK_NB))
        rc = error_set(err, ERROR_SYSTEM, fresh, 0, "", "cannot use folder: %s", strerror(errno));
    else if (fstat(set->fd, &old) == 0) { /* the folder keeps its permissions and owner */
        fchmod(fd, old.st_mode & 07777);
        if (fchown(fd, old.st_uid, old.st_gid)) { /* only root may give it away: then it is ours */
        }
    }
    for (size_t k = 0; k < n && rc == 0; k++) {
        int f = openat(fd, names[k], O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
        if (f < 0 || write_one(f, k, write, ctx)) {
            char final[1500];
            snprintf(final, sizeof final, "%s/%s", path, names[k]);
            rc = error_set(err, ERROR_SYSTEM, final, 0, "", "cannot write: %s", strerror(errno));
        }
    }
    if (rc == 0 && swap_in(fresh, path, aside, sizeof aside))
        rc = error_set(err, ERROR_SYSTEM, path, 0, "", "cannot put the results in place: %s",
                       strerror(errno));
    if (rc) { /* the old set stays as it was; the fresh folder goes */
        if (fd >= 0) {
            remove_ours(fd);
            close(fd);
        }
        rmdir(fresh);
        return -1;
    }
    remove_ours(set->fd); /* the old set, now at aside */
    rmdir(aside);
    close(set->fd);
    set->fd = fd; /* the new set stays held */
    set->created = false;
    return 0;
}

void output_set_release(struct output_set *set)
{
    /* Removed only while held, and only when still empty (nothing was written): a folder
     * another switchsim holds is never taken from under it. */
    if (set->created && set->fd >= 0)
        rmdir(set->path);
    if (set->fd >= 0)
        close(set->fd);
    set->fd = -1;
    set->created = false;
}
