#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Test helper playing the container engine for silomon (and conmon):
#   run     socketpairs for _OCI_SYNCPIPE/_OCI_STARTPIPE(/_OCI_ATTACHPIPE), start byte(s),
#           prints every sync/attach message; optional command after the PID arrives
#   attach  SOCK_SEQPACKET attach client (prints records as JSON lines)
#   sendpty fake-runtime helper: make a pty, run a command on it, pass the master over
#           the console socket (SCM_RIGHTS), write the pid file
#   journal stand-in journald socket: native-protocol datagrams -> JSON lines
#   reaper  child subreaper around a command: collects every orphaned descendant (daemonized
#           monitor, orphaned container) and says when none is left
import argparse, ctypes, json, os, select, socket, struct, subprocess, sys, time, fcntl, termios


def out(line):
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def make_pair(kind):
    t = socket.SOCK_SEQPACKET if kind == "seqpacket" else socket.SOCK_STREAM
    a, b = socket.socketpair(socket.AF_UNIX, t)
    return a.detach(), b.detach()


def read_msgs(fd, deadline, want=None):
    """Read newline-terminated messages until EOF (want=None) or `want` messages."""
    got, buf = [], b""
    while want is None or len(got) < want:
        left = deadline - time.time()
        if left <= 0:
            out("timeout")
            return got, False
        r, _, _ = select.select([fd], [], [], left)
        if not r:
            continue
        try:
            data = os.read(fd, 8192)
        except OSError:
            data = b""
        if not data:
            if buf:
                got.append(buf)
            return got, True
        buf += data
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            got.append(line + b"\n")
            if want is not None and len(got) >= want:
                break
    return got, False


def show(prefix, msgs):
    for m in msgs:
        try:
            json.loads(m)
            ok = "valid"
        except Exception:
            ok = "INVALID"
        out("%s(%s,%d): %s" % (prefix, ok, len(m), m.decode("utf-8", "replace").rstrip("\n")))


def cmd_run(a):
    deadline = time.time() + a.timeout
    if a.sync_type == "pipe":
        eng_sync, mon_sync = os.pipe()  # monitor writes
        mon_start, eng_start = os.pipe()  # engine writes
    else:
        eng_sync, mon_sync = make_pair(a.sync_type)
        eng_start, mon_start = make_pair(a.sync_type)
    env = dict(os.environ)
    env["_OCI_SYNCPIPE"] = "3"
    env["_OCI_STARTPIPE"] = "4"
    pass_fds = {3: mon_sync, 4: mon_start}
    eng_attach = None
    if a.attach_pipe:
        eng_attach, mon_attach = make_pair("seqpacket")
        env["_OCI_ATTACHPIPE"] = "5"
        pass_fds[5] = mon_attach
    extra_r = watcher = None
    if a.extra_fd_check:
        # an inherited fd like podman's reserved ports: must stay open while the container
        # runs and be closed *before* the exit file is written (spec 2.1)
        extra_r, extra_w = os.pipe()
        pass_fds[6 if a.attach_pipe else 5] = extra_w
    if a.no_start_pipe:
        del env["_OCI_STARTPIPE"]
        del pass_fds[4]

    def child_fds():
        # move the monitor's ends to 3, 4, 5 (dup first so nothing is clobbered)
        tmp = {k: os.dup(v) for k, v in pass_fds.items()}
        for k, v in tmp.items():
            os.dup2(v, k)
        os.closerange(max(tmp) + 1, 1024)

    stdout = open(a.stdout, "ab") if a.stdout else None
    p = subprocess.Popen(a.argv, env=env, preexec_fn=child_fds, close_fds=False, stdout=stdout,
                         stderr=subprocess.STDOUT if stdout else None, start_new_session=True)
    for fd in pass_fds.values():
        os.close(fd)
    if extra_r is not None:
        import threading

        def watch():
            os.read(extra_r, 1)  # EOF once every copy is closed
            state = "exists" if os.path.exists(a.extra_fd_check) else "absent"
            out("extra-fd closed, exit file %s" % state)

        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
    if not a.no_start_pipe:
        time.sleep(a.start_delay)
        try:
            os.write(eng_start, b"\0")
        except OSError as e:
            out("start-write-error: %s" % e.strerror)
    if not a.sync_mode:
        rc = p.wait(timeout=a.timeout)
        out("first_rc=%d" % rc)
    if a.after_daemon:
        subprocess.run(a.after_daemon, shell=True)
    if eng_attach is not None:
        msgs, _ = read_msgs(eng_attach, deadline, 1)
        show("attach", msgs)
        if a.before_second_start:
            subprocess.run(a.before_second_start, shell=True)
        os.write(eng_start, b"\0")
    msgs, eof = read_msgs(eng_sync, deadline, 1)
    show("sync", msgs)
    if a.close_sync:
        os.close(eng_sync)
        eng_sync = None
    if a.after_pid:
        subprocess.run(a.after_pid, shell=True)
    if eng_sync is not None and not eof:
        msgs, eof = read_msgs(eng_sync, deadline)
        show("sync", msgs)
        if eof:
            out("eof")
    if watcher is not None:
        watcher.join(max(0.1, deadline - time.time()))
    if a.sync_mode:
        rc = p.wait(timeout=max(1, deadline - time.time()))
        out("monitor_rc=%d" % rc)
    elif a.close_sync and a.wait_pidfile:
        # no sync fd to see EOF on: wait for the monitor process to go away
        pid = int(open(a.wait_pidfile).read())
        while time.time() < deadline:
            try:
                os.kill(pid, 0)
            except ProcessLookupError:
                out("monitor gone")
                break
            time.sleep(0.05)


def connect_attach(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    fd = os.open(path, os.O_PATH)
    try:
        s.connect("/proc/self/fd/%d" % fd)
    finally:
        os.close(fd)
    return s


def cmd_attach(a):
    s = connect_attach(a.socket)
    if a.ready_file:
        open(a.ready_file, "w").close()
    if a.delay:
        time.sleep(a.delay)
    if a.send is not None:
        s.send(a.send.encode().decode("unicode_escape").encode("latin-1"))
    if a.shut_wr:
        s.shutdown(socket.SHUT_WR)
    if a.no_read:
        time.sleep(a.timeout)
        return
    deadline = time.time() + a.timeout
    while time.time() < deadline:
        r, _, _ = select.select([s], [], [], deadline - time.time())
        if not r:
            break
        try:
            d = s.recv(65536)
        except ConnectionResetError:
            break
        if not d:
            break
        deadline = time.time() + a.timeout  # idle timeout, not a total one
        if a.read_delay:
            time.sleep(a.read_delay)
        if a.raw:
            sys.stdout.buffer.write(d[1:])
            continue
        out(json.dumps({"stream": d[0], "len": len(d) - 1,
                        "data": d[1:].decode("utf-8", "replace")}))
    if a.raw:
        sys.stdout.buffer.flush()
    else:
        out("closed")


def cmd_sendpty(a):
    master, slave = os.openpty()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for i in range(3):
            os.dup2(slave, i)
        os.closerange(3, 1024)
        os.execvp(a.command[0], a.command)
    os.close(slave)
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(a.console_socket)
    socket.send_fds(s, [b"/dev/ptmx"], [master])
    s.close()
    with open(a.pid_file + ".tmp", "w") as f:
        f.write(str(pid))
    os.rename(a.pid_file + ".tmp", a.pid_file)


def parse_journal(d):
    fields, i = {}, 0
    while i < len(d):
        nl = d.index(b"\n", i)
        line = d[i:nl]
        if b"=" in line:
            k, v = line.split(b"=", 1)
            i = nl + 1
        else:
            k = line
            (n,) = struct.unpack("<Q", d[nl + 1:nl + 9])
            v = d[nl + 9:nl + 9 + n]
            i = nl + 9 + n + 1
        fields[k.decode()] = v.decode("utf-8", "replace")
    return fields


def cmd_journal(a):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind(a.socket)
    with open(a.output, "a") as f:
        while True:
            d = s.recv(1 << 20)
            f.write(json.dumps(d.decode() if a.raw else parse_journal(d)) + "\n")
            f.flush()


def cmd_reaper(a):
    PR_SET_CHILD_SUBREAPER = 36
    if ctypes.CDLL(None, use_errno=True).prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0:
        sys.exit("reaper: prctl: %s" % os.strerror(ctypes.get_errno()))
    if a.pid_file:
        with open(a.pid_file, "w") as f:
            f.write(str(os.getpid()))
    rc = subprocess.call(a.command)
    deadline = time.time() + a.timeout
    while True:
        try:
            pid, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            break
        if pid == 0:
            if time.time() > deadline:
                sys.exit("reaper: descendants still alive after %.0f s" % a.timeout)
            time.sleep(0.05)
    with open(a.done, "w") as f:
        f.write("command rc=%d, no descendant left\n" % rc)


def main():
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run")
    r.add_argument("--sync-type", default="seqpacket", choices=["seqpacket", "stream", "pipe"])
    r.add_argument("--no-start-pipe", action="store_true")
    r.add_argument("--attach-pipe", action="store_true")
    r.add_argument("--before-second-start")
    r.add_argument("--after-pid")
    r.add_argument("--after-daemon", help="command run once the first process exited")
    r.add_argument("--close-sync", action="store_true")
    r.add_argument("--extra-fd-check", metavar="EXIT_FILE")
    r.add_argument("--wait-pidfile")
    r.add_argument("--sync-mode", action="store_true", help="monitor runs with --sync")
    r.add_argument("--start-delay", type=float, default=0)
    r.add_argument("--stdout")
    r.add_argument("--timeout", type=float, default=30)
    r.add_argument("argv", nargs=argparse.REMAINDER)
    t = sub.add_parser("attach")
    t.add_argument("socket")
    t.add_argument("--send")
    t.add_argument("--shut-wr", action="store_true")
    t.add_argument("--no-read", action="store_true")
    t.add_argument("--delay", type=float, default=0)
    t.add_argument("--ready-file")
    t.add_argument("--raw", action="store_true", help="payload bytes only")
    t.add_argument("--read-delay", type=float, default=0, help="seconds to sleep per record")
    t.add_argument("--timeout", type=float, default=10)
    p = sub.add_parser("sendpty")
    p.add_argument("console_socket")
    p.add_argument("pid_file")
    p.add_argument("command", nargs=argparse.REMAINDER)
    j = sub.add_parser("journal")
    j.add_argument("socket")
    j.add_argument("output")
    j.add_argument("--raw", action="store_true", help="datagrams as JSON strings")
    q = sub.add_parser("reaper")
    q.add_argument("--done", required=True, help="written once no descendant is left")
    q.add_argument("--pid-file")
    q.add_argument("--timeout", type=float, default=120)
    q.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    if getattr(a, "argv", None) and a.argv[0] == "--":
        a.argv = a.argv[1:]
    if getattr(a, "command", None) and a.command[0] == "--":
        a.command = a.command[1:]
    cmds = {"run": cmd_run, "attach": cmd_attach, "sendpty": cmd_sendpty, "journal": cmd_journal,
            "reaper": cmd_reaper}
    cmds[a.cmd](a)


if __name__ == "__main__":
    main()
