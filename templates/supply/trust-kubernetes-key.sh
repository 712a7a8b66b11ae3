# trust_kubernetes_key <repository URL> <keyring> <who>: installs <repository>Release.key as
# <keyring> only if it is exactly the one key of the pinned fingerprint: one primary key (a
# "pub" record), and the "fpr" record right after it (gpg's DETAILS file, --with-colons: field
# 10 of fpr is the fingerprint). A key that a CDN or a man in the middle swapped would sign a
# repository apt then believes. The one key signs every pkgs.k8s.io repository (lib/core/supply.ts
# has the fingerprint's source). Shared by install-kubernetes.sh and the upgrade's node script.
trust_kubernetes_key() {
  local repository="$1" keyring="$2" who="$3" key fingerprints
  key="$(mktemp)"
  if ! curl -fsSL --retry 5 --max-time 60 -o "$key" "${repository}Release.key"; then
    rm -f "$key"
    return 1
  fi
  fingerprints="$(gpg --batch --show-keys --with-colons "$key" | awk -F: '$1 == "pub" { primary = 1; next } $1 == "fpr" && primary { print $10; primary = 0 }' | xargs)"
  if [ "$fingerprints" != '{{kubernetes_apt_key_fingerprint}}' ]; then
    echo "${who}: ${repository}Release.key holds the key(s) \"${fingerprints}\", not {{kubernetes_apt_key_fingerprint}}: not trusting it" >&2
    rm -f "$key"
    return 1
  fi
  install -d -m 0755 "$(dirname "$keyring")"
  gpg --batch --dearmor --yes -o "$keyring" "$key"
  rm -f "$key"
}
