# Shared by scripts/run.sh and scripts/test.sh: find Python 3.12+, make .venv, install extras.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
VENV="${DUKKAN_VENV:-$ROOT/.venv}"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

python_ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }

find_python() {
  local candidate version
  for candidate in "${PYTHON:-}" python3.13 python3.12; do
    [ -n "$candidate" ] && command -v "$candidate" >/dev/null 2>&1 && python_ok "$candidate" && {
      command -v "$candidate"; return 0; }
  done
  # pyenv: .python-version asks for 3.12; take any installed 3.12+ version.
  if command -v pyenv >/dev/null 2>&1; then
    for version in $(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])(\.|$)' | sort -V -r); do
      candidate="$(pyenv root)/versions/$version/bin/python"
      [ -x "$candidate" ] && python_ok "$candidate" && { echo "$candidate"; return 0; }
    done
  fi
  command -v python3 >/dev/null 2>&1 && python_ok python3 && { command -v python3; return 0; }
  return 1
}

ensure_venv() {  # $1: the extras to install, e.g. "local" or "test"
  local extras="$1" stamp
  if [ ! -x "$VENV/bin/python" ] || ! python_ok "$VENV/bin/python"; then
    local py
    if ! py="$(find_python)"; then
      echo "Dükkan needs Python 3.12 or newer (Django 6.1 requires it)." >&2
      echo "Install it (e.g. 'pyenv install 3.12') or point PYTHON=/path/to/python3.12 at one." >&2
      exit 1
    fi
    say "Creating virtualenv with $("$py" --version) in $VENV"
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
  fi
  stamp="$VENV/.installed-$extras"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ]; then
    say "Installing dependencies ($extras)"
    "$VENV/bin/python" -m pip install --quiet --upgrade pip
    "$VENV/bin/python" -m pip install --quiet -e ".[$extras]"
    touch "$stamp"
  fi
  export PATH="$VENV/bin:$PATH"
}

compile_translations() {
  "$VENV/bin/python" manage.py compilemessages --ignore=.venv --ignore=var -v 0 >/dev/null
}
