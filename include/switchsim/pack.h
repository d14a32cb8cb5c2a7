/* pack.h - bytes that carry a piece of work to another process and its result back. */
#ifndef SWITCHSIM_PACK_H
#define SWITCHSIM_PACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Values are written as this build lays them out in memory (byte order, struct layout): both
 * ends of a pack run the same build of switchsim. */

/* A growable buffer, written in order. Start from (struct pack){0}. */
struct pack {
    unsigned char *data;
    size_t len, cap;
    bool failed; /* out of memory: every later write is ignored */
};

/* Appends n bytes (nothing when p->failed; sets it when memory runs out). */
void pack_bytes(struct pack *p, const void *bytes, size_t n);
void pack_u64(struct pack *p, uint64_t v);
/* A count, then count items of `size` bytes each. */
void pack_array(struct pack *p, const void *items, size_t count, size_t size);
/* Frees the buffer and leaves *p empty; an empty one is a no-op. */
void pack_free(struct pack *p);

/* Reads a pack back, in the order it was written. Start with pack_reader_init. */
struct pack_reader {
    const unsigned char *at;
    size_t left;
    bool failed; /* a read went past the end: every later read fails too */
};

void pack_reader_init(struct pack_reader *r, const void *data, size_t len);
/* Copies the next n bytes into out. Returns 0, or -1 (r->failed set, out zeroed) when fewer
 * are left. */
int pack_read_bytes(struct pack_reader *r, void *out, size_t n);
/* The next value; 0 when none is left (r->failed set). */
uint64_t pack_read_u64(struct pack_reader *r);
/* The next n bytes where they lie in the pack (valid while it is), or NULL (r->failed set)
 * when fewer are left. */
const void *pack_read_view(struct pack_reader *r, size_t n);
/* An array pack_array wrote, of `count` items of `size` bytes (its count must be count):
 * a fresh copy the caller frees, or NULL when count is 0 or the pack does not hold it
 * (r->failed set, also when out of memory). */
void *pack_read_array(struct pack_reader *r, size_t count, size_t size);

#endif
