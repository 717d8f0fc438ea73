#!/usr/bin/env bash
# One-time (then fast) set-up shared by bin/console and bin/test: Debian packages,
# the virtualenv and the Python packages. Safe to run again; does nothing when all is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# CJK font (Chinese must not render as boxes), libpulse0 (QtMultimedia), ffmpeg (video
# tests and demo clips), the X/GL/NSS libraries Qt and QtWebEngine load even offscreen, and
# pgbouncer (tests/scale start their own PgBouncer next to their own PostgreSQL clusters).
APT_PACKAGES=(fonts-wqy-zenhei libpulse0 ffmpeg pgbouncer libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0
  libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxi6 libasound2 libfontconfig1
  libdbus-1-3 libxshmfence1 libgbm1 libxkbfile1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1
  libxcb-image0 libxcb-render-util0 libxcb-randr0 libxcb-shape0 libxcb-xinerama0 libxcb-xkb1 xvfb)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
PY="$(command -v python3.11 || true)"
[ -n "$PY" ] || missing+=(python3.11 python3.11-venv)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: run as root once (apt-get needed for: ${missing[*]})" >&2
    exit 1
  fi
  apt-get update -qq
  # Debian's pgbouncer starts a system service on 127.0.0.1:6432 when installed. The tests
  # start their own on free ports and need none: forbid service starts during the install
  # (unless a policy-rc.d already does), then stop and disable the packaged one.
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    trap 'rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
    chmod +x /usr/sbin/policy-rc.d
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
    rm -f /usr/sbin/policy-rc.d
    trap - EXIT
  else
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
  if printf '%s\n' "${missing[@]}" | grep -qx pgbouncer; then
    if [ -d /run/systemd/system ]; then systemctl disable --now pgbouncer >/dev/null 2>&1 || true; fi
    if [ -x /etc/init.d/pgbouncer ]; then
      /etc/init.d/pgbouncer stop >/dev/null 2>&1 || true
      update-rc.d pgbouncer disable >/dev/null 2>&1 || true
    fi
  fi
  PY="$(command -v python3.11)"
fi

VENV="$ROOT/.venv"
if [ ! -x "$VENV/bin/python" ]; then
  echo "setup: creating virtualenv $VENV" >&2
  "$PY" -m venv "$VENV" || { apt-get install -y -qq python3.11-venv >/dev/null && "$PY" -m venv "$VENV"; }
fi
STAMP="$VENV/.requirements.sha"
WANT="$(sha256sum requirements.lock | cut -d' ' -f1)"
if [ ! -f "$STAMP" ] || [ "$(cat "$STAMP")" != "$WANT" ]; then
  echo "setup: installing Python packages (requirements.lock)" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check -r requirements.lock
  echo "$WANT" > "$STAMP"
fi
# Looping demo clips for the cameras and conference rooms (once; a manifest skips the rest).
(cd "$ROOT" && "$VENV/bin/python" -m services.demo.media >/dev/null)
