package secretdir

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

// lockDir takes a shared flock on the directory f, and reports whether it
// could (a file system without flock: the sweep cannot lock it either, and
// so never removes it). The descriptor is passed to the command, and from
// it to every process it starts that does not close it, so the lock is
// held for as long as envseal or any of them may use the files: a sweep
// takes the directory only once it can lock it exclusively.
func lockDir(f *os.File) bool {
	return syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB) == nil
}

// removeUnused removes the directory at path if it is one exec or edit made (this
// user's, 0700, not a symlink) and no process holds its lock. The
// exclusive lock is held during the removal, so a run cannot start using
// it meanwhile (none would: a directory is never reused).
func removeUnused(path string) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil || !ownedPrivateDir(fi) {
		return
	}
	if syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) != nil {
		return
	}
	os.RemoveAll(path)
}

// processAlive reports whether a process with this pid exists. EPERM means
// it does, under another user; only ESRCH says it is gone.
func processAlive(pid int) bool {
	err := syscall.Kill(pid, 0)
	return !errors.Is(err, syscall.ESRCH)
}
