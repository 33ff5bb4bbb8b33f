package gitfs

import (
	"io/fs"
	"syscall"
)

// statOf returns the stat data git records for a file, from its Lstat.
func statOf(fi fs.FileInfo) (statData, bool) {
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return statData{}, false
	}
	return statData{
		ctimeSec: uint32(st.Ctimespec.Sec), ctimeNsec: uint32(st.Ctimespec.Nsec),
		mtimeSec: uint32(st.Mtimespec.Sec), mtimeNsec: uint32(st.Mtimespec.Nsec),
		dev: uint32(st.Dev), ino: uint32(st.Ino), uid: st.Uid, gid: st.Gid, size: uint32(st.Size),
	}, true
}
