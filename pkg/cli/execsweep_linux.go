package cli

import (
	"errors"
	"os"
	"strings"
	"syscall"
)

// pidNamespace returns the id of this process's pid namespace, as in
// /proc/self/ns/pid ("pid:[4026531836]"), or "" if it cannot be read.
// A pid means something only within its namespace: containers that share
// a temp directory must not judge each other's directories by pid.
func pidNamespace() string {
	link, err := os.Readlink("/proc/self/ns/pid")
	if err != nil {
		return ""
	}
	id, ok := strings.CutPrefix(link, "pid:[")
	id, ok2 := strings.CutSuffix(id, "]")
	if !ok || !ok2 || id == "" || strings.Trim(id, "0123456789") != "" {
		return ""
	}
	return id
}

// processAlive reports whether a process with this pid exists. EPERM means
// it does, under another user; only ESRCH says it is gone.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return !errors.Is(err, syscall.ESRCH)
}

// ownedPrivateDir reports whether fi is a real directory (not a symlink)
// of this user with mode 0700: what makeSecretDir creates, and nothing a
// sweep may remove on someone else's behalf.
func ownedPrivateDir(fi os.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return ok && fi.IsDir() && fi.Mode().Perm() == 0o700 && int(st.Uid) == os.Getuid()
}
