# Latchkey: the two commands of the README, and the developer targets around them.
#
#   make run    set up, build and boot the firmware with its admin UI (in QEMU: make qemu)
#   make test   set up, build every preset and run every test
#   make qemu   build the Cortex-M3 firmware and boot it in QEMU mps2-an385, admin UI on
#               http://127.0.0.1:8080/ (QEMU_HTTP_PORT), config in latchkey-qemu-flash.bin
#   make run-host  the same firmware as a Linux process (boards/host)
#   make demo   the QEMU firmware and a real IdP (SimpleSAMLphp), wired for SSO (README)
#   make bench  benchmarks against libxmlsec1 + OpenSSL, Cortex-M3 instruction counts, image
#               size and RAM (docs/BENCH.md); BENCH_ARGS="--rounds 1 --no-callgrind" is quicker
#
# Each target installs the Debian packages it needs (cmake/packages.sh) and fetches the
# pinned dependency sources (cmake/deps.sh) on first use.

PRESETS_BUILD ?= host-debug host-asan qemu-mps2-an385
PRESETS_TEST ?= host-debug host-asan qemu-mps2-an385
JOBS ?= $(shell nproc)
QEMU_HTTP_PORT ?= 8080
QEMU_HTTPS_PORT ?= 8443
QEMU_FLASH ?= latchkey-qemu-flash.bin

.PHONY: all run qemu run-host demo test setup-build setup-test deps build clean format format-check bench

all: build

setup-build:
	@sh cmake/packages.sh build

setup-test: setup-build
	@sh cmake/packages.sh test run e2e

deps: setup-build
	@sh cmake/deps.sh

build: deps
	@for p in $(PRESETS_BUILD); do \
	  cmake --preset $$p >/dev/null && cmake --build --preset $$p -j $(JOBS) || exit 1; done

test: setup-test deps
	@echo "make test: building presets: $(PRESETS_BUILD)"
	@for p in $(PRESETS_BUILD); do \
	  cmake --preset $$p >/dev/null && cmake --build --preset $$p -j $(JOBS) || exit 1; done
	@sh tests/run-all.sh $(PRESETS_TEST)

# `make run` boots the Cortex-M3 firmware in QEMU (boards/qemu-mps2-an385/README.md).
run: qemu

qemu: setup-build deps
	@sh cmake/packages.sh run
	@cmake --preset qemu-mps2-an385 >/dev/null && \
	  cmake --build --preset qemu-mps2-an385 -j $(JOBS) --target lk_fw
	@sh boards/qemu-mps2-an385/qemu-run.sh build/qemu-mps2-an385/firmware/latchkey-qemu.elf \
	  --flash $(QEMU_FLASH) --http $(QEMU_HTTP_PORT) --https $(QEMU_HTTPS_PORT)

# The firmware as a Linux process (boards/host/README.md).
RUN_FLASH ?= latchkey-flash.bin
RUN_HTTP ?= 8080
RUN_HTTPS ?= 8443
run-host: setup-build deps
	@cmake --preset host-debug >/dev/null && cmake --build --preset host-debug -j $(JOBS)
	@echo "make run-host: booting the host board (the firmware as a Linux process, network via libslirp)"
	@echo "make run-host:   config flash: $(RUN_FLASH) (created erased on first boot)"
	@echo "make run-host:   admin UI:     http://127.0.0.1:$(RUN_HTTP)/ (HTTPS: https://127.0.0.1:$(RUN_HTTPS)/, self-signed device certificate)"
	@echo "make run-host:   console:      type 'help' below; Ctrl-C stops the device"
	@build/host-debug/firmware/latchkey-host --flash $(RUN_FLASH) --http $(RUN_HTTP) --https $(RUN_HTTPS)

# `make demo`: a real IdP and the QEMU firmware, pre-wired for SSO (tests/e2e/demo.py).
# DEMO_BOARD=host runs the host board instead (faster to build).
DEMO_BOARD ?= qemu
DEMO_HTTP_PORT ?= 8080
DEMO_IDP_PORT ?= 9080
DEMO_TLS_PORT ?= 9443
demo: setup-build deps
	@sh cmake/packages.sh run e2e
	@if [ "$(DEMO_BOARD)" = host ]; then \
	  cmake --preset host-debug >/dev/null && cmake --build --preset host-debug -j $(JOBS) --target lk_fw && \
	  /usr/bin/python3 tests/e2e/demo.py --board host --fw build/host-debug/firmware/latchkey-host \
	    --state build/demo --http $(DEMO_HTTP_PORT) --idp-port $(DEMO_IDP_PORT) --tls-port $(DEMO_TLS_PORT); \
	else \
	  cmake --preset qemu-mps2-an385 >/dev/null && cmake --build --preset qemu-mps2-an385 -j $(JOBS) --target lk_fw && \
	  /usr/bin/python3 tests/e2e/demo.py --board qemu --fw build/qemu-mps2-an385/firmware/latchkey-qemu.elf \
	    --state build/demo --http $(DEMO_HTTP_PORT) --idp-port $(DEMO_IDP_PORT) --tls-port $(DEMO_TLS_PORT); \
	fi
# Benchmarks (tests/bench/README.md, docs/BENCH.md): optimised host build, the M3 build, then
# one report ending with the "bench: key=value" summary lines.
BENCH_ARGS ?=
bench: setup-build deps
	@sh cmake/packages.sh bench
	@cmake --preset host-release >/dev/null && cmake --build --preset host-release -j $(JOBS) \
	  --target bench_latchkey bench_latchkey_probe bench_xmlsec
	@cmake --preset qemu-mps2-an385 >/dev/null && cmake --build --preset qemu-mps2-an385 -j $(JOBS) \
	  --target lk_fw bench_latchkey_m3 bench_latchkey_m3_probe
	@python3 tests/bench/bench.py --host-build build/host-release --m3-build build/qemu-mps2-an385 \
	  --markdown build/host-release/bench-report.md $(BENCH_ARGS)

format:
	@git ls-files '*.c' '*.h' | grep -v '^tests/fuzz/corpus/' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
