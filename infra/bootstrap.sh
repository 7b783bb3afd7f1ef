#!/usr/bin/env bash
# Installs what the demo, the tests and the benchmarks need on a fresh machine, and nothing that is
# already there: Debian packages for the real peers (an OCI registry, skopeo, git, gpg, htpasswd, curl,
# GNU time, faketime, OpenSSH's sshd) and the npm dependencies (which bring Node 22).
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
command -v docker-registry >/dev/null || need+=(docker-registry)
command -v skopeo >/dev/null || need+=(skopeo)
command -v git >/dev/null || need+=(git)
command -v gpg >/dev/null || need+=(gpg)
command -v htpasswd >/dev/null || need+=(apache2-utils)
command -v openssl >/dev/null || need+=(openssl)
command -v curl >/dev/null || need+=(curl)
# GNU time, for peak RSS in the benchmarks (`/usr/bin/time -f '%e %M'`); bash's `time` keyword has no %M.
[ -x /usr/bin/time ] || need+=(time)
# faketime, for `npm run test:later`: the whole suite with the system clock a year ahead.
command -v faketime >/dev/null || need+=(faketime)
# OpenSSH's sshd (and ssh-keygen), for the Git-over-SSH peer the tests start on a free port; never the
# system service.
[ -x /usr/sbin/sshd ] || need+=(openssh-server)
command -v ssh-keygen >/dev/null || need+=(openssh-client)
if [ ${#need[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "installing Debian packages: ${need[*]}" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need[@]}" >&2
fi

# npm ci when node_modules is missing or older than the lockfile.
if [ ! -x node_modules/.bin/node ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm dependencies (npm ci)" >&2
  npm ci --no-fund --no-audit >&2
fi
