package pgtest

import (
	"os"
	"os/user"
	"strconv"
	"syscall"
)

// canRunAsOther reports whether sysProcAttr can start a process as another
// user.
const canRunAsOther = true

// sysProcAttr starts initdb and postgres as owner (nil: as ourselves) and,
// so that a test binary that crashes leaves no server behind, has the
// kernel kill them when the test binary dies. Go sets the death signal
// after switching user, so the switch does not clear it; postgres is our
// child, and its own children exit when it dies.
func sysProcAttr(owner *user.User) *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if owner != nil {
		uid, _ := strconv.ParseUint(owner.Uid, 10, 32)
		gid, _ := strconv.ParseUint(owner.Gid, 10, 32)
		attr.Credential = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
	}
	return attr
}

// tempBase returns the directory to make server directories in: unless
// $TMPDIR says otherwise, /dev/shm when it is writable and has 1 GiB free,
// since there, even with fsync=off, initdb took half the time and CREATE
// DATABASE an eighth of the time they took on a disk (ext4, measured here).
func tempBase() string {
	var fs syscall.Statfs_t
	if os.Getenv("TMPDIR") == "" && syscall.Access("/dev/shm", 2 /* W_OK */) == nil &&
		syscall.Statfs("/dev/shm", &fs) == nil && fs.Bavail*uint64(fs.Bsize) >= 1<<30 {
		return "/dev/shm"
	}
	return os.TempDir()
}
