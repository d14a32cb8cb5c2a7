/* error.c - filling and formatting the error record. */
#include <stdio.h>
#include <string.h>

#include "switchsim/error.h"

int error_set(struct error *err, enum error_kind kind, const char *file, int line, const char *key,
              const char *fmt, ...)
{
    if (!err || err->kind != ERROR_NONE)
        return -1;
    err->kind = kind;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    err->line = line;
    snprintf(err->key, sizeof err->key, "%s", key ? key : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return -1;
}

void error_format(const struct error *err, char *buf, size_t size)
{
    char where[600];
    if (err->line > 0)
        snprintf(where, sizeof where, "%s:%d: ", err->file, err->line);
    else if (err->file[0])
        snprintf(where, sizeof where, "%s: ", err->file);
    else
        where[0] = '\0';
    if (err->key[0])
        snprintf(buf, size, "%s%s: %s", where, err->key, err->message);
    else
        snprintf(buf, size, "%s%s", where, err->message);
}
