#!/usr/bin/env bash
# Whole-repository scan benchmark.
#
# Assembles a corpus of real backend code from the package registries
# (Django, SQLAlchemy and FastAPI from PyPI; express, typeorm and
# @nestjs/core from npm; tokio, axum, sqlx and actix-web from crates.io),
# then times `redflag check` over it and ripgrep reading the same files, and
# prints files/s, MB/s, the ratio to rg and redflag's peak memory.
#
#   benches/scan.sh            # corpus in benches/corpus (git-ignored)
#   CORPUS=/path benches/scan.sh
#   benches/scan.sh --secrets  # secrets only: redflag --select RF-6 side by
#                              # side with ripsecrets and detect-secrets
#
# Needs: cargo, pip, npm, rg; hyperfine is used when present, otherwise a
# plain loop of /usr/bin/time runs. The secrets mode also needs ripsecrets
# (`cargo install ripsecrets`) and detect-secrets (`pip install
# detect-secrets`).
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CORPUS="${CORPUS:-$ROOT/benches/corpus}"
RUNS="${RUNS:-5}"
MODE="all"
if [ "${1:-}" = "--secrets" ]; then MODE="secrets"; fi

need() { command -v "$1" >/dev/null 2>&1 || { echo "scan.sh: $1 is required" >&2; exit 2; }; }
need cargo; need pip; need npm; need rg

assemble() {
  local work; work="$(mktemp -d)"
  mkdir -p "$CORPUS/python" "$CORPUS/node" "$CORPUS/rust"

  echo "corpus: PyPI sources" >&2
  pip download --quiet --no-deps --no-binary :all: -d "$work/pypi" Django SQLAlchemy fastapi
  for archive in "$work"/pypi/*.tar.gz; do tar -xzf "$archive" -C "$CORPUS/python"; done

  echo "corpus: npm packages" >&2
  (cd "$work" && npm pack --silent express typeorm @nestjs/core >/dev/null)
  for archive in "$work"/*.tgz; do
    name="$(basename "$archive" .tgz)"
    mkdir -p "$CORPUS/node/$name"
    tar -xzf "$archive" -C "$CORPUS/node/$name"
  done

  echo "corpus: crates" >&2
  mkdir -p "$work/crates/src"
  cat > "$work/crates/Cargo.toml" <<'TOML'
[package]
name = "corpus"
version = "0.0.0"
edition = "2021"
[dependencies]
tokio = "1"
axum = "0.8"
sqlx = { version = "0.8", default-features = false, features = ["postgres", "macros", "migrate"] }
actix-web = { version = "4", default-features = false }
TOML
  echo "fn main() {}" > "$work/crates/src/main.rs"
  (cd "$work/crates" && cargo vendor --quiet "$work/vendor" >/dev/null)
  for dir in "$work"/vendor/*; do
    case "$(basename "$dir")" in
      tokio-*|tokio|axum*|sqlx*|actix*|hyper*|tower*|h2*|http*) cp -r "$dir" "$CORPUS/rust/" ;;
    esac
  done
  rm -rf "$work"
}

if [ ! -d "$CORPUS" ] || [ -z "$(ls -A "$CORPUS" 2>/dev/null)" ]; then
  assemble
fi

echo "build: cargo build --release" >&2
(cd "$ROOT" && cargo build --release --quiet)
REDFLAG="$ROOT/target/release/redflag"

# redflag runs from inside the corpus, as a user runs it at the root of
# their repository: paths then read `python/django-…/…`, not
# `benches/corpus/…`, which would make every file benchmark code (outside
# the services, skipped by the rules that skip tests).
# What redflag reads: files scanned and their bytes, from its own report.
report="$(mktemp)"
(cd "$CORPUS" && "$REDFLAG" check . --output-format json --exit-zero -o "$report" --verbose 2>"$report.log") || true
files="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["filesScanned"])' "$report")"
findings="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$report")"
skipped="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["summary"]["filesSkipped"])' "$report")"
bytes="$(rg --files "$CORPUS" | tr '\n' '\0' | du -cb --files0-from=- | tail -1 | cut -f1)"
internal_errors="$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["summary"]["errors"]))' "$report")"

redflag_cmd="cd $CORPUS && $REDFLAG check . --output-format json --exit-zero -o /dev/null"
# rg reads every file it would search: a pattern that never matches forces
# a full read of each file.
rg_cmd="rg --count --no-messages ZZZ_redflag_never_matches_ZZZ $CORPUS"

time_of() {
  # Median wall time in seconds of $RUNS runs.
  if command -v hyperfine >/dev/null 2>&1; then
    local out; out="$(mktemp)"
    hyperfine --style none --warmup 1 --runs "$RUNS" --ignore-failure --export-json "$out" "$1" >/dev/null
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$out"
  else
    local times=()
    for _ in $(seq "$RUNS"); do
      local start end; start="$(date +%s.%N)"; (eval "$1") >/dev/null 2>&1 || true; end="$(date +%s.%N)"
      times+=("$(echo "$end - $start" | bc -l)")
    done
    printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p"
  fi
}

if [ "$MODE" = "secrets" ]; then
  need ripsecrets; need detect-secrets
  count_findings() { python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["findings"]))' "$1"; }
  out="$(mktemp)"
  (cd "$CORPUS" && "$REDFLAG" check . --select RF-6 --output-format json --exit-zero -o "$out")
  redflag_found="$(count_findings "$out")"
  ripsecrets_found="$(ripsecrets "$CORPUS" 2>/dev/null | grep -c . || true)"
  secrets_cmd="cd $CORPUS && $REDFLAG check . --select RF-6 --output-format json --exit-zero -o /dev/null"
  ripsecrets_cmd="ripsecrets $CORPUS"
  # detect-secrets is slow: one run.
  ds_start="$(date +%s.%N)"
  detect-secrets scan --all-files "$CORPUS" > "$out" 2>/dev/null || true
  ds_end="$(date +%s.%N)"
  ds_s="$(echo "$ds_end - $ds_start" | bc -l)"
  ds_found="$(python3 -c 'import json,sys; print(sum(len(v) for v in json.load(open(sys.argv[1]))["results"].values()))' "$out")"
  secrets_s="$(time_of "$secrets_cmd")"
  ripsecrets_s="$(time_of "$ripsecrets_cmd")"
  peak_kb="$(/usr/bin/time -f '%M' bash -c "$secrets_cmd" 2>&1 >/dev/null | tail -1)"
  rm -f "$out"
  python3 - "$files" "$bytes" "$secrets_s" "$ripsecrets_s" "$ds_s" "$peak_kb" "$redflag_found" "$ripsecrets_found" "$ds_found" "$(nproc)" <<'PY'
import sys
files, size, redflag, rip, ds, peak_kb, found, rip_found, ds_found, cores = sys.argv[1:]
files, size, redflag, rip, ds = int(files), int(size), float(redflag), float(rip), float(ds)
mb = size / 1e6
print(f"corpus:         {files} files scanned, {mb:.1f} MB in the walked tree, {cores} cores")
print(f"redflag RF-6:   {redflag * 1000:.0f} ms  {mb / redflag:.1f} MB/s  peak RSS {int(peak_kb) / 1024:.0f} MiB  ({found} findings)")
print(f"ripsecrets:     {rip * 1000:.0f} ms  {mb / rip:.1f} MB/s  ({rip_found} lines reported)")
print(f"detect-secrets: {ds * 1000:.0f} ms  {mb / ds:.1f} MB/s  ({ds_found} findings, one run)")
print(f"ratio:          redflag --select RF-6 takes {redflag / rip:.2f}x the time of ripsecrets")
PY
  rm -f "$report" "$report.log"
  exit 0
fi

redflag_s="$(time_of "$redflag_cmd")"
rg_s="$(time_of "$rg_cmd")"
peak_kb="$(/usr/bin/time -f '%M' bash -c "$redflag_cmd" 2>&1 >/dev/null | tail -1)"

python3 - "$files" "$bytes" "$redflag_s" "$rg_s" "$peak_kb" "$findings" "$skipped" "$internal_errors" "$(nproc)" <<'PY'
import sys
files, size, redflag, rg, peak_kb, findings, skipped, errors, cores = sys.argv[1:]
files, size, redflag, rg = int(files), int(size), float(redflag), float(rg)
mb = size / 1e6
print(f"corpus:   {files} files scanned ({skipped} skipped), {mb:.1f} MB in the walked tree, {cores} cores")
print(f"redflag:  {redflag * 1000:.0f} ms  {files / redflag:,.0f} files/s  {mb / redflag:.1f} MB/s  peak RSS {int(peak_kb) / 1024:.0f} MiB  ({findings} findings, {errors} internal errors)")
print(f"rg:       {rg * 1000:.0f} ms  {files / rg:,.0f} files/s  {mb / rg:.1f} MB/s")
print(f"ratio:    redflag takes {redflag / rg:.1f}x the time of rg reading the same files")
PY
rm -f "$report" "$report.log"
