/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Fault injection for the reliability tests: SILO_FAULT_INJECT=<point> makes silo kill
 * itself with SIGKILL when it reaches that named point, to prove that a create killed
 * anywhere leaves nothing that `delete --force` cannot remove. */
#ifndef SILO_UTIL_FAULT_H
#define SILO_UTIL_FAULT_H

void silo_fault_point(const char *point);

#endif
