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

/* Waits for every other rank's HELLO and checks it runs this build. Returns 0, or -1 with the
 * reason printed. */
static int greet(struct farm *f)
{
    char mine[200];
    wire_stamp(mine, sizeof mine);
    int left = f->wire->size - 1, rc = 0;
    double until = wire_now() + 6 * f->timeout;
    while (left > 0 && wire_now() < until) {
        struct wire_message m;
        int got = wire_poll(f->wire, &m);
        if (got < 0)
            break;
        if (got == 0) {
            wire_nap(f->wire, false);
            continue;
        }
        if (m.tag == TAG_HELLO) {
            left--;
            if (rc == 0 && (m.len != strlen(mine) || memcmp(m.body, mine, m.len))) {
                fprintf(stderr,
                        "switchsim: rank %d runs another build of switchsim-mpi (%.*s, here %s): "
                        "run one build on every host\n",
                        m.source, (int)(m.len < 200 ? m.len : 200), (const char *)m.body, mine);
                rc = -1;
            }
        }
        wire_message_free(&m);
    }
    if (left > 0) {
        fprintf(stderr, "switchsim: %d rank%s did not report in; ending the job\n", left,
                left == 1 ? "" : "s");
        f->broken = true;
        return -1;
    }
    return rc;
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
