// Package editions compiles .proto files with protocompile's newer compiler
// (experimental/incremental, the one buf builds images with), which knows
// edition 2024 and later; loader routes to it only the files that import,
// directly or not, a file of such an edition, and the rest to the v0.14
// compiler, which is faster.
//
// The compiler takes sources only, and keys what it parses and links by
// opener and path. Shared keys them by contents instead, for a whole
// Loader, so that a file the same in every version and baseline of a run
// is parsed and linked once; PerTree compiles through an opener, for the
// closures that cannot be keyed (a cycle, a missing or refused file, a
// header the scanner cannot read), and says what is wrong with them.
package editions

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"slices"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile/experimental/fdp"
	"github.com/bufbuild/protocompile/experimental/incremental"
	"github.com/bufbuild/protocompile/experimental/incremental/queries"
	"github.com/bufbuild/protocompile/experimental/ir"
	"github.com/bufbuild/protocompile/experimental/report"
	"github.com/bufbuild/protocompile/experimental/source"
	"github.com/bufbuild/protocompile/experimental/source/length"
	"google.golang.org/protobuf/reflect/protodesc"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/loader/internal/compile"
)

// A Request is one compile.
type Request struct {
	// Paths are the files to compile; what they import is compiled too.
	Paths []string
	// Linked holds files linked already (by either compiler), by path: a
	// file of the closure found there is that very object, not built
	// again, since two objects for one file clash in a compile.
	Linked map[string]protoreflect.FileDescriptor
	// Standard returns the object the v0.14 compiler links a well-known
	// import to, for the same reason.
	Standard func(path string) (protoreflect.FileDescriptor, bool)
	// SourceInfo asks for source info, which the files to check need.
	SourceInfo bool
	// ErrorsOnly asks for the errors only: the compile stops once linked.
	ErrorsOnly bool
	// MaxErrors is the most errors reported for one file (compile.Cap).
	MaxErrors int
}

// Errors are the problems found in a compile's sources. Refused says that
// a file the opener refused failed a compile: the caller reports why once.
type Errors struct {
	List    []compile.Error
	Refused bool
}

func (e *Errors) Error() string {
	lines := make([]string, len(e.List))
	for i, pe := range e.List {
		lines[i] = fmt.Sprintf("%s:%d:%d: %s", pe.Name, pe.Line, pe.Column, pe.Message)
	}
	return strings.Join(lines, "\n")
}

// ErrUnkeyed says that Shared cannot take a closure: the caller compiles
// it with PerTree.
var ErrUnkeyed = errors.New("closure not keyed by contents")

// refusedText marks the errors the compiler derives from a file that the
// opener refused, which the caller reports once.
const refusedText = "refused by protocheck: "

// newExecutor returns an executor that keeps errors only: protocheck
// reports no warnings.
func newExecutor() *incremental.Executor {
	return incremental.New(incremental.WithReportOptions(report.Options{SuppressWarnings: true}))
}

// A run is what one compile works with: Shared's or PerTree's.
type run struct {
	exec    *incremental.Executor
	link    incremental.Query[[]*ir.File]
	names   namer
	options *optionReads
	// newFile builds a file from its proto, resolving names with res,
	// given the files it imports (nil for one not built); nil means
	// protodesc.NewFile.
	newFile func(fp *descriptorpb.FileDescriptorProto, res protodesc.Resolver, deps []protoreflect.FileDescriptor) (protoreflect.FileDescriptor, error)
}

// A namer names the files of a compile as the user opens them, and says
// which are well-known imports.
type namer interface {
	display(p string) string
	standard(p string) bool
}

// compile links the closure of req.Paths, then writes descriptor protos
// only for the files not linked already, and builds their files. Errors
// in the sources come as *Errors; a panic in the compiler's queries comes
// as the executor's error (incremental.ErrPanic), like any failure to run.
func (r run) compile(ctx context.Context, req Request) ([]protoreflect.FileDescriptor, error) {
	linked, diags, err := incremental.Run(ctx, r.exec, r.link)
	if err == nil && len(linked) == 1 && errors.Is(linked[0].Fatal, ErrUnkeyed) {
		return nil, ErrUnkeyed
	}
	if err := r.failed(ctx, err, diags, req.MaxErrors); err != nil {
		return nil, err
	}
	if len(linked) != 1 {
		return nil, fmt.Errorf("the compiler returned %d results for one query", len(linked))
	}
	if linked[0].Fatal != nil {
		return nil, &Errors{List: []compile.Error{{Message: linked[0].Fatal.Error()}}}
	}
	if req.ErrorsOnly {
		return nil, nil
	}
	var opts fdp.Options
	opts.Apply(fdp.IncludeSourceCodeInfo(req.SourceInfo))
	var order []string // every file of the closure, each after what it imports
	var want []incremental.Query[*descriptorpb.FileDescriptorProto]
	for f := range ir.TopoSort(slices.DeleteFunc(slices.Clone(linked[0].Value), func(f *ir.File) bool { return f == nil })) {
		order = append(order, f.Path())
		if _, ok := req.Linked[f.Path()]; ok || r.names.standard(f.Path()) {
			continue
		}
		want = append(want, queries.FDP{File: f, Options: opts})
	}
	fdps, diags, err := incremental.Run(ctx, r.exec, want...)
	if err := r.failed(ctx, err, diags, req.MaxErrors); err != nil {
		return nil, err
	}
	protos := make(map[string]*descriptorpb.FileDescriptorProto, len(fdps))
	for _, res := range fdps {
		if res.Fatal != nil || res.Value == nil {
			return nil, fmt.Errorf("the compiler returned no descriptor: %v", res.Fatal)
		}
		protos[res.Value.GetName()] = res.Value
	}
	return r.build(req, order, protos)
}

// failed returns why a run of the compiler failed: it could not run, or
// its diagnostics hold errors; nil when neither.
func (r run) failed(ctx context.Context, err error, diags *report.Report, maxErrors int) error {
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return err
	}
	if errs := r.errors(diags, maxErrors); errs != nil {
		return errs
	}
	return nil
}

// errors turns the compiler's error diagnostics into Errors, or nil when
// there is none. Past the cap, a file's errors are counted, not placed
// (placing costs a pass over the line), and one more says how many.
func (r run) errors(diags *report.Report, maxErrors int) *Errors {
	c := &compile.Cap{Max: maxErrors}
	out := new(Errors)
	var spanless []compile.Error
	var more []compile.Error // a file's first error past the cap
	counts := make(map[string]int)
	if diags != nil {
		for _, d := range diags.Diagnostics {
			if d.Level() > report.Error {
				continue
			}
			e := compile.Error{Message: d.Message()}
			if strings.Contains(e.Message, refusedText) {
				// The compiler gives its diagnostics as text only; the
				// refusal itself is reported once, by the caller.
				out.Refused = true
				continue
			}
			span := d.Primary()
			if span.IsZero() {
				// A message with no place accompanies others that have one,
				// as buf takes it: kept only if it is alone.
				if e.Message != "" {
					spanless = append(spanless, e)
				}
				continue
			}
			n := c.Add(span.Path())
			counts[span.Path()] = n
			if c.Over(n - 1) {
				continue // counted, and not placed
			}
			start := span.Location(span.Start, length.Bytes)
			e.File, e.Name, e.Line, e.Column = span.Path(), r.names.display(span.Path()), start.Line, start.Column
			if c.Over(n) {
				more = append(more, e)
				continue
			}
			out.List = append(out.List, e)
		}
	}
	for _, e := range more {
		e.Message = fmt.Sprintf("and %d more errors in this file", counts[e.File]-c.Max)
		out.List = append(out.List, e)
	}
	if len(out.List) == 0 && !out.Refused {
		out.List = spanless
	}
	if len(out.List) == 0 && !out.Refused {
		return nil
	}
	return out
}

// PerTree is the compiler's memory for one tree, reading its files
// through an opener: it parses and links each file once, however many
// compiles (rounds, importers, shared files) ask for it.
type PerTree struct {
	mu      sync.Mutex // one compile at a time
	exec    *incremental.Executor
	session *ir.Session
	opener  *opener
	options optionReads
}

// An Opener reads the file that an import path names, prechecked: the
// file as the user opens it and its contents. An error that wraps
// fs.ErrNotExist says that no file holds it (a well-known import, or a
// missing file).
type Opener interface {
	Open(path string) (name string, data []byte, err error)
}

// NewPerTree returns a compiler that reads files through o.
func NewPerTree(o Opener) *PerTree {
	return &PerTree{
		exec:    newExecutor(),
		session: new(ir.Session),
		opener:  &opener{o: o, names: make(map[string]string), std: make(map[string]bool)},
	}
}

// Compile compiles req.Paths and what they import.
func (c *PerTree) Compile(ctx context.Context, req Request) ([]protoreflect.FileDescriptor, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return run{
		exec:    c.exec,
		link:    queries.Link{Opener: c.opener, Session: c.session, Workspace: source.NewWorkspace(req.Paths...)},
		names:   c.opener,
		options: &c.options,
	}.compile(ctx, req)
}

// opener is the source.Opener that PerTree gives the compiler. It must be
// a pointer: the compiler compares openers.
type opener struct {
	o Opener

	mu    sync.Mutex
	names map[string]string // import path -> name as the user opens it
	std   map[string]bool   // well-known imports, opened from the compiler's own copies
}

// Open implements source.Opener.
func (o *opener) Open(p string) (*source.File, error) {
	name, data, err := o.o.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		f, err := source.WKTs().Open(p)
		if err == nil {
			o.mu.Lock()
			o.std[p] = true
			o.mu.Unlock()
		}
		return f, err
	}
	refused := errors.As(err, new(*compile.Refused))
	if err != nil && !refused {
		return nil, err
	}
	o.mu.Lock()
	o.names[p] = name
	o.mu.Unlock()
	if refused {
		return nil, fmt.Errorf("%s%w", refusedText, err)
	}
	return source.NewFile(p, string(data)), nil
}

func (o *opener) standard(p string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.std[p]
}

func (o *opener) display(p string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if name, ok := o.names[p]; ok {
		return name
	}
	return p
}
