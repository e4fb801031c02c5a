#!/usr/bin/python3
"""Power-cut sweep of the config store on the real firmware (label powerloss).

From a flash holding hostname "old-name", the console saves "new-name". The save makes K
flash program/erase operations. For every N in 1..K the device is started with
--flash-cut-after N: the Nth operation is cut half-way and the process dies (exit 3).
Powered on again, it must boot, serve /api/v1/status, and show exactly "old-name" or
"new-name"; a further save must then work. N = K + 1 must not cut at all.

usage: powercut_sweep.py PATH/TO/latchkey-host
"""

import os
import shutil
import sys
import tempfile

from lkhost import Device, TestFailure, check, exe_from_argv

POWER_CUT_EXIT = 3


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-cut-") as tmp:
        flash = os.path.join(tmp, "flash.bin")
        base = os.path.join(tmp, "base.bin")

        # The starting point: a saved record holding "old-name".
        dev = Device(exe, flash).start()
        try:
            dev.wait_up()
            m = dev.command("hostname old-name", r"hostname: saved \(record (\d+),")
            old_record = int(m.group(1))
        finally:
            dev.stop()
        shutil.copyfile(flash, base)

        # How many operations a save of the new value makes from there.
        dev = Device(exe, flash).start()
        try:
            dev.wait_up()
            m = dev.command("hostname new-name",
                            r"hostname: saved \(record (\d+), (\d+) flash operations\)")
            ops = int(m.group(2))
            check(int(m.group(1)) == old_record + 1, "record number %s after %d" %
                  (m.group(1), old_record))
            check(ops >= 4, "a save made only %d flash operations" % ops)
        finally:
            dev.stop()

        outcomes = {"old-name": 0, "new-name": 0}
        for n in range(1, ops + 2):
            shutil.copyfile(base, flash)
            dev = Device(exe, flash, extra=["--flash-cut-after", str(n)]).start()
            try:
                dev.wait_up()
                start = len(dev.lines)
                dev.send("hostname new-name")
                if n <= ops:
                    rc = dev.exit_code(10)
                    check(rc == POWER_CUT_EXIT, "cut %d: exit status %r" % (n, rc))
                    dev.wait_for(r"power cut injected at flash operation %d " % n,
                                 stream="err", timeout=5)
                else:
                    dev.wait_for(r"hostname: saved", start=start)
                    check(dev.proc.poll() is None, "cut %d beyond the save: process died" % n)
            finally:
                dev.stop()

            # Power on: old or new, never neither, and the device works.
            dev = Device(exe, flash).start()
            try:
                dev.wait_up()
                got = dev.status()["hostname"]
                check(got in outcomes, "cut %d: hostname after power-on is %r" % (n, got))
                if n > ops:
                    check(got == "new-name", "uncut save lost: %r" % got)
                else:
                    outcomes[got] += 1
                dev.command("hostname third-%d" % n, r"hostname: saved")
            finally:
                dev.stop()
            dev = Device(exe, flash).start()
            try:
                dev.wait_up()
                check(dev.status()["hostname"] == "third-%d" % n,
                      "cut %d: the save after recovery did not persist" % n)
            finally:
                dev.stop()

        print("power-cut sweep: %d cut points tried (a save makes %d flash operations); "
              "%d kept the old value, %d the new one" %
              (ops, ops, outcomes["old-name"], outcomes["new-name"]))
        check(outcomes["old-name"] > 0, "no cut point kept the old value")
    print("power-cut sweep: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
