# feedwatch — build, test, install.  `sudo make install` sets everything up;
# `make test` runs the tests.  Both install the Debian packages they need.

PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      := $(PREFIX)/bin
UNITDIR     ?= /lib/systemd/system
CONFIG      ?= /etc/feedwatch.json
CATALOGDIR  ?= /usr/lib/systemd/catalog
STATIC_SCRATCH := .build-static
RELEASE_BIN := $(STATIC_SCRATCH)/release/feedwatch

# Runtime and build dependencies (Debian names); the tests also need openssl
# (a self-signed TLS server) and systemd's journald.
DEB_PACKAGES := libcurl4-openssl-dev libsqlite3-dev libsystemd-dev systemd curl ca-certificates
TEST_PACKAGES := openssl

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: all deps test-deps install-packages build release install uninstall test journal benchmark history-benchmark clean

all: build

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES) $(TEST_PACKAGES)"

install-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

release: deps
	swift build -c release --static-swift-stdlib --scratch-path $(STATIC_SCRATCH)

install: release
	install -D -s -m 0755 $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/feedwatch
	install -D -m 0644 systemd/feedwatch.service $(DESTDIR)$(UNITDIR)/feedwatch.service
	install -D -m 0644 systemd/feedwatch.catalog $(DESTDIR)$(CATALOGDIR)/feedwatch.catalog
	journalctl $(if $(DESTDIR),--root=$(DESTDIR)) --update-catalog
	@if [ -e $(DESTDIR)$(CONFIG) ]; then \
		echo "keeping the existing $(DESTDIR)$(CONFIG)"; \
	else \
		install -D -m 0644 etc/feedwatch.json $(DESTDIR)$(CONFIG); \
	fi
	@if [ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ]; then \
		systemctl daemon-reload && systemctl enable --now feedwatch && systemctl --no-pager status feedwatch; \
		echo "feedwatch is running; read its events with: journalctl -u feedwatch -f"; \
	else \
		echo "installed $(DESTDIR)$(BINDIR)/feedwatch."; \
		echo "systemd is not running here; run the daemon in the foreground with:"; \
		echo "  $(BINDIR)/feedwatch run --config $(CONFIG) --database /var/lib/feedwatch/feedwatch.db"; \
	fi

uninstall:
	-@[ -z "$(DESTDIR)" ] && [ -d /run/systemd/system ] && systemctl disable --now feedwatch
	rm -f $(DESTDIR)$(BINDIR)/feedwatch $(DESTDIR)$(UNITDIR)/feedwatch.service $(DESTDIR)$(CATALOGDIR)/feedwatch.catalog
	-journalctl $(if $(DESTDIR),--root=$(DESTDIR)) --update-catalog
	@echo "kept $(CONFIG) and /var/lib/feedwatch (the history); remove them by hand if you want them gone"

# Starts systemd-journald when no journal is listening (machines without
# systemd as PID 1), so the tests can read their events back.
journal:
	@if ! systemd-cat -t feedwatch-make true 2>/dev/null; then \
		echo "starting systemd-journald"; \
		mkdir -p /run/systemd/journal; \
		setsid /lib/systemd/systemd-journald >/dev/null 2>&1 < /dev/null & \
		for i in $$(seq 1 100); do systemd-cat -t feedwatch-make true 2>/dev/null && break; sleep 0.1; done; \
		systemd-cat -t feedwatch-make true || { echo "systemd-journald did not start"; exit 1; }; \
	fi

test: test-deps journal
	swift build --build-tests
	swift test --skip-build --no-parallel

# The sync benchmark: a farm of fake WordPress sites on loopback (its own
# process), synced by the real engine; prints the figures of docs/benchmarks.md.
SITES ?= 1000
POSTS ?= 100
benchmark: deps
	swift build -c release --product fake-farm
	swift build -c release --product sync-benchmark
	.build/release/sync-benchmark $(SITES) $(POSTS)

# The history benchmark: storing posts of the fixture's size, revisions, and
# `history`/`diff` on a post with many versions; prints the figures of docs/benchmarks.md.
INGEST ?= 100000
REVISIONS ?= 10000
VERSIONS ?= 1000
history-benchmark: deps
	swift build -c release --product feedwatch
	swift build -c release --product history-benchmark
	.build/release/history-benchmark $(INGEST) $(REVISIONS) $(VERSIONS)

clean:
	swift package clean
	rm -rf $(STATIC_SCRATCH)
