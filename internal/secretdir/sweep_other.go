//go:build !linux

package secretdir

import "os"

// Elsewhere there is no boot and pid namespace id to trust a pid with, so
// nothing is ever swept: the directory of a killed exec stays where it was.
func pidOrigin() string { return "" }

func processAlive(int) bool { return true }

func lockDir(*os.File) bool { return false }

func removeUnused(string) {}
