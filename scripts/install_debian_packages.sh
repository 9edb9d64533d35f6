#!/usr/bin/env bash
# Installs the Debian packages it is given whose program is missing, as root or through sudo.
# Each argument is PACKAGE=PROGRAM (e.g. haproxy=/usr/sbin/haproxy); several packages may share one program
# ("chromium fonts-noto-cjk" for the browser: give both with the same program).
set -euo pipefail
missing=""
for spec in "$@"; do
  package=${spec%%=*} program=${spec#*=}
  { command -v "$(basename "$program")" >/dev/null || [ -x "$program" ]; } || missing="$missing $package"
done
[ -n "$missing" ] || exit 0
echo "==> installing Debian packages:$missing"
if [ "$(id -u)" = 0 ]; then apt_get="apt-get"; else apt_get="sudo apt-get"; fi
# shellcheck disable=SC2086 # one word per package
$apt_get update -qq && DEBIAN_FRONTEND=noninteractive $apt_get install -y -qq $missing >/dev/null
