#!/usr/bin/python3
"""Host boot test: latchkey-host boots, gets its DHCP lease from slirp, serves
/api/v1/status through the forwarded port, keeps a setting across a power loss, a warm
reboot and loses it on a factory reset. Also the test clock (--clock-offset and the
console's clock-offset).

usage: host_boot.py PATH/TO/latchkey-host
"""

import os
import re
import sys
import tempfile
import time

from lkhost import Device, TestFailure, check, exe_from_argv

STATUS_KEYS = {"version", "board", "hostname", "uptime_s", "ip", "time_synced",
               "time_source", "utc", "free_heap"}


def check_status(st, hostname, offset):
    check(set(st) == STATUS_KEYS, "status keys: %s" % sorted(st))
    check(re.fullmatch(r"\d+\.\d+\.\d+", st["version"]) is not None, "version %r" % st["version"])
    check(st["board"] == "host", "board %r" % st["board"])
    check(st["hostname"] == hostname, "hostname %r, want %r" % (st["hostname"], hostname))
    check(st["ip"] == "10.0.2.15", "ip %r" % st["ip"])
    check(isinstance(st["uptime_s"], int) and 0 <= st["uptime_s"] < 600, "uptime %r" % st["uptime_s"])
    # The host board is a device with a battery-backed RTC: time is known from boot.
    check(st["time_synced"] is True and st["time_source"] in ("rtc", "sntp"),
          "time %r from %r" % (st["time_synced"], st["time_source"]))
    want = int(time.time()) + offset
    check(isinstance(st["utc"], int) and abs(st["utc"] - want) <= 5,
          "utc %r, want about %d (offset %d)" % (st["utc"], want, offset))
    check(isinstance(st["free_heap"], int) and st["free_heap"] > 64 * 1024,
          "free_heap %r" % st["free_heap"])


def main():
    exe = exe_from_argv(sys.argv)
    with tempfile.TemporaryDirectory(prefix="lk-boot-") as tmp:
        flash = os.path.join(tmp, "flash.bin")
        dev = Device(exe, flash, extra=["--admin-password", "Sekr1t-pw",
                                        "--clock-offset", "86400"])
        try:
            # 1. First boot: a fresh (erased) flash, the defaults, DHCP from slirp.
            dev.start()
            dhcp_ms, wall_s = dev.wait_up()
            print("boot to DHCP lease: %d ms (firmware clock), %.3f s wall from exec" %
                  (dhcp_ms, wall_s))
            dev.wait_for(r"first boot: admin password provisioned by the board")
            check("Sekr1t-pw" not in dev.output(), "the provisioned password was printed")
            check(os.path.getsize(flash) == 64 * 1024, "flash file size")
            check_status(dev.status(), "latchkey", 86400)

            # 2. The test clock moves at run time.
            dev.command("clock-offset -3600", r"clock-offset: -3600 s, UTC now (\d+)")
            check_status(dev.status(), "latchkey", -3600)
            dev.command("clock-offset 0", r"clock-offset: 0 s")
            check_status(dev.status(), "latchkey", 0)

            # 3. A setting goes into the config partition.
            dev.command("hostname bad_name!", r"hostname: invalid")
            check(dev.status()["hostname"] == "latchkey", "an invalid hostname was taken")
            m = dev.command("hostname lk-test-7",
                            r"hostname: saved \(record (\d+), (\d+) flash operations\)")
            check(m.group(1) == "1", "first record number %s" % m.group(1))
            print("saving the settings took %s flash program/erase operations" % m.group(2))
            check(dev.status()["hostname"] == "lk-test-7", "hostname not live")
            dev.command("hostname", r"^hostname: lk-test-7$")

            # 4. Power loss (SIGKILL), power on: the value is back.
            dev.stop()
            dev.extra = []
            dev.start()
            dev.wait_up()
            dev.wait_for(r"config: loaded record 1 ")
            check("first boot" not in dev.output(), "second boot called itself first")
            check_status(dev.status(), "lk-test-7", 0)

            # 5. Warm reboot from the console: same process image, same ports.
            start = len(dev.lines)
            dev.send("reboot")
            dev.wait_for(r"^latchkey \S+ on board host", start=start)
            dev.wait_for(r"http: listening on port 80", start=start)
            check(dev.proc.poll() is None, "the process exited on reboot")
            check_status(dev.status(), "lk-test-7", 0)

            # 6. Factory reset: the config partition is erased.
            start = len(dev.lines)
            dev.send("factory-reset")
            dev.wait_for(r"factory-reset: config erased; rebooting", start=start)
            dev.wait_for(r"first boot: generated admin password: [a-z2-9]{16} ", start=start)
            dev.wait_for(r"http: listening on port 80", start=start)
            check_status(dev.status(), "latchkey", 0)
            with open(flash, "rb") as f:
                check(f.read() == b"\xff" * 65536, "flash not erased by factory-reset")
        finally:
            dev.stop()
    print("host boot test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
