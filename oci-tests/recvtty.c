// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * recvtty SOCKET INFO: the caller's side of the --console-socket protocol.
 *
 * Listens on the AF_UNIX SOCK_STREAM socket SOCKET, accepts one connection and receives
 * one message carrying an SCM_RIGHTS fd (the pty master).  Writes to INFO:
 *   payload=<bytes sent with the fd>
 *   nfds=<number of fds received>
 *   master=<readlink of the received fd>
 *   winsize=<ROWS>x<COLS>
 * then copies everything read from the master to stdout until the slave side closes
 * (EIO/EOF).  Gives up after 30 seconds.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "recvtty: %s: %m\n", what);
	exit(1);
}

int main(int argc, char **argv)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	char payload[4096], cbuf[CMSG_SPACE(sizeof(int) * 8)], link[256], path[64];
	struct iovec iov = { payload, sizeof payload - 1 };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1,
			      .msg_control = cbuf, .msg_controllen = sizeof cbuf };
	int lfd, cfd, master = -1, nfds = 0;
	ssize_t n;

	if (argc != 3 || strlen(argv[1]) >= sizeof addr.sun_path) {
		fputs("usage: recvtty SOCKET INFO\n", stderr);
		return 2;
	}
	alarm(30);
	strcpy(addr.sun_path, argv[1]);
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, 1) < 0)
		die("listen");
	cfd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	if (cfd < 0)
		die("accept");
	n = recvmsg(cfd, &msg, MSG_CMSG_CLOEXEC);
	if (n < 0)
		die("recvmsg");
	payload[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		int k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

		if (master < 0 && k > 0)
			memcpy(&master, CMSG_DATA(c), sizeof(int));
		nfds += k;
	}
	close(cfd);

	FILE *info = fopen(argv[2], "we");
	struct winsize ws = { 0 };

	if (!info)
		die(argv[2]);
	link[0] = '\0';
	if (master >= 0) {
		snprintf(path, sizeof path, "/proc/self/fd/%d", master);
		ssize_t l = readlink(path, link, sizeof link - 1);

		link[l > 0 ? l : 0] = '\0';
		ioctl(master, TIOCGWINSZ, &ws);
	}
	fprintf(info, "payload=%s\nnfds=%d\nmaster=%s\nwinsize=%ux%u\n", payload, nfds, link,
		ws.ws_row, ws.ws_col);
	fclose(info);
	if (master < 0)
		return 1;

	char buf[4096];

	while ((n = read(master, buf, sizeof buf)) > 0)
		if (write(1, buf, n) != n)
			die("write");
	return 0;
}
