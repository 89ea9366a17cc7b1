# SPDX-License-Identifier: GPL-2.0-or-later
# silomon build rules, included by the top-level Makefile.
MON_SRCS := $(sort $(wildcard monitor/*.c))
MON_OBJS := $(MON_SRCS:.c=.o)

monitor/%.o: monitor/%.c
	$(CC) $(CPPFLAGS) -Imonitor $(MON_CFLAGS) $(CFLAGS) $(HARDEN) $(WARN) -MMD -MP -c -o $@ $<

monitor/silomon: $(MON_OBJS)
	$(call pkgcheck,glib-2.0,libglib2.0-dev)
	$(CC) $(LDFLAGS) $(LDHARDEN) -o $@ $(MON_OBJS) $(MON_LIBS)

monitor-tests: monitor/silomon
	monitor/tests/run
