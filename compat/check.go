package compat

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/reflect/protoreflect"
)

// Config selects the rules that Check runs. Its zero value runs buf's
// default set, the FILE category, in both directions.
type Config struct {
	// Use lists categories (FILE, PACKAGE, WIRE_JSON, WIRE, CSR) and rule
	// ids to run. Empty means FILE.
	Use []string
	// Except lists categories and rule ids to leave out of Use.
	Except []string
	// Direction keeps only findings that break these readers. Zero means
	// Both.
	Direction Direction

	// The fields below drop or excuse findings; ignore.go applies them.

	// Ignore lists files and directories, relative to the schema's root,
	// whose findings are dropped, as buf's breaking.ignore does. "." is
	// every file.
	Ignore []string
	// IgnoreOnly maps rule ids and categories to the files and directories
	// where their findings are dropped, as buf's breaking.ignore_only does.
	IgnoreOnly map[string][]string
	// IgnoreUnstablePackages drops findings in packages whose last
	// component is an alpha, beta or test version (foo.v1alpha1,
	// foo.v2beta, foo.v1test), as buf's breaking.ignore_unstable_packages
	// does.
	IgnoreUnstablePackages bool
	// Waivers excuse findings with a reason. Unlike Ignore, a waived
	// finding is kept, marked Ignored, so that reports can show it.
	Waivers []Waiver
}

// Select returns copies of the rules that c selects, in catalogue order, or
// an error naming an unknown category or rule id.
func (c Config) Select() ([]*Rule, error) {
	rules, err := c.selectRules()
	for i, r := range rules {
		rules[i] = r.clone()
	}
	return rules, err
}

// selectRules is Select without the copies, for Check.
func (c Config) selectRules() ([]*Rule, error) {
	use := c.Use
	if len(use) == 0 {
		use = []string{string(File)}
	}
	in, err := matcher(use)
	if err != nil {
		return nil, fmt.Errorf("use: %w", err)
	}
	out, err := matcher(c.Except)
	if err != nil {
		return nil, fmt.Errorf("except: %w", err)
	}
	var rules []*Rule
	for _, r := range catalogue {
		if in(r) && !out(r) {
			rules = append(rules, r)
		}
	}
	return rules, nil
}

// matcher turns a list of categories and rule ids into a predicate.
func matcher(names []string) (func(*Rule) bool, error) {
	var cats []Category
	var ids []string
	for _, n := range names {
		n = strings.TrimSpace(n)
		switch {
		case slices.Contains(categories, Category(n)):
			cats = append(cats, Category(n))
		case lookup(n) != nil:
			ids = append(ids, n)
		case deprecatedIDs[n] != nil:
			ids = append(ids, deprecatedIDs[n]...) // an id not in the catalogue matches nothing
		default:
			if near := Nearest(n); near != "" {
				return nil, fmt.Errorf("unknown rule or category %q: did you mean %s?", n, near)
			}
			return nil, fmt.Errorf("unknown rule or category %q", n)
		}
	}
	return func(r *Rule) bool {
		if slices.Contains(ids, r.ID) {
			return true
		}
		for _, c := range cats {
			if r.In(c) {
				return true
			}
		}
		return false
	}, nil
}

// Check compares two versions of a schema and returns the findings of the
// rules that cfg selects, sorted by position. The error is non-nil only
// when the check could not run, for example because cfg names an unknown
// rule; ignore comments that cannot be honoured return a source.ErrorList,
// one problem at each, and a cancelled ctx its error (Check looks at ctx
// between files and between rules). Check only reads the schemas and the catalogue: any
// number of Checks may run at once, on the same schemas too.
func Check(ctx context.Context, old, new *schema.Schema, cfg Config) ([]Finding, error) {
	rules, err := cfg.selectRules()
	if err != nil {
		return nil, err
	}
	dir := cfg.Direction
	if dir == 0 {
		dir = Both
	}
	p := &pass{ctx: ctx}
	if p.old, err = newIndex(ctx, old); err != nil {
		return nil, err
	}
	if p.new, err = newIndex(ctx, new); err != nil {
		return nil, err
	}
	if p.same, err = unchangedFiles(ctx, p.old, p.new); err != nil {
		return nil, err
	}
	ig, err := newIgnorer(cfg, p.old, p.new)
	if err != nil {
		return nil, err
	}
	for _, r := range rules {
		if r.run != nil {
			p.rule = r
			r.run(p)
		}
		if err := ctx.Err(); err != nil {
			return nil, err // findings may be missing, from this rule on
		}
	}
	p.dropMoved(rules)
	p.dropReused()
	kept := p.findings[:0]
	for _, f := range p.findings {
		if f.Direction&dir != 0 && ig.keep(&f) {
			kept = append(kept, f)
		}
	}
	return sortFindings(kept), nil
}

// Excuse applies cfg's direction, ignores, ignore comments and waivers to
// findings made outside Check, such as the prover's counterexamples (see
// roundtrip), so that a user's exclusions hold for every finding alike. It
// returns the findings kept, some marked Ignored, in their order, or a
// cancelled ctx's error.
func Excuse(ctx context.Context, old, new *schema.Schema, cfg Config, findings []Finding) ([]Finding, error) {
	dir := cfg.Direction
	if dir == 0 {
		dir = Both
	}
	oi, err := newIndex(ctx, old)
	if err != nil {
		return nil, err
	}
	ni, err := newIndex(ctx, new)
	if err != nil {
		return nil, err
	}
	ig, err := newIgnorer(cfg, oi, ni)
	if err != nil {
		return nil, err
	}
	var kept []Finding
	for _, f := range findings {
		if f.Direction&dir != 0 && ig.keep(&f) {
			kept = append(kept, f)
		}
	}
	return kept, nil
}

// pass is the state of one Check: both versions' indexes and the rule
// being run.
type pass struct {
	ctx      context.Context
	ticks    uint // calls of stop
	stopped  bool // ctx was found cancelled: the helpers call fn no more
	old, new *index
	rule     *Rule
	same     map[string]bool                     // paths of files unchanged between the versions
	msgPairs [][2]protoreflect.MessageDescriptor // built on first use, shared by every rule
	lookup   *members                            // made on first use (members.go)
	findings []Finding
}

// stop reports whether the check was cancelled: the pairing helpers call
// it for each element and return early when it is, so that a rule stops
// within a few hundred elements. It looks at ctx once in 256 calls.
func (p *pass) stop() bool {
	p.ticks++
	if !p.stopped && p.ticks%256 == 0 && p.ctx.Err() != nil {
		p.stopped = true
	}
	return p.stopped
}

// report records a finding of the current rule. at locates it in the new
// version and was in the old one; either may be the zero Span.
func (p *pass) report(at, was Span, format string, args ...any) {
	p.reportDir(p.rule.Direction, at, was, format, args...)
}

// reportDir is report with a direction narrower than the rule's.
func (p *pass) reportDir(dir Direction, at, was Span, format string, args ...any) {
	old, new := elementOf(was.of), elementOf(at.of)
	if old != nil && new != nil && new.FullName() != old.FullName() && strings.HasPrefix(string(old.FullName()), string(new.FullName())+".") {
		new = nil // a deletion, placed at the element that held it
	}
	at.of, was.of = nil, nil
	if was.Path != "" {
		was.Old = true
	}
	if at.Path == "" {
		at = was
	}
	p.findings = append(p.findings, Finding{
		Rule:       p.rule.ID,
		Categories: slices.Clone(p.rule.Categories), // the finding's own: a caller may change it
		Severity:   p.rule.Severity,
		Direction:  dir,
		Message:    fmt.Sprintf(format, args...),
		Span:       at,
		OldSpan:    was,
		Old:        old,
		New:        new,
	})
}

// about records the elements that the finding just reported concerns.
func (p *pass) about(old, new *Element) {
	f := &p.findings[len(p.findings)-1]
	f.Old, f.New = old, new
}

// Source paths within descriptor.proto messages, for spans of single tokens.
const (
	filePackageTag     = 2  // FileDescriptorProto.package
	fileSyntaxTag      = 12 // FileDescriptorProto.syntax
	fileEditionTag     = 14 // FileDescriptorProto.edition
	fileOptionsTag     = 8  // FileDescriptorProto.options
	nameTag            = 1  // the name field of every element's proto
	fieldNumberTag     = 3  // FieldDescriptorProto.number
	fieldLabelTag      = 4  // FieldDescriptorProto.label
	fieldTypeTag       = 5  // FieldDescriptorProto.type
	fieldTypeNameTag   = 6  // FieldDescriptorProto.type_name
	fieldExtendeeTag   = 2  // FieldDescriptorProto.extendee
	fieldDefaultTag    = 7  // FieldDescriptorProto.default_value
	fieldOptionsTag    = 8  // FieldDescriptorProto.options
	fieldOneofIndexTag = 9  // FieldDescriptorProto.oneof_index
	fieldJSONNameTag   = 10 // FieldDescriptorProto.json_name
	methodInputTag     = 2  // MethodDescriptorProto.input_type
	methodOutputTag    = 3  // MethodDescriptorProto.output_type
	methodOptionsTag   = 4  // MethodDescriptorProto.options
	methodClientStrTag = 5  // MethodDescriptorProto.client_streaming
	methodServerStrTag = 6  // MethodDescriptorProto.server_streaming
	enumValueNumberTag = 2  // EnumValueDescriptorProto.number
)

// spanOf locates d in its file. With sub, it locates the token at that
// path below d (the type of a field, say), falling back to d itself when
// the source info has no such token. A descriptor without source info gets
// a file-level span.
func spanOf(d protoreflect.Descriptor, sub ...int32) Span {
	s := locate(d, sub...)
	if s.of == nil {
		s.of = d
	}
	return s
}

func locate(d protoreflect.Descriptor, sub ...int32) Span {
	f := d.ParentFile()
	if f == nil {
		return Span{}
	}
	locs := f.SourceLocations()
	var path protoreflect.SourcePath // empty for the file itself
	if d != protoreflect.Descriptor(f) {
		loc := locs.ByDescriptor(d)
		if loc.Path == nil {
			// A map's entry, key and value have no source: the map
			// field's type, map<K, V>, stands for them, as in buf.
			switch d := d.(type) {
			case protoreflect.FieldDescriptor:
				if mf := mapFieldOf(d); mf != nil {
					return spanOf(mf, fieldTypeNameTag)
				}
			case protoreflect.MessageDescriptor:
				if d.IsMapEntry() {
					if mf := mapFieldOf(d.Fields().ByNumber(1)); mf != nil {
						return spanOf(mf, fieldTypeNameTag)
					}
				}
			}
			return fileSpan(f) // no source info: buf says 1:1 too
		}
		path = loc.Path
	}
	if len(sub) > 0 {
		sp := append(slices.Clip(path), sub...)
		if loc := locs.ByPath(sp); loc.Path != nil {
			return toSpan(f.Path(), loc)
		}
	}
	if len(path) == 0 {
		return fileSpan(f)
	}
	return toSpan(f.Path(), locs.ByPath(path))
}

// fileSpan is the span of a whole file: what buf reports for a deleted or
// added top-level element.
func fileSpan(f protoreflect.FileDescriptor) Span {
	return Span{Path: f.Path(), StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}
}

// toSpan converts protobuf's 0-based source location to a 1-based Span.
// It is the only place where positions change base. A file without source
// info (an image built with --exclude-source-info) has no location: its
// span is the file's first position, 1:1, where buf puts it, not 0:0.
func toSpan(path string, loc protoreflect.SourceLocation) Span {
	if loc.Path == nil {
		return Span{Path: path, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1}
	}
	return Span{
		Path:      path,
		StartLine: loc.StartLine + 1,
		StartCol:  loc.StartColumn + 1,
		EndLine:   loc.EndLine + 1,
		EndCol:    loc.EndColumn + 1,
	}
}

// Nearest returns the category or rule id that name is most likely a
// mistyping of (another case, a letter dropped, added, changed or two
// swapped, a word left out), or "" when none is close.
func Nearest(name string) string {
	upper := strings.ToUpper(strings.TrimSpace(name))
	if upper == "" {
		return ""
	}
	names := make([]string, 0, len(categories)+len(catalogue))
	for _, c := range categories {
		names = append(names, string(c))
	}
	for _, r := range catalogue {
		names = append(names, r.ID)
	}
	best, bestD := "", max(2, len(upper)/4)+1
	for _, n := range names {
		if d := editDistance(upper, n); d < bestD {
			best, bestD = n, d
		}
	}
	return best
}

// editDistance counts the insertions, deletions, substitutions and swaps
// of neighbouring bytes that turn a into b (optimal string alignment).
func editDistance(a, b string) int {
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}
