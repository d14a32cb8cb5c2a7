/* hand.c - the thread that computes a rank's tasks, one at a time, while the main thread
 * keeps talking MPI. */
#include <stdlib.h>
#include <string.h>

#include "mpi_int.h"

static void *hand_main(void *arg)
{
    struct hand *h = arg;
    struct runner_cache cache = {0};
    unsigned char *context = NULL; /* the context of the job in hand (this thread's copy) */
    size_t context_len = 0;
    pthread_mutex_lock(&h->lock);
    for (;;) {
        while (!h->queued && !h->quit)
            pthread_cond_wait(&h->wake, &h->lock);
        if (h->quit)
            break;
        struct hand_result r = {.job = h->job, .task = h->task};
        enum runner_kind kind = h->kind;
        unsigned char *bytes = h->bytes;
        size_t len = h->bytes_len;
        if (h->context) {
            free(context);
            context = h->context;
            context_len = h->context_len;
        }
        h->context = h->bytes = NULL;
        h->queued = false;
        h->busy = true;
        pthread_mutex_unlock(&h->lock);

        if (runner_execute(&cache, r.job, kind, context, context_len, bytes, len, &r.result,
                           &r.err))
            r.status = r.err.kind ? (int)r.err.kind : ERROR_SYSTEM;
        free(bytes);

        pthread_mutex_lock(&h->lock);
        while (h->done && !h->quit) /* the last result not taken yet */
            pthread_cond_wait(&h->wake, &h->lock);
        h->busy = false;
        if (h->quit) {
            pack_free(&r.result);
            break;
        }
        h->out = r;
        h->done = true;
    }
    pthread_mutex_unlock(&h->lock);
    runner_cache_cleanup(&cache);
    free(context);
    return NULL;
}

int hand_start(struct hand *h)
{
    *h = (struct hand){0};
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    if (pthread_create(&h->thread, NULL, hand_main, h))
        return -1;
    h->started = true;
    return 0;
}

int hand_give(struct hand *h, uint64_t job, uint64_t task, enum runner_kind kind,
              const void *context, size_t context_len, const void *bytes, size_t len)
{
    unsigned char *c = context ? malloc(context_len ? context_len : 1) : NULL;
    unsigned char *b = malloc(len ? len : 1);
    if ((context && !c) || !b) {
        free(c);
        free(b);
        return -1;
    }
    if (c)
        memcpy(c, context, context_len);
    memcpy(b, bytes, len);
    pthread_mutex_lock(&h->lock);
    if (h->queued) { /* given up: its context may be the one to keep */
        if (!c) {
            c = h->context;
            context_len = h->context_len;
            h->context = NULL;
        }
        free(h->context);
        free(h->bytes);
    }
    h->queued = true;
    h->job = job;
    h->task = task;
    h->kind = kind;
    h->context = c;
    h->context_len = context_len;
    h->bytes = b;
    h->bytes_len = len;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    return 0;
}

bool hand_take(struct hand *h, struct hand_result *out)
{
    pthread_mutex_lock(&h->lock);
    bool done = h->done;
    if (done) {
        *out = h->out;
        h->out = (struct hand_result){0};
        h->done = false;
        pthread_cond_signal(&h->wake);
    }
    pthread_mutex_unlock(&h->lock);
    return done;
}

void hand_stop(struct hand *h)
{
    if (!h->started)
        return;
    pthread_mutex_lock(&h->lock);
    bool idle = !h->busy;
    h->quit = true;
    pthread_cond_signal(&h->wake);
    pthread_mutex_unlock(&h->lock);
    if (idle) {
        pthread_join(h->thread, NULL);
        free(h->context);
        free(h->bytes);
        pack_free(&h->out.result);
    } else {
        pthread_detach(h->thread);
    }
    h->started = false;
}
