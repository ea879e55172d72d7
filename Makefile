# shadowtap - top-level build.  `make` builds the binaries; `make deps`
# installs Debian packages; `make run` replays the sample; `make check` runs
# every test; `make bench` measures.  Quiet unless V=1.

PKGS      := libpcap libndpi sqlite3 yaml-0.1 libpcre2-8 libcrypto libsodium zlib
DEB_BUILD := build-essential pkg-config libpcap-dev libndpi-dev libsqlite3-dev \
             libyaml-dev libpcre2-dev libssl-dev libsodium-dev zlib1g-dev \
             libmicrohttpd-dev
DEB_TEST  := tshark tcpdump iproute2 sqlite3 python3 python3-yaml curl openssl libndpi-bin tcpreplay
DEB_ALL   := $(DEB_BUILD) $(DEB_TEST)

CC        ?= cc
OPT       ?= -O2
CFLAGS    ?= $(OPT) -g
SAN       ?=
WARN      := -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wformat=2 \
             -Wstrict-prototypes -Wmissing-prototypes
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# User CFLAGS (e.g. make CFLAGS=-O0) never drop the include path or warnings.
XCFLAGS    = $(CFLAGS) $(SAN) $(WARN) -Isensor $(PKG_CFLAGS)
PKG_LIBS   = $(shell pkg-config --libs $(PKGS) 2>/dev/null)
LDLIBS    += $(PKG_LIBS) -lpthread -lm

B         ?= build
Q          = $(if $(V),,@)

LIB_SRC   := $(filter-out sensor/main.c sensor/cmd/%,$(wildcard sensor/*.c sensor/*/*.c))
# Extra programs: sensor/cmd/NAME.c -> build/shadowtap-NAME
CMD_SRC   := $(wildcard sensor/cmd/*.c)
CMD_BIN   := $(CMD_SRC:sensor/cmd/%.c=$(B)/shadowtap-%)
LIB_OBJ   := $(LIB_SRC:%.c=$(B)/obj/%.o)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
TOOL_SRC  := $(wildcard tests/tools/*.c)
TOOL_BIN  := $(TOOL_SRC:tests/tools/%.c=$(B)/tools/%)

.PHONY: all deps run check unit bench bench-dlp asan clean help
all: $(B)/shadowtap-sensor $(CMD_BIN) $(UNIT_BIN) $(TOOL_BIN)

help:
	@echo "targets: all deps run check unit asan bench clean   (V=1 verbose)"

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
sensor/store/schema.inc: sensor/store/schema.sql
	$(Q){ echo '/* Generated from schema.sql by the Makefile; do not edit. */'; \
	  echo 'static const char store_schema_sql[] ='; \
	  sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$$/\\n"/' $<; echo ';'; } > $@
$(B)/obj/sensor/store/store.o: sensor/store/schema.inc

$(B)/libsensor.a: $(LIB_OBJ)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/shadowtap-sensor: $(B)/obj/sensor/main.o $(B)/libsensor.a
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(B)/shadowtap-%: $(B)/obj/sensor/cmd/%.o $(B)/libsensor.a
	@$(if $(Q),echo "  LD $@")
	$(Q)$(CC) $(CFLAGS) $(SAN) -o $@ $^ $(LDLIBS)

$(B)/tests/%: tests/unit/%.c $(B)/libsensor.a tests/unit/test.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC $<")
	$(Q)$(CC) $(XCFLAGS) -Itests/unit -o $@ $< $(B)/libsensor.a $(LDLIBS)

$(B)/tools/%: tests/tools/%.c $(B)/libsensor.a
	@mkdir -p $(dir $@)
	$(Q)$(CC) $(XCFLAGS) -o $@ $< $(B)/libsensor.a $(LDLIBS)

unit: $(UNIT_BIN)
	$(Q)for t in $(UNIT_BIN); do echo "# $$t"; $$t || exit 1; done

# ASan+UBSan build in its own directory, used by the sanitizer sweep.
asan:
	$(Q)$(MAKE) --no-print-directory B=build/asan CFLAGS="-O1 -g" \
		SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined" \
		build/asan/shadowtap-sensor $(UNIT_SRC:tests/unit/%.c=build/asan/tests/%)

run: deps all
	$(Q)sh tests/scripts/run-sample.sh

check: deps all
	$(Q)sh tests/run.sh

bench: deps all
	$(Q)sh tests/scripts/bench.sh

bench-dlp: deps all
	$(Q)sh tests/scripts/bench-dlp.sh

clean:
	rm -rf $(B) build var/eve.json

-include $(LIB_OBJ:.o=.d) $(B)/obj/sensor/main.d
