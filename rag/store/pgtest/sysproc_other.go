//go:build !linux

package pgtest

import (
	"os"
	"os/user"
	"syscall"
)

// canRunAsOther reports whether sysProcAttr can start a process as another
// user: here it cannot, so tests cannot run as root.
const canRunAsOther = false

// sysProcAttr starts initdb and postgres as ourselves.
func sysProcAttr(*user.User) *syscall.SysProcAttr { return nil }

// tempBase returns the directory to make server directories in.
func tempBase() string { return os.TempDir() }
