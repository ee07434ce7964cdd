#!/usr/bin/env bash
# What the tests need from the system, installed where missing and where the machine allows
# (Debian's apt-get, as root or with password-less sudo). `make test` and `.ci/run` run it.
#   chromium        browser and accessibility tests (Playwright drives Debian's Chromium)
#   nodejs, npm     the OpenID Connect tests run a real provider (npm's oidc-provider)
#   xmlsec1         SAML signatures (pysaml2 calls it)
#   poppler-utils   pdfinfo reads the certificate PDF's tags, title and page size back
#   libreoffice-calc  opens the CSV export as a double-click does, to check dates are dates
set -uo pipefail

wanted=()
command -v make >/dev/null || wanted+=(make)
python3 -c 'import venv, ensurepip' 2>/dev/null || wanted+=(python3-venv)
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || wanted+=(chromium)
command -v node >/dev/null && command -v npm >/dev/null || wanted+=(nodejs npm)
command -v xmlsec1 >/dev/null || wanted+=(xmlsec1)
command -v pdfinfo >/dev/null || wanted+=(poppler-utils)
command -v soffice >/dev/null || wanted+=(libreoffice-calc)
[ ${#wanted[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ]; then sudo=(); elif sudo -n true 2>/dev/null; then sudo=(sudo -n); else
  echo "Missing for the tests: ${wanted[*]} (install them with apt-get; no root here)." >&2
  exit 0
fi
if ! command -v apt-get >/dev/null; then
  echo "Missing for the tests: ${wanted[*]} (no apt-get here: install them yourself)." >&2
  exit 0
fi
echo "Installing what the tests need: ${wanted[*]}"
"${sudo[@]}" apt-get update -qq && \
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
  "${wanted[@]}" >/dev/null || echo "Could not install: ${wanted[*]}" >&2
