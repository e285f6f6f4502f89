# feedwatch — build, test, install, package.  `sudo make install` sets
# everything up; `make test` runs the tests; `make deb` builds a Debian package
# and `make test-deb` checks it.  All of them install the Debian packages they need.

PREFIX      ?= /usr/local
DESTDIR     ?=
BINDIR      := $(PREFIX)/bin
UNITDIR     ?= /lib/systemd/system
CONFIG      ?= /etc/feedwatch.json
CATALOGDIR  ?= /usr/lib/systemd/catalog
MANDIR      ?= $(PREFIX)/share/man
STATIC_SCRATCH := .build-static
RELEASE_BIN := $(STATIC_SCRATCH)/release/feedwatch

# The man page, generated from the argument parser (`make man`), dated by the
# last commit so that it does not change from one day to the next.
MAN_PAGE    := $(STATIC_SCRATCH)/man/feedwatch.1
MAN_DATE    := $(shell git log -1 --format=%cs 2>/dev/null || date +%F)

# The Debian package (`make deb`): its version is feedwatch's own, from
# Sources/FeedwatchCore/FeedwatchVersion.swift; it is staged in DEB_ROOT.
VERSION     := $(shell sed -n 's/.*static let string = "\(.*\)".*/\1/p' Sources/FeedwatchCore/FeedwatchVersion.swift)
DEB_ARCH    := $(shell dpkg --print-architecture 2>/dev/null)
DEB         := feedwatch_$(VERSION)_$(DEB_ARCH).deb
DEB_BUILD   := $(STATIC_SCRATCH)/deb
DEB_ROOT    := $(DEB_BUILD)/debian/feedwatch
DEB_MAINTAINER ?= feedwatch maintainers <maintainers@users.noreply.r-seed-887280ba.example>
DEB_DATE    := $(shell git log -1 --format=%aD 2>/dev/null || date -R)

# Runtime and build dependencies (Debian names); the tests also need openssl
# (a self-signed TLS server, HMACs), python3 (the README's webhook receiver),
# python3-feedparser (the feed file read as a feed reader reads it) and
# systemd's journald.
DEB_PACKAGES := libcurl4-openssl-dev libsqlite3-dev libpq-dev libsystemd-dev zlib1g-dev systemd curl ca-certificates
TEST_PACKAGES := openssl python3 python3-feedparser
# `make deb` needs dpkg-shlibdeps.
DEB_BUILD_PACKAGES := dpkg-dev
# The real-WordPress tests (docs/real-wordpress.md) start these themselves,
# on loopback, from a temporary directory; their services are never started.
REAL_WORDPRESS_PACKAGES := wordpress mariadb-server php-fpm nginx
# The shared store's tests start their own PostgreSQL servers the same way.
POSTGRESQL_PACKAGES := postgresql

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: completions all deps test-deps deb-deps real-wordpress-deps postgresql-deps test-postgresql install-packages build test-real-wordpress release man install uninstall deb test-deb test-system test test-asan test-tsan journal benchmark scale-benchmark cluster-benchmark history-benchmark fuzz-build fuzz clean

all: build

deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES)"

test-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES) $(TEST_PACKAGES)"

real-wordpress-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(REAL_WORDPRESS_PACKAGES)" NO_SERVICES=1

postgresql-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(POSTGRESQL_PACKAGES)" NO_SERVICES=1

deb-deps:
	@$(MAKE) --no-print-directory install-packages PACKAGES="$(DEB_PACKAGES) $(DEB_BUILD_PACKAGES)"

# Installs what of $(PACKAGES) is missing. With NO_SERVICES=1, a policy-rc.d
# (unless there is one already) keeps their maintainer scripts from starting
# the servers they ship (MariaDB, php-fpm, nginx, apache2) during the install.
install-packages:
	@missing=$$(for p in $(PACKAGES); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -n "$$missing" ]; then \
		echo "installing Debian packages:" $$missing; \
		if [ -n "$(NO_SERVICES)" ] && [ ! -e /usr/sbin/policy-rc.d ]; then \
			printf '#!/bin/sh\n# make install-packages NO_SERVICES=1: no service starts while installing\nexit 101\n' \
				| $(SUDO) tee /usr/sbin/policy-rc.d >/dev/null && $(SUDO) chmod 0755 /usr/sbin/policy-rc.d; \
			trap '$(SUDO) rm -f /usr/sbin/policy-rc.d' EXIT; \
		fi; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	swift build

release: deps
	swift build -c release --static-swift-stdlib --scratch-path $(STATIC_SCRATCH)

# The man page feedwatch.1 (and feedwatch.1.gz) from the current sources, by
# swift-argument-parser's GenerateManual plugin, which builds the whole package
# and then runs `feedwatch --experimental-dump-help`. It builds in debug
# (quicker, and the options are the same) in the release build's scratch
# directory, where debug and release do not disturb each other, and leaves
# `.build` alone. The plugin writes into its own work directory, so it needs no
# --allow-writing-to-package-directory. Read it with `man -l .build-static/man/feedwatch.1`.
man: deps
	swift package --scratch-path $(STATIC_SCRATCH) plugin generate-manual --configuration debug --date $(MAN_DATE)
	install -D -m 0644 $(STATIC_SCRATCH)/plugins/GenerateManual/outputs/feedwatch/feedwatch.1 $(MAN_PAGE)
	gzip -9nc $(MAN_PAGE) > $(MAN_PAGE).gz

# Shell completions, generated by the argument parser from the release
# binary: where bash-completion, zsh and fish look for them, zsh in
# site-functions under /usr/local and in Debian's vendor-completions for the package.
COMPLETIONS := $(STATIC_SCRATCH)/completions
BASH_COMPLETION := share/bash-completion/completions/feedwatch
ZSH_COMPLETION  := share/zsh/site-functions/_feedwatch
ZSH_PACKAGE_COMPLETION := share/zsh/vendor-completions/_feedwatch
FISH_COMPLETION := share/fish/vendor_completions.d/feedwatch.fish

completions: release
	mkdir -p $(COMPLETIONS)
	$(RELEASE_BIN) --generate-completion-script bash > $(COMPLETIONS)/feedwatch.bash
	$(RELEASE_BIN) --generate-completion-script zsh > $(COMPLETIONS)/_feedwatch
	$(RELEASE_BIN) --generate-completion-script fish > $(COMPLETIONS)/feedwatch.fish

# Installs the completions under a prefix ($(1): /usr/local, or the package's
# /usr), zsh's at $(2) within it.
define install-completions
	install -D -m 0644 $(COMPLETIONS)/feedwatch.bash $(1)/$(BASH_COMPLETION)
	install -D -m 0644 $(COMPLETIONS)/_feedwatch $(1)/$(2)
	install -D -m 0644 $(COMPLETIONS)/feedwatch.fish $(1)/$(FISH_COMPLETION)
endef

install: release man completions
	install -D -s -m 0755 $(RELEASE_BIN) $(DESTDIR)$(BINDIR)/feedwatch
	$(call install-completions,$(DESTDIR)$(PREFIX),$(ZSH_COMPLETION))
	install -D -m 0644 systemd/feedwatch.service $(DESTDIR)$(UNITDIR)/feedwatch.service
	install -D -m 0644 systemd/feedwatch.catalog $(DESTDIR)$(CATALOGDIR)/feedwatch.catalog
	install -D -m 0644 $(MAN_PAGE).gz $(DESTDIR)$(MANDIR)/man1/feedwatch.1.gz
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
	rm -f $(DESTDIR)$(MANDIR)/man1/feedwatch.1.gz
	rm -f $(addprefix $(DESTDIR)$(PREFIX)/,$(BASH_COMPLETION) $(ZSH_COMPLETION) $(FISH_COMPLETION))
	-journalctl $(if $(DESTDIR),--root=$(DESTDIR)) --update-catalog
	@echo "kept $(CONFIG) and /var/lib/feedwatch (the history); remove them by hand if you want them gone"

# The Debian package $(DEB), for /usr rather than /usr/local: the
# stripped release binary as /usr/bin/feedwatch; the unit, its ExecStart
# rewritten to /usr/bin; the journal catalog; the man page; bash, zsh and fish
# completions; /etc/feedwatch.json
# as a conffile; the copyright file and maintainer scripts of packaging/deb,
# and a one-entry changelog naming the commit it was built from.
# Depends is what dpkg-shlibdeps finds the binary linked to.
deb: deb-deps release man completions
	@v=$$($(RELEASE_BIN) --version); [ "$$v" = "$(VERSION)" ] || { echo "$(RELEASE_BIN) --version says $$v, FeedwatchVersion.swift $(VERSION)"; exit 1; }
	rm -rf $(DEB_BUILD)
	install -d $(DEB_ROOT)/DEBIAN $(DEB_ROOT)/usr/bin $(DEB_ROOT)/lib/systemd/system $(DEB_ROOT)/usr/lib/systemd/catalog \
		$(DEB_ROOT)/usr/share/man/man1 $(DEB_ROOT)/usr/share/doc/feedwatch $(DEB_ROOT)/etc
	install -s -m 0755 $(RELEASE_BIN) $(DEB_ROOT)/usr/bin/feedwatch
	sed 's|/usr/local/bin/|/usr/bin/|g' systemd/feedwatch.service > $(DEB_ROOT)/lib/systemd/system/feedwatch.service
	@grep -q '^ExecStart=/usr/bin/feedwatch ' $(DEB_ROOT)/lib/systemd/system/feedwatch.service && \
		! grep -n /usr/local $(DEB_ROOT)/lib/systemd/system/feedwatch.service || { echo "the packaged unit must run /usr/bin/feedwatch"; exit 1; }
	install -m 0644 systemd/feedwatch.catalog $(DEB_ROOT)/usr/lib/systemd/catalog/feedwatch.catalog
	install -m 0644 $(MAN_PAGE).gz $(DEB_ROOT)/usr/share/man/man1/feedwatch.1.gz
	$(call install-completions,$(DEB_ROOT)/usr,$(ZSH_PACKAGE_COMPLETION))
	install -m 0644 etc/feedwatch.json $(DEB_ROOT)/etc/feedwatch.json
	install -m 0644 packaging/deb/copyright $(DEB_ROOT)/usr/share/doc/feedwatch/copyright
	printf 'feedwatch (%s) unstable; urgency=medium\n\n  * Built by make deb from %s.\n\n -- %s  %s\n' \
		'$(VERSION)' "$$(git describe --always --dirty 2>/dev/null || echo 'a source tree')" '$(DEB_MAINTAINER)' '$(DEB_DATE)' \
		| gzip -9n > $(DEB_ROOT)/usr/share/doc/feedwatch/changelog.gz
	install -m 0755 packaging/deb/postinst packaging/deb/prerm packaging/deb/postrm $(DEB_ROOT)/DEBIAN/
	echo /etc/feedwatch.json > $(DEB_ROOT)/DEBIAN/conffiles
	cd $(DEB_ROOT) && find . -type f ! -path './DEBIAN/*' ! -path './etc/*' -printf '%P\0' | LC_ALL=C sort -z | xargs -0 md5sum > DEBIAN/md5sums
	touch $(DEB_BUILD)/debian/control  # dpkg-shlibdeps wants a source tree: debian/control, the package in debian/feedwatch
	depends=$$(cd $(DEB_BUILD) && dpkg-shlibdeps -O debian/feedwatch/usr/bin/feedwatch | sed -n 's/^shlibs:Depends=//p'); \
	[ -n "$$depends" ] || { echo "dpkg-shlibdeps found no dependencies"; exit 1; }; \
	sed -e 's|@VERSION@|$(VERSION)|' -e 's|@ARCH@|$(DEB_ARCH)|' -e 's|@MAINTAINER@|$(DEB_MAINTAINER)|' \
		-e "s|@INSTALLED_SIZE@|$$(du -sk --exclude=DEBIAN $(DEB_ROOT) | cut -f1)|" -e "s|@DEPENDS@|$$depends|" \
		packaging/deb/control.in > $(DEB_ROOT)/DEBIAN/control
	chmod 0644 $(DEB_ROOT)/lib/systemd/system/feedwatch.service $(DEB_ROOT)/usr/share/doc/feedwatch/changelog.gz $(DEB_ROOT)/DEBIAN/control $(DEB_ROOT)/DEBIAN/conffiles $(DEB_ROOT)/DEBIAN/md5sums
	find $(DEB_ROOT) -type d -exec chmod 0755 {} +
	dpkg-deb --root-owner-group --build $(DEB_ROOT) $(DEB)
	@dpkg-deb --field $(DEB) Package Version Architecture Depends Installed-Size; ls -l $(DEB)

# Checks the package: contents, Depends, an install into a scratch root with
# its maintainer scripts, the installed binary, remove and purge (.ci/check-deb).
test-deb: deb
	.ci/check-deb $(DEB)

# The system test: the package installed, reloaded, stopped, removed and purged
# under a real systemd, in a systemd-nspawn container with fake WordPress sites
# served from here, one of 5,000 posts rewritten whole under a lowered journald
# rate limit (Tests/System/run.sh; needs root). On a machine that cannot
# boot a container nothing is tested, and that fails too unless ALLOW_NO_CONTAINER=1.
test-system: deb postgresql-deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="systemd-container debootstrap"
	swift build -c release --product fake-farm  # a debug build takes a minute to make 5,000 posts
	@Tests/System/run.sh $(DEB) .build/release/fake-farm; status=$$?; \
	if [ $$status = 2 ] && [ -n "$(ALLOW_NO_CONTAINER)" ]; then \
		echo "ALLOW_NO_CONTAINER is set: carrying on without the system test"; exit 0; \
	fi; exit $$status

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

# Every test, then the behaviour suites again (the engine's, the commands'
# and the real WordPress's) with each engine's or daemon's database on a
# PostgreSQL server of the test's own (TestDatabase); what only SQLite has is
# skipped then.
test: test-deps real-wordpress-deps postgresql-deps journal
	swift build --build-tests
	swift test --skip-build --no-parallel
	FEEDWATCH_TEST_STORE=postgresql swift test --skip-build --no-parallel --filter 'FeedwatchCoreTests|FeedwatchCLITests|RealWordPressTests'

# Only the behaviour suites on PostgreSQL.
test-postgresql: test-deps postgresql-deps journal
	swift build --build-tests
	FEEDWATCH_TEST_STORE=postgresql swift test --skip-build --no-parallel --filter 'FeedwatchCoreTests|FeedwatchCLITests|RealWordPressTests'

# Only the scenarios against a real WordPress (docs/real-wordpress.md).
test-real-wordpress: test-deps real-wordpress-deps journal
	swift build --build-tests
	swift test --skip-build --no-parallel --filter RealWordPressTests

# The same tests under AddressSanitizer (use after free, overflows, leaks of
# C memory) and ThreadSanitizer (data races), each in its own scratch
# directory, so they neither rebuild nor disturb `.build`. Findings and the
# times measured are in docs/sanitizers.md. The feedwatch processes the tests
# start inherit the environment: Swift's crash backtracer is off because it
# reads memory the sanitizers guard (the crash tests abort on purpose).
SANITIZER_ENV := SWIFT_BACKTRACE=enable=no
test-asan: test-deps real-wordpress-deps postgresql-deps journal
	swift build --build-tests --sanitize=address --scratch-path .build-asan
	Tests/Sanitizers/run-asan.sh

test-tsan: test-deps real-wordpress-deps postgresql-deps journal
	swift build --build-tests --sanitize=thread --scratch-path .build-tsan
	$(SANITIZER_ENV) swift test --skip-build --no-parallel --sanitize=thread --scratch-path .build-tsan

# The sync benchmark: a farm of fake WordPress sites on loopback (its own
# process), synced by the real engine; prints the figures of docs/benchmarks.md.
SITES ?= 1000
POSTS ?= 100
benchmark: deps
	swift build -c release --product fake-farm
	swift build -c release --product sync-benchmark
	.build/release/sync-benchmark $(SITES) $(POSTS)

# The scale benchmark: nginx (Debian's package) serving SITES WordPress-shaped
# sites on loopback, and the release daemon through its first cycle and one
# quiet interval, over http and then https with a test CA as each site's
# caFile, then http with every name looked up through a DNS server on loopback
# (dns: dnsmasq, and root for a private resolv.conf), then sites that fail
# (refused: nothing listens; broken: HTTP 500) for one interval; prints the
# figures of docs/benchmarks.md. SCALE_SCHEMES=http runs one of them.
SCALE_SCHEMES ?= http,https,dns,refused,broken
SCALE_INTERVAL ?= 300
scale-benchmark: deps journal
	@$(MAKE) --no-print-directory install-packages PACKAGES="nginx openssl dnsmasq-base" NO_SERVICES=1
	swift build -c release --product feedwatch
	swift build -c release --product scale-benchmark
	.build/release/scale-benchmark $(SITES) $(SCALE_SCHEMES) $(SCALE_INTERVAL)

# The cluster benchmark: 1, 2 and 3 daemons sharing one PostgreSQL (a server of
# its own in a temp dir) against nginx serving CLUSTER_SITES sites, beside one
# daemon on SQLite; prints the figures of docs/benchmarks.md.
CLUSTER_SITES ?= 2000
CLUSTER_INTERVAL ?= 20
cluster-benchmark: deps journal postgresql-deps
	@$(MAKE) --no-print-directory install-packages PACKAGES="nginx openssl" NO_SERVICES=1
	swift build -c release --product feedwatch
	swift build -c release --product cluster-benchmark
	.build/release/cluster-benchmark $(CLUSTER_SITES) $(CLUSTER_INTERVAL)

# The history benchmark: storing posts of the fixture's size, revisions, and
# `history`/`diff` on a post with many versions; prints the figures of docs/benchmarks.md.
INGEST ?= 100000
REVISIONS ?= 10000
VERSIONS ?= 1000
history-benchmark: deps
	swift build -c release --product feedwatch
	swift build -c release --product history-benchmark
	.build/release/history-benchmark $(INGEST) $(REVISIONS) $(VERSIONS)

# The libFuzzer targets of Fuzz/Targets (docs/fuzzing.md), built with libFuzzer
# and AddressSanitizer in their own scratch directory; FEEDWATCH_FUZZ makes
# Package.swift declare them. `make fuzz` runs each for FUZZ_SECONDS on a copy
# of its seed corpus (Fuzz/fuzz.sh) and fails if any crashes.
# SwiftPM passes `--sanitize=fuzzer --sanitize=address` to swiftc as two
# options, of which swiftc keeps the last: the Swift code would get no coverage
# counters and libFuzzer would fuzz blind. `-Xswiftc -sanitize=fuzzer,address`
# comes last and asks for both; the --sanitize options still serve C targets.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := config post-page normalizer readable-text line-diff retry-after link-header
FUZZ_SCRATCH := .build-fuzz
FUZZ_BUILD := swift build -c debug --scratch-path $(FUZZ_SCRATCH) \
	--sanitize=fuzzer --sanitize=address -Xswiftc -sanitize=fuzzer,address
fuzz-build: deps
	@for target in $(FUZZ_TARGETS); do \
		FEEDWATCH_FUZZ=1 $(FUZZ_BUILD) --product fuzz-$$target || exit 1; \
	done

fuzz: fuzz-build
	Fuzz/fuzz.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

clean:
	swift package clean
	rm -rf $(STATIC_SCRATCH) .build-system .build-asan .build-tsan $(FUZZ_SCRATCH)
	rm -f feedwatch_*.deb
