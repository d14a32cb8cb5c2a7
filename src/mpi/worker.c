/* worker.c - ranks 1..N-1 of switchsim-mpi: each runs the tasks rank 0 gives it on its own
 * thread, beats while it holds one, and answers STOP and QUIT at once. */
#include <mpi.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_int.h"

static volatile sig_atomic_t signalled;

static void on_signal(int sig)
{
    (void)sig;
    signalled = 1;
}

/* The context of the job whose tasks come now. */
struct held_context {
    uint64_t job;
    enum runner_kind kind;
    unsigned char *bytes;
    size_t len;
    bool given; /* to the hand, with one of its tasks */
};

static void send_error(struct wire *w, const struct wire_head *task, int kind, const char *what)
{
    struct error e = {0};
    error_set(&e, kind, "", 0, "", "%s", what);
    struct wire_head head = *task;
    head.status = kind;
    wire_send(w, 0, TAG_RESULT, &head, &e, sizeof e);
}

int worker_serve(struct wire *w)
{
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    struct hand hand;
    if (hand_start(&hand)) {
        fprintf(stderr, "switchsim: rank %d cannot start its thread\n", w->rank);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    struct held_context ctx = {0};
    bool holding = false, told = false;
    struct wire_head held = {0}; /* the task held for rank 0 */
    double beat = wire_timeout() / 4, last_beat = 0;
    if (beat > 1)
        beat = 1;
    for (;;) {
        bool any = false;
        if (signalled && !told) { /* rank 0 ends the job: the work done is kept there */
            struct wire_head head = {0};
            wire_send(w, 0, TAG_SIGNAL, &head, NULL, 0);
            told = true;
            any = true;
        }
        struct wire_message m;
        int got;
        while ((got = wire_poll(w, &m)) > 0) {
            any = true;
            if (m.tag == TAG_CONTEXT) {
                free(ctx.bytes);
                ctx = (struct held_context){.job = m.head.job, .kind = (enum runner_kind)m.head.kind,
                                            .bytes = malloc(m.len ? m.len : 1), .len = m.len};
                if (ctx.bytes)
                    memcpy(ctx.bytes, m.body, m.len);
            } else if (m.tag == TAG_TASK) {
                held = m.head;
                holding = false;
                last_beat = wire_now();
                if (signalled) {
                    send_error(w, &held, ERROR_INTERRUPTED, "interrupted");
                } else if (ctx.job != m.head.job || !ctx.bytes) {
                    send_error(w, &held, ERROR_SYSTEM, "a task came without its context");
                } else if (hand_give(&hand, m.head.job, m.head.task, ctx.kind,
                                     ctx.given ? NULL : ctx.bytes, ctx.len, m.body, m.len)) {
                    send_error(w, &held, ERROR_SYSTEM, "out of memory");
                } else {
                    ctx.given = true;
                    holding = true;
                }
            } else if (m.tag == TAG_STOP) {
                holding = false; /* its result, when it comes, is dropped */
                struct wire_head head = {.job = m.head.job};
                wire_send(w, 0, TAG_ALIVE, &head, NULL, 0);
            } else if (m.tag == TAG_QUIT) {
                int rc = m.head.status;
                struct wire_head head = {0};
                wire_send(w, 0, TAG_BYE, &head, NULL, 0);
                wire_message_free(&m);
                double until = wire_now() + wire_timeout();
                while (!wire_sent(w) && wire_now() < until)
                    wire_nap(w, false);
                hand_stop(&hand);
                free(ctx.bytes);
                MPI_Finalize();
                return rc;
            }
            wire_message_free(&m);
        }
        if (got < 0) {
            fprintf(stderr, "switchsim: rank %d lost its connection to rank 0\n", w->rank);
            MPI_Abort(MPI_COMM_WORLD, 1);
        }
        struct hand_result r;
        if (hand_take(&hand, &r)) {
            any = true;
            if (holding && r.job == held.job && r.task == held.task) {
                struct wire_head head = held;
                head.status = r.status;
                if (r.status)
                    wire_send(w, 0, TAG_RESULT, &head, &r.err, sizeof r.err);
                else
                    wire_send(w, 0, TAG_RESULT, &head, r.result.data, r.result.len);
                holding = false;
            }
            pack_free(&r.result);
        }
        if (holding && wire_now() - last_beat >= beat) {
            wire_send(w, 0, TAG_BEAT, &held, NULL, 0);
            last_beat = wire_now();
        }
        wire_nap(w, any);
    }
}
