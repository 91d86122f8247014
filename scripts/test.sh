#!/usr/bin/env bash
# Runs every test. Creates the virtual environment and installs the project with its test extras
# when needed, so it works on a fresh machine with Python 3.11.
#
# The system tools some tests use are installed too when the machine allows it (root with apt):
# LibreOffice (legacy .doc/.xls conversion), Tesseract with its Chinese model (OCR of scanned
# pages), poppler-utils (pdftoppm) and a CJK font (the annotated-PDF legend). Without them those
# tests skip, saying why. JUESUAN_SYSTEM_DEPS=0 turns the installation off.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null 2>&1 || PY=python3
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
fi
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test]'

if [ "${JUESUAN_SYSTEM_DEPS:-1}" != "0" ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  missing=()
  command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-calc-nogui libreoffice-writer-nogui)
  command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr tesseract-ocr-chi-sim)
  command -v pdftoppm >/dev/null 2>&1 || missing+=(poppler-utils)
  fc-list :lang=zh 2>/dev/null | grep -q . || missing+=(fonts-noto-cjk)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing system tools for the tests: ${missing[*]}" >&2
    (timeout 900 apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 ||
      { timeout 300 apt-get update -q >/dev/null 2>&1 && timeout 900 apt-get install -y -q "${missing[@]}" >/dev/null 2>&1; }) ||
      echo "could not install ${missing[*]}: the tests that need them will skip" >&2
  fi
fi

# Lint and type check first: a failure fails the command (configuration in pyproject.toml).
.venv/bin/ruff check src tests
.venv/bin/mypy

exec .venv/bin/python -m pytest "$@"
