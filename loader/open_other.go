//go:build !unix

package loader

// openNonblock is 0 where named pipes are not opened through a path that
// can block (Windows, WASI).
const openNonblock = 0
