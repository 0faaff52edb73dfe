//go:build !linux

package main

// dumpableCmds: prctl(PR_GET_DUMPABLE) is Linux's.
var dumpableCmds = map[string]func(){}
