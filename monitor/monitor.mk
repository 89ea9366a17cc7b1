# SPDX-License-Identifier: GPL-2.0-or-later
# silomon build rules, included by the top-level Makefile.
MON_SRCS := $(sort $(wildcard monitor/*.c))
MON_OBJS := $(MON_SRCS:.c=.o)

monitor/%.o: monitor/%.c $(FLAGS_STAMP)
	$(CC) $(CPPFLAGS) -Imonitor $(MON_CFLAGS) $(CFLAGS) $(HARDEN) $(WARN) -MMD -MP -c -o $@ $<

monitor/silomon: $(MON_OBJS) $(FLAGS_STAMP)
	$(call pkgcheck,glib-2.0,libglib2.0-dev)
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $(MON_OBJS) $(MON_LIBS)

monitor-tests: monitor/silomon monitor/tests/unit
	monitor/tests/run

# silomon's bats suites with silomon under valgrind memcheck (errors, leaks, fds); slow (minutes).
monitor-valgrind: monitor/silomon runtime/silo
	monitor/tests/valgrind

# Unit tests link every module except main.o.
MON_LIB_OBJS := $(filter-out monitor/main.o,$(MON_OBJS))
monitor/tests/unit: monitor/tests/unit.o $(MON_LIB_OBJS)
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $^ $(MON_LIBS)
