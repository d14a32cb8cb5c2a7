# Makefile - builds switchsim, its static library, tests and benchmarks.

CC      ?= cc
CFLAGS  ?= -O2 -g
SANITIZE ?=
# -ffp-contract=off: no fused multiply-adds, whatever CFLAGS say, so the streams' fast draws
# round as GSL's do (stream.h) and results stay the same bytes on every build.
ALL_CFLAGS = $(CFLAGS) $(SANITIZE) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc \
             -Wall -Wextra -ffp-contract=off -Iinclude -MMD -MP
LDLIBS  := -lgsl -lgslcblas -lcsv -linih -lpthread -lm
PREFIX  ?= /usr/local
BUILD   ?= build

PACKAGES := libgsl-dev libcsv-dev libcmocka-dev libinih-dev gnuplot-nox

CLI_SRC  := $(wildcard src/cli/*.c)
CLI_OBJ  := $(CLI_SRC:src/%.c=$(BUILD)/obj/%.o)
MPI_SRC  := $(wildcard src/mpi/*.c)
LIB_SRC  := $(filter-out $(CLI_SRC) $(MPI_SRC),$(wildcard src/*.c src/*/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libswitchsim.a
BIN      := $(BUILD)/switchsim
# tests/test_report.c needs a browser: make test-report builds and runs it, make test does not
TEST_SRC := $(filter-out tests/test_report.c,$(wildcard tests/test_*.c))
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench/*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

# Fuzz harnesses (tests/fuzz/): the INI loader, each table loader, plot's results reader.
# fuzz_table.c is built once per table, FUZZ_TABLE naming it.
FUZZ_NAMES := ini market suppliers rounds profile plot
FUZZ_TABLE_market := 1
FUZZ_TABLE_suppliers := 2
FUZZ_TABLE_rounds := 3
FUZZ_TABLE_profile := 4
fuzz_src = tests/fuzz/$(if $(FUZZ_TABLE_$(1)),fuzz_table.c -DFUZZ_TABLE=$(FUZZ_TABLE_$(1)),fuzz_$(1).c)
FUZZ_DEPS := $(wildcard tests/fuzz/*.c tests/fuzz/*.h)
FUZZ_CFLAGS = $(CFLAGS) $(SANITIZE) -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Isrc \
              -Isrc/plot -Itests/fuzz -Iinclude -Wall -Wextra
REPLAY_BIN := $(FUZZ_NAMES:%=$(BUILD)/replay/fuzz_%)
FUZZ_PACKAGES := clang libclang-rt-14-dev
# test-report: headless Chromium, pdftoppm and pdfinfo, and libpng to read their pixels
REPORT_PACKAGES := chromium poppler-utils libpng-dev
REPORT_TEST := $(BUILD)/report/test_report
FUZZ_SECONDS ?= 10
FUZZ_OPTIONS ?=

.PHONY: all deps test asan bench demo clean install check-build check-calibration fuzz fuzz-deps \
        fuzz-build test-report report-deps mpi mpi-build test-mpi
.DEFAULT_GOAL := all

all: $(BIN) $(LIB)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# made afresh: src/plot/sweep.c and src/sweep/sweep.c both give a member named sweep.o
$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

# helpers shared by the tests (testutil, with cmocka) and by tests and benchmarks (synthetic);
# a helper of some tests only is linked into those (plot_fixture: test_plot; robust:
# test_robust*; report_*: test_report)
$(BUILD)/tests/helpers/%.o: tests/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

TEST_HELPERS  := $(BUILD)/tests/helpers/testutil.o $(BUILD)/tests/helpers/synthetic.o
BENCH_HELPERS := $(BUILD)/tests/helpers/synthetic.o

# A test links TEST_HELPERS and any helper object listed as its prerequisite below.
$(BUILD)/tests/%: tests/%.c $(TEST_HELPERS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(filter %.o,$^) $(LIB) -lcmocka $(LDLIBS) -o $@

$(BUILD)/tests/test_plot: $(BUILD)/tests/helpers/plot_fixture.o
$(BUILD)/tests/test_robust $(BUILD)/tests/test_robust_output: $(BUILD)/tests/helpers/robust.o

$(BUILD)/bench/%: tests/bench/%.c $(BENCH_HELPERS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests $(LDFLAGS) $< $(BENCH_HELPERS) $(LIB) $(LDLIBS) -o $@

# Each harness without libFuzzer, to replay its corpus in make test and make asan.
$(BUILD)/replay/fuzz_%: $(FUZZ_DEPS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(FUZZ_CFLAGS) $(LDFLAGS) tests/fuzz/replay.c tests/fuzz/harness.c \
	  $(call fuzz_src,$*) $(LIB) $(LDLIBS) -o $@

# install_missing: installs whichever of the Debian packages $(1) are missing (nothing when
# all are present); not as root, says what to run and fails, naming $(2) as what needs them.
# One loop for deps, fuzz-deps and report-deps.
install_missing = missing=""; for p in $(1); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "$(2) needs:$$missing"; \
	  echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	fi; \
	echo "installing:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing

# deps: install whichever Debian packages are missing; nothing when all are present. MPI=1
# adds Open MPI, for make mpi.
deps: PACKAGES += $(if $(MPI),$(MPI_PACKAGES))
deps:
	@$(call install_missing,$(PACKAGES),switchsim)

# fuzz-deps: clang and its libFuzzer runtime, as deps installs the libraries.
fuzz-deps:
	@$(call install_missing,$(FUZZ_PACKAGES),make fuzz)

# report-deps: what test-report needs, as deps installs the libraries.
report-deps:
	@$(call install_missing,$(REPORT_PACKAGES),make test-report)

# fuzz-build: the library with coverage, ASan and UBSan (clang), and a libFuzzer binary per
# harness in build/fuzz/bin/.
fuzz-build: deps fuzz-deps
	@$(MAKE) --no-print-directory BUILD=build/fuzz CC=clang CFLAGS="-O1 -g" \
	  SANITIZE="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	  $(FUZZ_NAMES:%=build/fuzz/bin/fuzz_%)

build/fuzz/bin/fuzz_%: $(FUZZ_DEPS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(subst fuzzer-no-link,fuzzer,$(FUZZ_CFLAGS)) $(LDFLAGS) tests/fuzz/harness.c \
	  $(call fuzz_src,$*) $(LIB) $(LDLIBS) -o $@

# fuzz: runs each harness FUZZ_SECONDS (10: about a minute in all) on its seed corpus
# (tests/fuzz/corpus/NAME, read only) and what it found before (build/fuzz/corpus/NAME);
# a crash or hang is saved as build/fuzz/crashes/NAME-* and fails the target.
fuzz: fuzz-build
	@mkdir -p build/fuzz/crashes; failed=""; \
	for n in $(FUZZ_NAMES); do \
	  mkdir -p build/fuzz/corpus/$$n; \
	  dict=tests/fuzz/$$n.dict; [ -f $$dict ] || dict=tests/fuzz/csv.dict; \
	  echo "== fuzz_$$n: $(FUZZ_SECONDS) s"; \
	  build/fuzz/bin/fuzz_$$n -max_total_time=$(FUZZ_SECONDS) -timeout=10 -rss_limit_mb=2048 \
	    -max_len=16384 -dict=$$dict -print_final_stats=1 \
	    -artifact_prefix=build/fuzz/crashes/$$n- $(FUZZ_OPTIONS) \
	    build/fuzz/corpus/$$n tests/fuzz/corpus/$$n 2>build/fuzz/fuzz_$$n.log; \
	  status=$$?; grep -E '^(Done|stat::number_of_executed_units|stat::peak_rss_mb|SUMMARY|==[0-9]+==ERROR)' build/fuzz/fuzz_$$n.log; \
	  [ $$status -eq 0 ] || { failed="$$failed $$n"; tail -40 build/fuzz/fuzz_$$n.log; }; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed (inputs in build/fuzz/crashes/)"; exit 1; fi; \
	echo "fuzz: $(FUZZ_NAMES): no crash, no hang"

# test: every cmocka test binary, the fuzz corpora replayed, then the end-to-end shell checks.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(BENCH_BIN) $(REPLAY_BIN)
	@tests/run-tests $(BUILD)

# asan: the same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  CFLAGS="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  test

# test-report: report.html of the February 2015 auction in headless Chromium (tests/test_report.c):
# its figures against summary.csv, alt text, no request with the network blocked, pixels of
# screenshots at 1280 and 390 pixels wide and of the printed page, scenario text shown as
# text. Apart from make test, which never needs a browser. REPORT_EVIDENCE=DIR keeps the
# screenshots, the PDF and its first page there.
# Its helpers (tests/report_browser.c, tests/report_dom.c) are built for it alone.
REPORT_HELPERS := $(BUILD)/tests/helpers/report_browser.o $(BUILD)/tests/helpers/report_dom.o
$(REPORT_TEST): tests/test_report.c $(TEST_HELPERS) $(REPORT_HELPERS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(TEST_HELPERS) $(REPORT_HELPERS) $(LIB) -lcmocka -lpng \
	  $(LDLIBS) -o $@

test-report: deps report-deps
	@$(MAKE) --no-print-directory all $(REPORT_TEST)
	@$(if $(REPORT_EVIDENCE),mkdir -p $(REPORT_EVIDENCE) &&) \
	  SWITCHSIM_BIN=$(BIN) SWITCHSIM_REPORT_EVIDENCE=$(REPORT_EVIDENCE) $(REPORT_TEST)

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@tests/bench/run-bench $(BUILD)

# check-calibration: the long parameter-recovery check (50 synthetic repetitions, some minutes).
check-calibration: deps
	@$(MAKE) --no-print-directory all $(BUILD)/bench/recovery
	@$(BUILD)/bench/recovery 50 20

demo: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run --force scenarios/lga-2015-02.ini
	$(BIN) plot results/lga-2015-02

# The manual is written by the program itself, so it cannot drift from --help.
$(BUILD)/switchsim.1: $(BIN)
	$(BIN) --man > $@.tmp && mv $@.tmp $@

man: $(BUILD)/switchsim.1

install: all $(BUILD)/switchsim.1
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/switchsim
	install -m 644 $(BUILD)/switchsim.1 $(DESTDIR)$(PREFIX)/share/man/man1/switchsim.1
	cd scenarios && find . -type d -exec install -d '$(DESTDIR)$(PREFIX)/share/switchsim/scenarios/{}' \; \
	  && find . -type f -exec install -m 644 '{}' '$(DESTDIR)$(PREFIX)/share/switchsim/scenarios/{}' \;

clean:
	rm -rf $(BUILD)

# ---- switchsim-mpi: the same commands across MPI ranks (Open MPI) ----
# Only these targets need MPI: src/mpi/ is built with mpicc and linked into
# build/switchsim-mpi alone; the library, switchsim and the tests never include mpi.h.
MPI_PACKAGES := libopenmpi-dev openmpi-bin
MPICC   ?= mpicc
MPI_OBJ := $(MPI_SRC:src/%.c=$(BUILD)/obj/%.o)
MPI_BIN := $(BUILD)/switchsim-mpi
MPI_TEST_BIN := $(BUILD)/tests/mpi/test_mpi

$(BUILD)/obj/mpi/%.o: src/mpi/%.c
	@mkdir -p $(@D)
	$(MPICC) $(ALL_CFLAGS) -c $< -o $@

$(MPI_BIN): $(MPI_OBJ) $(filter-out $(BUILD)/obj/cli/main.o,$(CLI_OBJ)) $(LIB)
	$(MPICC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(MPI_TEST_BIN): tests/mpi/test_mpi.c $(TEST_HELPERS) $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -Itests $(LDFLAGS) $< $(TEST_HELPERS) $(LIB) -lcmocka $(LDLIBS) -o $@

# mpi: installs Open MPI when missing (as deps does) and builds build/switchsim-mpi.
mpi:
	@$(MAKE) --no-print-directory deps MPI=1
	@$(MAKE) --no-print-directory mpi-build

mpi-build: $(BIN) $(MPI_BIN)

# test-mpi: switchsim-mpi under mpirun -n 1, 2 and 3 against switchsim (the same bytes), and
# a rank killed or stopped mid-sweep ending the job within seconds.
test-mpi: mpi
	@$(MAKE) --no-print-directory $(MPI_TEST_BIN)
	@SWITCHSIM_BIN=$(BIN) SWITCHSIM_MPI_BIN=$(MPI_BIN) $(MPI_TEST_BIN)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d $(BUILD)/tests/helpers/*.d $(BUILD)/bench/*.d \
                    $(BUILD)/report/*.d $(BUILD)/tests/mpi/*.d)
