/* memory.h - large arrays on transparent huge pages where the system has them. */
#ifndef SWITCHSIM_MEMORY_H
#define SWITCHSIM_MEMORY_H

#include <stddef.h>

/*
 * The model's largest arrays (households, their records, event lines) reach megabytes, or
 * hundreds of them, and are read out of order (records in acceptance order). A block of
 * MEMORY_MAPPED bytes or more is mapped on its own, on a MEMORY_LARGE (2 MiB) boundary, and
 * the system asked to back it with huge pages (Linux's transparent huge pages) before
 * anything is written to it: it fills with a page fault per 2 MiB instead of per 4 KiB (a
 * fault costs some 10 us on the virtual machines measured here, where clearing 2 MiB costs
 * 0.1 ms) and misses the TLB far less; freed, it goes back to the system at once. Smaller
 * blocks are the C library's. Where the system has no huge pages, a mapped block is plain
 * memory.
 */
#define MEMORY_LARGE ((size_t)2 << 20)
#define MEMORY_MAPPED ((size_t)256 << 10)

/* Like realloc(p, new_bytes), for a block from memory_grow of old_bytes (p NULL, old_bytes
 * 0: a new block): the first min(old_bytes, new_bytes) bytes are kept, the rest
 * uninitialised. Returns the block, or NULL when out of memory (p is then unchanged). */
void *memory_grow(void *p, size_t old_bytes, size_t new_bytes);

/* Gives the system back the memory of the whole pages within [p, p + bytes), which must lie
 * in a block from memory_grow of MEMORY_MAPPED bytes or more: their contents are lost (the
 * bytes are unspecified until written again), the block stays usable. */
void memory_release(void *p, size_t bytes);

/* Frees a block from memory_grow of `bytes` (the size it was last given). NULL is a no-op. */
void memory_free(void *p, size_t bytes);

#endif
