#!/usr/bin/env bash
# Proves the two packages built from lib/ give the same cluster: builds cdktf-cast-cluster (npm pack,
# whose prepack runs the jsii build) and cdktn-cast-cluster (npm run build:cdktn, then npm pack of
# dist-cdktn/), installs each into a fresh app in a temporary folder outside the repository with the
# install commands the README gives, synthesizes the multi-cloud example there with each one's CLI
# (cdktf synth, cdktn synth; without network when `unshare -n` is available), then checks that both
# stacks pass the schema conformance check and are the same Terraform JSON except for the
# toolchain's own fields (scripts/build-cdktn/compare-stacks.ts prints each one). examples/app
# (with its in-cluster stack: Helm and Kubernetes, and the middleware) is synthesized and compared the
# same way. Then Terraform applies every stack of both apps with the stand-in providers and re-plans
# it to no changes (test/terraform/converge-synthesized.ts).
# Prints build times and packed sizes. Needs the npm registry (or a warm npm cache) for the two
# installs, as a user's app does; nothing else.
#
# Usage: bash scripts/cdktn-check.sh    (npm run check:cdktn; KEEP=1 keeps the temporary folder)
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
work="$(mktemp -d "${TMPDIR:-/tmp}/cdktn-check.XXXXXX")"
if [[ "${KEEP:-}" == 1 ]]; then echo "cdktn-check: keeping $work"; else trap 'rm -rf "$work"' EXIT; fi
# cdktf-cli and cdktn-cli otherwise ask checkpoint-api.hashicorp.com for a newer version.
export CHECKPOINT_DISABLE=1
cd "$repo"

step() { printf '\ncdktn-check: %s\n' "$*"; }
fail() { printf 'cdktn-check: FAILED: %s\n' "$*" >&2; exit 1; }
seconds_since() { echo "$(( ($(date +%s%N) - $1) / 1000000 ))" | awk '{ printf "%.1f", $1 / 1000 }'; }

# The install commands of a README section: its first ```sh block, continuation lines joined.
readme_install() {
  awk -v heading="$1" '
    $0 == heading { inside = 1; next }
    inside && /^## / { exit }
    inside && /^```sh$/ { block = 1; next }
    block && /^```$/ { exit }
    block { print }
  ' README.md | sed -e ':a' -e '/\\$/N; s/\\\n//; ta'
}

step "examples/cdktn is examples/multi-cloud with cdktn imports"
diff <(sed -e "s/from 'cdktf';/from 'cdktn';/" -e "s/from 'cdktf-cast-cluster';/from 'cdktn-cast-cluster';/" examples/multi-cloud/app.ts | sed -n '/^import /,$p') \
     <(sed -n '/^import /,$p' examples/cdktn/multi-cloud.ts) || fail "examples/cdktn/multi-cloud.ts differs from examples/multi-cloud/app.ts in more than its imports"
diff <(sed -e "s/from 'cdktf';/from 'cdktn';/" -e "s#from './app';#from './multi-cloud';#" examples/multi-cloud/main.ts) examples/cdktn/main.ts \
  || fail "examples/cdktn/main.ts differs from examples/multi-cloud/main.ts in more than its imports"

step "build and pack cdktf-cast-cluster (npm pack: prepack runs the jsii build)"
start=$(date +%s%N)
npm pack --pack-destination "$work" --json --loglevel=error > "$work/cdktf-pack.json"
declare -A build_seconds
build_seconds[cdktf]=$(seconds_since "$start")
step "build and pack cdktn-cast-cluster (npm run build:cdktn, npm pack dist-cdktn)"
start=$(date +%s%N)
npm run --silent build:cdktn
build_seconds[cdktn]=$(seconds_since "$start")
npm pack ./dist-cdktn --pack-destination "$work" --json --loglevel=error > "$work/cdktn-pack.json"

# name, file, size, unpackedSize, entryCount of each tarball
# (npm pack --json prints the prepack's output first: the JSON is the last part, from a line "[".)
pack_json() { node -e "const s=require('fs').readFileSync(process.argv[1],'utf8'); console.log(JSON.stringify(JSON.parse(s.slice(s.startsWith('[') ? 0 : s.lastIndexOf('\\n[') + 1))[0]))" "$1"; }
pack_json "$work/cdktf-pack.json" > "$work/cdktf-pack.tmp" && mv "$work/cdktf-pack.tmp" "$work/cdktf-pack.json"
pack_json "$work/cdktn-pack.json" > "$work/cdktn-pack.tmp" && mv "$work/cdktn-pack.tmp" "$work/cdktn-pack.json"
pack_field() { node -e "console.log(require(process.argv[1])[process.argv[2]])" "$1" "$2"; }
cdktf_tgz="$work/$(pack_field "$work/cdktf-pack.json" filename)"
cdktn_tgz="$work/$(pack_field "$work/cdktn-pack.json" filename)"

offline=()
if unshare -n true 2>/dev/null; then offline=(unshare -n); fi

# $1 flavour, $2 README heading, $3 tarball, $4 example folder, $5 example files, $6 CLI
make_app() {
  local flavour="$1" heading="$2" tgz="$3" example="$4" files="$5" cli="$6" app="$work/$1-app"
  step "$flavour: fresh app in $app, installed as the README's \"${heading#\#\# }\" says"
  mkdir -p "$app"
  echo "{ \"name\": \"$flavour-app\", \"version\": \"0.0.0\", \"private\": true }" > "$app/package.json"
  local commands
  commands="$(readme_install "$heading")"
  [[ -n "$commands" ]] || fail "no \`\`\`sh install block under \"$heading\" in README.md"
  while IFS= read -r line; do
    [[ "$line" == npm\ install* ]] || fail "README \"$heading\": expected only npm install lines, got: $line"
    line="${line//\/path\/to\/$(basename "$tgz")/$tgz}"
    echo "  $line"
    (cd "$app" && eval "$line --no-audit --no-fund --loglevel=error")
  done <<< "$commands"
  if [[ "$flavour" == cdktn ]] && ! node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)'; then
    # cdktn-cli 0.24 needs Node.js 22.19+ (its engines); the README says to add this on an older Node.
    echo "  npm install --save-dev node@22 (Node.js $(node -v) here)"
    (cd "$app" && npm install --save-dev node@22 --no-audit --no-fund --loglevel=error)
  fi
  for file in $files; do cp "$example/$file" "$app/"; done
  step "$flavour: $cli synth${offline:+ (no network: unshare -n)}"
  (cd "$app" && "${offline[@]}" npx --no-install "$cli" synth > "$work/$flavour-synth.log" 2>&1) || { tail -30 "$work/$flavour-synth.log"; fail "$cli synth"; }
  [[ -f "$app/cdktf.out/stacks/multi-cloud/cdk.tf.json" ]] || fail "$cli synth wrote no cdktf.out/stacks/multi-cloud/cdk.tf.json"
  grep -q "$flavour-cast-cluster" "$app/node_modules/$flavour-cast-cluster/package.json" || fail "$flavour-cast-cluster is not installed in $app"
}

make_app cdktf "## Use it in your CDKTF app" "$cdktf_tgz" examples/multi-cloud "main.ts app.ts cdktf.json" cdktf
make_app cdktn "## CDK Terrain" "$cdktn_tgz" examples/cdktn "main.ts multi-cloud.ts cdktf.json" cdktn

# examples/app too, in the same two apps: its in-cluster stack is what uses the Helm and Kubernetes
# bindings (generated for cdktn), which the multi-cloud example does not.
for flavour in cdktf cdktn; do
  step "$flavour: $flavour synth of examples/app${offline:+ (no network: unshare -n)}"
  mkdir -p "$work/$flavour-app/shop"
  for file in main.ts app.ts; do
    sed -e "s/from 'cdktf';/from '$flavour';/" -e "s/from 'cdktf-cast-cluster';/from '$flavour-cast-cluster';/" "examples/app/$file" > "$work/$flavour-app/shop/$file"
  done
  (cd "$work/$flavour-app" && "${offline[@]}" npx --no-install "$flavour" synth -a "npx tsx shop/main.ts" -o shop.out > "$work/$flavour-shop-synth.log" 2>&1) \
    || { tail -30 "$work/$flavour-shop-synth.log"; fail "$flavour synth of examples/app"; }
done

for pair in "cdktf.out multi-cloud" "shop.out shop-cluster" "shop.out shop-in-cluster"; do
  read -r out stack <<< "$pair"
  step "stack $stack: schema conformance and differences"
  npx tsx scripts/build-cdktn/compare-stacks.ts "$work/cdktf-app/$out/stacks/$stack/cdk.tf.json" "$work/cdktn-app/$out/stacks/$stack/cdk.tf.json" \
    || fail "stack $stack: the two differ in more than the toolchain's fields, or do not conform to the provider schemas"
done

# Terraform judges what each package's app wrote, as it judges the examples in npm test: every stack
# initialised with the stand-in providers attached, applied, and re-planned to no changes.
for flavour in cdktf cdktn; do
  step "$flavour: the Terraform harness (init, apply, re-plan with no changes) on every stack"
  npx tsx test/terraform/converge-synthesized.ts "$work/$flavour-app/cdktf.out" "$work/$flavour-app/shop.out" \
    || fail "$flavour: a stack the $flavour-cast-cluster package synthesized does not apply and converge"
done

step "measurements"
for flavour in cdktf cdktn; do
  # shellcheck disable=SC2016 # JavaScript, not shell, in single quotes
  node -e '
    const p = require(process.argv[1]);
    const mb = (n) => (n / 1048576).toFixed(2) + " MiB";
    console.log(`  ${p.name}: build ${process.argv[2]} s, tarball ${mb(p.size)}, unpacked ${mb(p.unpackedSize)}, ${p.entryCount} files`);
  ' "$work/$flavour-pack.json" "${build_seconds[$flavour]}"
done
echo "cdktn-check: 1 passed, 0 failed"
