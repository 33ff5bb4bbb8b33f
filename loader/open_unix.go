//go:build unix

package loader

import "syscall"

// openNonblock opens a named pipe for reading without waiting for a
// writer; on a regular file it changes nothing.
const openNonblock = syscall.O_NONBLOCK
