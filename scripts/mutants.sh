#!/usr/bin/env bash
# The full mutation sweep over every committed format vector: every byte of
# every vector inverted, payload included (go test and scripts/test.sh
# invert every header byte but only a sample of payload bytes; see
# TestVectorMutations in pkg/envelope/mutation_test.go), and every byte of
# internal/stream's three-chunk payload flipped (TestFlippedBytesRejected,
# which also samples otherwise). It takes a few minutes (about 160 s on 2
# cores, without -race).
#
# Run it, and see it pass, before any change lands that touches the file
# format (docs/FORMAT.md), the vectors in testdata/vectors, the header
# parser or the payload reader.
set -euo pipefail
cd "$(dirname "$0")/.."
ENVSEAL_MUTANTS=full exec go test -count=1 -timeout 30m -run '^(TestVectorMutations|TestFlippedBytesRejected)$' -v ./pkg/envelope ./internal/stream "$@"
