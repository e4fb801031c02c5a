#!/bin/sh
# Boot the Latchkey firmware in QEMU mps2-an385, interactively (make qemu, make run):
#   qemu-run.sh FIRMWARE.elf [--flash PATH] [--http PORT] [--https PORT] [--restrict]
#               [-- FIRMWARE-ARGS...]
# The terminal is the board's UART console (and semihosting output, same stream). The
# config partition lives in the flash file (default ./latchkey-qemu-flash.bin), so settings
# survive a reboot, a restart and a rebuild of the firmware, as on a device. The admin UI's
# port 80 is forwarded to 127.0.0.1:8080 (--http), 443 to 127.0.0.1:8443 (--https).
# --restrict cuts the guest off from everything but the forwarded ports (no metadata fetch,
# no SNTP). Quit with Ctrl-A X (or Ctrl-C).
set -eu
usage() {
    echo "usage: qemu-run.sh FIRMWARE.elf [--flash PATH] [--http PORT] [--https PORT]" \
        "[--restrict] [-- FIRMWARE-ARGS...]" >&2
    exit 2
}
[ $# -ge 1 ] || usage
elf=$1
shift
flash=latchkey-qemu-flash.bin
http=8080
https=8443
restrict=off
while [ $# -gt 0 ]; do
    case $1 in
    --flash) [ $# -ge 2 ] || usage; flash=$2; shift 2 ;;
    --http) [ $# -ge 2 ] || usage; http=$2; shift 2 ;;
    --https) [ $# -ge 2 ] || usage; https=$2; shift 2 ;;
    --restrict) restrict=on; shift ;;
    --) shift; break ;;
    *) usage ;;
    esac
done
[ -f "$elf" ] || { echo "qemu-run.sh: no firmware at $elf (build it first)" >&2; exit 2; }
# -semihosting-config separates options with ',': a literal comma is written ',,'.
esc() { printf '%s' "$1" | sed 's/,/,,/g'; }
semi="enable=on,target=native,chardev=con,arg=$(esc "$elf"),arg=--flash,arg=$(esc "$flash")"
for a in "$@"; do
    semi="$semi,arg=$(esc "$a")"
done
nic="user,model=lan9118,restrict=$restrict"
nic="$nic,hostfwd=tcp:127.0.0.1:$http-:80,hostfwd=tcp:127.0.0.1:$https-:443"
echo "qemu-run: firmware $elf"
echo "qemu-run: config flash $flash; admin UI http://127.0.0.1:$http/ (https port $https)"
echo "qemu-run: quit with Ctrl-A X"
set -x
exec qemu-system-arm -M mps2-an385 -nographic -monitor none \
    -chardev stdio,id=con,mux=on -serial chardev:con \
    -semihosting-config "$semi" -nic "$nic" -kernel "$elf"
