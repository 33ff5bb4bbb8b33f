// Package compile holds what loader's two compilers share: the positioned
// error they report, and the one cap on errors per file.
//
// loader compiles with protocompile's v0.14 compiler, which links files
// fast and takes files already linked, and with its newer compiler
// (package editions), which knows edition 2024. Both stay: the newer one
// alone was 1.49 times slower on proto3 trees and quadratic on long lines.
// Each reads files through loader's one opener, which prechecks them, and
// each counts errors with one Cap, so that a file's errors are opened,
// refused and cut short the same way whichever compiler reads it.
package compile

import "sync"

// An Error is one positioned compile error.
type Error struct {
	// File is the import path of the file, Name the file as the user
	// opens it.
	File, Name   string
	Line, Column int
	Message      string
}

// A Cap counts the errors of each file of one compile, so that a file with
// thousands (a line of garbage) costs the compiler a bounded number of
// passes over its lines: each error is placed, and placing costs a pass.
// Its zero value counts up to no limit; it may be used from several
// goroutines at once.
type Cap struct {
	// Max is the most errors reported for one file.
	Max int

	mu sync.Mutex
	n  map[string]int
}

// Add counts one more error in file and returns how many it has now.
func (c *Cap) Add(file string) int {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = make(map[string]int)
	}
	c.n[file]++
	return c.n[file]
}

// Over reports whether the n-th error of a file is past the cap.
func (c *Cap) Over(n int) bool { return c.Max > 0 && n > c.Max }

// Refused is the error the opener returns for a file its precheck refused
// (a NUL byte, a file too large): the compilers fail the files that import
// it, and loader reports why once.
type Refused struct{ Msg string }

func (e *Refused) Error() string { return e.Msg }
