/* fuzz_plot.c - fuzzes plot's reader of a results folder and what it writes from what it read:
 * the input's first byte picks the file it becomes (summary.csv, savings_hist.csv, daily.csv,
 * sweep.csv, compare.csv, scenario.ini or scenario_b.ini), the rest is its text; good small
 * files stand beside it. Every chart's script and data and the bulletin are written (gnuplot
 * is not run), as plot_results writes them. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "switchsim/plot.h"
#include "plot_int.h"
#include "harness.h"

static const char summary[] = "round,metric,mean,sd,ci95_low,ci95_high,p05,p50,p95,n\n"
                              "1,registered,500,10,490,510,485,500,515,10\n"
                              "1,switched,120,5,115,125,112,120,128,10\n"
                              "1,saving_total,30000,900,29000,31000,28500,30000,31500,10\n"
                              "all,switched,120,5,115,125,112,120,128,10\n";
static const char compare[] = "metric,a_mean,b_mean,diff_mean,diff_ci95_low,diff_ci95_high,n\n"
                              "switched,120,130,10,4,16,10\n";
static const char scenario[] = "[scenario]\nname = fuzz\n";

static const char *const files[] = {"summary.csv", "savings_hist.csv", "daily.csv",
                                    "sweep.csv",   "compare.csv",      "scenario.ini",
                                    "scenario_b.ini"};
#define N_FILES (sizeof files / sizeof *files)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    size_t kind = data[0] % N_FILES;
    char results[600], out[600];
    snprintf(results, sizeof results, "%s", harness_path("results"));
    snprintf(out, sizeof out, "%s", harness_path("plots"));
    static int ready;
    if (!ready) {
        if (mkdir(results, 0700) || mkdir(out, 0700))
            abort();
        ready = 1;
    }
    for (size_t k = 0; k < N_FILES; k++) {
        char path[700];
        snprintf(path, sizeof path, "%s/%s", results, files[k]);
        unlink(path);
    }
    char name[700];
    snprintf(name, sizeof name, "results/%s", files[kind]);
    harness_write(name, data + 1, size - 1);
    if (kind != 5)
        harness_write_text("results/scenario.ini", scenario);
    if (kind == 1 || kind == 2 || kind == 5)
        harness_write_text("results/summary.csv", summary);
    if (kind == 6)
        harness_write_text("results/compare.csv", compare);

    struct plot_list made = {0};
    struct error err = {0};
    char folder[1100];
    plot_default_folder(results, folder, sizeof folder, &err);
    err = (struct error){0};
    plot_scripts(results, out, "svg", &made, &err);
    plot_list_cleanup(&made);
    return 0;
}
