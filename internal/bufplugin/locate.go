package bufplugin

import (
	"buf.build/go/bufplugin/descriptor"
	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
)

// A locator finds in one version's files the source path of the location
// at a span. compat places a finding by line and column, taken from a
// source location; buf places an annotation by source path and prints the
// line and column of its location. Going back from the span to the path
// makes buf print a finding where `protocheck check` prints it.
type locator struct {
	files map[string]protoreflect.FileDescriptor
	// spans maps, per file, a location's span to its path; made on the
	// first finding in the file.
	spans map[string]map[position]protoreflect.SourcePath
}

// position is a location's span as protobuf gives it: 0-based lines and
// columns, the end column exclusive.
type position struct{ startLine, startCol, endLine, endCol int }

func newLocator(files []descriptor.FileDescriptor) *locator {
	l := &locator{files: make(map[string]protoreflect.FileDescriptor, len(files)), spans: map[string]map[position]protoreflect.SourcePath{}}
	for _, f := range files {
		fd := f.ProtoreflectFileDescriptor()
		l.files[fd.Path()] = fd
	}
	return l
}

// has reports whether the version has the file.
func (l *locator) has(path string) bool { return path != "" && l.files[path] != nil }

// path returns the source path of the location at s, in a file the
// version has, or nil for the file as a whole: a span without a line, or
// one that no location of the file has.
func (l *locator) path(s compat.Span) protoreflect.SourcePath {
	if s.StartLine == 0 {
		return nil
	}
	spans, ok := l.spans[s.Path]
	if !ok {
		spans = index(l.files[s.Path])
		l.spans[s.Path] = spans
	}
	// compat's spans are 1-based (compat.Span); this is the one place the
	// plugin goes back to protobuf's base.
	return spans[position{s.StartLine - 1, s.StartCol - 1, s.EndLine - 1, s.EndCol - 1}]
}

// index maps the spans of f's locations to their paths. A path with
// several locations (a repeated statement) counts by its first, the one
// that SourceLocations.ByPath returns, which compat reads and buf prints;
// where several paths share a span, the first wins, as any prints there.
func index(f protoreflect.FileDescriptor) map[position]protoreflect.SourcePath {
	locs := f.SourceLocations()
	out := make(map[position]protoreflect.SourcePath, locs.Len())
	seen := make(map[string]bool, locs.Len())
	for i := range locs.Len() {
		loc := locs.Get(i)
		if len(loc.Path) == 0 {
			continue // the whole file: a nil path says so
		}
		key := loc.Path.String()
		if seen[key] {
			continue
		}
		seen[key] = true
		p := position{loc.StartLine, loc.StartColumn, loc.EndLine, loc.EndColumn}
		if _, dup := out[p]; !dup {
			out[p] = loc.Path
		}
	}
	return out
}
