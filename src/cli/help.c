/* help.c - the general usage, each command's help and the manual page, all from the command
 * and option tables, so they cannot drift apart. */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "switchsim/metric.h"

/* Writes text wrapped at width columns, each line starting with indent spaces. */
static void wrap(FILE *out, const char *text, int indent, int width)
{
    int col = 0;
    for (const char *p = text; *p;) {
        size_t len = strcspn(p, " ");
        if (col > 0 && col + 1 + (int)len > width) {
            fputc('\n', out);
            col = 0;
        }
        if (col == 0) {
            fprintf(out, "%*s", indent, "");
            col = indent;
        } else {
            fputc(' ', out);
            col++;
        }
        fwrite(p, 1, len, out);
        col += (int)len;
        p += len;
        while (*p == ' ')
            p++;
    }
    if (col)
        fputc('\n', out);
}

void cli_usage(FILE *out)
{
    fputs("usage: switchsim COMMAND [ARGUMENTS] [OPTIONS]\n\n"
          "switchsim simulates collective energy switching run by reverse auction: councils "
          "gather\nhouseholds, suppliers bid, households get offers, some switch.\n\ncommands:\n",
          out);
    for (size_t k = 0; k < cli_n_commands; k++)
        fprintf(out, "  %-10s %s\n", cli_commands[k].name, cli_commands[k].summary);
    fputs("\nswitchsim help COMMAND (or switchsim COMMAND --help) explains a command and its "
          "options;\nswitchsim --version gives the version; man switchsim has it all.\n"
          "mpirun -n N switchsim-mpi COMMAND ... runs the same commands across MPI ranks.\n",
          out);
}

/* "-r N, --replications=N" for option o. */
static void option_spelling(const struct cli_option *o, char *buf, size_t size)
{
    if (o->letter && o->arg)
        snprintf(buf, size, "-%c %s, --%s=%s", o->letter, o->arg, o->name, o->arg);
    else if (o->letter)
        snprintf(buf, size, "-%c, --%s", o->letter, o->name);
    else if (o->arg)
        snprintf(buf, size, "--%s=%s", o->name, o->arg);
    else
        snprintf(buf, size, "--%s", o->name);
}

/* The metrics --precision accepts, as one comma list. */
static void metric_list(char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (int m = 0; m < M_COUNT && used < size; m++)
        used += (size_t)snprintf(buf + used, size - used, "%s%s", m ? ", " : "",
                                 metric_name((enum metric)m));
}

void cli_command_help(const struct cli_command *c, FILE *out)
{
    if (c->bit == CMD_HELP) {
        cli_usage(out);
        return;
    }
    fprintf(out, "usage: switchsim %s %s [options]\n\n", c->name, c->args);
    wrap(out, c->about, 0, 92);
    fputs("\noptions:\n", out);
    for (size_t k = 0; k < cli_n_options; k++) {
        const struct cli_option *o = &cli_options[k];
        if (!(o->commands & c->bit))
            continue;
        char spelling[120];
        option_spelling(o, spelling, sizeof spelling);
        fprintf(out, "  %s\n", spelling);
        wrap(out, o->help, 6, 92);
        if (!strcmp(o->name, "precision")) {
            char list[1200], text[1300];
            metric_list(list, sizeof list);
            snprintf(text, sizeof text, "metrics: %s", list);
            wrap(out, text, 6, 92);
        }
    }
    fputs("\nExit status: 0 done; 2 bad usage or input (one line: switchsim: FILE:LINE: KEY: "
          "what is wrong;\nno result files); 1 another failure; 130 interrupted (what finished "
          "is kept).\n",
          out);
}

/* roff-escapes text: backslashes, and a leading dot or quote. */
static void roff(FILE *out, const char *text)
{
    if (*text == '.' || *text == '\'')
        fputs("\\&", out);
    for (const char *p = text; *p; p++) {
        if (*p == '\\')
            fputs("\\e", out);
        else if (*p == '-')
            fputs("\\-", out);
        else
            fputc(*p, out);
    }
}

void cli_manual(FILE *out)
{
    fputs(".TH SWITCHSIM 1 \"2026\" \"switchsim " SWITCHSIM_VERSION "\" \"User Commands\"\n"
          ".SH NAME\nswitchsim \\- simulate collective energy switching run by reverse auction\n"
          ".SH SYNOPSIS\n",
          out);
    for (size_t k = 0; k < cli_n_commands; k++) {
        fputs(".B switchsim\n", out);
        fprintf(out, ".B %s\n", cli_commands[k].name);
        roff(out, cli_commands[k].args);
        fputs(" [options]\n.br\n", out);
    }
    fputs(".SH DESCRIPTION\nswitchsim is a discrete\\-event simulator of collective energy "
          "switching: a council gathers household registrations online and on paper, energy "
          "suppliers bid tariffs in a reverse auction, every registered household gets a "
          "personal offer, and some switch. It forecasts how many switch and what they save, "
          "with the range a real campaign may land in, fits its behaviour to the figures of "
          "past campaigns, and draws charts and a bulletin.\n"
          ".PP\nScenarios are INI files with CSV tables; switchsim check prints every key with "
          "its documentation. Any key can be overridden with \\-\\-set SECTION.KEY=VALUE.\n"
          ".SH COMMANDS\n",
          out);
    for (size_t k = 0; k < cli_n_commands; k++) {
        const struct cli_command *c = &cli_commands[k];
        fprintf(out, ".TP\n.B %s\n", c->name);
        roff(out, *c->about ? c->about : c->summary);
        fputc('\n', out);
    }
    fputs(".SH OPTIONS\n", out);
    for (size_t k = 0; k < cli_n_options; k++) {
        const struct cli_option *o = &cli_options[k];
        char spelling[120], commands[200] = "";
        option_spelling(o, spelling, sizeof spelling);
        size_t used = 0;
        for (size_t c = 0; c < cli_n_commands && o->commands != ~0u; c++)
            if (o->commands & cli_commands[c].bit)
                used += (size_t)snprintf(commands + used, sizeof commands - used, "%s%s",
                                         used ? ", " : "", cli_commands[c].name);
        fputs(".TP\n.B ", out);
        roff(out, spelling);
        fputc('\n', out);
        roff(out, o->help);
        if (commands[0]) {
            fputs(" (", out);
            roff(out, commands);
            fputc(')', out);
        }
        fputc('\n', out);
    }
    fputs(".SH FILES\n.TP\n.I results/NAME/\nsummary.csv, replications.csv, daily.csv, "
          "savings_hist.csv, bids.csv, scenario.ini; sweep.csv, compare.csv, forecast.csv, "
          "fan.csv, backtest.csv, parameters.csv, covariance.csv, fit.csv, calibrated.ini for the "
          "other commands.\n.TP\n.I plots/NAME/\ncharts with their gnuplot scripts and data, and "
          "bulletin.md.\n"
          ".SH ACROSS A CLUSTER\n"
          "mpirun \\-n N switchsim\\-mpi COMMAND ... (make mpi builds it with Open MPI) takes the "
          "arguments of switchsim and writes the same bytes for any N: sweep points go to "
          "whichever rank is free, replications in blocks merged in order; rank 0 reads every "
          "file and writes every result; \\-j is threads a rank (default 1). Interrupted, it "
          "keeps what finished as switchsim does; a rank that dies, fails or stays silent ends "
          "the job, named with the task it held.\n"
          ".SH ENVIRONMENT\n.TP\n.B SWITCHSIM_MPI_TIMEOUT\n"
          "switchsim\\-mpi: seconds a rank may stay silent while it holds a task before the job "
          "ends (default 10).\n"
          ".SH EXIT STATUS\n0 done; 2 bad usage or bad input, with one line naming file, line "
          "and key on standard error and no result files; 1 any other failure; 130 interrupted, "
          "what finished kept and marked PARTIAL.\n"
          ".SH EXAMPLES\n.nf\nswitchsim run scenarios/lga\\-2015\\-02.ini\n"
          "switchsim plot results/lga\\-2015\\-02\n"
          "switchsim sweep scenarios/lga\\-2015\\-02.ini \\-\\-vary paper.clerks=1,2,4\n"
          "switchsim forecast scenarios/lga\\-2015\\-02.ini \\-\\-signups "
          "scenarios/lga\\-2015\\-02\\-signups\\-day14.csv\n.fi\n",
          out);
}
