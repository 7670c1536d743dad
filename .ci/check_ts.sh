#!/usr/bin/env bash
# Generate the TypeScript bindings and type-check them with tsc --strict (typescript from the npm registry).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v npx >/dev/null 2>&1; then
    echo "skipped: npx is not installed, cannot run the TypeScript compiler"
    exit 0
fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
.venv/bin/codex app-server generate-ts --out "$out/bindings"
tools="${TSC_TOOLS_DIR:-$HOME/.cache/pycodex-tsc}"
mkdir -p "$tools"
if [ ! -x "$tools/node_modules/.bin/tsc" ]; then
    (cd "$tools" && npm install --silent --no-audit --no-fund typescript@5 >/dev/null)
fi
"$tools/node_modules/.bin/tsc" --noEmit --strict --skipLibCheck --target es2020 --moduleResolution node \
    $(find "$out/bindings" -name '*.ts' | sort)
echo "tsc --strict: $(find "$out/bindings" -name '*.ts' | wc -l) files type-check"
