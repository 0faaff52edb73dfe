//go:build !linux

package supervise

import "syscall"

// childAttr: only Linux can tie the command's life to envseal's.
func childAttr() *syscall.SysProcAttr { return nil }
