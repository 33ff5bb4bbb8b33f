// Package filekind says what a path is when a regular file was wanted, and
// opens one without blocking on a named pipe put in its place. The loader
// (inputs) and config (configuration files) refuse the same special files
// with the same words.
package filekind

import "io/fs"

// Describe names the kind of file a mode is, as messages print it: "a named
// pipe", "a character device", "a directory", "a file".
func Describe(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a directory"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeCharDevice != 0:
		return "a character device"
	case mode&fs.ModeDevice != 0:
		return "a device"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode.IsRegular():
		return "a file"
	}
	return "a special file"
}
