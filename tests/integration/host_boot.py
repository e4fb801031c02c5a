#!/usr/bin/python3
"""Host boot test: latchkey-host boots, gets its DHCP lease from slirp, serves
/api/v1/status through the forwarded port, keeps a setting across a power loss, a warm
reboot and loses it on a factory reset. Also the test clock (--clock-offset and the
console's clock-offset).

usage: host_boot.py PATH/TO/latchkey-host
"""

import os
import re
import socket
import struct
import sys
import tempfile
import threading
import time

from lkhost import Device, TestFailure, check, exe_from_argv

STATUS_KEYS = {"version", "board", "hostname", "uptime_s", "ip", "time_synced",
               "time_source", "utc", "free_heap", "sso"}


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


NTP_UNIX_DIFF = 2208988800
T_2030 = 1893456000  # 2030-01-01T00:00:00Z
T_2031 = 1924992000
T_2020 = 1600000000


class FakeSntp(threading.Thread):
    """An SNTP server on 127.0.0.1 (10.0.2.2 to the device). For request i it sends the
    replies in script[i]: (unix time, echo the originate timestamp?)."""

    def __init__(self, script):
        super().__init__(daemon=True)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.script = list(script)
        self.requests = 0

    def run(self):
        while True:
            try:
                req, peer = self.sock.recvfrom(512)
            except OSError:
                return
            if len(req) != 48 or (req[0] & 7) != 3:
                continue
            replies = self.script[self.requests] if self.requests < len(self.script) else []
            self.requests += 1
            for unix, echo in replies:
                orig = req[40:48] if echo else struct.pack(">II", 0x12345678, 0x9abcdef0)
                ts = struct.pack(">II", unix + NTP_UNIX_DIFF, 0)
                pkt = (bytes([0x24, 1, 6, 0xEC]) + b"\0" * 8 + b"LOCL" + ts + orig + ts + ts)
                self.sock.sendto(pkt, peer)


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
            # (records 1 and 2: the first boot's admin account, then its device keys)
            record = int(m.group(1))
            check(record == 3, "first settings record number %d" % record)
            print("saving the settings took %s flash program/erase operations" % m.group(2))
            check(dev.status()["hostname"] == "lk-test-7", "hostname not live")
            dev.command("hostname", r"^hostname: lk-test-7$")

            # 4. Power loss (SIGKILL), power on: the value is back.
            dev.stop()
            dev.extra = []
            dev.start()
            dev.wait_up()
            dev.wait_for(r"config: loaded record %d " % record)
            check("first boot" not in dev.output(), "second boot called itself first")
            check_status(dev.status(), "lk-test-7", 0)

            # 5. Warm reboot from the console: same process image, same ports.
            start = len(dev.lines)
            dev.send("reboot")
            dev.wait_for(r"^latchkey \S+ on board host", start=start)
            dev.wait_for(r"http: listening on port 80", start=start)
            check(dev.proc.poll() is None, "the process exited on reboot")
            check_status(dev.status(), "lk-test-7", 0)

            # 6. SNTP against a local server (10.0.2.2 is the host's loopback): a reply
            #    dated before 2024 is refused; a forged reply (originate timestamp not
            #    echoed) is ignored and the genuine one that follows sets the clock.
            ntp = FakeSntp([[(T_2020, True)], [(T_2031, False), (T_2030, True)]])
            ntp.start()
            dev.command("sntp 10.0.2.2:%d" % ntp.port, r"sntp: saved .*applies after reboot")
            start = len(dev.lines)
            dev.send("reboot")
            dev.wait_for(r"time: SNTP server 10\.0\.2\.2 port %d" % ntp.port, start=start)
            dev.wait_for(r"time: SNTP reply %d refused \(before 2024\)" % T_2020, start=start)
            st = dev.status()
            check(st["time_source"] == "rtc", "a pre-2024 SNTP reply was used")
            check_status(st, "lk-test-7", 0)
            start = len(dev.lines)
            dev.send("reboot")
            m = dev.wait_for(r"time: synced by SNTP, UTC (\d+)", start=start)
            check(int(m.group(1)) == T_2030, "SNTP set %s, want %d (forged reply taken?)" %
                  (m.group(1), T_2030))
            check(ntp.requests == 2, "SNTP requests: %d" % ntp.requests)
            st = dev.status()
            check(st["time_source"] == "sntp" and st["time_synced"] is True, "SNTP status")
            check(T_2030 <= st["utc"] <= T_2030 + 10, "utc after SNTP: %r" % st["utc"])
            # The test clock still shifts on top of SNTP time.
            dev.command("clock-offset 7200", r"clock-offset: 7200 s")
            check(T_2030 + 7200 <= dev.status()["utc"] <= T_2030 + 7210, "offset over SNTP")

            # 7. A static address instead of DHCP, then back.
            dev.command("ip static 10.0.2.15 255.255.255.0 10.0.2.2 10.0.2.3",
                        r"ip: saved .*applies after reboot")
            dev.command("ip", r"^ip: static 10\.0\.2\.15 255\.255\.255\.0 10\.0\.2\.2 10\.0\.2\.3$")
            start = len(dev.lines)
            dev.send("reboot")
            dev.wait_for(r"net: up, address 10\.0\.2\.15 gateway 10\.0\.2\.2 \(static", start=start)
            check("DHCP started" not in "\n".join(dev.lines[start:]), "DHCP ran on a static config")
            dev.wait_for(r"http: listening on port 80", start=start)
            check(dev.status()["ip"] == "10.0.2.15", "static address in status")
            dev.command("ip static 10.0.2.300 255.255.255.0 10.0.2.2", r"ip: usage")
            dev.command("ip dhcp", r"ip: saved")
            start = len(dev.lines)
            dev.send("reboot")
            dev.wait_for(r"net: up, address 10\.0\.2\.15 .*\(DHCP", start=start)

            # 8. Factory reset: the config partition is erased.
            start = len(dev.lines)
            dev.send("factory-reset")
            dev.wait_for(r"factory-reset: config erased; rebooting", start=start)
            dev.wait_for(r"first boot: generated admin password: [a-z2-9]{16} ", start=start)
            dev.wait_for(r"http: listening on port 80", start=start)
            check_status(dev.status(), "latchkey", 0)
            # Erased, then the next first boot wrote its admin account (record 1, slot 0)
            # and its device keys (record 2, slot 1): numbering restarted and no byte of
            # the old settings is left anywhere.
            with open(flash, "rb") as f:
                data = f.read()
            check(b"lk-test-7" not in data, "old settings survived factory-reset")
            check(data[0:4] == b"LKCF" and data[8:12] == b"\x01\0\0\0" and
                  data[32768:32772] == b"LKCF" and data[32776:32780] == b"\x02\0\0\0",
                  "the first boot after the reset did not write records 1 and 2")
        finally:
            dev.stop()
    print("host boot test: passed")


if __name__ == "__main__":
    try:
        main()
    except TestFailure as e:
        print("FAILED: %s" % e)
        sys.exit(1)
