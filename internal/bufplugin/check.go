package bufplugin

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"buf.build/go/bufplugin/check"
	"buf.build/go/bufplugin/descriptor"
	"buf.build/go/bufplugin/option"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/descriptorpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// The options that buf.yaml may give the plugin:
//
//	plugins:
//	  - plugin: buf-plugin-protocheck
//	    options:
//	      prove: true
//	      direction: backward
const (
	// OptionProve, when true, runs the round-trip prover and attaches the
	// proof of each finding to its message, as `protocheck check --prove`
	// prints it under the finding.
	OptionProve = "prove"
	// OptionDirection keeps only the findings that break these readers:
	// backward, forward or full (the default), as `--direction` does.
	OptionDirection = "direction"
)

// options are the plugin's options, read from a request.
type options struct {
	prove     bool
	direction compat.Direction
}

// readOptions reads the plugin's options. A key it does not know is an
// error, so that a misspelt option is not silently ignored.
func readOptions(o option.Options) (options, error) {
	var out options
	var unknown []string
	o.Range(func(key string, _ any) {
		if key != OptionProve && key != OptionDirection {
			unknown = append(unknown, key)
		}
	})
	if len(unknown) > 0 {
		slices.Sort(unknown)
		return out, fmt.Errorf("unknown option %q: buf-plugin-protocheck takes %s and %s", unknown[0], OptionProve, OptionDirection)
	}
	var err error
	if out.prove, err = option.GetBoolValue(o, OptionProve); err != nil {
		return out, fmt.Errorf("option %s: want true or false", OptionProve)
	}
	dir, err := option.GetStringValue(o, OptionDirection)
	if err != nil {
		return out, fmt.Errorf("option %s: want backward, forward or full", OptionDirection)
	}
	if out.direction, err = compat.ParseDirection(dir); err != nil {
		return out, fmt.Errorf("option %s: %w", OptionDirection, err)
	}
	return out, nil
}

// An annotation is one finding placed as buf places it: a file and a
// source path in each version. A file without a path is the whole file.
type annotation struct {
	message           string
	file, againstFile string
	path, againstPath protoreflect.SourcePath
}

// results holds a request's annotations by served rule id (with Prefix).
type results map[string][]annotation

type resultsKey struct{}

// before runs the check once for every rule the request asks for, before
// the SDK calls each rule's handler, which then only writes its part.
func before(ctx context.Context, req check.Request) (context.Context, check.Request, error) {
	res, err := run(ctx, req)
	if err != nil {
		return nil, nil, err
	}
	return context.WithValue(ctx, resultsKey{}, res), req, nil
}

// handler returns the handler of the served rule id (with Prefix), which
// writes the annotations that before found for it.
func handler(id string) check.RuleHandler {
	return check.RuleHandlerFunc(func(ctx context.Context, w check.ResponseWriter, _ check.Request) error {
		res, ok := ctx.Value(resultsKey{}).(results)
		if !ok {
			return errors.New("the rules ran without their check")
		}
		write(w, res[id])
		return nil
	})
}

// write adds the annotations to w.
func write(w check.ResponseWriter, as []annotation) {
	for _, a := range as {
		opts := []check.AddAnnotationOption{check.WithMessage(a.message)}
		switch {
		case a.path != nil:
			opts = append(opts, check.WithFileNameAndSourcePath(a.file, a.path))
		case a.file != "":
			opts = append(opts, check.WithFileName(a.file))
		}
		switch {
		case a.againstPath != nil:
			opts = append(opts, check.WithAgainstFileNameAndSourcePath(a.againstFile, a.againstPath))
		case a.againstFile != "":
			opts = append(opts, check.WithAgainstFileName(a.againstFile))
		}
		w.AddAnnotation(opts...)
	}
}

// run checks the request's files against its against files with the
// served rules it asks for, and returns their findings placed as buf
// places annotations, by rule id.
func run(ctx context.Context, req check.Request) (results, error) {
	opts, err := readOptions(req.Options())
	if err != nil {
		return nil, err
	}
	findings, err := findingsOf(ctx, req, opts)
	if err != nil {
		return nil, err
	}
	newLoc := newLocator(req.FileDescriptors())
	oldLoc := newLocator(req.AgainstFileDescriptors())
	res := results{}
	for _, f := range findings {
		if f.Ignored {
			continue // a protocheck:ignore comment excused it, with a reason
		}
		a := annotation{message: message(f, opts.prove)}
		if !f.Span.Old && newLoc.has(f.Span.Path) {
			a.file, a.path = f.Span.Path, newLoc.path(f.Span)
		}
		if f.OldSpan.Path != "" && oldLoc.has(f.OldSpan.Path) {
			a.againstFile, a.againstPath = f.OldSpan.Path, oldLoc.path(f.OldSpan)
		} else if f.Span.Old && oldLoc.has(f.Span.Path) {
			// Only the old version has the file: the finding is placed
			// there, as protocheck prints it.
			a.againstFile, a.againstPath = f.Span.Path, oldLoc.path(f.Span)
		}
		id := Prefix + f.Rule
		res[id] = append(res[id], a)
	}
	return res, nil
}

// findingsOf runs compat.Check (roundtrip.Check when opts.prove is set) on the
// request's two versions with the served rules it asks for, and returns
// the findings sorted as protocheck prints them. The request's files,
// imports included, are the new version and its against files the old:
// buf drops the annotations of imports itself when told to
// (--exclude-imports), as it does for its own rules.
func findingsOf(ctx context.Context, req check.Request, opts options) ([]compat.Finding, error) {
	against := req.AgainstFileDescriptors()
	if len(against) == 0 {
		return nil, nil // nothing to compare with
	}
	cfg := compat.Config{Use: ruleIDs(req.RuleIDs()), Direction: opts.direction}
	if len(cfg.Use) == 0 {
		return nil, nil
	}
	old, new := schemas(against, req.FileDescriptors())
	if left, ok := ctx.Value(leftOutKey{}).(leftOut); ok {
		// The files Serve took out of the request are named, as the files
		// that did not change are.
		addLeftOut(old, left.against)
		addLeftOut(new, left.files)
	}
	if opts.prove {
		return roundtrip.Check(ctx, old, new, cfg, roundtrip.Options{})
	}
	return compat.Check(ctx, old, new, cfg)
}

// schemas makes the two versions of a schema of buf's linked files. A file
// whose descriptor is the same in both versions, apart from source info,
// is left out of both and only named (Schema.Paths, Schema.Packages), as
// loader.LoadPair leaves out the files it did not compile: no rule finds a
// difference in it, and compat would otherwise convert every file back to
// a proto to find that out, a quarter of the plugin's time on a pair of
// 1,000 files.
func schemas(oldFiles, newFiles []descriptor.FileDescriptor) (old, new *schema.Schema) {
	oldByPath := make(map[string]descriptor.FileDescriptor, len(oldFiles))
	for _, f := range oldFiles {
		oldByPath[f.ProtoreflectFileDescriptor().Path()] = f
	}
	same := map[string]bool{}
	for _, f := range newFiles {
		path := f.ProtoreflectFileDescriptor().Path()
		if o, ok := oldByPath[path]; ok && sameFile(o.FileDescriptorProto(), f.FileDescriptorProto()) {
			same[path] = true
		}
	}
	return schemaOf(oldFiles, same), schemaOf(newFiles, same)
}

// schemaOf makes one version of a schema, leaving out the files of same.
func schemaOf(files []descriptor.FileDescriptor, same map[string]bool) *schema.Schema {
	s := &schema.Schema{Packages: map[string]string{}}
	for _, f := range files {
		fd := f.ProtoreflectFileDescriptor()
		s.Paths = append(s.Paths, fd.Path())
		if same[fd.Path()] {
			s.Packages[fd.Path()] = string(fd.Package())
			continue
		}
		s.Files = append(s.Files, fd)
	}
	slices.Sort(s.Paths)
	slices.SortFunc(s.Files, func(a, b protoreflect.FileDescriptor) int { return strings.Compare(a.Path(), b.Path()) })
	return s
}

// addLeftOut names in s the files of left (path -> package), which s
// does not hold.
func addLeftOut(s *schema.Schema, left map[string]string) {
	for path, pkg := range left {
		s.Paths = append(s.Paths, path)
		s.Packages[path] = pkg
	}
	slices.Sort(s.Paths)
}

// sameFile reports whether two versions of a file declare the same: every
// field of their descriptors but source info, which moves with every
// edited comment. Both come from one request, parsed with the same types,
// so that proto.Equal compares custom options too.
func sameFile(a, b *descriptorpb.FileDescriptorProto) bool {
	return a.GetName() == b.GetName() &&
		a.GetPackage() == b.GetPackage() &&
		a.GetSyntax() == b.GetSyntax() &&
		a.GetEdition() == b.GetEdition() &&
		slices.Equal(a.GetDependency(), b.GetDependency()) &&
		slices.Equal(a.GetPublicDependency(), b.GetPublicDependency()) &&
		slices.Equal(a.GetWeakDependency(), b.GetWeakDependency()) &&
		proto.Equal(a.GetOptions(), b.GetOptions()) &&
		equalAll(a.GetMessageType(), b.GetMessageType()) &&
		equalAll(a.GetEnumType(), b.GetEnumType()) &&
		equalAll(a.GetService(), b.GetService()) &&
		equalAll(a.GetExtension(), b.GetExtension())
}

func equalAll[M proto.Message](a, b []M) bool {
	return slices.EqualFunc(a, b, func(x, y M) bool { return proto.Equal(x, y) })
}

// message is a finding's annotation message: protocheck's message, and
// with prove its proof on the same line (buf prints one line per
// annotation), or why it has none.
func message(f compat.Finding, prove bool) string {
	if !prove {
		return f.Message
	}
	var b strings.Builder
	b.WriteString(f.Message)
	switch p := f.Proof; {
	case p != nil:
		fmt.Fprintf(&b, "; proof: %s %s, %s: %s; writer: %s; reader: %s", p.Direction, p.Encoding, p.FieldPath, p.Reason, p.WriterValue, p.ReaderValue)
		if p.JSON != "" {
			fmt.Fprintf(&b, "; json: %s", p.JSON)
		} else if len(p.Bytes) == 0 {
			b.WriteString("; bytes: (empty)")
		} else {
			fmt.Fprintf(&b, "; bytes: % x", p.Bytes)
		}
	case f.Unproven != "":
		fmt.Fprintf(&b, "; unproven: %s", f.Unproven)
	}
	return oneLine(b.String())
}

// oneLine replaces line breaks, which values in a proof may hold, so that
// buf's one line per annotation stays one line.
func oneLine(s string) string {
	return strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
}
