/* wire.c - the messages between switchsim-mpi's ranks: sent without waiting, received from
 * any rank, and the pauses between polls. */
#include <limits.h>
#include <math.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli/cli.h"
#include "mpi_int.h"
#include "switchsim/model.h"

/* A send MPI has not finished with, and the copy it sends from. */
struct wire_pending {
    MPI_Request request;
    unsigned char *data;
};

int wire_init(struct wire *w, int *argc, char ***argv)
{
    *w = (struct wire){.nap_us = 50};
    int provided = 0;
    if (MPI_Init_thread(argc, argv, MPI_THREAD_FUNNELED, &provided) != MPI_SUCCESS) {
        fprintf(stderr, "switchsim: MPI did not start\n");
        return -1;
    }
    MPI_Comm_rank(MPI_COMM_WORLD, &w->rank);
    MPI_Comm_size(MPI_COMM_WORLD, &w->size);
    if (provided < MPI_THREAD_FUNNELED) {
        fprintf(stderr, "switchsim: this MPI cannot be used from a program with threads\n");
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    /* a rank that cannot be reached is an error to handle, not the end of this process */
    MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
    return 0;
}

static void move_on(struct wire *w)
{
    size_t kept = 0;
    for (size_t k = 0; k < w->n_pending; k++) {
        int done = 0;
        if (MPI_Test(&w->pending[k].request, &done, MPI_STATUS_IGNORE) != MPI_SUCCESS)
            done = 1; /* failed: nothing more will come of it */
        if (done)
            free(w->pending[k].data);
        else
            w->pending[kept++] = w->pending[k];
    }
    w->n_pending = kept;
}

int wire_send(struct wire *w, int dest, int tag, const struct wire_head *head, const void *body,
              size_t len)
{
    if (len > (size_t)INT_MAX - sizeof *head)
        return -1;
    if (w->n_pending == w->cap_pending) {
        size_t cap = w->cap_pending ? 2 * w->cap_pending : 16;
        struct wire_pending *p = realloc(w->pending, cap * sizeof *p);
        if (!p)
            return -1;
        w->pending = p;
        w->cap_pending = cap;
    }
    unsigned char *data = malloc(sizeof *head + len);
    if (!data)
        return -1;
    memcpy(data, head, sizeof *head);
    if (len)
        memcpy(data + sizeof *head, body, len);
    struct wire_pending *p = &w->pending[w->n_pending];
    if (MPI_Isend(data, (int)(sizeof *head + len), MPI_BYTE, dest, tag, MPI_COMM_WORLD,
                  &p->request) != MPI_SUCCESS) {
        free(data);
        return -1;
    }
    p->data = data;
    w->n_pending++;
    return 0;
}

int wire_poll(struct wire *w, struct wire_message *m)
{
    *m = (struct wire_message){0};
    move_on(w);
    int flag = 0, count = 0;
    MPI_Message msg;
    MPI_Status st;
    if (MPI_Improbe(MPI_ANY_SOURCE, MPI_ANY_TAG, MPI_COMM_WORLD, &flag, &msg, &st) != MPI_SUCCESS)
        return -1;
    if (!flag)
        return 0;
    MPI_Get_count(&st, MPI_BYTE, &count);
    unsigned char *data = malloc(count > 0 ? (size_t)count : 1);
    if (!data || MPI_Mrecv(data, count, MPI_BYTE, &msg, MPI_STATUS_IGNORE) != MPI_SUCCESS ||
        (size_t)count < sizeof m->head) {
        free(data);
        return -1;
    }
    memcpy(&m->head, data, sizeof m->head);
    m->source = st.MPI_SOURCE;
    m->tag = st.MPI_TAG;
    m->data = data;
    m->body = data + sizeof m->head;
    m->len = (size_t)count - sizeof m->head;
    return 1;
}

void wire_message_free(struct wire_message *m)
{
    free(m->data);
    *m = (struct wire_message){0};
}

int wire_await(struct wire *w, int tag, bool *want, double until,
               void (*seen)(void *ctx, const struct wire_message *m), void *ctx)
{
    int left = 0;
    for (int r = 0; r < w->size; r++)
        left += want[r];
    while (left > 0 && wire_now() < until) {
        struct wire_message m;
        int got = wire_poll(w, &m);
        if (got < 0)
            return -1;
        if (got == 0) {
            wire_nap(w, false);
            continue;
        }
        if (seen)
            seen(ctx, &m);
        if (m.tag == tag && want[m.source]) {
            want[m.source] = false;
            left--;
        }
        wire_message_free(&m);
    }
    return left;
}

bool wire_sent(struct wire *w)
{
    move_on(w);
    return w->n_pending == 0;
}

void wire_nap(struct wire *w, bool busy)
{
    w->nap_us = busy ? 50 : w->nap_us < 250 ? 2 * w->nap_us : 500;
    struct timespec ts = {0, (long)w->nap_us * 1000};
    nanosleep(&ts, NULL);
}

double wire_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

double wire_timeout(void)
{
    const char *v = getenv("SWITCHSIM_MPI_TIMEOUT");
    if (!v)
        return 10;
    char *end;
    double t = strtod(v, &end);
    return end == v || *end || !(t >= 0.5) || !isfinite(t) ? 10 : t;
}

void wire_stamp(char *buf, size_t size)
{
    snprintf(buf, size, "switchsim %s: scenario %zu, bid %zu, observed %zu, metrics %d",
             SWITCHSIM_VERSION, sizeof(struct scenario), sizeof(struct bid_record),
             sizeof(struct model_observed), (int)M_COUNT);
}
