#!/bin/sh
# ctest's emulator for the mps2-an385 board (CMAKE_CROSSCOMPILING_EMULATOR):
#   qemu-test.sh PROGRAM.elf [ARG...]
# Runs a semihosting program under QEMU. Its arguments go through the semihosting command
# line (argv[0] is the ELF path, as on the host), its stdout/stderr and the UART land in
# this script's stdout, and its exit status is QEMU's (SYS_EXIT_EXTENDED). A fault exits
# with 0x80 + the exception number (HardFault: 131). ctest's TIMEOUT kills a hung run.
set -eu
elf=$1
shift
# -semihosting-config separates options with ',': a literal comma is written ',,'.
esc() { printf '%s' "$1" | sed 's/,/,,/g'; }
semi="enable=on,target=native,chardev=con,arg=$(esc "$elf")"
for a in "$@"; do
    semi="$semi,arg=$(esc "$a")"
done
exec qemu-system-arm -M mps2-an385 -nographic -monitor none \
    -chardev stdio,id=con,mux=on,signal=off -serial chardev:con \
    -semihosting-config "$semi" -kernel "$elf"
