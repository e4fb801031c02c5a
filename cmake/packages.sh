#!/bin/sh
# Install the Debian packages a make target needs (only those missing).
# Usage: cmake/packages.sh GROUP...   groups: build run test e2e bench
# As root it runs apt-get; otherwise it uses sudo if available, or lists what is missing.
set -eu
pkgs=""
for g in "$@"; do
    case "$g" in
    build) pkgs="$pkgs cmake ninja-build gcc libc6-dev make patch xz-utils bzip2 ca-certificates
                   debian-archive-keyring gcc-arm-none-eabi libnewlib-arm-none-eabi pkg-config
                   libslirp-dev libglib2.0-dev python3" ;;
    run) pkgs="$pkgs qemu-system-arm socat" ;;
    test) pkgs="$pkgs qemu-system-arm xmlsec1 libxml2-utils libxmlsec1-dev libssl-dev clang
                  libclang-rt-14-dev valgrind cppcheck clang-tidy clang-format socat python3
                  openssl curl" ;;
    # e2e: a real IdP (SimpleSAMLphp; nginx + php8.2-fpm named so that apt does not pick
    # apache2 for its "httpd" dependency; neither is started) and a real browser.
    e2e) pkgs="$pkgs simplesamlphp php-cli php-xml php-mbstring php8.2-fpm nginx chromium
                 chromium-driver python3-selenium xmlsec1 openssl python3" ;;
    bench) pkgs="$pkgs libxmlsec1-dev libssl-dev xmlsec1 openssl valgrind python3 qemu-system-arm" ;;
    *) echo "packages.sh: unknown group $g" >&2; exit 2 ;;
    esac
done
missing=""
for p in $pkgs; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "packages: installing$missing"
if [ "$(id -u)" = 0 ]; then SUDO=""; elif command -v sudo >/dev/null; then SUDO=sudo; else
    echo "packages: missing$missing; install them as root" >&2; exit 1; fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
