/* error.h - an error record that library code fills and only the CLI prints. */
#ifndef SWITCHSIM_ERROR_H
#define SWITCHSIM_ERROR_H

#include <stdarg.h>

enum error_kind {
    ERROR_NONE = 0,
    ERROR_INPUT,       /* bad usage or bad input: exit status 2 */
    ERROR_SYSTEM,      /* anything else (out of memory, disk full): exit status 1 */
    ERROR_INTERRUPTED, /* stopped by a signal: exit status 130 */
};

/* Where and what. file may be a path, or an option such as "--set paper.clerks=x";
 * line is 0 when the fault has no line (a file that cannot be opened). */
struct error {
    enum error_kind kind;
    char file[512];
    int line;
    char key[96];
    char message[512];
};

/* Records the first error only: later calls on an already-set record do nothing, so
 * the first fault found is the one reported. Always returns -1 for `return error_set(...)`. */
int error_set(struct error *err, enum error_kind kind, const char *file, int line, const char *key,
              const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Formats the record as one line without newline: "FILE:LINE: KEY: MESSAGE"
 * (LINE and KEY left out when absent). */
void error_format(const struct error *err, char *buf, size_t size);

#endif
