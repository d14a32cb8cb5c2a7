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

LIB_SRC  := $(filter-out src/main.c,$(wildcard src/*.c src/*/*.c))
LIB_OBJ  := $(LIB_SRC:src/%.c=$(BUILD)/obj/%.o)
LIB      := $(BUILD)/libswitchsim.a
BIN      := $(BUILD)/switchsim
TEST_SRC := $(wildcard tests/test_*.c)
TEST_BIN := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_SRC := $(wildcard tests/bench/*.c)
BENCH_BIN := $(BENCH_SRC:tests/bench/%.c=$(BUILD)/bench/%)

.PHONY: all deps test asan bench demo clean install check-build
.DEFAULT_GOAL := all

all: $(BIN) $(LIB)

$(BUILD)/obj/%.o: src/%.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

# made afresh: src/plot/sweep.c and src/sweep.c both give a member named sweep.o
$(LIB): $(LIB_OBJ)
	@mkdir -p $(@D)
	@rm -f $@
	$(AR) rcs $@ $^

$(BIN): $(BUILD)/obj/main.o $(LIB)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $^ $(LDLIBS) -o $@

$(BUILD)/tests/testutil.o: tests/testutil.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) -c $< -o $@

$(BUILD)/tests/%: tests/%.c $(BUILD)/tests/testutil.o $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(BUILD)/tests/testutil.o $(LIB) -lcmocka $(LDLIBS) -o $@

$(BUILD)/bench/%: tests/bench/%.c $(LIB)
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) $< $(LIB) $(LDLIBS) -o $@

# deps: install whichever Debian packages are missing; nothing when all are present.
deps:
	@missing=""; for p in $(PACKAGES); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" -ne 0 ]; then \
	  echo "switchsim needs:$$missing"; \
	  echo "run: sudo apt-get update && sudo apt-get install -y$$missing"; exit 1; \
	fi; \
	echo "installing:$$missing"; \
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing

# test: every cmocka test binary, then the end-to-end shell checks.
test: deps
	@$(MAKE) --no-print-directory all $(TEST_BIN) $(BENCH_BIN)
	@tests/run-tests $(BUILD)

# asan: the same tests under AddressSanitizer and UndefinedBehaviorSanitizer.
asan: deps
	@$(MAKE) --no-print-directory BUILD=build/asan \
	  CFLAGS="-O1 -g" \
	  SANITIZE="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  test

bench: deps
	@$(MAKE) --no-print-directory all $(BENCH_BIN)
	@tests/bench/run-bench $(BUILD)

demo: deps
	@$(MAKE) --no-print-directory all
	$(BIN) run scenarios/lga-2015-02.ini
	$(BIN) plot results/lga-2015-02

install: all
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/switchsim

clean:
	rm -rf $(BUILD)

-include $(wildcard $(BUILD)/obj/*.d $(BUILD)/obj/*/*.d $(BUILD)/tests/*.d $(BUILD)/bench/*.d)
