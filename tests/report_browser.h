/* report_browser.h - the tools test_report looks at report.html with: headless Chromium with
 * the network blocked, its net log, poppler for the printed page, libpng for the pixels. */
#ifndef SWITCHSIM_REPORT_BROWSER_H
#define SWITCHSIM_REPORT_BROWSER_H

#include <stddef.h>

/* Finds chromium ($CHROMIUM, else on $PATH), pdftoppm and pdfinfo, and points HOME and the
 * XDG folders into testutil_tmp so Chromium keeps its settings and caches there. Returns 0,
 * or -1 (saying what is missing when a program is). */
int browser_setup(void);

/* Starts headless Chromium on the file at path with the network blocked: every host name
 * resolves to nothing, and every request would go to a proxy on this machine where nothing
 * listens (the discard port); background services are asked to stay quiet. extra (NULL
 * ended) says what to do (--dump-dom, --screenshot=..., --print-to-pdf=...); stdout goes
 * to out (NULL: nowhere), stderr to tmp/chromium-N.log. Returns N, for browser_wait. */
int browser_start(const char *path, const char *out, const char *const *extra);

/* Waits for Chromium run n; fails the test, showing the end of its messages, unless it
 * finished well. */
void browser_wait(int n, const char *what);

/* The DOM of the page at path as Chromium builds it (the caller frees it); with netlog,
 * Chromium's net log of the visit is written there. */
char *browser_dom(const char *path, const char *netlog);

/* Checks the net log at path: prints what was asked for; returns the number of URLs the
 * page asked for beyond file: and data:, the first of them into first. */
size_t browser_page_requests(const char *path, char *first, size_t size);

/* The ink of a picture. */
struct ink {
    long width, height;
    double ink;      /* share of pixels not of the background colour (the commonest) */
    double dark;     /* share of dark pixels (luma below 100): text, lines */
    long dark_runs;  /* horizontal runs of dark pixels: many short ones are text */
    long dark_lines; /* rows holding a dark pixel */
};

/* Reads the PNG at path (any kind, flattened onto white) and measures its ink. */
void ink_read(const char *path, struct ink *k);

/* NULL when the picture looks like a page of text and charts, else why not: at least 3%
 * of it not background, and dark text-like marks (0.2% dark pixels, in 200 or more runs
 * over 30 or more rows). */
const char *ink_blank(const struct ink *k);

/* The first page of the PDF at pdf as a PNG at 50 dpi, at png_path. */
void pdf_page1(const char *pdf, const char *png_path);

/* What pdfinfo says of the PDF at pdf (the caller frees it). */
char *pdf_info(const char *pdf);

#endif
