/* harness.c - what the fuzz harnesses share: a private folder for the files an input becomes,
 * and good tables to go with a fuzzed one. */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "harness.h"

const char harness_market[] =
    "supplier,payment,elec_unit_p,elec_standing_p_day,gas_unit_p,gas_standing_p_day,share\n"
    "Big standard,direct_debit,15.00,25.00,4.60,25.00,0.8\n"
    "Small fixed,direct_debit,12.00,20.00,3.60,20.00,0.2\n"
    "Big standard,standard_credit,16.00,26.00,4.90,26.00,1.0\n"
    "Big prepayment,prepayment,16.00,28.00,4.90,28.00,1.0\n";
const char harness_suppliers[] = "supplier,participation,cost_low,cost_high,strategy,markup,capacity\n"
                                 "One,1,800,950,equilibrium,0,0\n"
                                 "Two,0.5,800,950,markup,0.1,100\n";
const char harness_rounds[] = "round,market_index,cost_index,registration_index\n"
                              "2,1.05,1.02,0.5\n"
                              "1,1,1,1\n";
const char harness_profile[] = "day,weight\n0,4\n1,2\n2,1\n3,1\n4,0\n";

static char dir[256];

static void remove_dir(void)
{
    DIR *d = opendir(dir);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d));)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlinkat(dirfd(d), e->d_name, 0); /* the harnesses make files only */
    closedir(d);
    rmdir(dir);
}

const char *harness_dir(void)
{
    if (!dir[0]) {
        const char *t = getenv("TMPDIR");
        snprintf(dir, sizeof dir, "%s/switchsim-fuzz-XXXXXX", t && *t ? t : "/tmp");
        if (!mkdtemp(dir)) {
            perror(dir);
            abort();
        }
        atexit(remove_dir);
    }
    return dir;
}

const char *harness_path(const char *name)
{
    static char path[4][512];
    static int k;
    k = (k + 1) % 4;
    snprintf(path[k], sizeof path[k], "%s/%s", harness_dir(), name);
    return path[k];
}

void harness_write(const char *name, const void *data, size_t size)
{
    const char *path = harness_path(name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) {
        perror(path);
        abort();
    }
    for (size_t done = 0; done < size;) {
        ssize_t n = write(fd, (const char *)data + done, size - done);
        if (n <= 0) {
            perror(path);
            abort();
        }
        done += (size_t)n;
    }
    close(fd);
}

void harness_write_text(const char *name, const char *text)
{
    harness_write(name, text, strlen(text));
}
