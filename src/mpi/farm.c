/* farm.c - rank 0's runner: each task of a job to the first rank that is free (rank 0's own
 * thread among them), results to the job as they come in, and an end within seconds when a
 * rank fails, falls silent or a signal comes. */
#include <inttypes.h>
#include <mpi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mpi_int.h"

/* How long rank 0 waits, once stopped, for the ranks to say they are alive: short, as
 * mpirun kills every rank a second after it passes on a Ctrl-C (odls_base_sigkill_timeout). */
#define STOP_WAIT 0.3

static void describe(const struct farm *f, const struct runner_job *job, uint64_t id, int r,
                     char *buf, size_t size)
{
    const struct farm_rank *k = &f->ranks[r];
    if (k->job == id && job->describe)
        job->describe(job->ctx, k->task, buf, size);
    else
        snprintf(buf, size, "a task of an earlier job");
}

/* A rank's result for the job: handed to job->done, or its error made the job's. Returns 0,
 * or -1 with *err filled. */
static int take_result(struct farm *f, const struct runner_job *job, uint64_t id, int r,
                       int status, const void *body, size_t len, const struct error *why,
                       size_t *finished, struct error *err)
{
    struct farm_rank *k = &f->ranks[r];
    if (!k->busy || k->job != id)
        return 0; /* of a task given up */
    k->busy = false;
    if (status == 0) {
        (*finished)++;
        return job->done(job->ctx, k->task, body, len, err);
    }
    if (status == ERROR_INTERRUPTED) { /* the rank was sent a signal */
        f->interrupted = true;
        return 0;
    }
    char what[400], line[1400];
    describe(f, job, id, r, what, sizeof what);
    error_format(why, line, sizeof line);
    return error_set(err, ERROR_SYSTEM, "", 0, "", "rank %d failed at %s: %s", r, what, line);
}

/* A rank that could not be reached or stopped answering: the job ends, and the program with
 * MPI_Abort. */
static int lose(struct farm *f, const struct runner_job *job, uint64_t id, int r,
                const char *how, struct error *err)
{
    char what[400];
    describe(f, job, id, r, what, sizeof what);
    f->ranks[r].lost = true;
    f->broken = true;
    return error_set(err, ERROR_SYSTEM, "", 0, "", "rank %d %s while it held %s; ending the job",
                     r, how, what);
}

/* Receives what has come: results into the job, beats and signals noted. Returns 0, or -1
 * with *err filled; *any says whether anything came. */
static int receive(struct farm *f, const struct runner_job *job, uint64_t id, size_t *finished,
                   bool *any, struct error *err)
{
    struct hand_result hr;
    if (hand_take(&f->hand, &hr)) {
        *any = true;
        f->ranks[0].heard = wire_now();
        int rc = take_result(f, job, id, 0, hr.status, hr.result.data, hr.result.len, &hr.err,
                             finished, err);
        pack_free(&hr.result);
        if (rc)
            return -1;
    }
    struct wire_message m;
    for (int got; (got = wire_poll(f->wire, &m)) != 0;) {
        if (got < 0)
            return error_set(err, ERROR_SYSTEM, "", 0, "", "MPI failed to receive a message");
        *any = true;
        struct farm_rank *k = &f->ranks[m.source];
        k->heard = wire_now();
        int rc = 0;
        if (m.tag == TAG_RESULT) {
            struct error why = {0};
            if (m.head.status && m.len == sizeof why)
                memcpy(&why, m.body, sizeof why);
            rc = take_result(f, job, id, m.source, m.head.status, m.body, m.len, &why, finished,
                             err);
        } else if (m.tag == TAG_SIGNAL) {
            f->interrupted = true;
        }
        wire_message_free(&m);
        if (rc)
            return -1;
    }
    return 0;
}

/* Gives task `next` to rank r (its context first when r has not had it). Returns 0, or -1
 * with *err filled. */
static int give(struct farm *f, const struct runner_job *job, uint64_t id, int r, size_t next,
                struct error *err)
{
    struct pack task = {0};
    if (job->task(job->ctx, next, &task, err)) {
        pack_free(&task);
        return -1;
    }
    if (task.failed) {
        pack_free(&task);
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    }
    struct farm_rank *k = &f->ranks[r];
    bool with_context = k->context_job != id;
    k->busy = true;
    k->job = id;
    k->task = next;
    k->heard = wire_now();
    k->context_job = id;
    struct wire_head head = {.job = id, .task = next, .kind = (int32_t)job->kind};
    int rc = 0;
    if (r == 0) {
        rc = hand_give(&f->hand, id, next, job->kind, with_context ? job->context : NULL,
                       job->context_len, task.data, task.len)
                 ? error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory")
                 : 0;
    } else if ((with_context &&
                wire_send(f->wire, r, TAG_CONTEXT, &head, job->context, job->context_len)) ||
               wire_send(f->wire, r, TAG_TASK, &head, task.data, task.len)) {
        rc = lose(f, job, id, r, "could not be reached", err);
    }
    pack_free(&task);
    return rc;
}

/* What stop_job keeps of the results that come in while it waits. */
struct stopping {
    struct farm *f;
    const struct runner_job *job;
    uint64_t id;
    size_t *finished;
    struct error *err;
    int rc;
};

static void keep_result(void *ctx, const struct wire_message *m)
{
    struct stopping *st = ctx;
    if (m->tag == TAG_RESULT && m->head.status == 0 && st->rc == 0)
        st->rc = take_result(st->f, st->job, st->id, m->source, 0, m->body, m->len, NULL,
                             st->finished, st->err);
}

/* The job stopped (a signal here or on a rank): every other rank is told to give up its
 * task and say it is alive; results that come in meanwhile are kept. A rank that does not
 * answer within STOP_WAIT ended or hangs: it is named with what it held, and the program ends
 * with MPI_Abort. Returns -1 with *err filled: interrupted, or a failure of job->done. */
static int stop_job(struct farm *f, const struct runner_job *job, uint64_t id, size_t *finished,
                    struct error *err)
{
    f->interrupted = true;
    int size = f->wire->size;
    bool *want = calloc((size_t)size, sizeof *want);
    struct wire_head head = {.job = id};
    for (int r = 1; r < size && want; r++) /* one that cannot be reached is named below */
        want[r] = !f->ranks[r].lost && wire_send(f->wire, r, TAG_STOP, &head, NULL, 0) == 0;
    struct stopping st = {f, job, id, finished, err, 0};
    if (want)
        wire_await(f->wire, TAG_ALIVE, want, wire_now() + STOP_WAIT, keep_result, &st);
    for (int r = 1; r < size && want; r++) {
        if (f->ranks[r].lost)
            continue;
        if (!want[r]) {
            f->ranks[r].busy = false; /* it answered, and gave its task up */
            continue;
        }
        char what[400];
        describe(f, job, id, r, what, sizeof what);
        fprintf(stderr, "switchsim: rank %d did not answer when the job was stopped: it ended or "
                        "hangs, holding %s\n", r, f->ranks[r].busy ? what : "no task");
        f->ranks[r].lost = true;
        f->broken = true;
    }
    free(want);
    if (st.rc)
        return -1;
    return error_set(err, ERROR_INTERRUPTED, "", 0, "", "interrupted");
}

static int farm_run(const struct runner *runner, const struct runner_job *job, struct error *err)
{
    struct farm *f = runner->ctx;
    uint64_t id = ++f->jobs;
    size_t next = 0, finished = 0;
    int size = f->wire->size;
    for (;;) {
        if (f->interrupted || (job->stop && *job->stop))
            return stop_job(f, job, id, &finished, err);
        bool any = false;
        if (receive(f, job, id, &finished, &any, err))
            return -1;
        if (finished == job->n_tasks)
            return 0;
        if (f->interrupted)
            continue;
        /* silence counts only just after all that came has been read */
        double now = wire_now();
        for (int r = 1; r < size; r++) {
            const struct farm_rank *k = &f->ranks[r];
            if (k->busy && !k->lost && now - k->heard > f->timeout) {
                char how[100];
                snprintf(how, sizeof how, "has not answered for %.0f s", f->timeout);
                return lose(f, job, id, r, how, err);
            }
        }
        /* the free ranks take the next tasks: the others first, rank 0's thread last */
        for (int k = 1; k <= size && next < job->n_tasks; k++) {
            int r = k % size;
            if (f->ranks[r].busy || f->ranks[r].lost)
                continue;
            if (give(f, job, id, r, next++, err))
                return -1;
            any = true;
        }
        wire_nap(f->wire, any);
    }
}

int farm_init(struct farm *f, struct wire *w)
{
    *f = (struct farm){.wire = w, .timeout = wire_timeout()};
    f->runner = (struct runner){.width = w->size, .run = farm_run, .ctx = f};
    if (!(f->ranks = calloc((size_t)w->size, sizeof *f->ranks)) || hand_start(&f->hand)) {
        fprintf(stderr, "switchsim: cannot start: out of memory\n");
        free(f->ranks);
        return -1;
    }
    return 0;
}

int farm_finish(struct farm *f, int rc)
{
    struct wire_head head = {.status = rc};
    bool *want = calloc((size_t)f->wire->size, sizeof *want);
    int left = f->broken || !want;
    for (int r = 1; r < f->wire->size && !left; r++) {
        want[r] = true;
        left = wire_send(f->wire, r, TAG_QUIT, &head, NULL, 0) != 0;
    }
    double until = wire_now() + f->timeout;
    if (!left)
        left = wire_await(f->wire, TAG_BYE, want, until, NULL, NULL);
    for (int r = 1; r < f->wire->size && want && left > 0 && !f->broken; r++)
        if (want[r])
            fprintf(stderr, "switchsim: rank %d did not answer at the end; ending the job\n", r);
    free(want);
    while (left == 0 && !wire_sent(f->wire) && wire_now() < until)
        wire_nap(f->wire, false);
    hand_stop(&f->hand);
    if (left != 0 || !wire_sent(f->wire)) {
        fflush(stdout);
        fflush(stderr);
        MPI_Abort(MPI_COMM_WORLD, rc ? rc : 1);
    }
    free(f->ranks);
    MPI_Finalize();
    return rc;
}
