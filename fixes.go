package protocheck

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/fix"
	"github.com/protocheck/protocheck/internal/inputs"
	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/schema"
	"github.com/protocheck/protocheck/source"
)

// A FixResult is what Fix would write into the input's files.
type FixResult struct {
	// Files are the files that change, by module root, then by path.
	Files []FixedFile
	// Skipped lists what a deletion needs reserved but cannot be, paths
	// as findings name files, in the order of Files.
	Skipped []fix.Skip
	// Notes are what the check told its user, in order.
	Notes []Note
}

// A FixedFile is one file of the input, before and after the edit.
type FixedFile struct {
	// Name is the file as findings name it (loader.Input.Display); Path
	// is where it is on disk, to write.
	Name, Path    string
	Before, After []byte
	// Changes say what is reserved where, in the order of the source,
	// their spans' paths as Name.
	Changes []fix.Change
}

// Fix does what `protocheck fix` does: it checks the directory that the
// request's Input names against the request's baselines (Plan's, when set,
// else those PlanFor infers, without its note), the input staying the
// directory on disk whatever is staged, and
// returns the edit that reserves the number and name of each deleted field
// and enum value that the selected rules report, in either direction. A
// .proto file input edits that file only. Fix writes nothing: see
// FixResult.Write.
//
// An input that is not a directory (a git revision, a descriptor set, an
// archive) holds no file to write, and is an error. Otherwise errors are
// Check's, and a *source.Error, with the path as findings name it, when a
// file's source does not match what was compiled.
func Fix(ctx context.Context, req Request) (*FixResult, error) {
	input := req.Input
	if input == "" {
		input = "."
	}
	newIn, err := loader.ParseInput(input)
	if err != nil {
		return nil, err
	}
	if ok, what := inputs.OnDisk(newIn); !ok {
		return nil, fmt.Errorf("fix writes the .proto files of a directory, and %s is %s, which holds none it can write: give the directory the version comes from", input, what)
	}
	req.Quiet = true
	baselines := []Baseline(nil)
	if req.Plan != nil {
		baselines = req.Plan.Baselines
	} else {
		pl, err := PlanFor(ctx, req)
		if err != nil {
			return nil, err
		}
		baselines = pl.Baselines
	}
	// Every deletion is reserved, whichever readers it breaks.
	req.Plan = &Plan{New: newIn, Baselines: baselines}
	req.Direction = compat.Both
	req.KeepSchemas = true
	res, err := Check(ctx, req)
	out := &FixResult{Notes: res.Notes}
	if err != nil {
		return out, err
	}
	file := ""
	if f, _ := inputs.File(res.Input); f != "" {
		file = filepath.Join(res.Input.Dir(), f)
	}
	modules := make(map[string]*fixModule)
	var roots []string
	for _, m := range res.Modules {
		fm := modules[m.Root]
		if fm == nil {
			fm = &fixModule{in: m.New, files: make(map[string]protoreflect.FileDescriptor)}
			modules[m.Root] = fm
			roots = append(roots, m.Root)
		}
		// Each baseline compiles the files that differ from it: the
		// union holds every file a plan names.
		for _, f := range m.NewSchema.Files {
			fm.files[f.Path()] = f
		}
		for _, r := range fix.Plan(m.OldSchema, m.NewSchema, m.Findings) {
			if file == "" || sameFile(filepath.Join(m.New.Dir(), filepath.FromSlash(r.Path)), file) {
				fm.plan = append(fm.plan, r)
			}
		}
	}
	slices.Sort(roots)
	// Every file is edited in memory first: a problem found in one leaves
	// all of them as they were.
	for _, root := range roots {
		if err := modules[root].apply(out); err != nil {
			return out, err
		}
	}
	return out, nil
}

// A fixModule gathers, across baselines, what one module of the input
// needs reserved and the compiled files that say where.
type fixModule struct {
	in    loader.Input // the module's directory
	files map[string]protoreflect.FileDescriptor
	plan  []fix.Reservation
}

// apply edits the module's files as its plan says, adding them and what
// cannot be reserved to out, with the paths findings give them.
func (m *fixModule) apply(out *FixResult) error {
	files := make([]protoreflect.FileDescriptor, 0, len(m.files))
	for _, f := range m.files {
		files = append(files, f)
	}
	res, err := fix.Apply(&schema.Schema{Files: files}, m.plan, func(p string) ([]byte, error) {
		return os.ReadFile(filepath.Join(m.in.Dir(), filepath.FromSlash(p)))
	})
	var se *source.Error
	if errors.As(err, &se) {
		se.Path = m.in.Display(se.Path)
		return se
	}
	if err != nil {
		return err
	}
	for _, s := range res.Skipped {
		s.Span.Path = m.in.Display(s.Span.Path)
		out.Skipped = append(out.Skipped, s)
	}
	for _, f := range res.Files {
		name := m.in.Display(f.Path)
		for i := range f.Changes {
			f.Changes[i].Span.Path = name
		}
		out.Files = append(out.Files, FixedFile{
			Name:    name,
			Path:    filepath.Join(m.in.Dir(), filepath.FromSlash(f.Path)),
			Before:  f.Before,
			After:   f.After,
			Changes: f.Changes,
		})
	}
	return nil
}

// sameFile reports whether the paths a and b name one file.
func sameFile(a, b string) bool {
	sa, errA := os.Stat(a)
	sb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(sa, sb)
}

// Write writes every file of the result in place, keeping its mode and,
// for a symbolic link, writing the file it points to. A file that cannot
// be written is found before any is written.
func (r *FixResult) Write() error {
	for _, f := range r.Files {
		if err := writable(f.Path); err != nil {
			return err
		}
	}
	for _, f := range r.Files {
		if err := writeInPlace(f.Path, f.After); err != nil {
			return err
		}
	}
	return nil
}

// writable reports why the file at p cannot be written, if it cannot.
func writable(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("cannot write %s: %w", p, unwrapPath(err))
	}
	return f.Close()
}

// writeInPlace replaces the contents of the file at p, keeping its mode
// and, when p is a symbolic link, writing the file it points to.
func writeInPlace(p string, data []byte) error {
	st, err := os.Stat(p)
	if err != nil {
		return err
	}
	if err := os.WriteFile(p, data, st.Mode().Perm()); err != nil {
		return fmt.Errorf("writing %s: %w", p, unwrapPath(err))
	}
	return nil
}
