// Package source reports problems at their place in the files protocheck
// reads: a .proto file that does not compile, a configuration file or a
// buf.lock that cannot be used, an ignore comment that cannot be honoured,
// a source file that no longer holds what was compiled from it.
//
// Every package of the module reports such a problem as an *Error, and
// several of them at once as an ErrorList, so that one errors.As finds them
// whichever package returned them, and every caller prints them the way
// compilers do: path:line:column: message, which editors and CI systems turn
// into links.
package source

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// An Error is one problem at a place in a file. Its fields are plain values:
// an Error is safe to copy and to read from several goroutines.
type Error struct {
	// Path names the file as the user opens it: relative to the directory
	// the command ran in, or as the input names it.
	Path string
	// Line and Column are 1-based; Column counts bytes. Both are 0 for a
	// problem with the file as a whole.
	Line, Column int
	// Message says what is wrong: lowercase, no trailing period, naming
	// the element fully.
	Message string
	// Err is the cause when a caller may need to tell this problem from
	// others (errors.Is and errors.As see it through Unwrap), such as a
	// loader.ImportError for an import that names no file; often nil.
	Err error
}

// Error formats the problem as path:line:column: message, or path: message
// when it has no line.
func (e *Error) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.Path, e.Message)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.Path, e.Line, e.Column, e.Message)
}

// Unwrap returns the cause, Err.
func (e *Error) Unwrap() error { return e.Err }

// An ErrorList is every problem found at once, so that a user fixes them all
// in one go. The functions of this module return it sorted by Sort's order
// unless they say otherwise.
type ErrorList []*Error

// Error returns the problems one per line, each as *Error formats it.
func (l ErrorList) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// Unwrap returns the problems, so that errors.As finds the first *Error of a
// list, and errors.Is the cause of any of them.
func (l ErrorList) Unwrap() []error {
	errs := make([]error, len(l))
	for i, e := range l {
		errs[i] = e
	}
	return errs
}

// Sort orders the list by path, line and column, keeping the order of
// problems at the same place, and drops a problem equal in every field to
// the one before it.
func (l *ErrorList) Sort() {
	slices.SortStableFunc(*l, func(a, b *Error) int {
		return cmp.Or(
			strings.Compare(a.Path, b.Path),
			cmp.Compare(a.Line, b.Line),
			cmp.Compare(a.Column, b.Column),
		)
	})
	*l = slices.CompactFunc(*l, func(a, b *Error) bool {
		return a.Path == b.Path && a.Line == b.Line && a.Column == b.Column && a.Message == b.Message
	})
}
