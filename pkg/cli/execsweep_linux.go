package cli

import (
	"errors"
	"os"
	"strings"
	"syscall"
)

// pidOrigin says where this process's pid means something: the kernel's
// boot id and the pid namespace, "BOOTID-NSID", or "" if either cannot
// be read. Hosts that share a temp directory (NFS, a volume) and
// containers on one host must not judge each other's directories by pid:
// the host's namespace id is the same on every Linux machine, so the boot
// id (random per boot) is what tells machines apart.
func pidOrigin() string {
	boot, ns := bootID(), pidNamespace()
	if boot == "" || ns == "" {
		return ""
	}
	return boot + "-" + ns
}

// bootID returns /proc/sys/kernel/random/boot_id without its dashes: 32
// hex digits, or "".
func bootID() string {
	b, err := os.ReadFile("/proc/sys/kernel/random/boot_id")
	if err != nil {
		return ""
	}
	id := strings.ReplaceAll(strings.TrimSpace(string(b)), "-", "")
	if len(id) != 32 || strings.Trim(id, "0123456789abcdef") != "" {
		return ""
	}
	return id
}

// pidNamespace returns the id of this process's pid namespace, as in
// /proc/self/ns/pid ("pid:[4026531836]"), or "".
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
