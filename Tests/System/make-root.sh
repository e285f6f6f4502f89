#!/bin/bash
# make-root.sh DIR — a minimal Debian bookworm tree that boots with
# `systemd-nspawn -b`: systemd, and the libraries feedwatch's package depends on.
# Needs root, debootstrap, and a Debian mirror (MIRROR=…, default deb.debian.org).
set -euo pipefail
DIR=${1:?usage: make-root.sh DIR}
MIRROR=${MIRROR:-http://deb.debian.org/debian}
[ -e "$DIR" ] && { echo "$DIR exists" >&2; exit 1; }
rm -rf "$DIR.partial"
# procps: /bin/kill, which the unit's ExecReload runs (not in minbase).
debootstrap --variant=minbase \
  --include=systemd,systemd-sysv,dbus,procps,libcurl4,libsqlite3-0,libpq5,libsystemd0,ca-certificates \
  bookworm "$DIR.partial" "$MIRROR"
# Smaller, and nothing host-specific: no package cache or lists, no journal, no
# hostname from the build host; an empty machine-id is filled in at each boot.
rm -rf "$DIR.partial"/var/cache/apt/*.bin "$DIR.partial"/var/cache/apt/archives/*.deb \
  "$DIR.partial"/var/lib/apt/lists/* "$DIR.partial"/var/log/journal/*
echo feedwatch-test > "$DIR.partial/etc/hostname"
: > "$DIR.partial/etc/machine-id"
# Nothing on the console that waits for a login; no timers that start apt at boot.
ln -sf /dev/null "$DIR.partial/etc/systemd/system/console-getty.service"
for t in apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer; do
    ln -sf /dev/null "$DIR.partial/etc/systemd/system/$t"
done
# Only a complete tree gets the name: an interrupted run starts again.
mv "$DIR.partial" "$DIR"
du -sh "$DIR"
