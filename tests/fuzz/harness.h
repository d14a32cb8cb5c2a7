/* harness.h - what the fuzz harnesses share: the libFuzzer entry point, a private folder for
 * the files an input becomes, and good tables to go with a fuzzed one. */
#ifndef SWITCHSIM_HARNESS_H
#define SWITCHSIM_HARNESS_H

#include <stddef.h>
#include <stdint.h>

/* The entry point libFuzzer (or replay.c) calls with each input. */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The folder this process writes its inputs into: made on first use (mode 0700 under
 * $TMPDIR or /tmp), removed with all it holds at exit. */
const char *harness_dir(void);

/* harness_dir()/name, in one of four rotating buffers. */
const char *harness_path(const char *name);

/* Writes size bytes at data to harness_dir()/name, replacing it; aborts when it cannot. */
void harness_write(const char *name, const void *data, size_t size);

/* harness_write of a NUL-terminated text. */
void harness_write_text(const char *name, const char *text);

/* Good tables, as tests/data/model and tests/data/good hold them. */
extern const char harness_market[], harness_suppliers[], harness_rounds[], harness_profile[];

#endif
