#!/usr/bin/env python3
"""Runs a command and samples its CPU time (user+system, /proc/PID/stat) 10 times a second,
so that summarize.py can give each gdbt node the CPU the process used between the node's
execute start and end (gdbt reports a node's wall time only; sqlreplay reports both).

usage: nodecpu.py SAMPLES_FILE -- COMMAND ARGS...
Writes "unix_time cpu_seconds" lines, then "self_cpu_s S": the sampler's own CPU (its
start and one small file read per sample, about 0.5 % of a core at 10 samples a second),
which a GNU time wrapped around it counts and summarize.py takes off again. Exits with the
command's exit code.
"""
import resource
import os
import subprocess
import sys
import time


def cpu_seconds(pid, hz):
    with open(f"/proc/{pid}/stat") as f:
        # The command name (field 2) may hold spaces: fields after its closing parenthesis.
        rest = f.read().rsplit(")", 1)[1].split()
    return (int(rest[11]) + int(rest[12])) / hz


def main():
    if len(sys.argv) < 4 or sys.argv[2] != "--":
        sys.exit("usage: nodecpu.py SAMPLES_FILE -- COMMAND ARGS...")
    hz = os.sysconf("SC_CLK_TCK")
    p = subprocess.Popen(sys.argv[3:])
    with open(sys.argv[1], "w") as out:
        while p.poll() is None:
            try:
                out.write(f"{time.time():.3f} {cpu_seconds(p.pid, hz):.2f}\n")
            except (OSError, IndexError, ValueError):
                pass  # exiting between poll() and the read
            time.sleep(0.1)
        ru = resource.getrusage(resource.RUSAGE_SELF)
        out.write(f"self_cpu_s {ru.ru_utime + ru.ru_stime:.3f}\n")
    sys.exit(p.returncode)


if __name__ == "__main__":
    main()
