#!/bin/sh
# Fetch mbedTLS, lwIP and Mini-XML from Debian's source archive, verify each upstream
# tarball against the sha256 pinned in cmake/deps.lock, and unpack it into .deps/src/.
#
# Works without root: apt runs with a private source list and state directory under
# .deps/apt, so /etc is never touched. Runs once; later calls see the stamp and exit.
# Usage: cmake/deps.sh [DEPS_DIR]   (default: <repo>/.deps)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
D=${1:-${LK_DEPS_DIR:-$top/.deps}}
lock="$here/deps.lock"
stamp="$D/src/.stamp"

if [ -f "$stamp" ] && cmp -s "$stamp" "$lock"; then
    exit 0
fi

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
[ -f "$keyring" ] || { echo "deps: $keyring missing (install debian-archive-keyring)" >&2; exit 1; }
mkdir -p "$D/apt/state/lists/partial" "$D/apt/cache/archives/partial" "$D/dl" "$D/src"

: > "$D/apt/src.list"
for suite in trixie bookworm; do
    for s in "$suite" "$suite-updates"; do
        echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian $s main" >> "$D/apt/src.list"
    done
    echo "deb-src [signed-by=$keyring] http://deb.debian.org/debian-security $suite-security main" >> "$D/apt/src.list"
done
O="-o Dir::Etc::SourceList=$D/apt/src.list -o Dir::Etc::SourceParts=/dev/null \
   -o Dir::State=$D/apt/state -o Dir::Cache=$D/apt/cache -o Debug::NoLocking=1 \
   -o APT::Sandbox::User=$(id -un)"

need_fetch=0
while read -r name ver suite tarball sum; do
    case "$name" in ''|'#'*) continue ;; esac
    [ -f "$D/dl/$tarball" ] && echo "$sum  $D/dl/$tarball" | sha256sum -c --status || need_fetch=1
done < "$lock"

if [ "$need_fetch" = 1 ]; then
    echo "deps: fetching source packages from deb.debian.org (apt-get source, no root needed)"
    # shellcheck disable=SC2086
    apt-get $O -qq update
    pins=$(awk '!/^#/ && NF { printf "%s=%s ", $1, $2 }' "$lock")
    # shellcheck disable=SC2086
    (cd "$D/dl" && apt-get $O -qq source --download-only $pins)
fi

while read -r name ver suite tarball sum; do
    case "$name" in ''|'#'*) continue ;; esac
    if ! echo "$sum  $D/dl/$tarball" | sha256sum -c --status; then
        echo "deps: checksum mismatch for $tarball (want $sum)" >&2
        exit 1
    fi
    echo "deps: $tarball sha256 ok"
    rm -rf "${D:?}/src/$name"
    mkdir -p "$D/src/$name"
    tar -xf "$D/dl/$tarball" -C "$D/src/$name" --strip-components=1
done < "$lock"

# Debian's security fix for Mini-XML (CVE-2026-5037, one line in mxml-index.c).
mkdir -p "$D/src/mxml-debian"
tar -xf "$D/dl"/mxml_*.debian.tar.xz -C "$D/src/mxml-debian"
patch -d "$D/src/mxml" -p1 -s < "$D/src/mxml-debian/debian/patches/0001-Fix-access-issue-in-mxmlIndexNew-Issue-350.patch"

# Mini-XML 3.3.1 leaks an element's attribute array when an attribute name cannot be
# copied (out of memory): mxml_set_attr grows the array before copying the name, the next
# attribute of a still-empty element then mallocs a fresh array over the old pointer, and
# mxmlDelete frees the array only when num_attrs > 0. Two targeted, checked edits (rather
# than a copied patch): grow from the existing pointer (realloc(NULL) is malloc), and free
# the array whenever it exists (free(NULL) is a no-op). tests/unit/test_xml.c
# (out_of_memory_every_byte) fails without them.
sed -i 's/^    attr = malloc(sizeof(_mxml_attr_t));$/    attr = realloc(node->value.element.attrs, sizeof(_mxml_attr_t));/' \
    "$D/src/mxml/mxml-attr.c"
sed -i 's/^\tif (node->value.element.num_attrs)$/\tif (node->value.element.attrs)/' "$D/src/mxml/mxml-node.c"
if ! grep -q '^    attr = realloc(node->value.element.attrs, sizeof(_mxml_attr_t));$' \
        "$D/src/mxml/mxml-attr.c" ||
   ! grep -q '^.if (node->value.element.attrs)$' "$D/src/mxml/mxml-node.c"; then
    echo "deps: could not apply the Mini-XML attribute-leak fix" >&2
    exit 1
fi

cp "$lock" "$stamp"
echo "deps: ready in $D/src"
