#!/usr/bin/env bash
# What a newcomer meets, run as one: a clean clone of this repository, the README's Quick start
# commands, `npm pack`, then a fresh app in a temporary folder outside the repository that
# installs the tarball with the README's own install commands, copies examples/multi-cloud as it
# is, and synthesizes it with cdktf-cli. Also checks what the installed package promises: the
# LICENSE, the docs `cast-drift --help` names, no source maps.
#
# The commands are read from README.md, not copied here, so the README cannot drift from them.
#
# Usage: scripts/newcomer-check.sh [REPO]   (REPO: a path or URL to clone; default: this checkout's HEAD)
#   NEWCOMER_SKIP_TESTS=1  leave `npm test` out of the Quick start (CI runs the suite on its own)
#   NEWCOMER_KEEP=1        keep the temporary folder and print its path
# Needs network access to the npm registry (the app installs cdktf and the provider bindings).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
repo="${1:-$here}"
work="$(mktemp -d "${TMPDIR:-/tmp}/cast-newcomer.XXXXXX")"
cleanup() { if [ "${NEWCOMER_KEEP:-}" = 1 ]; then echo "kept: $work"; else rm -rf "$work"; fi; }
trap cleanup EXIT
export CHECKPOINT_DISABLE=1 # cdktf-cli's version check, which prints an error offline
export npm_config_fund=false npm_config_audit=false npm_config_update_notifier=false

step() { printf '\n== %s\n' "$*"; }
fail() { echo "newcomer check failed: $*" >&2; exit 1; }

# The first ```sh block after a README heading, its comments dropped.
readme_block() {
  awk -v heading="$1" '
    $0 == heading { found = 1; next }
    found && /^```sh$/ { inside = 1; next }
    inside && /^```$/ { exit }
    inside { print }
  ' "$work/clone/README.md" | sed -e 's/[[:space:]]*#.*$//' -e '/^[[:space:]]*$/d'
}

step "clean clone of $repo"
git clone --quiet "$repo" "$work/clone"
cd "$work/clone"
git log -1 --format='%h %s' | cut -c1-100

step "README, Quick start"
quick_start="$(readme_block '## Quick start')"
[ -n "$quick_start" ] || fail "README.md has no sh block under '## Quick start'"
while IFS= read -r line; do
  if [ "${NEWCOMER_SKIP_TESTS:-}" = 1 ] && [ "$line" = "npm test" ]; then echo "(skipped: $line)"; continue; fi
  echo "\$ $line"
  bash -c "$line"
done <<<"$quick_start"
[ -f cdktf.out/stacks/multi-cloud/cdk.tf.json ] || fail "the Quick start did not synthesize cdktf.out/stacks/multi-cloud"

step "npm pack"
tarball="$work/clone/$(npm pack --silent | tail -1)"
[ -f "$tarball" ] || fail "npm pack made no tarball"
echo "$(wc -c <"$tarball") bytes: $tarball"

step "a fresh app outside the repository, installed as the README says"
app="$work/app"
mkdir -p "$app"
cd "$app"
npm init -y >/dev/null
install="$(readme_block '## Use it in your CDKTF app' | sed -e ':a' -e '/\\$/N; s/\\\n//; ta')"
[ -n "$install" ] || fail "README.md has no install block under '## Use it in your CDKTF app'"
while IFS= read -r line; do
  line="${line//\/path\/to\/$(basename "$tarball")/$tarball}"
  echo "\$ $line"
  bash -c "$line"
done <<<"$install"
cp "$work/clone/examples/multi-cloud/app.ts" "$work/clone/examples/multi-cloud/main.ts" "$work/clone/examples/multi-cloud/cdktf.json" .
grep -q "from 'cdktf-cast-cluster'" app.ts || fail "examples/multi-cloud/app.ts does not import the package by name"

step "cdktf synth"
npx cdktf synth
stack=cdktf.out/stacks/multi-cloud/cdk.tf.json
[ -f "$stack" ] || fail "cdktf synth wrote no $stack"
node -e 'const s = require(process.argv[1]); if (!s.resource || !s.resource.aws_instance) process.exit(1);' "$app/$stack" || fail "$stack has no aws_instance"
# The packed JavaScript synthesizes what the sources did in the clone, but for the local state's
# path (cdktf writes the folder synth ran in).
node -e '
  const [a, b] = process.argv.slice(1).map((file) => { const s = require(file); delete s.terraform.backend; return JSON.stringify(s); });
  process.exit(a === b ? 0 : 1);' "$app/$stack" "$work/clone/$stack" || fail "the app's $stack differs from the one the clone synthesized"

step "what the installed package promises"
pkg="$app/node_modules/cdktf-cast-cluster"
cmp -s "$pkg/LICENSE" "$work/clone/LICENSE" || fail "the package has no LICENSE, or another one"
named="$(npx cast-drift --help | sed -n 's/^Documentation: //p')"
[ "$named" = "$(cd "$pkg" && pwd -P)/docs/drift.md" ] || [ "$named" = "$pkg/docs/drift.md" ] || fail "cast-drift --help names $named, not the installed docs/drift.md"
[ -f "$named" ] || fail "cast-drift --help names $named, which does not exist"
if grep -rl 'sourceMappingURL' "$pkg/dist" --include='*.js' >/dev/null; then fail "the package's JavaScript carries source maps"; fi
echo "LICENSE, $named, no source maps"

step "newcomer check passed"
