package main

import (
	"fmt"
	"os"

	"github.com/envseal/envseal/internal/cli"
	"golang.org/x/sys/unix"
)

// dumpableCmds are script commands that report prctl(PR_GET_DUMPABLE),
// which only a process can ask about itself: envseal-dumpable runs envseal
// as main does, then prints envseal's flag to stderr; dumpable prints its
// own, as a command that envseal exec started.
var dumpableCmds = map[string]func(){
	"envseal-dumpable": func() {
		code := cli.Main("")
		fmt.Fprintf(os.Stderr, "envseal dumpable=%d\n", getDumpable())
		os.Exit(code)
	},
	"dumpable": func() {
		fmt.Printf("command dumpable=%d\n", getDumpable())
	},
}

func getDumpable() int {
	d, err := unix.PrctlRetInt(unix.PR_GET_DUMPABLE, 0, 0, 0, 0)
	if err != nil {
		return -1
	}
	return d
}
