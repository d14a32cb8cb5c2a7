/* main.c - switchsim-mpi's main: rank 0 runs the command line as switchsim does, its tasks
 * spread over every rank (farm.c); the other ranks run what it hands them (worker.c). The
 * parts: wire.c (the messages), hand.c (the thread that computes on each rank), farm.c,
 * worker.c; they share mpi_int.h. */
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_errno.h>

#include "cli/cli.h"
#include "mpi_int.h"

/* Checks that a rank's HELLO says it runs this build; *bad is set when one does not. */
struct greeting {
    char mine[200];
    bool bad;
};

static void check_hello(void *ctx, const struct wire_message *m)
{
    struct greeting *g = ctx;
    if (m->tag != TAG_HELLO || g->bad ||
        (m->len == strlen(g->mine) && !memcmp(m->body, g->mine, m->len)))
        return;
    fprintf(stderr,
            "switchsim: rank %d runs another build of switchsim-mpi (%.*s, here %s): run one "
            "build on every host\n",
            m->source, (int)(m->len < 200 ? m->len : 200), (const char *)m->body, g->mine);
    g->bad = true;
}

/* Waits for every other rank's HELLO and checks it runs this build. Returns 0, or -1 with the
 * reason printed. */
static int greet(struct farm *f)
{
    struct greeting g = {0};
    wire_stamp(g.mine, sizeof g.mine);
    bool *want = calloc((size_t)f->wire->size, sizeof *want);
    for (int r = 1; r < f->wire->size && want; r++)
        want[r] = true;
    int left = want ? wire_await(f->wire, TAG_HELLO, want, wire_now() + 6 * f->timeout,
                                 check_hello, &g)
                    : -1;
    free(want);
    if (left != 0) {
        fprintf(stderr, "switchsim: not every rank reported in; ending the job\n");
        f->broken = true;
        return -1;
    }
    return g.bad ? -1 : 0;
}

int main(int argc, char **argv)
{
    struct wire w;
    if (wire_init(&w, &argc, &argv))
        return EXIT_OTHER;
    gsl_set_error_handler_off(); /* GSL reports failures by return value, never aborts */
    if (w.rank != 0) {
        char stamp[200];
        wire_stamp(stamp, sizeof stamp);
        struct wire_head head = {0};
        wire_send(&w, 0, TAG_HELLO, &head, stamp, strlen(stamp));
        return worker_serve(&w);
    }
    struct farm f;
    if (farm_init(&f, &w)) {
        MPI_Abort(MPI_COMM_WORLD, EXIT_OTHER);
        return EXIT_OTHER;
    }
    int rc = greet(&f) ? EXIT_OTHER : cli_main(argc, argv, &f.runner);
    return farm_finish(&f, rc);
}
