//go:build unix

package filekind

import "syscall"

// OpenNonblock, added to os.OpenFile's flags, opens a named pipe for
// reading without waiting for a writer; on a regular file it changes
// nothing.
const OpenNonblock = syscall.O_NONBLOCK
