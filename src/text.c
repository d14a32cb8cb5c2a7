/* text.c - text as people type it: files read whole and checked, UTF-8 strings made safe. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "text.h"

void text_errno(int errnum, char *buf, size_t size)
{
    if (strerror_r(errnum, buf, size) != 0)
        snprintf(buf, size, "error %d", errnum);
}

/* Bytes read at a time: what a file with an endless line costs before it is refused. */
#define READ_CHUNK 65536

/* Reads the whole regular file at path, at most max_size bytes. Returns a NUL-terminated
 * buffer (the caller frees it), or NULL with *errnum: an errno value, EFBIG when the file is
 * larger, or ENODEV when it is not a regular file. Stops early, with *long_line set, once a
 * line runs past TEXT_LINE_MAX bytes (and a BOM and CR): what was read shows the fault. */
static char *file_read(const char *path, size_t max_size, size_t *len, int *errnum, int *long_line)
{
    *long_line = 0;
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
    if (fd < 0) {
        *errnum = errno;
        return NULL;
    }
    struct stat st;
    if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
        *errnum = S_ISDIR(st.st_mode) ? EISDIR : ENODEV;
        close(fd);
        return NULL;
    }
    size_t cap = 4096, used = 0, line_start = 0;
    char *buf = malloc(cap);
    if (!buf) {
        close(fd);
        *errnum = ENOMEM;
        return NULL;
    }
    for (;;) {
        if (used + 1 >= cap) { /* room for max_size bytes, one more to see, and a NUL */
            size_t more = cap > max_size / 2 ? max_size + 2 : cap * 2;
            if (more <= cap) {
                free(buf);
                close(fd);
                *errnum = EFBIG;
                return NULL;
            }
            char *bigger = realloc(buf, more);
            if (!bigger) {
                free(buf);
                close(fd);
                *errnum = ENOMEM;
                return NULL;
            }
            buf = bigger;
            cap = more;
        }
        size_t room = cap - 1 - used;
        ssize_t got = read(fd, buf + used, room < READ_CHUNK ? room : READ_CHUNK);
        if (got < 0 && errno == EINTR)
            continue;
        if (got < 0) {
            *errnum = errno;
            free(buf);
            close(fd);
            return NULL;
        }
        if (got == 0)
            break;
        for (size_t i = used + (size_t)got; i > used; i--)
            if (buf[i - 1] == '\n') {
                line_start = i;
                break;
            }
        used += (size_t)got;
        if (used - line_start > TEXT_LINE_MAX + 4) {
            *long_line = 1;
            break;
        }
    }
    close(fd);
    if (used > max_size && !*long_line) {
        free(buf);
        *errnum = EFBIG;
        return NULL;
    }
    buf[used] = '\0';
    *len = used;
    return buf;
}

size_t text_utf8_length(const unsigned char *s, size_t n)
{
    if (s[0] < 0x80)
        return 1;
    size_t len;
    unsigned min;
    unsigned cp;
    if ((s[0] & 0xe0) == 0xc0)
        len = 2, min = 0x80, cp = s[0] & 0x1f;
    else if ((s[0] & 0xf0) == 0xe0)
        len = 3, min = 0x800, cp = s[0] & 0x0f;
    else if ((s[0] & 0xf8) == 0xf0)
        len = 4, min = 0x10000, cp = s[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((s[i] & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

/* Checks that buf is text: UTF-8, no NUL or control bytes but tab, lines ending in LF or
 * CRLF, none longer than TEXT_LINE_MAX bytes. Errors name `file`, the line and `key`. */
static int text_check(const char *buf, size_t len, const char *file, const char *key,
                      struct error *err)
{
    const unsigned char *s = (const unsigned char *)buf;
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < len;) {
        unsigned char c = s[i];
        if (c == '\n' || (c == '\r' && i + 1 < len && s[i + 1] == '\n')) {
            line++;
            i += c == '\r' ? 2 : 1;
            line_start = i;
            continue;
        }
        if (i - line_start >= TEXT_LINE_MAX)
            return error_set(err, ERROR_INPUT, file, line, key,
                             "line is too long (more than %d bytes)", TEXT_LINE_MAX);
        if (c == 0)
            return error_set(err, ERROR_INPUT, file, line, key,
                             "not a text file (NUL byte in column %zu)", i - line_start + 1);
        if (c == '\r')
            return error_set(err, ERROR_INPUT, file, line, key,
                             "carriage return not followed by a line feed");
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return error_set(err, ERROR_INPUT, file, line, key,
                             "not a text file (control byte 0x%02x in column %zu)", c,
                             i - line_start + 1);
        size_t step = text_utf8_length(s + i, len - i);
        if (step == 0)
            return error_set(err, ERROR_INPUT, file, line, key,
                             "not UTF-8 text (byte 0x%02x in column %zu)", c, i - line_start + 1);
        i += step;
    }
    return 0;
}

int text_read(struct text *t, const char *path, const char *display, size_t max_size,
              const struct text_origin *origin, const char *key, struct error *err)
{
    *t = (struct text){0};
    int errnum = 0, long_line = 0;
    size_t len = 0;
    char *buf = file_read(path, max_size, &len, &errnum, &long_line);
    if (!buf) {
        char why[128];
        if (errnum == ENOMEM)
            return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
        if (errnum == EFBIG)
            snprintf(why, sizeof why, "larger than %zu MiB", max_size >> 20);
        else if (errnum == ENODEV)
            snprintf(why, sizeof why, "not a regular file");
        else
            text_errno(errnum, why, sizeof why);
        if (!origin || !origin->file)
            return error_set(err, ERROR_INPUT, display, 0, key, "cannot read: %s", why);
        return error_set(err, ERROR_INPUT, origin->file, origin->line, key, "cannot read %s: %s",
                         display, why);
    }
    size_t skip = len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0 ? 3 : 0;
    if (text_check(buf + skip, len - skip, display, key, err) < 0 || long_line) {
        free(buf); /* a long line read in part always fails the check */
        return error_set(err, ERROR_INPUT, display, 0, key, "line is too long (more than %d bytes)",
                         TEXT_LINE_MAX);
    }
    *t = (struct text){.buf = buf, .data = buf + skip, .len = len - skip};
    return 0;
}

void text_cleanup(struct text *t)
{
    free(t->buf);
    *t = (struct text){0};
}

int text_hidden(const unsigned char *s, size_t len)
{
    if (len == 1)
        return s[0] < 0x20 || s[0] == 0x7f;
    unsigned cp = len == 2   ? (s[0] & 0x1fu) << 6 | (s[1] & 0x3fu)
                  : len == 3 ? (s[0] & 0x0fu) << 12 | (s[1] & 0x3fu) << 6 | (s[2] & 0x3fu)
                             : 0x10000;
    return (cp >= 0x80 && cp <= 0x9f) || cp == 0x61c || cp == 0x200e || cp == 0x200f ||
           (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

void text_clean(char *buf, size_t size, const char *s)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t o = 0, n = strlen(s);
    while (*p) {
        size_t len = text_utf8_length(p, n - (size_t)(p - (const unsigned char *)s));
        if (len == 0) { /* a stray byte */
            if (o + 2 > size)
                break;
            buf[o++] = '?';
            p++;
            continue;
        }
        if (text_hidden(p, len)) {
            p += len;
            continue;
        }
        if (o + len + 1 > size)
            break;
        memcpy(buf + o, p, len);
        o += len;
        p += len;
    }
    buf[o] = '\0';
}
