#!/usr/bin/env bash
# Installs the pinned Decred binaries that stakepool's simnet harness and end-to-end tests run:
# dcrd 2.1.6, dcrwallet 2.1.x and dcrwallet 2.0.6 (the last wallet that can still buy legacy
# stake-pool tickets). Each goes into its own versioned directory in a cache outside the
# repository; a binary already present at the right version is not rebuilt.
#
#   scripts/install-decred.sh          install what is missing
#   STAKEPOOL_DECRED_CACHE=/path ...   use another cache root
#
# Why not plain `go install module@version`: for that form the go command also asks the module
# proxy for the module's version list (to print deprecation notices), and the proxy this project
# can reach refuses list requests. Building the package from a throw-away module that requires the
# pinned version needs only the version's own files, and yields the same binary.
#
# dcrctl is not installed: its 2.1.6 release has no semver tag, and the pseudo-version for that
# commit is not served by the reachable proxy. stakepool talks to dcrd and dcrwallet through its
# own RPC client (src/rpc), and `stakepool simnet` covers what the harness needs by hand.
set -euo pipefail

CACHE_ROOT="${STAKEPOOL_DECRED_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stakepool/decred}"

# binary name | module | version | package to build (main)
PINS=(
  "dcrd|github.com/decred/dcrd|v1.10.8|github.com/decred/dcrd"
  "dcrwallet|decred.org/dcrwallet/v5|v5.1.1|decred.org/dcrwallet/v5"
  "dcrwallet|decred.org/dcrwallet/v4|v4.3.1|decred.org/dcrwallet/v4"
)

if ! command -v go >/dev/null 2>&1; then
  echo "install-decred: Go is not installed (need Go >= 1.24 on PATH to build dcrd/dcrwallet)" >&2
  exit 1
fi

for pin in "${PINS[@]}"; do
  IFS='|' read -r name module version pkg <<<"$pin"
  dir="$CACHE_ROOT/$name-$version"
  bin="$dir/$name"
  if [[ -x "$bin" ]]; then
    echo "install-decred: $module@$version already installed ($bin)"
    continue
  fi
  echo "install-decred: building $module@$version (first time only; a minute or more)..."
  start=$(date +%s)
  work="$CACHE_ROOT/build/$(basename "$dir")"
  rm -rf "$work" && mkdir -p "$work"
  printf 'module stakepool.local/build\n\ngo 1.24\n\nrequire %s %s\n' "$module" "$version" >"$work/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "%s"\n' "$pkg" >"$work/tools.go"
  if ! (cd "$work" && GOFLAGS=-mod=mod go build -trimpath -o "$work/$name" "$pkg"); then
    echo "install-decred: building $module@$version failed (is the Go module proxy reachable? GOPROXY=$(go env GOPROXY))" >&2
    exit 1
  fi
  mkdir -p "$dir" && mv "$work/$name" "$bin" && rm -rf "$work"
  echo "install-decred: $module@$version built in $(($(date +%s) - start))s -> $bin"
done
