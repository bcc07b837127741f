# shellcheck shell=bash
# Sourced by start.sh and test.sh: make sure ./.venv exists with the project installed.
# Needs only Python 3.11+ and apt (python3-venv is installed if Debian's python lacks it).

as_root() {
    if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
    as_root apt-get update -qq
    DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "$@"
}

# The fonts every generated PDF embeds (provider/notices/fonts.py finds them at run time): DejaVu Sans for
# Latin Extended, Greek and Cyrillic, WenQuanYi Micro Hei for Chinese, Japanese and Korean.
FONT_PACKAGES=(fonts-dejavu-core fonts-wqy-microhei fontconfig)
if [ ! -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || [ ! -f /usr/share/fonts/truetype/wqy/wqy-microhei.ttc ]; then
    apt_install "${FONT_PACKAGES[@]}"
fi

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)'; then
    echo "pecr needs Python 3.11 or newer; $PYTHON is $("$PYTHON" --version 2>&1)" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    # Debian's python3 ships without ensurepip until python3-venv is installed.
    if ! "$PYTHON" -c 'import ensurepip' 2>/dev/null; then
        apt_install python3-venv
    fi
    "$PYTHON" -m venv .venv
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
fi

install_project() {
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$1"
}
