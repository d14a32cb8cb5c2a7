/* memory.c - large arrays on transparent huge pages where the system has them. */
#define _GNU_SOURCE /* mremap */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "memory.h"

#define ALIGN MEMORY_LARGE /* a huge page on x86-64 */

/* The length mapped for a large block of `bytes`: whole huge pages. */
static size_t mapped_length(size_t bytes)
{
    return (bytes + ALIGN - 1) & ~(ALIGN - 1);
}

/* A mapping of `bytes` on an ALIGN boundary, advised to use huge pages; NULL on failure. */
static void *map_large(size_t bytes)
{
    size_t keep = mapped_length(bytes);
    size_t len = keep + ALIGN; /* room to find the boundary in */
    if (keep < bytes || len < keep)
        return NULL;
    char *raw = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    /* Keep the aligned part; give back the rest (whole pages, as mmap's are). */
    char *start = (char *)(((uintptr_t)raw + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
    char *end = raw + len;
    if (start > raw)
        munmap(raw, (size_t)(start - raw));
    if (start + keep < end)
        munmap(start + keep, (size_t)(end - (start + keep)));
#ifdef MADV_HUGEPAGE
    (void)madvise(start, keep, MADV_HUGEPAGE); /* advice: a no changes nothing */
#endif
    return start;
}

void *memory_grow(void *p, size_t old_bytes, size_t new_bytes)
{
    if (new_bytes < MEMORY_MAPPED && old_bytes < MEMORY_MAPPED)
        return realloc(p, new_bytes);
    /* realloc would copy a large block into pages faulted in one at a time, before any
     * advice could reach them; so a large block is mapped afresh, then filled. */
    if (old_bytes >= MEMORY_MAPPED && mapped_length(new_bytes) == mapped_length(old_bytes))
        return p;
    void *q = new_bytes >= MEMORY_MAPPED ? map_large(new_bytes) : malloc(new_bytes);
    if (!q)
        return NULL;
#ifdef MREMAP_FIXED
    /* Linux moves the pages of a large block into the start of the new one: no copy, and
     * no page touched twice (first-touching memory is dear on these machines). */
    if (old_bytes >= MEMORY_MAPPED && new_bytes > old_bytes) {
        size_t moved = mapped_length(old_bytes);
        if (mremap(p, moved, moved, MREMAP_MAYMOVE | MREMAP_FIXED, q) != MAP_FAILED)
            return q;
    }
#endif
    if (p)
        memcpy(q, p, old_bytes < new_bytes ? old_bytes : new_bytes);
    memory_free(p, old_bytes);
    return q;
}

void memory_release(void *p, size_t bytes)
{
#ifdef MADV_DONTNEED
    uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);
    uintptr_t start = ((uintptr_t)p + page - 1) & ~(page - 1);
    uintptr_t end = ((uintptr_t)p + bytes) & ~(page - 1);
    if (end > start)
        (void)madvise((void *)start, end - start, MADV_DONTNEED); /* a no keeps the pages */
#else
    (void)p;
    (void)bytes;
#endif
}

void memory_free(void *p, size_t bytes)
{
    if (!p)
        return;
    if (bytes < MEMORY_MAPPED)
        free(p);
    else
        munmap(p, mapped_length(bytes));
}
