/* text.h - text as people type it: files read whole and checked, UTF-8 strings made safe. */
#ifndef SWITCHSIM_TEXT_H
#define SWITCHSIM_TEXT_H

#include <stddef.h>

#include "switchsim/error.h"

/* Bytes in any one line of a scenario file, a table or a result file that switchsim reads. */
#define TEXT_LINE_MAX 8192

/* A file read whole. */
struct text {
    char *buf;        /* the file's bytes, NUL-terminated; owned */
    const char *data; /* its text: buf after a UTF-8 byte order mark */
    size_t len;       /* bytes in data */
};

/* Where a file was named, to report it when it cannot be read: e.g. the line of the INI key
 * that names a table. A NULL file means the file itself is reported. */
struct text_origin {
    const char *file;
    int line;
};

/* Reads the regular file at `path` (a FIFO, device or folder is refused, never waited on),
 * at most max_size bytes, and checks it is text: UTF-8 with no NUL or control byte but tab,
 * lines ending in LF or CRLF, none longer than TEXT_LINE_MAX bytes. Faults inside it name
 * `display`, the line and `key`; a file that cannot be read is named at *origin when origin
 * is given, else as `display` with line 0. Returns 0 with *t filled (text_cleanup frees it),
 * or -1 with *err filled: ERROR_INPUT for anything about the file, ERROR_SYSTEM for out of
 * memory. *t is then empty. */
int text_read(struct text *t, const char *path, const char *display, size_t max_size,
              const struct text_origin *origin, const char *key, struct error *err);

/* Frees what text_read kept; an empty text (all zero) is a no-op. */
void text_cleanup(struct text *t);

/* The length of the valid UTF-8 sequence at s (at most n bytes), or 0 when it is not one
 * (overlong forms, surrogates and code points above U+10FFFF are not). */
size_t text_utf8_length(const unsigned char *s, size_t n);

/* Whether the UTF-8 character at s (len bytes, as text_utf8_length found it) hides or
 * reorders the text people see around it: a C0 or C1 control, or a bidirectional control
 * or line separator (U+061C, U+200E, U+200F, U+2028..U+202E, U+2066..U+2069). */
int text_hidden(const unsigned char *s, size_t len);

/* Copies s into buf (size > 0) without control characters (text_hidden), each invalid
 * UTF-8 byte made '?', cut at a character boundary when it does not fit. */
void text_clean(char *buf, size_t size, const char *s);

/* Writes strerror_r's text for errnum into buf. */
void text_errno(int errnum, char *buf, size_t size);

#endif
