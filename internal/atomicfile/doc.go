// Package atomicfile writes output files that appear at their path only
// whole: the bytes go to a temp file in the same directory (unnamed, with
// O_TMPFILE, where Linux allows), which Commit syncs and moves into place.
// Abort, a failure or a crash leaves no file at the path.
//
// Files are created through a Group, so that a run that is stopped (a
// signal, a timeout) can discard every temp file at once, even while the
// goroutine writing one is stuck, and so that nothing commits after that.
package atomicfile
