/* cli.h - what the parts of the command line share: the commands, their options, and the
 * parsed command line. Private to src/cli/. */
#ifndef SWITCHSIM_CLI_H
#define SWITCHSIM_CLI_H

#include <stdbool.h>
#include <stdio.h>

#include "switchsim/error.h"
#include "switchsim/settings.h"
#include "switchsim/version.h"

enum { EXIT_OK = 0, EXIT_OTHER = 1, EXIT_BAD_INPUT = 2, EXIT_INTERRUPTED = 130 };

/* The commands, as bits: which options each takes. */
enum {
    CMD_RUN = 1 << 0,
    CMD_SWEEP = 1 << 1,
    CMD_COMPARE = 1 << 2,
    CMD_CALIBRATE = 1 << 3,
    CMD_FORECAST = 1 << 4,
    CMD_BACKTEST = 1 << 5,
    CMD_PLOT = 1 << 6,
    CMD_CHECK = 1 << 7,
    CMD_NEW = 1 << 8,
    CMD_HELP = 1 << 9,
};
#define CMD_SIMULATE (CMD_RUN | CMD_SWEEP | CMD_COMPARE | CMD_CALIBRATE | CMD_FORECAST | CMD_BACKTEST)

struct progress_line {
    double shown;
    const char *label; /* of the line drawn last; NULL when none is drawn */
};

/* A parsed command line. */
struct options {
    const struct cli_command *command;
    const char *paths[2]; /* scenario(s), results folder, or a name */
    int n_paths;
    const char **sets, **varies, **fits; /* argc long each */
    size_t n_varies, n_fits;
    const char *observed, *signups, *auction, *days, *format;
    int campaigns;
    bool quiet, verbose;
    struct settings s; /* what the library is told */
    struct progress_line line;
};

struct cli_command {
    const char *name;
    unsigned bit;
    int n_paths;        /* positional arguments it takes */
    int min_paths;      /* of which it needs */
    const char *args;   /* how its usage names them */
    const char *summary; /* one line */
    const char *about;   /* what it does: paragraphs for --help and the manual */
    int (*run)(struct options *o);
};

/* One option: its long name, its short letter (0: none), its value's name (NULL: a flag),
 * the commands that take it, and what it does. */
struct cli_option {
    const char *name;
    int letter;
    const char *arg;
    unsigned commands;
    const char *help;
};

extern const struct cli_command cli_commands[];
extern const size_t cli_n_commands;
extern const struct cli_option cli_options[];
extern const size_t cli_n_options;

/* cli.c: the whole command line, argv as main has it: the command found, its options parsed,
 * run with `runner` in its settings (NULL: on this process's threads), SIGINT and SIGTERM
 * raising its stop flag. Returns the exit status. */
int cli_main(int argc, char **argv, const struct runner *runner);

/* options.c: parses argv[first..] of command c into *o. Returns EXIT_OK, EXIT_BAD_INPUT (the
 * one line said on stderr), or -1 when the command asked for help (printed). */
int cli_parse(int argc, char **argv, int first, const struct cli_command *c, struct options *o,
              volatile sig_atomic_t *stop);
void cli_options_cleanup(struct options *o);
const struct cli_command *cli_command_find(const char *name);
int cli_bad_usage(const char *fmt, const char *arg);

/* help.c: the general usage, a command's help, and the manual page (roff). */
void cli_usage(FILE *out);
void cli_command_help(const struct cli_command *c, FILE *out);
void cli_manual(FILE *out);

/* commands.c: reports an error record as one line and gives its exit status. */
int cli_report(const struct error *err);

/* new.c: `switchsim new NAME`. */
int cli_new(struct options *o);

#endif
