/* mpi_int.h - what the parts of switchsim-mpi share: the messages between ranks, the thread
 * that computes on each rank, rank 0's runner and the other ranks' loop. Private to src/mpi/.
 *
 * Rank 0 runs the command line as switchsim does (cli_main), with a runner (farm.c) that
 * hands each task of a job to a rank that is free, itself included; the other ranks
 * (worker.c) run what they are given. On every rank the main thread alone calls MPI
 * (MPI_THREAD_FUNNELED) and a second thread computes (hand.c), so a rank answers, beats and
 * notices a signal within milliseconds, however long its task. */
#ifndef SWITCHSIM_MPI_INT_H
#define SWITCHSIM_MPI_INT_H

#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "switchsim/runner.h"

/* The messages. 0 -> r: CONTEXT (a job's context, before r's first task of it), TASK, STOP
 * (give up your task and say you are alive), QUIT (end, with head.status the exit status).
 * r -> 0: HELLO (r's build, at start), RESULT (head.status 0, the result; else an error kind
 * and a struct error), BEAT (still at the task, every beat while it holds one), ALIVE (the
 * answer to STOP), SIGNAL (r was sent SIGINT or SIGTERM), BYE (the answer to QUIT). */
enum wire_tag {
    TAG_HELLO = 1,
    TAG_CONTEXT,
    TAG_TASK,
    TAG_RESULT,
    TAG_BEAT,
    TAG_STOP,
    TAG_ALIVE,
    TAG_SIGNAL,
    TAG_QUIT,
    TAG_BYE,
};

/* What every message starts with. */
struct wire_head {
    uint64_t job;   /* the job it belongs to; 0 = none */
    uint64_t task;  /* the task's index in its job */
    int32_t status; /* RESULT: 0 or an enum error_kind; QUIT: the exit status */
    int32_t kind;   /* CONTEXT: the job's enum runner_kind */
};

/* A message received: head, then len bytes of body (pointing into data, which is owned). */
struct wire_message {
    int source, tag;
    struct wire_head head;
    const unsigned char *body;
    size_t len;
    unsigned char *data;
};

/* This rank's side of the messages: sends not yet complete are kept until they are. */
struct wire {
    int rank, size;
    struct wire_pending *pending;
    size_t n_pending, cap_pending;
    int nap_us; /* the current pause between polls, growing while nothing happens */
};

/* wire.c */
/* Joins MPI (MPI_THREAD_FUNNELED, errors returned rather than fatal). Returns 0, or -1 with
 * the reason printed. */
int wire_init(struct wire *w, int *argc, char ***argv);
/* Sends a message without waiting (a copy is kept until MPI is done with it). Returns 0, or
 * -1 when MPI refuses it (the rank cannot be reached). */
int wire_send(struct wire *w, int dest, int tag, const struct wire_head *head, const void *body,
              size_t len);
/* Receives one message from any rank into *m (wire_message_free frees it). Returns 1 when
 * one came, 0 when none is waiting, -1 on an MPI failure. Also moves pending sends on. */
int wire_poll(struct wire *w, struct wire_message *m);
void wire_message_free(struct wire_message *m);
/* Receives until every rank r with want[r] set has sent a message tagged `tag` (want[r] is
 * then cleared) or the clock passes `until`, showing each message received to seen (when not
 * NULL) first. Returns how many are still wanted, or -1 on an MPI failure. */
int wire_await(struct wire *w, int tag, bool *want, double until,
               void (*seen)(void *ctx, const struct wire_message *m), void *ctx);
/* Whether every send has completed. */
bool wire_sent(struct wire *w);
/* Pauses before the next poll: short just after something happened (busy != 0 resets it),
 * growing to half a millisecond while nothing does. */
void wire_nap(struct wire *w, bool busy);
/* Seconds on a monotonic clock. */
double wire_now(void);
/* How long a rank may stay silent while it holds a task before it counts as lost, in seconds:
 * $SWITCHSIM_MPI_TIMEOUT, default 10; a rank beats four times as often (at most once a
 * second). */
double wire_timeout(void);
/* The line that says which build a rank runs (its version and the layout of what it
 * packs): every rank must run the same. */
void wire_stamp(char *buf, size_t size);

/* hand.c: the thread that computes a rank's tasks, one at a time. */
struct hand_result {
    uint64_t job, task;
    int status; /* 0, or the error kind (err says what) */
    struct pack result;
    struct error err;
};

struct hand {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool started, quit;
    /* the next task, waiting for the thread */
    bool queued;
    uint64_t job, task;
    enum runner_kind kind;
    unsigned char *context, *bytes; /* context NULL: the job's context given before */
    size_t context_len, bytes_len;
    bool busy; /* the thread is at a task */
    /* the last result, waiting for the main thread */
    bool done;
    struct hand_result out;
};

/* Starts the thread. Returns 0, or -1 when it cannot be started. */
int hand_start(struct hand *h);
/* Gives the thread a task (copies of the bytes; context NULL when this job's context was
 * given with an earlier task), in place of any task still waiting: a rank is given one task
 * at a time, so one waiting was given up. Returns 0, or -1 when out of memory. */
int hand_give(struct hand *h, uint64_t job, uint64_t task, enum runner_kind kind,
              const void *context, size_t context_len, const void *bytes, size_t len);
/* Takes the result of the last task when there is one: returns true and fills *out (the
 * caller frees out->result), else false. Never waits. */
bool hand_take(struct hand *h, struct hand_result *out);
/* Ends the thread when it is idle; one still at a task is left to end with the process. */
void hand_stop(struct hand *h);

/* farm.c: rank 0's runner. */
struct farm_rank {
    bool busy;     /* holds a task (of the job `job`) */
    bool lost;     /* stopped answering: the job ends with MPI_Abort */
    uint64_t job;  /* whose task it holds, or whose it was given last */
    size_t task;
    uint64_t context_job; /* the last job whose context it was sent */
    double heard;         /* when it was last heard from (or given its task) */
};

struct farm {
    struct runner runner;
    struct wire *wire;
    struct hand hand; /* rank 0 computes too */
    struct farm_rank *ranks;
    uint64_t jobs;     /* made so far: the next job's id is jobs + 1 */
    double timeout;    /* wire_timeout() */
    bool interrupted;  /* a signal here or on a rank: every job from now on is interrupted */
    bool broken;       /* a rank was lost: the end is MPI_Abort, not MPI_Finalize */
};

/* Makes rank 0's runner. Returns 0, or -1 with the reason printed. */
int farm_init(struct farm *f, struct wire *w);
/* Ends the job on every rank with exit status rc: QUIT to each and MPI_Finalize once all say
 * BYE; MPI_Abort when a rank was lost or does not answer within the timeout. Returns rc (or
 * does not return). */
int farm_finish(struct farm *f, int rc);

/* worker.c: ranks 1..N-1 run what rank 0 gives them until it says QUIT; returns the exit
 * status it gives. */
int worker_serve(struct wire *w);

#endif
