/* cli.c - the switchsim command line: finds the command, parses its options, runs it, and
 * picks the exit status. The parts: main.c (switchsim's main; src/mpi/main.c is
 * switchsim-mpi's), options.c (the option table, getopt_long, the progress line), commands.c
 * (the command table; each command one library call and its printout), help.c (usage, help,
 * the manual page), new.c (`switchsim new`). */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli.h"

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
    (void)sig;
    interrupted = 1;
    signal(SIGINT, SIG_DFL); /* a second Ctrl-C ends at once */
}

/* The exit status once stdout is flushed: what could not be written there (a full disk,
 * /dev/full) fails a command that otherwise succeeded. */
static int flushed(int rc)
{
    if (fflush(stdout) == 0 && !ferror(stdout))
        return rc;
    if (rc == EXIT_OK)
        fprintf(stderr, "switchsim: cannot write to standard output: %s\n", strerror(errno));
    return rc == EXIT_OK ? EXIT_OTHER : rc;
}

int cli_main(int argc, char **argv, const struct runner *runner)
{
    if (argc < 2) {
        cli_usage(stderr);
        return EXIT_BAD_INPUT;
    }
    if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
        cli_usage(stdout);
        return flushed(EXIT_OK);
    }
    if (!strcmp(argv[1], "--version")) {
        printf("switchsim %s\n", SWITCHSIM_VERSION);
        return flushed(EXIT_OK);
    }
    if (!strcmp(argv[1], "--man")) { /* the manual page, in roff (make install writes it) */
        cli_manual(stdout);
        return flushed(EXIT_OK);
    }
    const struct cli_command *c = cli_command_find(argv[1]);
    if (!c)
        return cli_bad_usage("unknown command %s", argv[1]);
    gsl_set_error_handler_off(); /* GSL reports failures by return value, never aborts */
    struct options o = {.s.runner = runner};
    int rc = cli_parse(argc, argv, 2, c, &o, &interrupted);
    if (rc == EXIT_OK) {
        signal(SIGINT, on_interrupt);
        signal(SIGTERM, on_interrupt);
        rc = c->run(&o);
    } else if (rc < 0) {
        rc = EXIT_OK; /* it printed its help */
    }
    cli_options_cleanup(&o);
    return flushed(rc);
}
