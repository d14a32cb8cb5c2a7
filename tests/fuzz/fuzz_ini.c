/* fuzz_ini.c - fuzzes the scenario loader's INI side: inih through our line reader, every
 * key's value parser and the rules across keys, with good tables beside it. What loads must
 * write out and read back to the same bytes (scenario_write is what results/NAME/scenario.ini
 * holds); the INI read without its keys known (plot's reader of scenario.ini) must not fail
 * where the loader succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "switchsim/scenario.h"
#include "harness.h"

/* The resolved scenario as scenario_write gives it; the caller frees it. */
static char *written(const struct scenario *sc, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f || scenario_write(sc, f) || fclose(f))
        abort();
    return text;
}

static void ignore(void *ctx, const char *key, const char *value, int line)
{
    (void)ctx, (void)key, (void)value, (void)line;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        harness_write_text("market.csv", harness_market);
        harness_write_text("suppliers.csv", harness_suppliers);
        harness_write_text("rounds.csv", harness_rounds);
        harness_write_text("profile.csv", harness_profile);
        ready = 1;
    }
    harness_write("scenario.ini", data, size);
    const char *path = harness_path("scenario.ini");
    struct error err = {0};
    struct scenario *sc = scenario_load(path, NULL, 0, &err);
    struct error each_err = {0};
    int each = scenario_each_value(path, ignore, NULL, &each_err);
    if (!sc)
        return 0;
    if (each != 0) /* what the loader reads, plot's reader reads */
        abort();
    size_t len, len2;
    char *text = written(sc, &len);
    harness_write("again.ini", text, len);
    struct error err2 = {0};
    struct scenario *again = scenario_load(harness_path("again.ini"), NULL, 0, &err2);
    if (!again) {
        char line[1400];
        error_format(&err2, line, sizeof line);
        fprintf(stderr, "the written scenario does not load: %s\n", line);
        abort();
    }
    char *text2 = written(again, &len2);
    if (len != len2 || memcmp(text, text2, len)) {
        fprintf(stderr, "the written scenario reads back different\n");
        abort();
    }
    free(text);
    free(text2);
    scenario_destroy(sc);
    scenario_destroy(again);
    return 0;
}
