//go:build !unix

package config

// openNonblock is 0 where opening a named pipe by its path does not block.
const openNonblock = 0
