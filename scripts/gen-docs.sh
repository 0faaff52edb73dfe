#!/usr/bin/env bash
# Regenerates the CLI reference in docs/cli/ from the cobra command tree:
# a Markdown page per command and man pages in docs/cli/man1/. Run it after
# changing any command's usage, help, examples or flags; the test in
# internal/gendocs fails while the committed docs/cli/ is stale.
set -euo pipefail
cd "$(dirname "$0")/.."
go run ./internal/gendocs docs/cli
