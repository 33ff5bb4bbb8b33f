//go:build darwin

package registry

import (
	"fmt"
	"io/fs"
	"syscall"
)

// statIdentity returns what, besides size, mode and modification time,
// tells a changed file: its inode and change time, which `touch -r` and a
// rewrite in place cannot set back (git's index keeps them for the same
// reason).
func statIdentity(info fs.FileInfo) string {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return ""
	}
	return fmt.Sprintf("%d:%d:%d.%d", st.Dev, st.Ino, st.Ctimespec.Sec, st.Ctimespec.Nsec)
}
