#!/usr/bin/env bash
# Installs Debian's Chromium at /usr/bin/chromium for the browser tests (test/browser), which drive
# it through playwright-core. Playwright's own browser downloads are never used: they come from a
# host outside the package registries this project can reach, so only Debian's build is trusted.
#
#   scripts/install-chromium.sh        install Chromium if /usr/bin/chromium is missing
#
# Idempotent: when the binary is there it only says so; otherwise it runs apt-get update once,
# then apt-get install. Needs root (or sudo) for apt-get.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [[ -x "$CHROMIUM" ]]; then
  echo "install-chromium: already installed: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-chromium: $CHROMIUM is missing and apt-get is not available; install Debian's chromium package by hand" >&2
  exit 1
fi

SUDO=()
if [[ "$(id -u)" -ne 0 ]]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO=(sudo)
  else
    echo "install-chromium: $CHROMIUM is missing and installing it needs root (run as root or install sudo)" >&2
    exit 1
  fi
fi

start=$(date +%s)
echo "install-chromium: $CHROMIUM is missing; running apt-get update..."
if ! "${SUDO[@]}" apt-get update -q; then
  echo "install-chromium: apt-get update failed (is the Debian package mirror reachable?)" >&2
  exit 1
fi
# Recommends would add printer setup, a notification daemon and upower, none of which a headless
# browser uses; the one recommended package that matters is a font, so pages (and the screenshots
# in docs/screenshots) render with real glyphs on a bare machine.
echo "install-chromium: installing Debian's chromium and fonts-liberation packages..."
if ! DEBIAN_FRONTEND=noninteractive "${SUDO[@]}" apt-get install -y -q --no-install-recommends chromium fonts-liberation; then
  echo "install-chromium: apt-get install chromium failed" >&2
  exit 1
fi
if [[ ! -x "$CHROMIUM" ]]; then
  echo "install-chromium: the chromium package installed, but $CHROMIUM is still missing" >&2
  exit 1
fi
echo "install-chromium: installed $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM") in $(($(date +%s) - start))s"
