#!/usr/bin/env bash
# Installs the Debian 12 packages the dashboard's tooling needs, and only those that are missing.
#
#   scripts/setup_system.sh [python] [browser] [postgres] [office] [redis]   (no argument: all)
#
#   python    python3 + python3-venv, only when `python3 -m venv` cannot work yet
#   browser   chromium, chromium-driver, fonts-noto-cjk      (Playwright drives Debian's chromium)
#   postgres  postgresql (15 on Debian 12: server) + postgresql-client
#   office    libreoffice-calc-nogui (soffice: the import tests check files a real office suite
#             saved)
#   redis     redis-server (the several-hosts tests start throw-away ones; the app needs none
#             unless REDIS_URL is set)
#
# Idempotent: when everything is present it changes nothing and runs no apt-get at all.
# Runs as root; otherwise through sudo when there is one, else it says what to run and fails.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(python browser postgres office redis)

wanted=()
for group in "${groups[@]}"; do
  case "$group" in
    python)
      if ! command -v python3 >/dev/null 2>&1 || ! python3 -c 'import venv, ensurepip' >/dev/null 2>&1; then
        wanted+=(python3 python3-venv)
      fi
      ;;
    browser) wanted+=(chromium chromium-driver fonts-noto-cjk) ;;
    postgres) wanted+=(postgresql postgresql-client) ;;
    office) wanted+=(libreoffice-calc-nogui) ;;
    redis) wanted+=(redis-server) ;;
    *) echo "setup_system: unknown group '$group' (known: python browser postgres office redis)" >&2; exit 2 ;;
  esac
done

is_installed() {
  [ "$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null)" = "install ok installed" ]
}

missing=()
for pkg in "${wanted[@]}"; do
  is_installed "$pkg" || missing+=("$pkg")
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup_system: nothing to install (${groups[*]}: all present)"
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo_cmd=(sudo -n env DEBIAN_FRONTEND=noninteractive)
  else
    echo "setup_system: these Debian packages are missing: ${missing[*]}" >&2
    echo "setup_system: not root and no sudo; as root run:" >&2
    echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi

# Wait for another apt/dpkg run (for instance an install already under way) instead of failing.
apt_opts=(-o DPkg::Lock::Timeout=900 -o Acquire::Retries=3)

echo "setup_system: installing ${missing[*]}"
echo "setup_system: apt-get update"
"${sudo_cmd[@]}" apt-get "${apt_opts[@]}" update -q
echo "setup_system: apt-get install -y --no-install-recommends ${missing[*]}"
"${sudo_cmd[@]}" apt-get "${apt_opts[@]}" install -y -q --no-install-recommends "${missing[@]}"

still_missing=()
for pkg in "${missing[@]}"; do
  is_installed "$pkg" || still_missing+=("$pkg")
done
if [ ${#still_missing[@]} -gt 0 ]; then
  echo "setup_system: still missing after apt-get install: ${still_missing[*]}" >&2
  exit 1
fi
echo "setup_system: installed ${missing[*]}"
