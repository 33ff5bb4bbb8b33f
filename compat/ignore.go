package compat

import (
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/protocheck/protocheck/source"
)

// This file is the one place where findings are dropped or excused. Three
// kinds of ignore exist:
//
//   - buf's, from Config.Ignore, Config.IgnoreOnly and
//     Config.IgnoreUnstablePackages: the finding is dropped, as buf drops
//     it. A finding is dropped when either its place in the new version or
//     its place in the old one matches.
//   - comments in the new version's files: a line
//
//	// protocheck:ignore FIELD_NO_DELETE the field was never released
//
//     in the leading or trailing comment of an element excuses the rule's
//     findings within that element (a message's comment covers its fields).
//     On the syntax, edition or package statement it covers the whole file.
//     The rule may be a rule id or a category. The reason is required: an
//     ignore comment without one, or naming an unknown rule, makes Check
//     fail with a source.ErrorList, each problem at the element, because an ignore nobody can
//     justify later is a break waiting to be forgotten.
//   - Config.Waivers: like comments, written in configuration.
//
// An excused finding is kept with Ignored set and IgnoreWhy holding the
// reason; reports show it, and it never fails a run.

// IgnoreDirective starts an ignore comment line.
const IgnoreDirective = "protocheck:ignore"

// A Waiver excuses the findings of a rule under a path, for a reason.
type Waiver struct {
	// Rule is a rule id or category; empty means every rule.
	Rule string
	// Path is a file or directory relative to the schema's root; empty
	// means everywhere.
	Path string
	// Reason says why the change is safe. It is required.
	Reason string
}

// ignorer applies a Config's ignores to findings.
type ignorer struct {
	paths    []string
	only     []ruleIgnore
	unstable bool
	waivers  []ruleIgnore
	old, new *index
	comments map[string][]ruleIgnore // new file path -> its ignore comments
}

// ruleIgnore is one ignore of some rules in one place: a path prefix, or a
// span of a file for comments.
type ruleIgnore struct {
	match  func(*Rule) bool // nil: every rule
	path   string           // "" everywhere, "." too
	span   Span             // for comments: the element's span; zero line: the whole file
	reason string
}

func (ri *ruleIgnore) matches(r *Rule) bool { return ri.match == nil || ri.match(r) }

func newIgnorer(cfg Config, old, new *index) (*ignorer, error) {
	ig := &ignorer{unstable: cfg.IgnoreUnstablePackages, old: old, new: new}
	for _, p := range cfg.Ignore {
		clean, err := cleanIgnorePath(p)
		if err != nil {
			return nil, fmt.Errorf("ignore: %w", err)
		}
		ig.paths = append(ig.paths, clean)
	}
	for id, paths := range cfg.IgnoreOnly {
		m, err := matcher([]string{id})
		if err != nil {
			return nil, fmt.Errorf("ignore_only: %w", err)
		}
		for _, p := range paths {
			clean, err := cleanIgnorePath(p)
			if err != nil {
				return nil, fmt.Errorf("ignore_only: %s: %w", id, err)
			}
			ig.only = append(ig.only, ruleIgnore{match: m, path: clean})
		}
	}
	for _, w := range cfg.Waivers {
		ri := ruleIgnore{reason: strings.TrimSpace(w.Reason)}
		if ri.reason == "" {
			return nil, fmt.Errorf("waiver of %q at %q: no reason given", w.Rule, w.Path)
		}
		if w.Rule != "" {
			m, err := matcher([]string{w.Rule})
			if err != nil {
				return nil, fmt.Errorf("waiver: %w", err)
			}
			ri.match = m
		}
		if w.Path != "" {
			clean, err := cleanIgnorePath(w.Path)
			if err != nil {
				return nil, fmt.Errorf("waiver: %w", err)
			}
			ri.path = clean
		}
		ig.waivers = append(ig.waivers, ri)
	}
	comments, err := readIgnoreComments(new)
	if err != nil {
		return nil, err
	}
	ig.comments = comments
	return ig, nil
}

// cleanIgnorePath normalizes a path of an ignore and refuses one that
// leaves the root.
func cleanIgnorePath(p string) (string, error) {
	p = strings.TrimSpace(strings.ReplaceAll(p, `\`, "/"))
	if p == "" {
		return "", fmt.Errorf("empty path")
	}
	clean := path.Clean(p)
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
		return "", fmt.Errorf("path %q leaves the root", p)
	}
	return clean, nil
}

// within reports whether file p is dir or lies below it.
func within(p, dir string) bool {
	return dir == "" || dir == "." || p == dir || strings.HasPrefix(p, dir+"/")
}

// keep applies the ignores to f: it reports false to drop f, and marks f
// Ignored when a comment or waiver excuses it.
func (ig *ignorer) keep(f *Finding) bool {
	r := lookup(f.Rule)
	var places []string
	for _, s := range []Span{f.Span, f.OldSpan} {
		if s.Path != "" {
			places = append(places, s.Path)
		}
	}
	for _, p := range places {
		for _, dir := range ig.paths {
			if within(p, dir) {
				return false
			}
		}
		for _, o := range ig.only {
			if r != nil && o.matches(r) && within(p, o.path) {
				return false
			}
		}
	}
	if ig.unstable && (isUnstable(ig.new, f.Span.Path) || isUnstable(ig.old, f.OldSpan.Path)) {
		return false
	}
	if r == nil {
		return true
	}
	for _, c := range ig.comments[f.Span.Path] {
		if c.matches(r) && (c.span.StartLine == 0 || encloses(c.span, f.Span)) {
			f.Ignored, f.IgnoreWhy = true, c.reason
			return true
		}
	}
	for _, w := range ig.waivers {
		if !w.matches(r) {
			continue
		}
		for _, p := range places {
			if within(p, w.path) {
				f.Ignored, f.IgnoreWhy = true, w.reason
				return true
			}
		}
	}
	return true
}

// encloses reports whether the start of s lies within outer, whose end is
// exclusive.
func encloses(outer, s Span) bool {
	if s.StartLine == 0 {
		return false
	}
	before := func(l1, c1, l2, c2 int) bool { return l1 < l2 || l1 == l2 && c1 < c2 }
	return !before(s.StartLine, s.StartCol, outer.StartLine, outer.StartCol) &&
		before(s.StartLine, s.StartCol, outer.EndLine, outer.EndCol)
}

// isUnstable reports whether the file at p in x declares an unstable
// package.
func isUnstable(x *index, p string) bool {
	f, ok := x.files[p]
	return ok && UnstablePackage(string(f.Package()))
}

// UnstablePackage reports whether a package is versioned as alpha, beta or
// test in its last component, as buf decides it for
// ignore_unstable_packages: foo.v1alpha, foo.v1alpha1, foo.v1p1beta2,
// foo.v2test, foo.v1testbar. A component holding both alpha and beta, a
// version 0, or a package of one component is not a version at all.
func UnstablePackage(pkg string) bool {
	i := strings.LastIndexByte(pkg, '.')
	if i < 0 {
		return false
	}
	v, ok := strings.CutPrefix(pkg[i+1:], "v")
	if !ok || v == "" {
		return false
	}
	if major, _, ok := strings.Cut(v, "test"); ok {
		return versionNumber(major)
	}
	alpha, beta := strings.Contains(v, "alpha"), strings.Contains(v, "beta")
	if alpha == beta {
		return false // stable (a plain number), or not a version
	}
	word := "alpha"
	if beta {
		word = "beta"
	}
	before, after, _ := strings.Cut(v, word)
	if after != "" && !versionNumber(after) {
		return false
	}
	// before is the major version, with an optional patch: 1 or 1p2.
	if major, patch, ok := strings.Cut(before, "p"); ok {
		return versionNumber(major) && versionNumber(patch)
	}
	return versionNumber(before)
}

// versionNumber reports whether s is a decimal number from 1 up that fits
// 32 bits.
func versionNumber(s string) bool {
	if s == "" || strings.Trim(s, "0123456789") != "" {
		return false
	}
	n, err := strconv.ParseInt(s, 10, 32)
	return err == nil && n >= 1
}

// Source paths of the file-wide statements whose comments cover the file.
var fileWidePaths = [][]int32{{fileSyntaxTag}, {fileEditionTag}, {filePackageTag}}

// readIgnoreComments collects the ignore comments of the files to check in
// x, by path, and every problem with them.
func readIgnoreComments(x *index) (map[string][]ruleIgnore, error) {
	out := make(map[string][]ruleIgnore)
	var problems []Finding // Span and Message, sorted as findings are
	for _, p := range x.filePaths {
		f := x.files[p]
		locs := f.SourceLocations()
		for i := range locs.Len() {
			loc := locs.Get(i)
			if !strings.Contains(loc.LeadingComments, IgnoreDirective) && !strings.Contains(loc.TrailingComments, IgnoreDirective) {
				continue
			}
			span := toSpan(p, loc)
			scope := span
			for _, fp := range fileWidePaths {
				if slices.Equal([]int32(loc.Path), fp) {
					scope = Span{Path: p}
				}
			}
			for _, text := range []string{loc.LeadingComments, loc.TrailingComments} {
				for line := range strings.SplitSeq(text, "\n") {
					ri, msg, ok := parseIgnoreLine(line)
					if !ok {
						continue
					}
					if msg != "" {
						problems = append(problems, Finding{Span: span, Message: msg})
						continue
					}
					ri.span = scope
					out[p] = append(out[p], ri)
				}
			}
		}
	}
	if len(problems) > 0 {
		return nil, problemList(problems)
	}
	return out, nil
}

// parseIgnoreLine reads one comment line. ok says whether the line is an
// ignore comment at all; msg, when not empty, says what is wrong with it.
func parseIgnoreLine(line string) (ri ruleIgnore, msg string, ok bool) {
	line = strings.TrimSpace(line)
	line = strings.TrimSpace(strings.TrimPrefix(line, "*")) // inside /* */ blocks
	rest, ok := strings.CutPrefix(line, IgnoreDirective)
	if !ok {
		return ri, "", false
	}
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return ri, fmt.Sprintf("%s must be followed by a space, a rule id and a reason", IgnoreDirective), true
	}
	rest = strings.TrimSpace(rest)
	id, reason, _ := strings.Cut(rest, " ")
	id = strings.TrimRight(id, ",:")
	reason = strings.TrimSpace(reason)
	switch {
	case id == "":
		return ri, fmt.Sprintf("%s needs a rule id and a reason", IgnoreDirective), true
	case reason == "":
		return ri, fmt.Sprintf("%s %s needs a reason after the rule id: say why the change is safe", IgnoreDirective, id), true
	}
	m, err := matcher([]string{id})
	if err != nil {
		return ri, fmt.Sprintf("%s: %v", IgnoreDirective, err), true
	}
	return ruleIgnore{match: m, reason: reason}, "", true
}

// problemList returns the problems with ignore comments, sorted and each
// once, as the source.ErrorList that Check returns: each is placed at the
// element the comment belongs to.
func problemList(ps []Finding) source.ErrorList {
	ps = sortFindings(ps)
	l := make(source.ErrorList, len(ps))
	for i, p := range ps {
		l[i] = &source.Error{Path: p.Span.Path, Line: p.Span.StartLine, Column: p.Span.StartCol, Message: p.Message}
	}
	return l
}
