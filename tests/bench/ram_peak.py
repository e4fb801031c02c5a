#!/usr/bin/python3
"""RAM peak of the release firmware on the Cortex-M3, checked against budgets.txt.

  ram_peak.py --m3-build build/qemu-mps2-an385 [--work DIR] [--budgets FILE]

RAM peak = the firmware image's static RAM (.data + .bss, from its linker map) + the largest
heap peak + the deepest stack measured while validating the benchmark responses on the M3
(bench_latchkey_m3 under QEMU, one validation each: Okta-shaped both-signed, 16 KB, ECDSA,
encrypted). Heap is sso/alloc.h's peak (every byte mbedTLS and Mini-XML take); stack is
painted and read back around each validation.

Not in it yet: the TLS metadata fetch and the firmware's own request handling, which are
not in the firmware yet (issue 7 asks for "a TLS metadata fetch plus an SSO login").

Exit status 1 if the peak is over ram_peak_bytes. Nothing here is timed.
"""

import argparse
import os
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402
import size_report  # noqa: E402


def measure(m3_build, work):
    mb = os.path.abspath(m3_build)
    elf = os.path.join(mb, "tests/bench/bench_latchkey_m3.elf")
    fw = os.path.join(mb, "firmware/latchkey-qemu.elf")
    for f in (elf, fw):
        if not os.path.exists(f):
            sys.exit("ram_peak: %s is missing (build the qemu-mps2-an385 preset)" % f)
    os.makedirs(work, exist_ok=True)
    subprocess.run([sys.executable, os.path.join(HERE, "gen_responses.py"), "--work", work],
                   check=True, stdout=subprocess.DEVNULL)
    out = bench.records(bench.m3_run(elf, ["--min-ms", "0", "--min-iters", "1", "--max-iters",
                                           "1", "--no-pk", os.path.join(work, "manifest.txt")],
                                     work), "latchkey")
    res = out["result"]
    if len(res) != 4:
        sys.exit("ram_peak: expected 4 validations, got %d" % len(res))
    static = size_report.report(fw, fw + ".map", "arm-none-eabi-size", quiet=True,
                                emit=lambda s: None)
    heap = max(int(d["peak_heap"]) for d in res)
    stack = max(int(d["stack"]) for d in res)
    return static["static_ram_bytes"], heap, stack


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--m3-build", required=True)
    ap.add_argument("--work")
    ap.add_argument("--budgets", default=os.path.join(HERE, "budgets.txt"))
    a = ap.parse_args()
    work = os.path.abspath(a.work or os.path.join(a.m3_build, "ram-peak-work"))
    static, heap, stack = measure(a.m3_build, work)
    peak = static + heap + stack
    limit = size_report.read_budgets(a.budgets)["ram_peak_bytes"]
    print("ram_peak: static %d + heap %d + stack %d = %d (budget %d)" % (static, heap, stack,
                                                                        peak, limit))
    if peak > limit:
        print("ram_peak: OVER BUDGET; reduce RAM, or raise ram_peak_bytes in %s as a "
              "deliberate, reviewed change" % a.budgets)
        sys.exit(1)


if __name__ == "__main__":
    main()
