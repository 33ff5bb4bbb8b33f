//go:build !unix

package filekind

// OpenNonblock is 0 where named pipes are not opened through a path that
// can block (Windows, WASI).
const OpenNonblock = 0
