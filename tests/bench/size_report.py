#!/usr/bin/python3
"""Flash and static RAM of a linked image, per component, from its GNU ld map.

  size_report.py ELF [--map MAP] [--size arm-none-eabi-size] [--budgets FILE] [--quiet]
                 [--top N]

MAP defaults to ELF + ".map" (boards/qemu-mps2-an385 links every image with -Wl,-Map).
Every allocated input section of the map is attributed to a component by the archive or
object it came from (COMPONENTS below, first match wins; anything unmatched is printed as
"other", never dropped). Flash is what the image stores: code and read-only data (.text,
.ARM.exidx/extab) plus the load copy of .data. Static RAM is .data + .bss; heap and stack
are run-time figures (bench.py measures their peaks). The parsed totals are checked against
arm-none-eabi-size, so a map the parser misreads fails loudly.

--top N lists the N largest input sections (functions, tables, buffers: the map names
them, since every object is built with -ffunction-sections -fdata-sections) for flash and
for RAM, with their component.

With --budgets, image_flash_bytes and static_ram_bytes are compared with the budget file
(tests/bench/budgets.txt) and the exit status is 1 if either is over.

Prints a table, then machine-readable lines:
  size.component name=<c> flash=<n> text=<n> rodata=<n> data=<n> bss=<n>
  size.total flash=<n> static_ram=<n> text=<n> data=<n> bss=<n>
"""

import argparse
import os
import re
import subprocess
import sys

# (component, regular expression on the object path as the map prints it)
COMPONENTS = [
    ("lwIP", r"liblk_lwip\.a|/lwip/"),
    ("mbedTLS", r"liblk_mbedtls\.a"),
    ("Mini-XML", r"liblk_mxml\.a"),
    ("sso core", r"libsso_core(_probe)?\.a"),
    ("UI assets", r"lk_fw\.dir/ui/.*assets|ui_assets|liblk_ui_assets\.a|/assets/"),
    ("firmware", r"lk_fw\.dir/|liblk_fw"),
    ("board (HAL)", r"lk_qemu|liblk_board\.a|liblk_qemu_hal\.a|boards/"),
    ("libc/newlib", r"/libc\.a|/libc_nano\.a|/libm\.a|/libnosys\.a|/librdimon|/libg\.a"),
    ("libgcc", r"/libgcc\.a|crt[a-z0-9]*\.o"),
]

FLASH_OUT = (".text", ".ARM.exidx", ".ARM.extab", ".rodata")
DATA_OUT = (".data",)
BSS_OUT = (".bss",)

OUT_RE = re.compile(r"^(\.[\w.]+)(?:\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)"
                    r"(?:\s+load address.*)?)?\s*$")
IN_RE = re.compile(r"^ (\S+)(?:\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s*(.*))?$")
CONT_RE = re.compile(r"^\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)\s+(\S.*)$")


def component(origin):
    for name, rx in COMPONENTS:
        if re.search(rx, origin):
            return name
    return "other"


def parse_map(path):
    """([(output_section, input_section, size, origin)], {output_section: size})."""
    lines = open(path, errors="replace").read().splitlines()
    try:
        start = next(i for i, ln in enumerate(lines)
                     if ln.startswith("Linker script and memory map"))
    except StopIteration:
        sys.exit("size_report: %s is not a GNU ld map" % path)
    out, pending, entries, out_sizes = None, None, [], {}
    for ln in lines[start + 1:]:
        m = OUT_RE.match(ln)
        if m and not ln.startswith(" "):
            out = m.group(1)
            if m.group(3):
                out_sizes[out] = int(m.group(3), 16)
            else:
                pending = ("out", out)
            continue
        if pending and pending[0] == "out":
            c = re.match(r"^\s+0x([0-9a-fA-F]+)\s+0x([0-9a-fA-F]+)", ln)
            if c:
                out_sizes[pending[1]] = int(c.group(2), 16)
            pending = None
            continue
        if out is None:
            continue
        if pending and pending[0] == "in":
            c = CONT_RE.match(ln)
            pending_name = pending[1]
            pending = None
            if c:
                entries.append((out, pending_name, int(c.group(1), 16), int(c.group(2), 16),
                                c.group(3).strip()))
                continue
        m = IN_RE.match(ln)
        if not m or m.group(1).startswith("0x") or m.group(1) in ("*(", "KEEP(*("):
            continue
        name = m.group(1)
        if name.startswith("*") and name != "*fill*":
            continue  # linker script patterns such as *(.text .text.*)
        if m.group(3) is None:
            pending = ("in", name)
            continue
        size = int(m.group(3), 16)
        origin = (m.group(4) or "").strip()
        if name == "*fill*":
            origin = "(alignment fill)"
        entries.append((out, name, int(m.group(2), 16), size, origin))
    return clip(entries), out_sizes


def clip(entries):
    """Sizes as laid out: an input section ends where the next one starts. Mergeable string
    sections (.rodata.str1.1) are listed with their sizes before merging and overlap; the
    merged bytes go to the object listed last at an address (an approximation: strings are
    shared between objects)."""
    out = []
    by_sec = {}
    for e in entries:
        by_sec.setdefault(e[0], []).append(e)
    for sec, es in by_sec.items():
        es = sorted(es, key=lambda e: e[2])  # stable: map order kept at equal addresses
        for i, (o, name, addr, size, origin) in enumerate(es):
            nxt = next((x[2] for x in es[i + 1:] if x[2] > addr), None)
            if i + 1 < len(es) and es[i + 1][2] == addr:
                size = 0
            elif nxt is not None:
                size = min(size, nxt - addr)
            out.append((o, name, size, origin))
    return out


def tool_size(size_tool, elf):
    """(text, data, bss) from arm-none-eabi-size (Berkeley format)."""
    p = subprocess.run([size_tool, elf], capture_output=True, text=True, check=True)
    fields = p.stdout.strip().splitlines()[-1].split()
    return int(fields[0]), int(fields[1]), int(fields[2])


def read_budgets(path):
    b = {}
    for ln in open(path):
        ln = ln.split("#", 1)[0].strip()
        if ln:
            k, v = ln.split()
            b[k] = int(v, 0)
    return b


def top_sections(map_path, n, emit=print):
    """The @p n largest input sections in flash and in RAM."""
    entries, _ = parse_map(map_path)
    for title, outs in (("flash", FLASH_OUT + DATA_OUT), ("RAM", DATA_OUT + BSS_OUT)):
        es = sorted((e for e in entries if e[0] in outs and e[2] > 0 and e[3] !=
                     "(alignment fill)"), key=lambda e: -e[2])[:n]
        emit("largest in %s:" % title)
        for out, name, size, origin in es:
            emit("  %7d  %-40s %-12s %s" % (size, name[:40], component(origin),
                                             os.path.basename(origin)[:60]))


def report(elf, map_path, size_tool, quiet=False, emit=print):
    """Print the table (unless @p quiet) and the size.* lines through @p emit; return the
    budgeted figures."""
    entries, out_sizes = parse_map(map_path)
    comps = {}

    def add(c, key, n):
        comps.setdefault(c, {"text": 0, "rodata": 0, "data": 0, "bss": 0})[key] += n

    for out, name, size, origin in entries:
        if size == 0:
            continue
        c = component(origin) if origin != "(alignment fill)" else "other"
        if out in FLASH_OUT:
            add(c, "rodata" if name.startswith(".rodata") else "text", size)
        elif out in DATA_OUT:
            add(c, "data", size)
        elif out in BSS_OUT:
            add(c, "bss", size)
    # Consistency: the input sections add up to the output sections, and to size(1).
    text = sum(v["text"] + v["rodata"] for v in comps.values())
    data = sum(v["data"] for v in comps.values())
    bss = sum(v["bss"] for v in comps.values())
    want_text = sum(out_sizes.get(s, 0) for s in FLASH_OUT)
    if (text, data, bss) != (want_text, out_sizes.get(".data", 0), out_sizes.get(".bss", 0)):
        sys.exit("size_report: map sections do not add up (%d/%d/%d vs %d/%d/%d)" % (
            text, data, bss, want_text, out_sizes.get(".data", 0), out_sizes.get(".bss", 0)))
    if size_tool:
        t, d, b = tool_size(size_tool, elf)
        if (t, d, b) != (text, data, bss):
            sys.exit("size_report: %s says text=%d data=%d bss=%d, the map %d/%d/%d" % (
                size_tool, t, d, b, text, data, bss))
    order = [c for c, _ in COMPONENTS] + ["other"]
    rows = [(c, comps[c]) for c in order if c in comps]
    if not quiet:
        emit("%-14s %9s %9s %9s %9s %9s %9s" % ("component", "flash", "code", "rodata", "data",
                                                 "bss", "RAM"))
        for c, v in rows:
            emit("%-14s %9d %9d %9d %9d %9d %9d" % (c, v["text"] + v["rodata"] + v["data"],
                                                     v["text"], v["rodata"], v["data"], v["bss"],
                                                     v["data"] + v["bss"]))
        emit("%-14s %9d %9s %9s %9d %9d %9d" % ("total", text + data, "", "", data, bss,
                                                 data + bss))
    for c, v in rows:
        emit("size.component name=%s flash=%d text=%d rodata=%d data=%d bss=%d" % (
            re.sub(r"[^A-Za-z0-9/-]+", "_", c).strip("_"), v["text"] + v["rodata"] + v["data"],
            v["text"], v["rodata"], v["data"], v["bss"]))
    emit("size.total flash=%d static_ram=%d text=%d data=%d bss=%d" % (
        text + data, data + bss, text, data, bss))
    return {"image_flash_bytes": text + data, "static_ram_bytes": data + bss}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("elf")
    ap.add_argument("--map")
    ap.add_argument("--size", default="arm-none-eabi-size")
    ap.add_argument("--budgets")
    ap.add_argument("--quiet", action="store_true")
    ap.add_argument("--top", type=int, default=0)
    a = ap.parse_args()
    m = a.map or a.elf + ".map"
    for f in (a.elf, m):
        if not os.path.exists(f):
            sys.exit("size_report: no %s (build the firmware first)" % f)
    got = report(a.elf, m, a.size, a.quiet)
    if a.top:
        top_sections(m, a.top)
    if a.budgets:
        budgets = read_budgets(a.budgets)
        bad = 0
        for k, v in got.items():
            if k not in budgets:
                sys.exit("size_report: %s has no %s" % (a.budgets, k))
            ok = v <= budgets[k]
            bad += not ok
            print("budget %s=%d limit=%d %s" % (k, v, budgets[k], "ok" if ok else "OVER BUDGET"))
        if bad:
            print("size_report: over budget; shrink the image, or raise the budget in %s as a "
                  "deliberate, reviewed change" % a.budgets)
            sys.exit(1)


if __name__ == "__main__":
    main()
