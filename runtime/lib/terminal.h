/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Container ptys: allocated from the container's own devpts instance, the slave got
 * with TIOCGPTPEER (never by path), the master handed out over a console socket. */
#ifndef SILO_TERMINAL_H
#define SILO_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

struct error;

struct silo_pty_opts {
	uid_t uid;          /* owner of the slave */
	bool has_size;
	unsigned rows, cols;
	bool bind_console;  /* the init's pty also becomes <root>/dev/console */
};

/* In the container's mount namespace: open <root>/dev/pts/ptmx (else <root>/dev/ptmx),
 * unlock, get the slave, set its size and owner, optionally bind it over
 * <root>/dev/console. */
int silo_terminal_open(int rootfd, const struct silo_pty_opts *o, int *ret_master,
		       int *ret_slave, struct error *err);
/* In the init: make the slave the controlling tty and stdio (after setsid). */
int silo_terminal_become_stdio(int slave, struct error *err);
/* In silo: connect to the console socket and send the master (payload "/dev/ptmx"). */
int silo_terminal_send(const char *socket_path, int master, struct error *err);
/* Foreground `run`/`exec` without a console socket: shuttle bytes between our stdio and
 * the master until the master hangs up (the process exited). Puts stdin in raw mode
 * while running if it is a tty. */
int silo_terminal_proxy_start(int master, struct error *err);
void silo_terminal_proxy_stop(void);

#endif
