#!/usr/bin/env bash
# Runs every test. Creates the virtual environment and installs the project with its test and OCR
# extras when needed, so it works on a fresh machine with Python 3.11 (the ocr extra, RapidOCR with
# its models, onnxruntime and OpenCV, is about 470 MB and installs in under 10 s from PyPI: without
# it the scanned-page tests would skip).
#
# The system tools some tests use are installed too when the machine allows it (root with apt), by
# scripts/system-deps.sh, which says what it installs and why first (`--dry-run` prints the plan):
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
.venv/bin/python -m pip install -q --disable-pip-version-check -e '.[test,all]'

if [ "${JUESUAN_SYSTEM_DEPS:-1}" != "0" ]; then
  bash scripts/system-deps.sh
fi

# Lint, format and type check first: a failure fails the command (configuration in pyproject.toml).
.venv/bin/ruff check src tests bench scripts
.venv/bin/ruff format --check src tests bench scripts
.venv/bin/mypy

exec .venv/bin/python -m pytest "$@"
