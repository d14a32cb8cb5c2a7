/* runner.c - running a task handed out by a runner, whichever process it landed on. */
#include <stdlib.h>

#include "runner_int.h"

static const struct runner_executor *executor_of(enum runner_kind kind)
{
    switch (kind) {
    case RUNNER_REPLICATIONS: return &experiment_executor;
    case RUNNER_SWEEP_POINT: return &sweep_executor;
    }
    return NULL;
}

int runner_execute(struct runner_cache *cache, uint64_t id, enum runner_kind kind,
                   const void *context, size_t context_len, const void *task, size_t task_len,
                   struct pack *result, struct error *err)
{
    const struct runner_executor *ex = executor_of(kind);
    if (!ex || id == 0)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "a task of unknown kind %d", (int)kind);
    if (cache->id != id || cache->kind != kind || !cache->held) {
        runner_cache_cleanup(cache);
        if (!(cache->held = ex->open(context, context_len, err)))
            return -1;
        cache->id = id;
        cache->kind = kind;
    }
    if (ex->run(cache->held, task, task_len, result, err))
        return -1;
    if (result->failed)
        return error_set(err, ERROR_SYSTEM, "", 0, "", "out of memory");
    return 0;
}

void runner_cache_cleanup(struct runner_cache *cache)
{
    const struct runner_executor *ex = executor_of(cache->kind);
    if (cache->held && ex)
        ex->close(cache->held);
    *cache = (struct runner_cache){0};
}
