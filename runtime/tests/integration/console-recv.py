# SPDX-License-Identifier: GPL-2.0-or-later
# Test helper: listen on a console socket, receive the pty master over SCM_RIGHTS and
# copy what the container writes to it to stdout until the pty hangs up.
import array, os, socket, sys

path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
conn, _ = srv.accept()
fds = array.array("i")
msg, anc, _, _ = conn.recvmsg(4096, socket.CMSG_LEN(fds.itemsize))
for level, kind, data in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(data[: len(data) - (len(data) % fds.itemsize)])
assert len(fds) == 1 and msg, "expected one fd and a payload"
master = fds[0]
while True:
    try:
        buf = os.read(master, 4096)
    except OSError:
        break
    if not buf:
        break
    sys.stdout.write(buf.decode(errors="replace"))
    sys.stdout.flush()
