/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The CLI's logger: text or JSON lines ({"level","msg","time"}) to the --log file,
 * and the fatal error also on stderr. errno-preserving. Library code never logs
 * errors (it returns them); it may emit debug and warning lines. */
#ifndef SILO_UTIL_LOG_H
#define SILO_UTIL_LOG_H

#include <stdbool.h>

struct error;

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARNING, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* path NULL: stderr only. Accepts crun's "file:PATH" spelling too. */
int log_init(const char *path, bool json, bool debug, struct error *err);
void log_msg(enum log_level lvl, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Print a fatal error to the log and to stderr. */
void log_error(const struct error *e, const char *prefix);
bool log_debug_enabled(void);

#define log_debug(...)                                       \
	do {                                                 \
		if (log_debug_enabled())                     \
			log_msg(LOG_LVL_DEBUG, __VA_ARGS__); \
	} while (0)
#define log_warn(...) log_msg(LOG_LVL_WARNING, __VA_ARGS__)

#endif
