package secretdir

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// A directory's name is envseal-KIND-ORIGIN-PID-RANDOM: KIND is exec
// (--file) or edit, ORIGIN where the pid is valid (boot id and pid
// namespace id, see pidOrigin; "0" if unknown) and PID envseal's. A later
// run can then tell the directory of a live run from one left by a run
// that was killed (SIGKILL, the OOM killer) before it could remove it. A
// gone PID is not enough: processes the command or editor started may
// outlive envseal and still read the files, so the directory is also
// locked for as long as any of them holds it (lockDir).
const (
	kindExec = "exec"
	kindEdit = "edit"
	prefix   = "envseal-" + kindExec + "-"
)

// prefixes start the names of every kind's directories: a sweep (by exec
// or edit) removes the leftovers of both.
var prefixes = []string{prefix, "envseal-" + kindEdit + "-"}

// dirPattern is the os.MkdirTemp pattern for this process's directory of
// kind.
func dirPattern(kind string) string {
	origin := pidOrigin()
	if origin == "" {
		origin = "0"
	}
	return "envseal-" + kind + "-" + origin + "-" + strconv.Itoa(os.Getpid()) + "-*"
}

// sweep removes, from parent, the directories of exec and edit runs of
// this boot and pid namespace whose envseal is gone and whose lock nobody
// holds: the secrets a killed run left behind. It only touches this user's
// 0700 directories with the full name pattern, and ignores every error: a
// sweep is a courtesy, never a reason to fail.
func sweep(parent string) {
	origin := pidOrigin()
	if origin == "" {
		return
	}
	entries, err := os.ReadDir(parent)
	if err != nil {
		return
	}
	for _, e := range entries {
		pid, ok := dirPID(e.Name(), origin)
		if !ok || !e.IsDir() || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		removeUnused(filepath.Join(parent, e.Name()))
	}
}

// dirPID parses the pid out of envseal-KIND-ORIGIN-PID-RANDOM when
// ORIGIN is origin.
func dirPID(name, origin string) (int, bool) {
	var rest string
	ok := false
	for _, p := range prefixes {
		if rest, ok = strings.CutPrefix(name, p+origin+"-"); ok {
			break
		}
	}
	if !ok {
		return 0, false
	}
	p, random, ok := strings.Cut(rest, "-")
	if !ok || random == "" {
		return 0, false
	}
	pid, err := strconv.Atoi(p)
	return pid, err == nil && pid > 0 && strconv.Itoa(pid) == p
}
