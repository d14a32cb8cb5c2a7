/* scenario_int.h - what the parts of the scenario loader share: value specs, the key table,
 * the load state. Private to src/scenario/. */
#ifndef SWITCHSIM_SCENARIO_INT_H
#define SWITCHSIM_SCENARIO_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchsim/scenario.h"
#include "text.h"

#define SHARE_TOLERANCE 1e-6
#define FILE_SIZE_MAX ((size_t)64 << 20) /* no scenario file or table is bigger */

/* ---------------------------------------------------------------------------------------
 * Values: one parser and one formatter shared by INI keys and CSV columns. */

enum value_type {
    V_STRING, /* char[size], any text */
    V_PATH,   /* char[SCENARIO_PATH_MAX], resolved against the scenario's directory */
    V_INT,    /* int */
    V_UINT64, /* uint64_t */
    V_DOUBLE, /* double, finite */
    V_PROB,   /* double in [0, 1] */
    V_ENUM,   /* int-sized enum, by name */
    V_DAYS,   /* comma list of days: double[size / sizeof(double)] and an int count */
};

enum {
    F_MIN_OPEN = 1, /* value must be strictly greater than min */
    F_NONEMPTY = 2, /* strings and paths: empty is an error */
    F_BLANK_NAN = 4, /* table cells of doubles: empty reads as NaN, for the table to judge */
};

struct spec {
    enum value_type type;
    size_t offset;       /* into struct scenario, or into a table's row struct */
    size_t size;         /* of the field */
    size_t count_offset; /* V_DAYS: where the number of items goes */
    double min, max;     /* numbers and list items */
    unsigned flags;
    const char *const *names; /* V_ENUM: NULL-terminated, by enum value */
};

extern const char *const scenario_rule_names[];
extern const char *const scenario_strategy_names[];
extern const char *const scenario_payment_names[PAY_COUNT + 1];

/* One scenario key: its place in struct scenario, its type, default and documentation. */
struct key {
    const char *full;    /* "section.key" */
    const char *section; /* "section" */
    const char *name;    /* "key" */
    struct spec spec;
    const char *type_text; /* how --help and the docs name the type */
    const char *def;       /* default as text; NULL: required */
    const char *doc;       /* one line */
    bool fit;              /* calibrate may fit it, and replications may draw it: a number
                              that changes no table, day or round of the model */
};

/* The key table (keys.c). Keys of one section are adjacent; scenario_write keeps this order. */
extern const struct key scenario_keys[];
extern const size_t scenario_n_keys;

/* ---------------------------------------------------------------------------------------
 * Load state. */

struct load {
    struct scenario *sc;
    struct error *err;
    const char *path;                /* INI path as given */
    char realdir[SCENARIO_PATH_MAX]; /* its directory, absolute */
    const char *const *sets;

    /* The INI reader's position, for inih. */
    const char *pos, *end;
    int line;
    bool indented;      /* current line starts with blank space */
    int section;        /* key index of the current section's first key; -1 before any */
    int prev_key;       /* last key given in the current section, -1 if none */
    struct error first; /* first fault found while inih parses */

    /* A key line longer than inih's buffer: inih is handed a short stand-in line, and the
     * handler takes the real name and value from here (split as inih would split them). */
    bool long_line;
    char long_name[TEXT_LINE_MAX + 1], long_value[TEXT_LINE_MAX + 1];
    char long_whole[TEXT_LINE_MAX + 1]; /* the line's text, for a continuation */

    /* per key, scenario_n_keys of each (scenario_load_create allocates them): */
    int *section_line; /* by the section's first key: line of its first header */
    int *key_line;     /* line a key was given on in the file; 0 if not */
    size_t *key_set;   /* 1 + index of the --set that gave it last; 0 if none */

    /* scenario_each_value: called for each key instead of parsing it */
    void (*each)(void *ctx, const char *key, const char *value, int line);
    void *each_ctx;
};

/* s past any spaces and tabs. */
static inline const char *skip_blank(const char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

/* Allocates a load state with its per-key arrays, for sc (NULL when only reading values).
 * Returns NULL when out of memory; load_destroy frees it. */
struct load *scenario_load_create(struct scenario *sc, struct error *err);
void scenario_load_destroy(struct load *ld);

/* keys.c: finding keys, and where a key came from for errors that involve it. */
int scenario_oom(struct error *err);
int scenario_key_find(const char *full);                 /* index of "section.key", or -1 */
int scenario_section_find(const char *name, size_t len); /* its first key, or -1 */
void scenario_key_suggest(const char *full, char *buf, size_t size); /* " (did you mean X?)" */
void scenario_section_list(char *buf, size_t size); /* "scenario, registration, ..." */
void scenario_key_where(const struct load *ld, int k, char *file, size_t size, int *line);
int scenario_key_error(struct load *ld, int k, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
int scenario_blame(const struct load *ld, int a, int b); /* of two keys, the one given last */
int scenario_key_index(const char *full);                /* asserts the key exists */
#define KEY(sec, name) scenario_key_index(#sec "." #name)

/* values.c: one parser and one formatter shared by INI keys and CSV columns. The parser
 * returns 0, or -1 with a message (no key, no location) in why. */
int scenario_value_parse(const struct spec *sp, const char *text, void *base, char *why, size_t n);
void scenario_value_format(const struct spec *sp, const void *base, char *buf, size_t size);

/* v as the shortest text that reads back as exactly v, for messages: 1.0000001 stays
 * 1.0000001 (where %g says 1). Use as scenario_shortest(v).s within one expression. */
struct scenario_shortest {
    char s[40];
};
struct scenario_shortest scenario_shortest(double v);

/* ini.c: the INI file through inih, and --set overrides. */
int scenario_ini_load(struct load *ld);
int scenario_set_apply(struct load *ld, size_t i);

/* tables.c: the CSV tables, read, typed and checked into ld->sc. */
int scenario_tables_load(struct load *ld);

/* How errors name the table of path key k: display is its path from the working directory
 * when it sits under the scenario's directory (else as resolved); where and *where_line name
 * the key that gave it, for a file that cannot be read. */
void scenario_table_where(const struct load *ld, int k, char *display, size_t display_size,
                          char *where, size_t where_size, int *where_line);

/* params.c: the parameter-uncertainty files (uncertainty.*), read and checked into ld->sc. */
int scenario_params_load(struct load *ld);

#endif
