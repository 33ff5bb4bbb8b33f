// Package classic compiles .proto files with protocompile's v0.14 compiler
// (protocompile.Compiler): proto2, proto3 and edition 2023. It takes files
// already linked, which is what lets loader link a file the same in both
// versions of a pair, and in every baseline, once; and it is faster than
// the newer compiler (package editions) on what both compile. loader sends
// it every file that imports no file of a later edition.
package classic

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/bufbuild/protocompile"
	"github.com/bufbuild/protocompile/ast"
	"github.com/bufbuild/protocompile/linker"
	"github.com/bufbuild/protocompile/reporter"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/loader/internal/compile"
)

// A Request is one compile.
type Request struct {
	// Paths are the files to compile; what they import is compiled too.
	Paths []string
	// Linked holds files linked already, by path, used as they are.
	Linked map[string]protoreflect.FileDescriptor
	// SourceInfo asks for source info, which the files to check need.
	SourceInfo bool
	// MaxErrors is the most errors reported for one file (compile.Cap).
	MaxErrors int
	// Open returns the accessor of one attempt (0, then 1 when the first
	// failed): the files that import paths name, read through loader's
	// one opener.
	Open func(attempt int) func(path string) (io.ReadCloser, error)
	// Final reports, after a failed attempt, that another would fail the
	// same way (the compile met a file that needs the newer compiler).
	Final func() bool
}

// errTooManyErrors is what the reporter answers the compiler with when a
// file has more errors than the cap: it ends the compile.
var errTooManyErrors = errors.New("too many errors")

// Compile runs the compiler on req.Paths. It returns the linked files, or
// the errors in the sources, or why it could not run.
//
// Which file reports an import cycle depends on the order in which
// concurrent compiles finish: when anything fails, Compile compiles again
// one file at a time, so that the same tree always gets the same errors.
func Compile(ctx context.Context, req Request) (linker.Files, []reporter.ErrorWithPos, error) {
	var (
		errs  []reporter.ErrorWithPos
		files linker.Files
		err   error
	)
	mode := protocompile.SourceInfoNone
	if req.SourceInfo {
		mode = protocompile.SourceInfoStandard
	}
	for attempt, parallelism := range []int{0, 1} {
		errs = nil
		c := &compile.Cap{Max: req.MaxErrors}
		var resolver protocompile.Resolver = protocompile.WithStandardImports(&protocompile.SourceResolver{Accessor: req.Open(attempt)})
		if req.Linked != nil {
			resolver = withLinked(req.Linked, resolver)
		}
		cc := protocompile.Compiler{
			Resolver:       resolver,
			SourceInfoMode: mode,
			MaxParallelism: parallelism,
			// The compiler calls the reporter under a lock.
			Reporter: reporter.NewReporter(func(err reporter.ErrorWithPos) error {
				pos := err.GetPosition()
				if c.Over(c.Add(pos.Filename)) {
					// Each error costs the compiler a pass over its line:
					// stop it, which stops the whole compile, rather than
					// spend the square of the line's length.
					errs = append(errs, reporter.Error(ast.NewSourceSpan(pos, pos),
						fmt.Errorf("more than %d errors in this file: compiling stopped here", c.Max)))
					return errTooManyErrors
				}
				errs = append(errs, err)
				return nil // keep going: the user wants every error at once
			}, nil),
		}
		files, err = cc.Compile(ctx, req.Paths...)
		if err == nil || ctx.Err() != nil || req.Final() {
			break
		}
	}
	var posErr reporter.ErrorWithPos
	if errors.As(err, &posErr) && !slices.ContainsFunc(errs, func(e reporter.ErrorWithPos) bool { return e.Error() == posErr.Error() }) {
		errs = append(errs, posErr) // resolution errors bypass the reporter
	}
	if len(errs) > 0 {
		return nil, errs, nil
	}
	if err != nil {
		return nil, nil, err
	}
	return files, nil, nil
}

// withLinked puts files linked already before r.
func withLinked(linked map[string]protoreflect.FileDescriptor, r protocompile.Resolver) protocompile.Resolver {
	return protocompile.ResolverFunc(func(path string) (protocompile.SearchResult, error) {
		if f, ok := linked[path]; ok {
			return protocompile.SearchResult{Desc: f}, nil
		}
		return r.FindFileByPath(path)
	})
}
