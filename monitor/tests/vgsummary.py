#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# Sums up the valgrind logs of monitor/tests/valgrind (one per process, vg.<pid>.log) as TAP:
# memcheck errors, leaked bytes, and fds left open at exit by a process that ran to its end.
# Fds are checked in every process that printed a heap summary (it did not exec the runtime
# or the exit command) except the daemonizing parent, whose open fds are the daemon's. That one
# is told by its /dev/null, opened by main() and closed by every other way out of silomon (the
# --sync runs, which never daemonize, check that). valgrind's "Parent PID" cannot pair them: the
# daemon may already have been reparented when it is printed. glib's wake-up eventfds are one-time; fds inherited
# through exec (bats', the engine's) are not silomon's (spec 2.1 is tested by sync.bats).
import glob, os, re, sys


def parse(path):
    text = open(path, errors="replace").read()
    pid = int(re.search(r"vg\.(\d+)\.log$", path).group(1))
    cmd = re.search(r"Command: (.*)", text)
    errors = re.search(r"ERROR SUMMARY: (\d+) errors", text)
    lost = {k: int(v.replace(",", "")) for k, v in
            re.findall(r"(definitely|indirectly|possibly) lost: ([\d,]+) bytes", text)}
    fds = []
    for block in re.split(r"\n==\d+== \n", text):
        m = re.search(r"Open (?:file descriptor|AF_\w+ socket) (\d+):?\s*(.*)", block)
        # inherited: open before silomon (or valgrind) started, not silomon's to close
        if not m or "g_main_context_new_with_flags" in block or "<inherited from parent>" in block:
            continue
        fds.append(block.strip())
    return {"pid": pid, "cmd": cmd.group(1) if cmd else "", "text": text,
            "sync": re.search(r"Command: .* --sync( |$)", text, re.M) is not None,
            "summary": "HEAP SUMMARY" in text, "errors": int(errors.group(1)) if errors else 0,
            "lost": lost, "fds": fds}


def main():
    logs = [parse(p) for p in sorted(glob.glob(os.path.join(sys.argv[1], "vg.*.log")))]
    ran = [l for l in logs if l["summary"]]
    daemonizing = {l["pid"] for l in ran if not l["sync"] and any(
        "/dev/null" in f and re.search(r"by 0x\w+: main \(main\.c:", f) for f in l["fds"])}
    final = [l for l in ran if l["pid"] not in daemonizing]
    bad_err = [l for l in ran if l["errors"]]
    bad_fd = [l for l in final if l["fds"]]
    lost = {k: sum(l["lost"].get(k, 0) for l in ran) for k in ("definitely", "indirectly", "possibly")}
    errors = sum(l["errors"] for l in ran)
    nfds = sum(len(l["fds"]) for l in final)
    for l in bad_err + bad_fd:
        sys.stderr.write("---- vg.%d.log\n%s\n" % (l["pid"], l["text"]))
    print("%s - valgrind: %d memcheck errors in %d silomon processes (%d fd-checked)"
          % ("not ok" if errors else "ok", errors, len(ran), len(final)))
    print("%s - valgrind: lost bytes: %d definitely, %d indirectly, %d possibly"
          % ("not ok" if any(lost.values()) else "ok", lost["definitely"], lost["indirectly"],
             lost["possibly"]))
    print("%s - valgrind: %d fds left open at exit (glib's wake-up fds aside)"
          % ("not ok" if nfds else "ok", nfds))
    if not ran:
        print("not ok - valgrind: no silomon process was checked")


if __name__ == "__main__":
    main()
