#!/usr/bin/env bash
# Builds vspd release-v1.4.0 for the side-by-side part of bench/vsp.bench.ts, plus a small seeding
# tool that writes tickets into a new vspd database through vspd's own database package. Goes into
# a cache outside the repository; an existing build is reused. Prints notes on stderr and, as the
# last line of stdout, the directory holding `vspd`, `bench-seed` and `src` (vspd's source tree,
# which vspd must run in: it loads its templates and static files relative to the working dir).
#
#   scripts/bench-vspd.sh              build what is missing
#   STAKEPOOL_VSPD_CACHE=/path ...     use another cache root
#   STAKEPOOL_VSPD_MIRROR=/git/dir     a local git mirror of decred/vspd to take the source from
#
# Why not `go install github.com/decred/vspd/cmd/vspd@release-v1.4.0`: the go command resolves a
# branch name by listing versions, and the reachable module proxy refuses list requests. The
# release commit's pseudo-version is tried next; where the proxy does not serve it either, the
# source comes from a local git mirror of the repository. release-v1.4.0 requires
# decred.org/dcrwallet/v5 v5.0.0; where the proxy refuses that version the build retries with
# v5.1.1 (the version dcrwallet's own pin uses), which vspd's master branch requires too.
set -euo pipefail

VERSION=release-v1.4.0
COMMIT=d190a83b6f8a4fac0314ba9cad0f348c7c84ad51
PSEUDO=v0.0.0-20251127093527-d190a83b6f8a
MODULE=github.com/decred/vspd
CACHE_ROOT="${STAKEPOOL_VSPD_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/stakepool/vspd}"
MIRROR="${STAKEPOOL_VSPD_MIRROR:-/work/.mirror/decred+vspd/repo}"
DIR="$CACHE_ROOT/vspd-$VERSION"

NOTES=()
note() { echo "bench-vspd: $*" >&2; }
# A note that is also kept with the build and repeated whenever the build is reused.
keep() {
  note "$*"
  NOTES+=("$*")
}

if [[ -x "$DIR/vspd" && -x "$DIR/bench-seed" && -d "$DIR/src/internal/webapi/templates" ]]; then
  note "vspd $VERSION already built ($DIR)"
  if [[ -s "$DIR/BUILD-NOTES" ]]; then sed 's/^/bench-vspd: (build) /' "$DIR/BUILD-NOTES" >&2; fi
  echo "$DIR"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  note "Go is not installed (need Go >= 1.24 on PATH to build vspd)"
  exit 1
fi

start=$(date +%s)
work="$CACHE_ROOT/build-$VERSION"
rm -rf "$work" && mkdir -p "$work/src"

# 1. The source: the module proxy's zip of the release commit, else the local mirror.
if modjson=$(cd "$work" && GOFLAGS=-mod=mod go mod download -json "$MODULE@$PSEUDO" 2>/dev/null) &&
  moddir=$(sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p' <<<"$modjson") && [[ -d "$moddir" ]]; then
  keep "source from the module proxy ($MODULE@$PSEUDO)"
  cp -R "$moddir/." "$work/src/"
  chmod -R u+w "$work/src"
elif git --git-dir="$MIRROR" rev-parse --verify --quiet "$COMMIT^{commit}" >/dev/null 2>&1; then
  keep "the module proxy does not serve $MODULE@$PSEUDO; source from the git mirror $MIRROR ($COMMIT)"
  git --git-dir="$MIRROR" archive "$COMMIT" | tar -x -C "$work/src"
else
  note "cannot get the vspd source: the module proxy refuses $MODULE@$PSEUDO and there is no git mirror holding $COMMIT at $MIRROR"
  exit 1
fi

# 2. The seeding tool, inside vspd's module so it uses vspd's database package as vspd does.
mkdir -p "$work/src/cmd/stakepool-bench-seed"
cat >"$work/src/cmd/stakepool-bench-seed/main.go" <<'EOF'
// Creates a vspd database and inserts tickets into it with vspd's own database package.
// Usage: bench-seed <input.json>, input {"dbFile": ..., "feeXPub": ..., "tickets": [Ticket...]}.
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/decred/slog"
	"github.com/decred/vspd/database"
)

type input struct {
	DBFile  string            `json:"dbFile"`
	FeeXPub string            `json:"feeXPub"`
	Tickets []database.Ticket `json:"tickets"`
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "bench-seed:", err)
	os.Exit(1)
}

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bench-seed <input.json>")
		os.Exit(2)
	}
	raw, err := os.ReadFile(os.Args[1])
	if err != nil {
		fail(err)
	}
	var in input
	if err := json.Unmarshal(raw, &in); err != nil {
		fail(err)
	}
	if err := os.MkdirAll(filepath.Dir(in.DBFile), 0o700); err != nil {
		fail(err)
	}
	if err := database.CreateNew(in.DBFile, in.FeeXPub); err != nil {
		fail(err)
	}
	db, err := database.Open(in.DBFile, slog.Disabled, 10)
	if err != nil {
		fail(err)
	}
	for _, t := range in.Tickets {
		if err := db.InsertNewTicket(t); err != nil {
			fail(err)
		}
	}
	db.Close(false)
	fmt.Println(len(in.Tickets))
}
EOF

cp "$work/src/go.mod" "$work/src/go.mod.orig"

# 3. Build, retrying with dcrwallet/v5 v5.1.1 if the pinned v5.0.0 is not served.
build() {
  (cd "$work/src" && GOFLAGS=-mod=mod go build -trimpath -o "$work/vspd" ./cmd/vspd &&
    GOFLAGS=-mod=mod go build -trimpath -o "$work/bench-seed" ./cmd/stakepool-bench-seed) 2>"$work/build.log"
}
if ! build; then
  if grep -q 'decred.org/dcrwallet/v5@v5.0.0' "$work/build.log"; then
    keep "the module proxy refuses decred.org/dcrwallet/v5@v5.0.0 (vspd $VERSION's pin); building with v5.1.1"
    (cd "$work/src" && go mod edit -require=decred.org/dcrwallet/v5@v5.1.1)
    if ! build; then
      cat "$work/build.log" >&2
      note "building vspd $VERSION failed (GOPROXY=$(go env GOPROXY))"
      exit 1
    fi
  else
    cat "$work/build.log" >&2
    note "building vspd $VERSION failed (GOPROXY=$(go env GOPROXY))"
    exit 1
  fi
fi
if [[ -f "$work/src/go.mod.orig" ]] && ! cmp -s "$work/src/go.mod.orig" "$work/src/go.mod"; then
  changed=$({ diff "$work/src/go.mod.orig" "$work/src/go.mod" || true; } | sed -n 's/^> [[:space:]]*//p' | tr '\n' ',' | sed 's/,$//')
  keep "go.mod requirements changed by the build: $changed"
fi

rm -rf "$DIR" && mkdir -p "$DIR"
mv "$work/vspd" "$work/bench-seed" "$DIR/"
printf '%s\n' "${NOTES[@]}" >"$DIR/BUILD-NOTES"
mv "$work/src" "$DIR/src"
rm -rf "$work"
note "vspd $VERSION built in $(($(date +%s) - start))s -> $DIR ($("$DIR/vspd" --version))"
echo "$DIR"
