/* pack.c - bytes that carry a piece of work to another process and its result back. */
#include <stdlib.h>
#include <string.h>

#include "switchsim/pack.h"

void pack_bytes(struct pack *p, const void *bytes, size_t n)
{
    if (p->failed || n == 0)
        return;
    if (n > p->cap - p->len) {
        size_t cap = p->cap ? p->cap : 256;
        while (cap - p->len < n) {
            if (cap > SIZE_MAX / 2) {
                p->failed = true;
                return;
            }
            cap *= 2;
        }
        unsigned char *data = realloc(p->data, cap);
        if (!data) {
            p->failed = true;
            return;
        }
        p->data = data;
        p->cap = cap;
    }
    memcpy(p->data + p->len, bytes, n);
    p->len += n;
}

void pack_u64(struct pack *p, uint64_t v)
{
    pack_bytes(p, &v, sizeof v);
}

void pack_array(struct pack *p, const void *items, size_t count, size_t size)
{
    pack_u64(p, count);
    if (count && size > SIZE_MAX / count)
        p->failed = true;
    else
        pack_bytes(p, items, count * size);
}

void pack_free(struct pack *p)
{
    free(p->data);
    *p = (struct pack){0};
}

void pack_reader_init(struct pack_reader *r, const void *data, size_t len)
{
    *r = (struct pack_reader){.at = data, .left = data ? len : 0};
}

const void *pack_read_view(struct pack_reader *r, size_t n)
{
    if (r->failed || n > r->left) {
        r->failed = true;
        return NULL;
    }
    const void *at = r->at;
    r->at += n;
    r->left -= n;
    return at;
}

int pack_read_bytes(struct pack_reader *r, void *out, size_t n)
{
    const void *at = pack_read_view(r, n);
    if (!at) {
        memset(out, 0, n);
        return -1;
    }
    memcpy(out, at, n);
    return 0;
}

uint64_t pack_read_u64(struct pack_reader *r)
{
    uint64_t v;
    pack_read_bytes(r, &v, sizeof v);
    return v;
}

void *pack_read_array(struct pack_reader *r, size_t count, size_t size)
{
    if (pack_read_u64(r) != count || (count && size > SIZE_MAX / count)) {
        r->failed = true;
        return NULL;
    }
    if (count == 0 || size == 0)
        return NULL;
    const void *at = pack_read_view(r, count * size);
    void *copy = at ? malloc(count * size) : NULL;
    if (!copy) {
        r->failed = true;
        return NULL;
    }
    memcpy(copy, at, count * size);
    return copy;
}
