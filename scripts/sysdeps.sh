#!/usr/bin/env bash
# Install the Debian packages Sunshine Signage needs, when they are missing.
#   scripts/sysdeps.sh runtime   fonts and libraries the server uses (make demo)
#   scripts/sysdeps.sh test      runtime + chromium, poppler-utils and zbar-tools (make test), and
#                                nodejs when no `node` is on PATH (node --test, Node >= 18)
# Uses apt-get as root, or through sudo; says what it does; does nothing when all is there.
set -euo pipefail

# fonts-noto-core: the minority scripts of bilingual boards (Uyghur, Mongolian, Tibetan, Yi).
# postgresql-client-15: pg_dump and pg_restore of `signage backup` / `restore` (the client must be
# at least the server's version: Debian 12 runs PostgreSQL 15).
RUNTIME=(fonts-noto-cjk fonts-noto-core libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig postgresql-client-15)
TEST=(chromium poppler-utils zbar-tools)

case "${1:-runtime}" in
  runtime) wanted=("${RUNTIME[@]}") ;;
  test)
    wanted=("${RUNTIME[@]}" "${TEST[@]}")
    # The player's Node tests: any node on PATH will do, else Debian's.
    command -v node >/dev/null 2>&1 || wanted+=(nodejs)
    ;;
  *) echo "usage: $0 runtime|test" >&2; exit 2 ;;
esac

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo ">> not a Debian/Ubuntu system: install by hand the equivalents of: ${wanted[*]}" >&2
  exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then
  SUDO=()
elif command -v sudo >/dev/null 2>&1; then
  SUDO=(sudo)
else
  echo ">> missing system packages: ${missing[*]}" >&2
  echo ">> run as root: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo ">> installing system packages with apt-get: ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${SUDO[@]}" apt-get update -qq
"${SUDO[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo ">> installed: ${missing[*]}"
