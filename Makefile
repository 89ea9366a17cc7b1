# SPDX-License-Identifier: GPL-2.0-or-later
# silo + silomon: one GNU Makefile for build, install, demo and check.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
LIBEXECDIR ?= $(PREFIX)/libexec
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share
DESTDIR    ?=
CC         ?= cc
PKG_CONFIG ?= pkg-config
VERSION    := 0.1.0
COMMIT     := $(shell git rev-parse --short HEAD 2>/dev/null || echo unknown)

CFLAGS  ?= -O2 -g
# -Ulinux: GNU C predefines `linux` as 1, and struct silo_spec has a member of that name.
CPPFLAGS += -D_GNU_SOURCE -Ulinux -DSILO_VERSION='"$(VERSION)"' -DSILO_COMMIT='"$(COMMIT)"'
HARDEN  := -fstack-protector-strong -fstack-clash-protection -fPIE
LDHARDEN := -pie -Wl,-z,relro,-z,now
WARN := -Wall -Wextra -Wformat=2 -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla \
        -Wno-unused-parameter \
        -Werror=implicit-function-declaration -Werror=return-type -Werror=incompatible-pointer-types
WARN += $(if $(filter 1,$(WERROR)),-Werror)
# SANITIZE=address,undefined builds silo, silomon and the unit tests with those sanitizers
# (the suites then run through contrib/sanitized, which fails on any report). UBSan must
# stop at its first report, or a bug would only print. SILO_SANITIZED lets the code skip
# what sanitizers cannot cope with (see selfclone.c). _FORTIFY_SOURCE's checked libc
# calls would hide buffer overflows from ASan, so it is left out.
ifneq ($(SANITIZE),)
SAN_FLAGS := -fsanitize=$(SANITIZE) -fno-omit-frame-pointer \
             $(if $(findstring undefined,$(SANITIZE)),-fno-sanitize-recover=undefined)
CFLAGS += $(SAN_FLAGS)
CPPFLAGS += -DSILO_SANITIZED
LDFLAGS += $(SAN_FLAGS)
else
CPPFLAGS += -D_FORTIFY_SOURCE=2
endif
# Objects depend on the flags they were built with, so switching SANITIZE (or CFLAGS,
# STATIC_LIBS) rebuilds them instead of linking a mix of sanitized and plain objects.
FLAGS_STAMP := build/flags
FLAGS_NOW = $(CC) $(CFLAGS) $(LDFLAGS) SANITIZE=$(SANITIZE) STATIC_LIBS=$(STATIC_LIBS)
$(FLAGS_STAMP): FORCE
	@mkdir -p $(@D)
	@echo '$(FLAGS_NOW)' | cmp -s - $@ || echo '$(FLAGS_NOW)' >$@
.PHONY: FORCE
FORCE:

RT_PKGS  := libseccomp libcap yajl libselinux
MON_PKGS := glib-2.0

# Fail early, naming the Debian package to install.
pkgcheck = $(if $(shell $(PKG_CONFIG) --exists $(1) && echo ok),,$(error missing $(1): run contrib/install-deps.sh or apt-get install $(2)))

RT_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(RT_PKGS) 2>/dev/null)
RT_LIBS   := $(shell $(PKG_CONFIG) --libs $(RT_PKGS) 2>/dev/null)
# silo links its libraries statically by default: every call (and its sealed re-exec)
# would otherwise pay for loading six shared objects and binding their symbols, about
# 0.4 ms each time. STATIC_LIBS=0 links them dynamically (Debian names libyajl.a
# libyajl_s.a, hence the substitution).
STATIC_LIBS ?= 1
RT_STATIC_LIBS := $(patsubst -lyajl,-lyajl_s,$(shell $(PKG_CONFIG) --static --libs $(RT_PKGS) 2>/dev/null))
comma := ,
RT_LINK_LIBS := $(if $(filter 1,$(STATIC_LIBS)),-Wl$(comma)-Bstatic $(RT_STATIC_LIBS) -Wl$(comma)-Bdynamic,$(RT_LIBS))
# With STATIC_LIBS=1 (and no sanitizer, whose runtimes are shared objects) libc is linked in
# too, as a static PIE (still ASLR, RELRO, BIND_NOW): no dynamic loader at every call and
# only the libc pages silo uses; the process stays below the size of busybox's (contrib/bench).
RT_LDMODE := $(if $(and $(filter 1,$(STATIC_LIBS)),$(if $(SANITIZE),,1)),-static-pie,-pie)
MON_CFLAGS := $(shell $(PKG_CONFIG) --cflags $(MON_PKGS) 2>/dev/null)
MON_LIBS   := $(shell $(PKG_CONFIG) --libs $(MON_PKGS) 2>/dev/null)
# silomon is a static PIE under the same conditions: a monitor per container lives as long
# as the container, and the relocated data of ld.so, libc and glib is private memory in
# each one (204 -> 140 KiB private per idle silomon, contrib/bench/monitor).
MON_LDMODE := $(RT_LDMODE)
MON_STATIC_LIBS := $(shell $(PKG_CONFIG) --static --libs $(MON_PKGS) 2>/dev/null)

RT_LIB_SRCS := $(sort $(wildcard runtime/lib/*.c runtime/lib/util/*.c))
RT_LIB_OBJS := $(RT_LIB_SRCS:.c=.o)
RT_CMD_SRCS := runtime/main.c $(sort $(wildcard runtime/cmd/*.c))
RT_CMD_OBJS := $(RT_CMD_SRCS:.c=.o)
RT_LIB      := runtime/lib/libsilo.a

UNIT_SRCS := $(sort $(wildcard runtime/tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:.c=)

.PHONY: all demo install uninstall clean check deps unit integration oci-tests oci-tests-compare \
        engine-tests monitor-tests monitor-valgrind bench lint format compdb fuzz fuzz-replay stress
all: runtime/silo monitor/silomon

# ---------------------------------------------------------------- runtime
$(RT_LIB_OBJS) $(RT_CMD_OBJS) $(UNIT_SRCS:.c=.o): CPPFLAGS += -iquote runtime/lib -iquote runtime $(RT_CFLAGS)
runtime/%.o: runtime/%.c $(FLAGS_STAMP)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(HARDEN) $(WARN) -MMD -MP -c -o $@ $<

$(RT_LIB): $(RT_LIB_OBJS)
	rm -f $@ && $(AR) rcs $@ $^

runtime/silo: $(RT_CMD_OBJS) $(RT_LIB) $(FLAGS_STAMP)
	$(call pkgcheck,libseccomp,libseccomp-dev)
	$(call pkgcheck,libcap,libcap-dev)
	$(call pkgcheck,yajl,libyajl-dev)
	$(call pkgcheck,libselinux,libselinux1-dev)
	$(CC) $(LDFLAGS) $(subst -pie,$(RT_LDMODE),$(LDHARDEN)) -o $@ $(RT_CMD_OBJS) $(RT_LIB) \
		$(if $(filter -static-pie,$(RT_LDMODE)),$(RT_STATIC_LIBS),$(RT_LINK_LIBS))

runtime/tests/unit/test_%: runtime/tests/unit/test_%.o $(RT_LIB)
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $< $(RT_LIB) $(RT_LIBS)

# ---------------------------------------------------------------- monitor
include monitor/monitor.mk
# ---------------------------------------------------------------- oci-tests
-include oci-tests/oci-tests.mk

# ---------------------------------------------------------------- demo
demo:
	contrib/install-deps.sh build
	$(MAKE) runtime/silo
	contrib/demo.sh

# ---------------------------------------------------------------- tests
# Every runner prints TAP and one summary line; contrib/sum-results adds them up
# and prints the final "N passed, N failed, N skipped" line.
RESULTS := .check-results
# With SANITIZE, each runner runs through contrib/sanitized: reports go to files under
# $(RESULTS) and each one counts as a failure.
SAN_RUN := $(if $(SANITIZE),SANITIZER_DIR=$(CURDIR)/$(RESULTS) contrib/sanitized)

check:
	contrib/install-deps.sh test
	$(MAKE) WERROR=1 all $(UNIT_BINS)
	@rm -rf $(RESULTS) && mkdir -p $(RESULTS)
	-@$(SAN_RUN) runtime/tests/unit/run $(UNIT_BINS) 2>&1 | tee $(RESULTS)/unit.log
	-@$(MAKE) --no-print-directory fuzz-replay 2>&1 | tee $(RESULTS)/fuzz-replay.log
	-@$(SAN_RUN) monitor/tests/run 2>&1 | tee $(RESULTS)/monitor.log
	-@$(SAN_RUN) runtime/tests/integration/run 2>&1 | tee $(RESULTS)/integration.log
	-@$(SAN_RUN) runtime/tests/stress/run --short 2>&1 | tee $(RESULTS)/stress.log
	-@$(SAN_RUN) contrib/tests/run 2>&1 | tee $(RESULTS)/contrib.log
	-@$(SAN_RUN) $(MAKE) --no-print-directory oci-tests 2>&1 | tee $(RESULTS)/oci-tests.log
	-@if [ -x oci-tests/engines/run ]; then $(SAN_RUN) oci-tests/engines/run 2>&1 | tee $(RESULTS)/engines.log; fi
	-@$(if $(SANITIZE),,runtime/tests/weaken/run --short 2>&1 | tee $(RESULTS)/weaken.log)
	@contrib/sum-results $(RESULTS)/*.log

# The whole check on ASan+UBSan builds of silo and silomon (slow: not part of `make check`).
.PHONY: sanitize-check
sanitize-check:
	$(MAKE) check SANITIZE=address,undefined

# Stress (hostile bundles, load, faults); `make check` runs its --short form.
stress: runtime/silo
	runtime/tests/stress/run

# Fuzz targets: <d>/tests/fuzz/fuzz_<t>.c (d = runtime or monitor), corpus in
# <d>/tests/fuzz/corpus/<t>. Objects are built once per flavour under build/fuzz/<flavour>:
# `cc` (gcc) for the corpus replays `make check` runs (main() in replay_main.c), `lf` (clang)
# for libFuzzer. Both with ASan + UBSan. FUZZ_TARGETS=... picks targets for `make fuzz`; an
# input running over 30 s counts as a crash (libseccomp 2.5.4 was caught looping that way).
FUZZ_SRCS := $(sort $(wildcard runtime/tests/fuzz/fuzz_*.c monitor/tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(patsubst fuzz_%.c,%,$(notdir $(FUZZ_SRCS)))
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_SECONDS ?= 60
FUZZ_FLAGS := -D_GNU_SOURCE -Ulinux -iquote runtime/tests/fuzz $(WARN) -g -O1 \
	-fsanitize=address,undefined -fno-sanitize-recover=undefined
FUZZ_cc := $(CC) $(FUZZ_FLAGS)
FUZZ_lf := clang $(FUZZ_FLAGS)
FUZZ_runtime := -iquote runtime/lib $(RT_CFLAGS)
FUZZ_runtime_OBJS := $(RT_LIB_SRCS:.c=.o)
FUZZ_runtime_LIBS := $(RT_LIBS)
FUZZ_monitor := -iquote monitor $(MON_CFLAGS)
FUZZ_monitor_OBJS := $(filter-out monitor/main.o,$(MON_SRCS:.c=.o))
FUZZ_monitor_LIBS := $(MON_LIBS)
# $(1) = runtime or monitor, $(2) = cc or lf
define FUZZ_RULES
build/fuzz/$(2)/$(1)/%.o: $(1)/%.c
	@mkdir -p $$(@D)
	$$(FUZZ_$(2)) $$(if $$(filter lf,$(2)),-fsanitize=fuzzer-no-link) $$(FUZZ_$(1)) -MMD -MP -c -o $$@ $$<
build/fuzz/$(2)/lib$(1).a: $$(FUZZ_$(1)_OBJS:%=build/fuzz/$(2)/%)
	rm -f $$@ && $$(AR) rcs $$@ $$^
build/fuzz/$(2)/fuzz_%: build/fuzz/$(2)/$(1)/tests/fuzz/fuzz_%.o build/fuzz/$(2)/lib$(1).a \
		$$(if $$(filter cc,$(2)),runtime/tests/fuzz/replay_main.c)
	$$(FUZZ_$(2)) $$(if $$(filter lf,$(2)),-fsanitize=fuzzer,-DFUZZ_CORPUS='"$(1)/tests/fuzz/corpus/$$*"') \
		-o $$@ $$(filter %.c,$$^) $$(filter-out %.c,$$^) $$(FUZZ_$(1)_LIBS)
endef
$(foreach d,runtime monitor,$(foreach f,cc lf,$(eval $(call FUZZ_RULES,$(d),$(f)))))
.SECONDARY: $(foreach f,cc lf,$(FUZZ_SRCS:%.c=build/fuzz/$(f)/%.o))
-include $(shell find build/fuzz -name '*.d' 2>/dev/null)
fuzz-replay: $(FUZZ_NAMES:%=build/fuzz/cc/fuzz_%)
	@ASAN_OPTIONS=detect_leaks=1 runtime/tests/unit/run $^
fuzz: $(FUZZ_TARGETS:%=build/fuzz/lf/fuzz_%)
	@for t in $^; do n=$${t##*/fuzz_}; c=$$(ls -d */tests/fuzz/corpus/$$n); mkdir -p build/fuzz/corpus-$$n; \
		$$t -max_total_time=$(FUZZ_SECONDS) -timeout=30 build/fuzz/corpus-$$n $$c || exit 1; done

unit: $(UNIT_BINS)
	runtime/tests/unit/run $(UNIT_BINS)

integration: runtime/silo
	runtime/tests/integration/run

engine-tests: all
	oci-tests/engines/run

# Test-only builds with CVE defences disabled, for runtime/tests/weaken/run: NAME is one
# switch (SILO_WEAKEN_NAME in runtime/lib/*.c) or several joined by `+`. Only the files
# naming a switch are recompiled, into build/weaken/NAME/; runtime/silo is left alone.
build/weaken/%/silo: $(RT_CMD_OBJS) $(RT_LIB)
	@mkdir -p $(@D)
	@set -e; defs=; srcs=; objs=; \
	for w in $(subst +, ,$*); do \
		f=$$(grep -lw "SILO_WEAKEN_$$w" $(RT_LIB_SRCS)) || \
			{ echo "no switch SILO_WEAKEN_$$w in runtime/lib" >&2; exit 1; }; \
		defs="$$defs -DSILO_WEAKEN_$$w"; srcs="$$srcs $$f"; \
	done; \
	for f in $$(printf '%s\n' $$srcs | sort -u); do \
		o=$(@D)/$$(basename $$f .c).o; objs="$$objs $$o"; \
		$(CC) $(CPPFLAGS) -iquote runtime/lib -iquote runtime $(RT_CFLAGS) $(CFLAGS) $(HARDEN) \
			$(WARN) $$defs -c -o $$o $$f; \
	done; \
	cp $(RT_LIB) $(@D)/libsilo.a && $(AR) rs $(@D)/libsilo.a $$objs; \
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $(RT_CMD_OBJS) $(@D)/libsilo.a $(RT_LINK_LIBS)

# CVE tests against builds without their defence: each must fail (`make check` runs the
# --short form: no baseline runs, no slow cases).
.PHONY: weaken-check
weaken-check: runtime/silo oci-tests/init oci-tests/recvtty
	runtime/tests/weaken/run

bench: all
	contrib/bench/run $(if $(QUICK),--quick)

# ---------------------------------------------------------------- install
# Man pages are pre-generated (contrib/man/gen.sh), so installing needs no go-md2man.
# Completion dirs: BASHCOMPDIR / ZSHCOMPDIR if given, else below DATADIR.
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBEXECDIR)/silo
	install -m 0755 runtime/silo $(DESTDIR)$(BINDIR)/silo
	install -m 0755 monitor/silomon $(DESTDIR)$(BINDIR)/silomon
	install -d $(DESTDIR)$(MANDIR)/man8
	install -m 0644 contrib/man/silo.8 contrib/man/silomon.8 $(DESTDIR)$(MANDIR)/man8/
	install -d $(DESTDIR)$(or $(BASHCOMPDIR),$(DATADIR)/bash-completion/completions)
	install -m 0644 contrib/completions/silo.bash \
		$(DESTDIR)$(or $(BASHCOMPDIR),$(DATADIR)/bash-completion/completions)/silo
	install -m 0644 contrib/completions/silomon.bash \
		$(DESTDIR)$(or $(BASHCOMPDIR),$(DATADIR)/bash-completion/completions)/silomon
	install -d $(DESTDIR)$(or $(ZSHCOMPDIR),$(DATADIR)/zsh/vendor-completions)
	install -m 0644 contrib/completions/_silo contrib/completions/_silomon \
		$(DESTDIR)$(or $(ZSHCOMPDIR),$(DATADIR)/zsh/vendor-completions)/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/silo $(DESTDIR)$(BINDIR)/silomon
	rm -f $(DESTDIR)$(MANDIR)/man8/silo.8 $(DESTDIR)$(MANDIR)/man8/silomon.8
	rm -f $(DESTDIR)$(or $(BASHCOMPDIR),$(DATADIR)/bash-completion/completions)/silo \
		$(DESTDIR)$(or $(BASHCOMPDIR),$(DATADIR)/bash-completion/completions)/silomon
	rm -f $(DESTDIR)$(or $(ZSHCOMPDIR),$(DATADIR)/zsh/vendor-completions)/_silo \
		$(DESTDIR)$(or $(ZSHCOMPDIR),$(DATADIR)/zsh/vendor-completions)/_silomon
	-rmdir $(DESTDIR)$(LIBEXECDIR)/silo 2>/dev/null

clean:
	rm -f runtime/silo $(RT_LIB) $(UNIT_BINS) monitor/silomon monitor/silomon-dynamic monitor/tests/unit
	find runtime monitor oci-tests -name '*.o' -delete -o -name '*.d' -delete
	rm -rf $(RESULTS) build

-include $(shell find runtime monitor -name '*.d' 2>/dev/null)
