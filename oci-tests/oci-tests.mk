# SPDX-License-Identifier: GPL-2.0-or-later
# oci-tests: runtime-agnostic OCI conformance suite (bats + jq). Included by the top-level
# Makefile; also usable alone from the top directory: make -f oci-tests/oci-tests.mk oci-tests
#
#   make oci-tests [RUNTIME=/path/to/runtime] [OCI_CGROUP_VIEW=host|v1]
#   make oci-tests-compare [RUNTIME=...] [OCI_CRUN=...] [OCI_RUNC=...]

RUNTIME  ?= $(CURDIR)/runtime/silo
OCI_CRUN ?= /usr/bin/crun
OCI_RUNC ?= /usr/sbin/runc
OCI_CGROUP_VIEW ?= host
OCI_TESTS_HELPERS := oci-tests/init oci-tests/recvtty

# The container-side checker must run in an empty rootfs: static, no other files.
oci-tests/init: oci-tests/init.c
	$(CC) -static -O2 -Wall -Wextra -Wno-unused-parameter -o $@ $<

oci-tests/recvtty: oci-tests/recvtty.c
	$(CC) $(CFLAGS) -Wall -Wextra -o $@ $<

# Build silo first only when it is the runtime under test.
OCI_TESTS_SILO := $(if $(filter $(CURDIR)/runtime/silo runtime/silo,$(RUNTIME)),runtime/silo)

.PHONY: oci-tests oci-tests-compare
oci-tests: $(OCI_TESTS_HELPERS) $(OCI_TESTS_SILO)
	@OCI_CGROUP_VIEW=$(OCI_CGROUP_VIEW) oci-tests/run $(RUNTIME)

# A silo that does not build yet still gets its column (all FAIL/n/a), so don't stop here.
oci-tests-compare: $(OCI_TESTS_HELPERS)
	$(if $(OCI_TESTS_SILO),-$(MAKE) --no-print-directory runtime/silo)
	@oci-tests/compare silo=$(RUNTIME) crun=$(OCI_CRUN):v1 runc=$(OCI_RUNC)
