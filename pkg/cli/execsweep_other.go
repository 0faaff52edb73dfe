//go:build !linux

package cli

import "os"

// Elsewhere there is no pid namespace id to trust a pid with, so nothing
// is ever swept: the directory of a killed exec stays where it was.
func pidNamespace() string { return "" }

func processAlive(int) bool { return true }

func ownedPrivateDir(os.FileInfo) bool { return false }
