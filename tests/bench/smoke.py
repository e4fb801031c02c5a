#!/usr/bin/python3
"""ctest smoke test of the host bench programs (not a timing: one validation each).

  smoke.py --bench-dir build/<preset>/tests/bench --work DIR [--xmlsec]

Generates the benchmark responses and checks that bench_latchkey, its probed twin and the
xmlsec comparator (when built) each validate all four, so that `make bench` cannot rot
unnoticed between runs: a policy change that rejects the benchmark responses, a comparator
that no longer verifies them, a manifest format change.
"""

import argparse
import os
import subprocess
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bench-dir", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--xmlsec", action="store_true", help="the comparator is built: run it too")
    a = ap.parse_args()
    subprocess.run([sys.executable, os.path.join(HERE, "gen_responses.py"), "--work", a.work],
                   check=True, stdout=subprocess.DEVNULL)
    manifest = os.path.join(a.work, "manifest.txt")
    once = ["--min-ms", "0", "--min-iters", "1", "--max-iters", "1"]
    progs = [("bench_latchkey", "latchkey", once),
             ("bench_latchkey_probe", "latchkey", once + ["--no-pk"])]
    if a.xmlsec:
        progs.append(("bench_xmlsec", "xmlsec", once))
    for exe, prefix, args in progs:
        path = os.path.join(a.bench_dir, exe)
        if not os.path.exists(path):
            sys.exit("smoke: %s is missing" % path)
        out = bench.records(bench.run([path] + args + [manifest]).stdout, prefix)
        names = [d["name"] for d in out.get("result", [])]
        if len(names) != 4:
            sys.exit("smoke: %s validated %d responses, not 4: %s" % (exe, len(names), names))
        if exe == "bench_latchkey_probe" and len(out.get("phases", [])) != 4:
            sys.exit("smoke: %s printed no phases" % exe)
        if "--no-pk" not in args and len(out.get("pk", [])) != 3:
            sys.exit("smoke: %s measured %d public-key operations, not 3" % (
                exe, len(out.get("pk", []))))
        print("smoke: %s ok (%s)" % (exe, ", ".join(names)))


if __name__ == "__main__":
    main()
