/**
 * Stubs of the network and gpg for the real install-kubernetes.sh and kubernetes-version.sh in
 * the node sandbox (node-sandbox.ts): the cluster's API servers as curl answers /version, and
 * pkgs.k8s.io's Release.key, whose fingerprint gpg reports.
 *
 * - The API: the seed a request goes to is its `--connect-to kubernetes:6443:<seed>:6443`;
 *   `$FAKE_DIR/release-<seed>` holds the release that API server runs (gitVersion
 *   v<release>, in the pretty-printed JSON kube-apiserver sends); no file: it does not answer
 *   (curl's exit 7). The certificate is checked as curl would: the --cacert file must hold the
 *   cluster CA the fixtures give every node (FAKE-CA-CERT), else curl's exit 60.
 * - `curl -o FILE <...>Release.key` writes $FAKE_DIR/Release.key when there is one (a real key,
 *   for the real gpg), else a placeholder; the gpg stub's --show-keys reports, for any
 *   file, one primary key with the fingerprint $FAKE_KEY_FPR and a subkey (the colon listing of
 *   gpg's DETAILS file); gpg --dearmor writes its -o file.
 */

/** curl: the API servers' /version, the Release.key download, and anything else (the phone-home POST) answered with nothing. */
export const CURL_STUB = [
  'url="${*: -1}"',
  'seed="" out="" prev="" ca=""',
  'for a in "$@"; do',
  '  case "$prev" in --connect-to) seed="$(cut -d: -f3 <<<"$a")" ;; -o) out="$a" ;; --cacert) ca="$a" ;; esac',
  '  prev="$a"',
  'done',
  'case "$url" in',
  '  */version)',
  '    grep -q FAKE-CA-CERT "$ca" 2>/dev/null || { echo "curl: (60) SSL certificate problem: unable to get local issuer certificate" >&2; exit 60; }',
  '    [ -f "$FAKE_DIR/release-$seed" ] || { echo "curl: (7) Failed to connect to $seed port 6443" >&2; exit 7; }',
  '    printf \'{\\n  "major": "1",\\n  "gitVersion": "v%s",\\n  "goVersion": "go1.24.9",\\n  "platform": "linux/amd64"\\n}\\n\' "$(cat "$FAKE_DIR/release-$seed")"',
  '    ;;',
  '  *Release.key) if [ -f "$FAKE_DIR/Release.key" ]; then cp "$FAKE_DIR/Release.key" "$out"; else echo "-----BEGIN PGP PUBLIC KEY BLOCK-----" >"$out"; fi ;;',
  'esac',
].join('\n');

/** gpg: the fingerprint of whatever key it is shown is $FAKE_KEY_FPR. */
export const GPG_STUB = [
  'case " $* " in',
  '  *" --show-keys "*)',
  '    printf "pub:-:2048:1:%s:1661385600:1766534400::-:::scESC::::::23::0:\\n" "${FAKE_KEY_FPR: -16}"',
  '    printf "fpr:::::::::%s:\\n" "$FAKE_KEY_FPR"',
  '    echo "uid:-::::1661385600::0000000000000000000000000000000000000000::isv\\x3akubernetes OBS Project <isv\\x3akubernetes@build.opensuse.org>::::::::::0:"',
  '    echo "sub:-:2048:1:00000000AAAAAAAA:1661385600::::::e::::::23:"',
  '    echo "fpr:::::::::00000000000000000000000000000000AAAAAAAA:"',
  '    ;;',
  '  *" --dearmor "*)',
  '    out="" prev=""',
  '    for a in "$@"; do if [ "$prev" = -o ]; then out="$a"; fi; prev="$a"; done',
  '    echo dearmored >"$out"',
  '    ;;',
  'esac',
].join('\n');

/** The seeds api-seeds.sh gives a node in these tests. */
export const SEEDS = ['203.0.113.10', '203.0.113.11', '203.0.113.12'] as const;
