# SPDX-License-Identifier: GPL-2.0-or-later
# Test helper: accept one connection on a unix socket, receive one fd over SCM_RIGHTS and
# print the payload and what the fd is (readlink of /proc/self/fd/N).
import array, os, socket, sys

srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(sys.argv[1])
srv.listen(1)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
print(msg.decode(), len(fds), os.readlink("/proc/self/fd/%d" % fds[0]) if fds else "-")
