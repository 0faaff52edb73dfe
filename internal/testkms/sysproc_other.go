//go:build !linux

package testkms

import "syscall"

func sysProcAttr() *syscall.SysProcAttr { return nil }
