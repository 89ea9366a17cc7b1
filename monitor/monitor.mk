# SPDX-License-Identifier: GPL-2.0-or-later
# silomon build rules, included by the top-level Makefile.
MON_SRCS := $(sort $(wildcard monitor/*.c))
MON_OBJS := $(MON_SRCS:.c=.o)

monitor/%.o: monitor/%.c $(FLAGS_STAMP)
	$(CC) $(CPPFLAGS) -Imonitor $(MON_CFLAGS) $(CFLAGS) $(HARDEN) $(WARN) -MMD -MP -c -o $@ $<

# A static glib warns that its user-database lookups (g_get_user_database_entry) would
# load glibc's NSS modules at run time; silomon never looks up a user, so that one warning
# is dropped from the link output and anything else is shown.
NSS_WARNING := -e "requires at runtime the shared libraries from the glibc version" \
	-e "in function .g_get_user_database_entry.:$$"
monitor/silomon: $(MON_OBJS) $(FLAGS_STAMP)
	$(call pkgcheck,glib-2.0,libglib2.0-dev)
	$(CC) $(LDFLAGS) $(subst -pie,$(MON_LDMODE),$(LDHARDEN)) -o $@ $(MON_OBJS) \
		$(if $(filter -static-pie,$(MON_LDMODE)),$(MON_STATIC_LIBS),$(MON_LIBS)) 2>$@.ld || \
		{ cat $@.ld >&2; rm -f $@.ld; exit 1; }
	@grep -v $(NSS_WARNING) $@.ld >&2; rm -f $@.ld

# The same objects linked against the shared glib and libc, for valgrind: memcheck sees
# malloc and free only through the dynamic loader.
monitor/silomon-dynamic: $(MON_OBJS) $(FLAGS_STAMP)
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $(MON_OBJS) $(MON_LIBS)

monitor-tests: monitor/silomon monitor/tests/unit
	monitor/tests/run

# silomon's bats suites with silomon under valgrind memcheck (errors, leaks, fds); slow (minutes).
monitor-valgrind: monitor/silomon-dynamic runtime/silo
	monitor/tests/valgrind

# Unit tests link every module except main.o.
MON_LIB_OBJS := $(filter-out monitor/main.o,$(MON_OBJS))
monitor/tests/unit: monitor/tests/unit.o $(MON_LIB_OBJS)
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $^ $(MON_LIBS)
