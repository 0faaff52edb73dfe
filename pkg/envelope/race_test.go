//go:build race

package envelope_test

// raceEnabled: the race detector slows decryption about tenfold, so the
// mutation suite samples payload bytes under it; scripts/test.sh also runs
// it in full without -race.
const raceEnabled = true
