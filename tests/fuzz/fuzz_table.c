/* fuzz_table.c - fuzzes one table loader: the input is the CSV file a scenario's table key
 * names (FUZZ_TABLE: market, suppliers, rounds or profile), read through libcsv and typed
 * column by column, with a good scenario and good other tables around it. */
#include <stdio.h>
#include <stdlib.h>

#include "switchsim/scenario.h"
#include "harness.h"

#define ROUNDS_KEYS "rounds = 3\n"
#define PROFILE_KEYS "window_days = 5\n"

#if FUZZ_TABLE == 1 /* market */
#define INI(m, s, r, p) "market = fuzz.csv\n", s, r, p
#elif FUZZ_TABLE == 2 /* suppliers */
#define INI(m, s, r, p) m, "suppliers = fuzz.csv\n", r, p
#elif FUZZ_TABLE == 3 /* rounds */
#define INI(m, s, r, p) m, s, "table = fuzz.csv\n", p
#elif FUZZ_TABLE == 4 /* profile */
#define INI(m, s, r, p) m, s, r, "profile = fuzz.csv\n"
#else
#error "FUZZ_TABLE must be 1 (market), 2 (suppliers), 3 (rounds) or 4 (profile)"
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    if (!ready) {
        static const char *const keys[4] = {INI("market = market.csv\n",
                                                "suppliers = suppliers.csv\n",
                                                "table = rounds.csv\n",
                                                "profile = profile.csv\n")};
        char ini[1024];
        snprintf(ini, sizeof ini,
                 "[scenario]\nname = fuzz\n" ROUNDS_KEYS "interval_days = 60\n"
                 "[registration]\nexpected = 100\n" PROFILE_KEYS "%s"
                 "[households]\n%s[auction]\nday = 10\n%s[rounds]\n%s",
                 keys[3], keys[0], keys[1], keys[2]);
        harness_write_text("scenario.ini", ini);
        harness_write_text("market.csv", harness_market);
        harness_write_text("suppliers.csv", harness_suppliers);
        harness_write_text("rounds.csv", "round,market_index,cost_index,registration_index\n"
                                         "1,1,1,1\n2,1.05,1.02,0.5\n3,1.1,1,2\n");
        harness_write_text("profile.csv", harness_profile);
        ready = 1;
    }
    harness_write("fuzz.csv", data, size);
    struct error err = {0};
    scenario_destroy(scenario_load(harness_path("scenario.ini"), NULL, 0, &err));
    return 0;
}
