/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The pure half of ctl.c, shared with its fuzz target: splitting FIFO reads into lines and
 * parsing ctl ("TYPE A B") and winsz ("ROWS COLS") lines. No struct monitor here. */
#ifndef SILOMON_CTL_INTERNAL_H
#define SILOMON_CTL_INTERNAL_H

#include <stddef.h>

#include <glib.h>

#define CTL_LINE_MAX 200 /* conmon's CTLBUFSZ */

enum mon_ctl_op {
	MON_CTL_MALFORMED, /* not the expected count of decimal integers */
	MON_CTL_RESIZE,	   /* rows, cols: not range-checked here */
	MON_CTL_REOPEN,	   /* reopen the k8s-file log */
	MON_CTL_UNKNOWN,   /* well-formed ctl line of an unknown type */
};

struct mon_ctl_msg {
	enum mon_ctl_op op;
	int type; /* the ctl line's first number */
	int rows, cols;
};

/* Add one read's bytes to the pending line; every complete line (without its '\n', of at
 * most CTL_LINE_MAX bytes) goes to fn, longer ones are dropped with a warning. A trailing
 * partial line stays in `line` for the next read. */
void mon_ctl_feed(GString *line, const char *buf, size_t len,
		  void (*fn)(void *data, const char *line, size_t len), void *data);
/* One line of `len` bytes (NUL-terminated at len); a NUL inside makes it malformed. */
struct mon_ctl_msg mon_ctl_parse_ctl(const char *line, size_t len);
struct mon_ctl_msg mon_ctl_parse_winsz(const char *line, size_t len);

#endif
