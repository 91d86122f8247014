#!/usr/bin/env bash
# System tools some tests use, installed with apt when run as root (scripts/test.sh calls this).
# Says what it installs and why before doing it; `--dry-run` only prints the plan.
#   soffice    libreoffice-calc-nogui libreoffice-writer-nogui  legacy .doc/.xls/.wps conversion tests
#   tesseract  tesseract-ocr tesseract-ocr-chi-sim               OCR of scanned pages tests
#   pdftoppm   poppler-utils                                     page pictures of the annotate tests
#   CJK font   fonts-noto-cjk                                    Chinese legend of the annotated PDF
#   chromium   chromium                                          the web app's browser tests (Playwright drives it)
#   initdb     postgresql                                        the corpus store's PostgreSQL tests
#                                                                (a throwaway server each test run)
# Without them those tests skip, saying why. JUESUAN_SYSTEM_DEPS=0 (in test.sh) turns this off.
set -euo pipefail
dry=0
[ "${1:-}" = "--dry-run" ] && dry=1

missing=()
reasons=()
need() { missing+=("$@"); }
command -v soffice >/dev/null 2>&1 || { need libreoffice-calc-nogui libreoffice-writer-nogui; reasons+=("LibreOffice: converts legacy .doc/.xls/.wps for the office-reader tests"); }
command -v tesseract >/dev/null 2>&1 || { need tesseract-ocr tesseract-ocr-chi-sim; reasons+=("Tesseract + Chinese model: OCR of scanned pages in the OCR tests"); }
command -v pdftoppm >/dev/null 2>&1 || { need poppler-utils; reasons+=("poppler-utils (pdftoppm): renders pages in the annotate tests"); }
fc-list :lang=zh 2>/dev/null | grep -q . || { need fonts-noto-cjk; reasons+=("fonts-noto-cjk: Chinese legend of the annotated PDF"); }
command -v chromium >/dev/null 2>&1 || { need chromium; reasons+=("chromium: headless browser of the web app's end-to-end tests (tests/test_web_browser.py)"); }
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || { need postgresql; reasons+=("postgresql: a throwaway server for the corpus store tests (tests/test_store_postgres.py)"); }

if [ ${#missing[@]} -eq 0 ]; then
  echo "system tools for the tests: all present" >&2
  exit 0
fi
echo "system tools for the tests, missing:" >&2
for r in "${reasons[@]}"; do echo "  - $r" >&2; done
echo "  packages: ${missing[*]}" >&2
if [ $dry -eq 1 ]; then
  echo "(dry run: nothing installed)" >&2
  exit 0
fi
if [ "$(id -u)" != "0" ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "not root with apt: not installing; the tests that need them will skip" >&2
  exit 0
fi
apt_opts=(-y -q --no-install-recommends)
plan() { apt-get -s install "${apt_opts[@]}" "${missing[@]}" 2>/dev/null | grep -E '^[0-9]+ upgraded' || true; }
summary=$(plan)
if [ -z "$summary" ]; then
  echo "updating the apt package lists first (apt-get update)…" >&2
  timeout 300 apt-get update -q >/dev/null 2>&1 || true
  summary=$(plan)
fi
echo "apt-get install --no-install-recommends: ${summary:-plan unknown} (dependencies included; may take a minute)…" >&2
start=$SECONDS
if timeout 900 apt-get install "${apt_opts[@]}" "${missing[@]}" >/tmp/juesuan-apt.log 2>&1; then
  echo "installed in $((SECONDS - start)) s (log: /tmp/juesuan-apt.log)" >&2
else
  echo "could not install ${missing[*]} (log: /tmp/juesuan-apt.log): the tests that need them will skip" >&2
fi
