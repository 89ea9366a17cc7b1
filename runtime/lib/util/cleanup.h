/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Scope-bound cleanup attributes and explicit ownership transfer. Every destructor
 * accepts NULL/-1 and preserves errno, so error paths can rely on errno after them. */
#ifndef SILO_UTIL_CLEANUP_H
#define SILO_UTIL_CLEANUP_H

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static inline void freep(void *p)
{
	int saved = errno;
	free(*(void **)p);
	errno = saved;
}

static inline void closep(int *fd)
{
	int saved = errno;
	if (*fd >= 0)
		close(*fd); /* never retried: Linux releases the fd even when close() says EINTR */
	errno = saved;
}

static inline void fclosep(FILE **f)
{
	int saved = errno;
	if (*f)
		fclose(*f);
	errno = saved;
}

static inline void closedirp(DIR **d)
{
	int saved = errno;
	if (*d)
		closedir(*d);
	errno = saved;
}

/* A child that must not outlive an error path: SIGKILL and reap it. */
static inline void killp(pid_t *pid)
{
	int saved = errno;
	if (*pid > 0) {
		kill(*pid, SIGKILL);
		while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
			;
	}
	errno = saved;
}

#define autofree __attribute__((cleanup(freep)))
#define autoclose __attribute__((cleanup(closep)))
#define autofclose __attribute__((cleanup(fclosep)))
#define autoclosedir __attribute__((cleanup(closedirp)))
#define autokill __attribute__((cleanup(killp)))

static inline int take_fd(int *fd)
{
	int r = *fd;
	*fd = -1;
	return r;
}

static inline pid_t take_pid(pid_t *pid)
{
	pid_t r = *pid;
	*pid = -1;
	return r;
}

static inline void *steal_ptr_impl(void **pp)
{
	void *r = *pp;
	*pp = NULL;
	return r;
}
/* Type-checked: steal_ptr(&p) has the type of p. */
#define steal_ptr(pp) ((__typeof__(*(pp)))steal_ptr_impl((void **)(pp)))

#endif
