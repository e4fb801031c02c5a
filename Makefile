# Latchkey: the two commands of the README, and the developer targets around them.
#
#   make run    set up, build and boot the firmware with its admin UI
#   make test   set up, build every preset and run every test
#
# Each target installs the Debian packages it needs (cmake/packages.sh) and fetches the
# pinned dependency sources (cmake/deps.sh) on first use.

PRESETS_BUILD ?= host-debug host-asan qemu-mps2-an385
PRESETS_TEST ?= host-debug host-asan
JOBS ?= $(shell nproc)

.PHONY: all run run-host test setup-build setup-test deps build clean format format-check

all: build

setup-build:
	@sh cmake/packages.sh build

setup-test: setup-build
	@sh cmake/packages.sh test run

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

# For now `make run` boots the host board (boards/host); the QEMU board takes over later.
run: run-host

# The firmware as a Linux process (boards/host/README.md).
RUN_FLASH ?= latchkey-flash.bin
RUN_HTTP ?= 8080
RUN_HTTPS ?= 8443
run-host: setup-build deps
	@cmake --preset host-debug >/dev/null && cmake --build --preset host-debug -j $(JOBS)
	@echo "make run-host: booting the host board (the firmware as a Linux process, network via libslirp)"
	@echo "make run-host:   config flash: $(RUN_FLASH) (created erased on first boot)"
	@echo "make run-host:   admin API:    http://127.0.0.1:$(RUN_HTTP)/api/v1/status (the UI pages come later); HTTPS port $(RUN_HTTPS) reserved"
	@echo "make run-host:   console:      type 'help' below; Ctrl-C stops the device"
	@build/host-debug/firmware/latchkey-host --flash $(RUN_FLASH) --http $(RUN_HTTP) --https $(RUN_HTTPS)

format:
	@git ls-files '*.c' '*.h' | grep -v '^tests/fuzz/corpus/' | xargs clang-format -i

format-check:
	@git ls-files '*.c' '*.h' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build
