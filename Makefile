# fidosim — one build. See README.md.
#   make            build/fidosim and one static library per folder
#   make run        install missing Debian packages, build, run the default matrix
#   make test       the whole suite (ends with "N passed, N failed")
#   make check      the whole suite under ASan+UBSan
#   make valgrind   the unit tests under valgrind
#   make fuzz       each libFuzzer target for FUZZ_SECONDS (default 60)
#   make install    PREFIX=/usr/local DESTDIR=
#   make clean

BUILD    ?= build
PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
FUZZ_SECONDS ?= 60
FUZZ_CC  ?= clang

PKGS     := libcrypto libcbor jansson sqlite3
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lcrypto -lcbor -ljansson -lsqlite3)
# Only the fidosim binary links these (serve: libmicrohttpd; conform: libcurl).
SERVE_LIBS := $(shell pkg-config --libs libmicrohttpd libcurl 2>/dev/null || echo -lmicrohttpd -lcurl) -pthread
CMOCKA_LIBS := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

WARN     := -Wall -Wextra -Werror -Wshadow -Wmissing-prototypes \
            -Wimplicit-fallthrough -Wconversion -Wno-sign-conversion
OPT      ?= -O2 -D_FORTIFY_SOURCE=2 -fstack-protector-strong
SAN      ?=
CFLAGS_ALL = -std=c11 $(WARN) $(OPT) $(SAN) -g -D_POSIX_C_SOURCE=200809L \
             -DOPENSSL_API_COMPAT=30000 -DOPENSSL_NO_DEPRECATED \
             -DFSIM_SRCDATA='"$(CURDIR)/data"' \
             -I. $(PKG_CFLAGS) $(CFLAGS)
LDFLAGS_ALL = $(SAN) $(LDFLAGS)

# One static library per folder, in dependency order (core last on the link line).
FOLDERS  := harness rp-sim mds platform authenticator core
srcs_of   = $(sort $(wildcard $(1)/*.c))
CORE_GEN := $(BUILD)/gen/aaguid_builtin.c
lib_of    = $(BUILD)/lib/libfsim_$(subst -,_,$(1)).a
LIBS     := $(foreach f,$(FOLDERS),$(if $(call srcs_of,$(f)),$(call lib_of,$(f))))
CORE_LIB := $(call lib_of,core)

CLI_SRCS := $(call srcs_of,cli)
CLI_OBJS := $(CLI_SRCS:%.c=$(BUILD)/obj/%.o)
HEADERS  := $(wildcard */*.h) $(wildcard */*.def)

UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
# Integration programs: tests/integration/NAME.c -> $(BUILD)/itests/NAME (libfido2 clients)
ITEST_SRCS := $(sort $(wildcard tests/integration/*.c))
ITEST_BINS := $(ITEST_SRCS:tests/integration/%.c=$(BUILD)/itests/%)
FIDO2_LIBS := $(shell pkg-config --libs libfido2 2>/dev/null || echo -lfido2)
FUZZ_SRCS := $(sort $(wildcard fuzz/fuzz_*.c))
# make fuzz FUZZ_ONLY="fuzz/fuzz_reg.c fuzz/fuzz_auth.c" runs a subset
FUZZ_ONLY ?= $(FUZZ_SRCS)
REPLAY_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/replay/%)
FUZZ_BINS := $(FUZZ_SRCS:fuzz/%.c=$(BUILD)/fuzz/%)

.PHONY: mds-real all deps run test check valgrind fuzz install clean docs unit-bins replay-bins itest-bins bench

# docs/rules.md is generated from rp-sim/rules.def (a test fails when stale).
docs: $(BUILD)/fidosim
	$(BUILD)/fidosim rules --markdown > docs/rules.md

all: $(BUILD)/fidosim

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  CC      $<"
	@$(CC) $(CFLAGS_ALL) -c $< -o $@

$(BUILD)/gen/aaguid_builtin.c: data/aaguid-names.json tests/embed.sh
	@mkdir -p $(dir $@)
	sh tests/embed.sh fsim_aaguid_builtin_json $< > $@.tmp && mv $@.tmp $@

# The page of `fidosim serve` (rp-sim/www/NAME.EXT -> fsim_www_NAME_EXT), compiled in.
WWW_FILES := $(sort $(wildcard rp-sim/www/*))
$(BUILD)/gen/www.c: $(WWW_FILES) tests/embed.sh
	@mkdir -p $(dir $@)
	@for f in $(WWW_FILES); do sh tests/embed.sh fsim_www_$$(basename $$f | tr '.-' '__') $$f; done > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/www.o: $(BUILD)/gen/www.c
	@mkdir -p $(dir $@)
	@$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -c $< -o $@

$(BUILD)/obj/gen/aaguid_builtin.o: $(BUILD)/gen/aaguid_builtin.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -c $< -o $@

# The shipped presets, built in as the fallback when data/presets is not found.
PRESET_FILES := $(sort $(wildcard data/presets/*.preset))
$(BUILD)/gen/presets_builtin.c: $(PRESET_FILES) tests/embed_presets.sh
	@mkdir -p $(dir $@)
	sh tests/embed_presets.sh $(PRESET_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/presets_builtin.o: $(BUILD)/gen/presets_builtin.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -c $< -o $@

# The shipped RP policy presets, built in as the fallback when data/policies is not found.
POLICY_FILES := $(sort $(wildcard data/policies/*.policy))
$(BUILD)/gen/policies_builtin.c: $(POLICY_FILES) tests/embed_policies.sh
	@mkdir -p $(dir $@)
	sh tests/embed_policies.sh $(POLICY_FILES) > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/policies_builtin.o: $(BUILD)/gen/policies_builtin.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -c $< -o $@

# report.html's page (harness/report_html.c): template, style and script, compiled in.
$(BUILD)/gen/report_www.c: harness/www/report.html harness/www/report.css harness/www/report.js tests/embed.sh
	@mkdir -p $(dir $@)
	{ sh tests/embed.sh fsim_www_report_html harness/www/report.html && \
	  sh tests/embed.sh fsim_www_report_css harness/www/report.css && \
	  sh tests/embed.sh fsim_www_report_js harness/www/report.js; } > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/gen/report_www.o: $(BUILD)/gen/report_www.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -c $< -o $@

define folder_lib
$(call lib_of,$(1)): $(patsubst %.c,$(BUILD)/obj/%.o,$(call srcs_of,$(1))) $(if $(filter core,$(1)),$(BUILD)/obj/gen/aaguid_builtin.o) $(if $(filter authenticator,$(1)),$(BUILD)/obj/gen/presets_builtin.o) $(if $(filter harness,$(1)),$(BUILD)/obj/gen/report_www.o)
	@mkdir -p $$(dir $$@)
	@echo "  AR      $$@"
	@rm -f $$@ && ar rcs $$@ $$^
endef
$(foreach f,$(FOLDERS),$(if $(call srcs_of,$(f)),$(eval $(call folder_lib,$(f)))))
# rp-sim carries the built-in policy presets too ($^ of its archive rule takes this in).
$(call lib_of,rp-sim): $(BUILD)/obj/gen/policies_builtin.o

$(BUILD)/fidosim: $(CLI_OBJS) $(BUILD)/obj/gen/www.o $(LIBS)
	@echo "  LINK    $@"
	@$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJS) $(BUILD)/obj/gen/www.o $(LIBS) $(PKG_LIBS) $(SERVE_LIBS) $(FIDO2_LIBS)

# Unit tests: one cmocka binary per tests/unit/test_<module>.c
$(BUILD)/tests/%: tests/unit/%.c $(LIBS) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  TEST    $@"
	@$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -o $@ $< $(LIBS) $(PKG_LIBS) $(CMOCKA_LIBS) $(FIDO2_LIBS) $(LDFLAGS_ALL)

# Fuzz targets built as plain replay binaries (any compiler), for make test.
$(BUILD)/replay/%: fuzz/%.c fuzz/replay_main.c $(LIBS) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  REPLAY  $@"
	@$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -o $@ $< fuzz/replay_main.c $(LIBS) $(PKG_LIBS) $(FIDO2_LIBS) $(LDFLAGS_ALL)

# Integration programs (libfido2 clients), run by the scripts beside them.
$(BUILD)/itests/%: tests/integration/%.c $(LIBS) $(HEADERS)
	@mkdir -p $(dir $@)
	@echo "  ITEST   $@"
	@$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -o $@ $< $(LIBS) $(PKG_LIBS) $(FIDO2_LIBS) $(LDFLAGS_ALL)

unit-bins: $(UNIT_BINS)
replay-bins: $(REPLAY_BINS)
itest-bins: $(ITEST_BINS)

# On a fresh clone `make test` sets itself up: Debian packages (tests/deps.sh)
# and the pinned npm packages (tests/npm_deps.sh), before anything is built.
test:
	@sh tests/deps.sh
	@sh tests/npm_deps.sh
	@$(MAKE) --no-print-directory all unit-bins replay-bins itest-bins
	@BUILD=$(BUILD) sh tests/run.sh

check:
	$(MAKE) BUILD=build-san OPT="-O1 -fno-omit-frame-pointer" \
	    SAN="-fsanitize=address,undefined -fno-sanitize-recover=all" test

valgrind:
	@sh tests/deps.sh
	@sh tests/npm_deps.sh
	@$(MAKE) --no-print-directory all unit-bins replay-bins itest-bins
	@BUILD=$(BUILD) VALGRIND=1 sh tests/run.sh

# libFuzzer: clang, each target for FUZZ_SECONDS with no finding.
FUZZ_FLAGS = -std=c11 -g -O1 -fsanitize=fuzzer-no-link,address,undefined \
             -D_POSIX_C_SOURCE=200809L -DOPENSSL_API_COMPAT=30000 \
             -I. $(PKG_CFLAGS)
fuzz:
	$(MAKE) BUILD=build-fuzz CC=$(FUZZ_CC) OPT="-O1 -fno-omit-frame-pointer" \
	    SAN="-fsanitize=fuzzer-no-link,address,undefined" WARN="-Wall -Wextra -Werror" fuzz-run

fuzz-run: $(LIBS)
	@mkdir -p $(BUILD)/fuzz
	@set -e; for src in $(FUZZ_ONLY); do \
	    name=$$(basename $$src .c); \
	    $(CC) $(CFLAGS_ALL) -fsanitize=fuzzer -o $(BUILD)/fuzz/$$name $$src $(LIBS) $(PKG_LIBS) $(FIDO2_LIBS); \
	    mkdir -p $(BUILD)/fuzz/corpus-$$name; \
	    echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
	    $(BUILD)/fuzz/$$name -max_total_time=$(FUZZ_SECONDS) -rss_limit_mb=2048 -timeout=10 \
	        -artifact_prefix=$(BUILD)/fuzz/$$name- -print_final_stats=0 \
	        $(BUILD)/fuzz/corpus-$$name fuzz/corpus/$$name 2>$(BUILD)/fuzz/$$name.log \
	      || { tail -40 $(BUILD)/fuzz/$$name.log; echo "fuzz: $$name FOUND A CRASH"; exit 1; }; \
	    tail -1 $(BUILD)/fuzz/$$name.log; \
	done; echo "fuzz: no finding"

# A real FIDO MDS3 BLOB (not shipped: its terms bind its use), on demand:
#   make mds-real MDS_BLOB=blob.jwt [MDS_AT=UNIX_TIME]
mds-real: all
	@FIDOSIM=$(BUILD)/fidosim FIDOSIM_MDS_BLOB="$(MDS_BLOB)" FIDOSIM_MDS_AT="$(MDS_AT)" sh tests/manual/mds_real.sh

deps:
	@sh tests/deps.sh
	@sh tests/npm_deps.sh

bench: all
	$(BUILD)/fidosim bench --seconds 2

# The conformance matrix's cells per CPU-second at -j 1 and -j CPUs (bench/run.py).
.PHONY: bench-run
bench-run: all
	python3 bench/run.py --fidosim $(BUILD)/fidosim

# fidosim beside @simplewebauthn/server and fido2-lib on one ceremony (bench/peers.sh).
.PHONY: bench-peers
bench-peers: all
	@sh tests/npm_deps.sh
	FIDOSIM=$(BUILD)/fidosim sh bench/peers.sh --seconds 2

# The conformance matrix: out/report.json, out/junit.xml, out/report.html.
run:
	@sh tests/deps.sh
	@$(MAKE) --no-print-directory all
	$(BUILD)/fidosim run -o out/

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/fidosim
	install -m 0755 $(BUILD)/fidosim $(DESTDIR)$(PREFIX)/bin/fidosim
	install -m 0644 docs/fidosim.1 $(DESTDIR)$(PREFIX)/share/man/man1/fidosim.1
	install -m 0644 data/aaguid-names.json $(DESTDIR)$(PREFIX)/share/fidosim/aaguid-names.json
	install -d $(DESTDIR)$(PREFIX)/share/fidosim/trust
	for f in data/trust/*.pem; do [ -f "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/trust/; done; true
	install -d $(DESTDIR)$(PREFIX)/share/fidosim/presets
	for f in data/presets/*.preset; do [ -f "$$f" ] && install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/presets/; done; true
	install -d $(DESTDIR)$(PREFIX)/share/fidosim/platforms $(DESTDIR)$(PREFIX)/share/fidosim/scenarios
	for f in data/platforms/*.platform; do install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/platforms/; done
	for f in data/scenarios/*.scenario; do install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/scenarios/; done
	install -d $(DESTDIR)$(PREFIX)/share/fidosim/policies
	for f in data/policies/*.policy; do install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/policies/; done
	install -d $(DESTDIR)$(PREFIX)/share/fidosim/vectors/w3c-l3 $(DESTDIR)$(PREFIX)/share/fidosim/vectors/chromium
	for f in vectors/w3c-l3/*.json; do install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/vectors/w3c-l3/; done
	for f in vectors/chromium/*.json; do install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/vectors/chromium/; done
	install -d $(DESTDIR)$(PREFIX)/share/fidosim/vectors/real-world/cases
	install -m 0644 vectors/real-world/README.md $(DESTDIR)$(PREFIX)/share/fidosim/vectors/real-world/
	for f in vectors/real-world/cases/*.json; do install -m 0644 "$$f" $(DESTDIR)$(PREFIX)/share/fidosim/vectors/real-world/cases/; done

clean:
	rm -rf build build-san build-fuzz out
