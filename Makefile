# shadowtap - top-level build.  `make` builds the binaries; `make deps`
# installs Debian and npm packages; `make run` replays the sample and serves
# the dashboard; `make check` runs every test; `make bench*` measure.
# Quiet unless V=1.
#
# Link sets (docs/ARCHITECTURE.md): lib/common -> libcommon.a, lib/store ->
# libstore.a; each program links its own objects and only the lib/ archives
# it needs, with its own pkg-config set.  tests/scripts/check-layout.sh
# asserts the include rule and the link sets with nm.

SENSOR_PKGS := libpcap libndpi sqlite3 yaml-0.1 libpcre2-8 libcrypto libsodium zlib libseccomp
DASH_PKGS   := libmicrohttpd sqlite3 yaml-0.1 libsodium
REPORT_PKGS := pangocairo cairo sqlite3 yaml-0.1 libsodium
ALL_PKGS    := $(sort $(SENSOR_PKGS) $(DASH_PKGS) $(REPORT_PKGS))
DEB_BUILD := build-essential pkg-config libpcap-dev libndpi-dev libsqlite3-dev \
             libyaml-dev libpcre2-dev libssl-dev libsodium-dev zlib1g-dev \
             libmicrohttpd-dev libcairo2-dev libpango1.0-dev libseccomp-dev
DEB_TEST  := tshark tcpdump iproute2 sqlite3 python3 python3-yaml python3-jsonschema \
             curl openssl libndpi-bin tcpreplay clang libclang-rt-14-dev \
             poppler-utils fonts-dejavu-core libjs-chart.js chromium nodejs \
             dpkg-dev fakeroot lintian man-db debootstrap time nghttp2-server \
             rsyslog redis-server redis-tools
DEB_ALL   := $(DEB_BUILD) $(DEB_TEST)
# make bench* only (not make check): peers measured in the same run.
# Suricata 7 comes from bookworm-backports when that source is configured
# (deps-bench adds it), else bookworm's 6.0.
DEB_BENCH := suricata strace valgrind util-linux libndpi-bin tcpreplay wireshark-common

CC        ?= cc
OPT       ?= -O2
CFLAGS    ?= $(OPT) -g
SAN       ?=
WARN      := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
             -Wstrict-prototypes -Wmissing-prototypes
pc_cflags  = $(shell pkg-config --cflags $(1) 2>/dev/null)
pc_libs    = $(shell pkg-config --libs $(1) 2>/dev/null)
# User CFLAGS (e.g. make CFLAGS=-O0) never drop the include path or warnings.
# Each tree sees lib/ and itself only (the include rule, enforced by paths).
XCFLAGS    = $(CFLAGS) $(SAN) $(WARN) $(INC) $(call pc_cflags,$(ALL_PKGS))
B         ?= build
INC        = -Ilib -Isensor
$(B)/obj/lib/%.o:       INC = -Ilib
$(B)/obj/dashboard/%.o: INC = -Ilib -Idashboard $(if $(wildcard lib/store/reid.c),-DHAVE_REID=1)
$(B)/obj/report/%.o:    INC = -Ilib -Ireport
LDFLAGS   += -Wl,--as-needed
SENSOR_LIBS = $(call pc_libs,$(SENSOR_PKGS)) -lpthread -lm
DASH_LIBS   = $(call pc_libs,$(DASH_PKGS)) -lpthread -lm
REPORT_LIBS = $(call pc_libs,$(REPORT_PKGS)) -lm
LDLIBS      = $(SENSOR_LIBS)

Q          = $(if $(V),,@)

COMMON_SRC := $(wildcard lib/common/*.c)
STORE_SRC  := $(wildcard lib/store/*.c)
LIB_SRC   := $(filter-out sensor/main.c sensor/cmd/%,$(wildcard sensor/*.c sensor/*/*.c))
# Extra programs: sensor/cmd/NAME.c -> build/shadowtap-NAME
CMD_SRC   := $(wildcard sensor/cmd/*.c)
CMD_BIN   := $(CMD_SRC:sensor/cmd/%.c=$(B)/shadowtap-%)
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o)
COMMON_OBJ := $(COMMON_SRC:%.c=$(B)/obj/%.o)
STORE_OBJ  := $(STORE_SRC:%.c=$(B)/obj/%.o)
# dashboard/*.c -> shadowtap-dashboard, dashboard/cmd/NAME.c -> shadowtap-NAME;
# the same for report/.
DASH_SRC  := $(wildcard dashboard/*.c)
DASH_OBJ  := $(DASH_SRC:%.c=$(B)/obj/%.o)
DASH_CMD  := $(patsubst dashboard/cmd/%.c,$(B)/shadowtap-%,$(wildcard dashboard/cmd/*.c))
REPORT_SRC := $(wildcard report/*.c)
REPORT_OBJ := $(REPORT_SRC:%.c=$(B)/obj/%.o)
REPORT_CMD := $(patsubst report/cmd/%.c,$(B)/shadowtap-%,$(wildcard report/cmd/*.c))
PROGS     := $(B)/shadowtap-sensor $(CMD_BIN) \
             $(if $(DASH_SRC),$(B)/shadowtap-dashboard) $(DASH_CMD) \
             $(if $(REPORT_SRC),$(B)/shadowtap-report) $(REPORT_CMD)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

.PHONY: all deps deps-bench run check unit bench bench-scale bench-dlp bench-dashboard bench-report bench-catalog bench-live browser-deps asan fuzz fuzz-smoke fuzz-build fuzz-bins clean help deb check-install progs
all: $(PROGS) $(UNIT_BIN) $(TOOL_BIN)

help:
	@echo "targets: all deps deps-bench run check unit asan fuzz fuzz-smoke bench bench-scale bench-dlp bench-dashboard bench-report bench-catalog bench-live deb check-install clean   (V=1 verbose)"

# deps: install what is missing, idempotent.  Needs root (or sudo).
deps:
	$(Q)missing=$$(for p in $(DEB_ALL); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps: installing:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "deps: missing packages and not root: run 'sudo make deps'" >&2; exit 2; fi; \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null \
		|| { echo "deps: apt-get install failed" >&2; exit 2; }; \
	fi

$(B)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $<")
	$(Q)$(CC) $(XCFLAGS) -MMD -MP -c -o $@ $<

# The SQLite schema is embedded from its .sql source.
lib/store/schema.inc: lib/store/schema.sql
	$(Q){ echo '/* Generated from schema.sql by the Makefile; do not edit. */'; \
	  echo 'static const char store_schema_sql[] ='; \
	  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $<; echo ';'; } > $@
$(B)/obj/lib/store/store_open.o: lib/store/schema.inc

$(B)/libsensor.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(B)/libcommon.a: $(COMMON_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^
$(B)/libstore.a: $(STORE_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

SENSOR_A := $(B)/libsensor.a $(B)/libstore.a $(B)/libcommon.a
$(B)/shadowtap-sensor: $(B)/obj/sensor/main.o $(SENSOR_A)
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(SENSOR_LIBS)

$(CMD_BIN): $(B)/shadowtap-%: $(B)/obj/sensor/cmd/%.o $(SENSOR_A)
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(SENSOR_LIBS)

$(B)/shadowtap-dashboard: $(DASH_OBJ) $(B)/libstore.a $(B)/libcommon.a
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(DASH_LIBS)
$(DASH_CMD): $(B)/shadowtap-%: $(B)/obj/dashboard/cmd/%.o $(B)/libstore.a $(B)/libcommon.a
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(DASH_LIBS)

$(B)/shadowtap-report: $(REPORT_OBJ) $(B)/libstore.a $(B)/libcommon.a
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(REPORT_LIBS)
$(REPORT_CMD): $(B)/shadowtap-%: $(B)/obj/report/cmd/%.o $(B)/libstore.a $(B)/libcommon.a
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) $(LDFLAGS) -o $@ $^ $(REPORT_LIBS)

# Unit tests and tools see every tree; they link everything.
TEST_A   := $(SENSOR_A)
TEST_LIBS = $(call pc_libs,$(ALL_PKGS)) -lpthread -lm
$(B)/tests/%: tests/unit/%.c $(TEST_A) tests/unit/test.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $<")
	$(Q)$(CC) $(XCFLAGS) -Itests/unit -o $@ $< $(TEST_A) $(TEST_LIBS)

$(B)/tools/%: tests/tools/%.c $(TEST_A)
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(XCFLAGS) -o $@ $< $(TEST_A) $(TEST_LIBS)

unit: $(UNIT_BIN)
	$(Q)for t in $(UNIT_BIN); do echo "# $$t"; $$t || exit 1; done

# ASan+UBSan build in its own directory, used by the sanitizer sweep.
asan:
	$(Q)$(MAKE) --no-print-directory B=build/asan CFLAGS="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		build/asan/shadowtap-sensor $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)

# libFuzzer harnesses (tests/fuzz/fuzz_NAME.c -> build/fuzz/fuzz/fuzz_NAME),
# built with clang against a fuzzer-instrumented copy of the libraries.
# fuzz-smoke: a fixed number of executions over each seed corpus plus the
# regression inputs (also run by make check via tests/scripts/suite-fuzz.sh);
# fuzz: each harness FUZZ_TIME seconds.
FUZZ_SRC  := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_TIME ?= 300
FUZZ_SAN  := -fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
fuzz-build:
	$(Q)$(MAKE) --no-print-directory B=build/fuzz CC=clang CFLAGS="-O1 -g" \
		WARN="$(WARN) -Wno-format-nonliteral" \
		SAN="$(FUZZ_SAN)" fuzz-bins
fuzz-bins: $(FUZZ_SRC:tests/fuzz/%.c=$(B)/fuzz/%)
$(B)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(TEST_A)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  FUZZ $<")
	$(Q)$(CC) $(XCFLAGS) -fsanitize=fuzzer -o $@ $< $(TEST_A) $(TEST_LIBS)
fuzz-smoke:
	$(Q)sh tests/scripts/suite-fuzz.sh
fuzz:
	$(Q)FUZZ_TIME=$(FUZZ_TIME) sh tests/scripts/suite-fuzz.sh

# deps-bench: the benchmarks' peers and tools (DEB_BENCH), idempotent.
deps-bench: deps
	$(Q)missing=$$(for p in $(DEB_BENCH); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "deps-bench: installing:" $$missing; \
		if [ "$$(id -u)" = 0 ]; then SUDO=; elif command -v sudo >/dev/null; then SUDO=sudo; \
		else echo "deps-bench: missing packages and not root: run 'sudo make deps-bench'" >&2; exit 2; fi; \
		grep -rqs bookworm-backports /etc/apt/sources.list /etc/apt/sources.list.d/ || \
			echo 'deb http://deb.debian.org/debian bookworm-backports main' | \
			$$SUDO tee /etc/apt/sources.list.d/bookworm-backports.list >/dev/null; \
		$$SUDO apt-get update -qq; \
		t=; apt-cache policy suricata 2>/dev/null | grep -q bpo && t="-t bookworm-backports"; \
		DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq --no-install-recommends $$t $$missing >/dev/null \
		|| { echo "deps-bench: apt-get install failed" >&2; exit 2; }; \
	fi

run: deps all
	$(Q)sh tests/scripts/run-sample.sh

check: deps all
	$(Q)sh tests/run.sh

bench: deps-bench all
	$(Q)sh tests/scripts/bench.sh

bench-scale: all
	$(Q)sh tests/scripts/bench-scale.sh

bench-dlp: deps all
	$(Q)sh tests/scripts/bench-dlp.sh
	$(Q)sh tests/scripts/bench-doc.sh

bench-catalog: all
	$(Q)sh tests/scripts/bench-catalog.sh

# bench-live: tcpreplay over veth/netns at rising rates, sensor and Suricata
# (root; docs/BENCHMARKS.md "Live capture").
bench-live: deps-bench all
	$(Q)sh tests/scripts/bench-live.sh

# deb: build/shadowtap_VERSION_ARCH.deb (packaging/, docs/PACKAGING.md).
# Version: SENSOR_VERSION in sensor/main.c, the one place.
# The packaged programs are built apart with Debian's hardening flags.
PKG_B := $(B)/pkg
progs: $(PROGS)
deb:
	$(Q)$(MAKE) --no-print-directory B=$(PKG_B) \
		CFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get CFLAGS) $$(dpkg-buildflags --get CPPFLAGS)" \
		LDFLAGS="$$(DEB_BUILD_MAINT_OPTIONS=hardening=+all dpkg-buildflags --get LDFLAGS)" progs
	$(Q)sh packaging/build-deb.sh $(PKG_B) $(B)

# check-install: install the .deb into a cached debootstrap bookworm root,
# run the sensor on the sample as `shadowtap`, upgrade, purge.  Needs root.
check-install: deb
	$(Q)sh packaging/check-install.sh $(B)

clean:
	rm -rf $(B) build var/eve.json

-include $(LIB_OBJ:.o=.d) $(COMMON_OBJ:.o=.d) $(STORE_OBJ:.o=.d) $(DASH_OBJ:.o=.d) $(REPORT_OBJ:.o=.d) $(B)/obj/sensor/main.d

# Browser tests: playwright-core from npm driving Debian's /usr/bin/chromium.
browser-deps:
	$(Q)cd tests/browser && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund

bench-dashboard: all
	$(Q)sh tests/scripts/bench-dashboard.sh

# bench-report: the weekly report on a 10M-event week (docs/BENCHMARKS.md).
bench-report: all
	$(Q)sh tests/scripts/bench-report.sh
