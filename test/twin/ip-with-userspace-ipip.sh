#!/usr/bin/env bash
# `ip` for a twin node of a cloud that carries IPIP, on a kernel built without the ipip
# driver (CONFIG_NET_IPIP unset, as on the development machine): the agent's
# `link replace cast-ipip type ipip local <address> …` line (alone or inside `-batch`)
# starts test/mesh/userspace-ipip.py as the node's cast-ipip device instead, once; every
# other line goes to the real `ip` unchanged. CAST_TWIN_REAL_IP names the real binary,
# CAST_TWIN_STATE_DIR where the stand-in's pid and log go.
set -euo pipefail
real="${CAST_TWIN_REAL_IP:?}"
state="${CAST_TWIN_STATE_DIR:?}"
pattern='^(ip )?link replace cast-ipip type ipip local ([0-9.]+)'

start_ipip() {
  local pid_file="$state/userspace-ipip.pid"
  if [ -s "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then return 0; fi
  setsid python3 "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../mesh/userspace-ipip.py" "$1" </dev/null >>"$state/userspace-ipip.log" 2>&1 &
  echo $! >"$pid_file"
  for _ in $(seq 1 600); do
    "$real" link show cast-ipip >/dev/null 2>&1 && return 0
    sleep 0.05
  done
  echo "userspace-ipip.py made no cast-ipip device: $(tail -n 3 "$state/userspace-ipip.log")" >&2
  return 1
}

if [[ " $* " == *" -batch "* ]]; then
  input="$(cat)"
  while IFS= read -r line; do
    if [[ "$line" =~ $pattern ]]; then start_ipip "${BASH_REMATCH[2]}"; fi
  done <<<"$input"
  grep -Ev "$pattern" <<<"$input" | "$real" "$@"
  exit "${PIPESTATUS[1]}"
fi
if [[ "$*" =~ $pattern ]]; then
  start_ipip "${BASH_REMATCH[2]}"
  exit 0
fi
exec "$real" "$@"
