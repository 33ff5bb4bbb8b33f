package gitfs

import (
	"context"
	"slices"
	"strconv"
	"strings"
)

// Tags returns the names of the tags that match glob ("" for all), oldest
// version first, so that a history check can compare each release with the
// one before it. Git's own pattern matching applies, where "*" also matches
// "/". Names are ordered by semantic version (v1.10.0 after v1.9.0, a
// pre-release before its release) where the part after the last "/" is one,
// with or without a leading "v"; other names follow, in byte order.
func (r *Repo) Tags(ctx context.Context, glob string) ([]string, error) {
	args := []string{"tag", "--list"}
	if glob != "" {
		args = append(args, "--", glob)
	}
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, err
	}
	var tags []string
	for line := range strings.SplitSeq(string(out), "\n") {
		if line != "" {
			tags = append(tags, line)
		}
	}
	slices.SortStableFunc(tags, compareTags)
	return tags, nil
}

// History returns the ids of the last n commits reachable from rev that
// change any of paths, newest first; n <= 0 means no limit, and no paths
// means every commit. paths are git pathspecs relative to the top of the
// work tree. In a shallow clone the history ends at the shallow boundary.
func (r *Repo) History(ctx context.Context, rev string, n int, paths ...string) ([]string, error) {
	commit, err := r.Resolve(ctx, rev)
	if err != nil {
		return nil, err
	}
	args := []string{"rev-list"}
	if n > 0 {
		args = append(args, "--max-count="+strconv.Itoa(n))
	}
	args = append(args, "--end-of-options", commit, "--")
	args = append(args, paths...)
	out, err := r.run(ctx, args...)
	if err != nil {
		return nil, err
	}
	var ids []string
	for id := range strings.FieldsSeq(string(out)) {
		ids = append(ids, id)
	}
	return ids, nil
}

// compareTags orders tag names for [Repo.Tags].
func compareTags(a, b string) int {
	va, okA := parseVersion(a[strings.LastIndexByte(a, '/')+1:])
	vb, okB := parseVersion(b[strings.LastIndexByte(b, '/')+1:])
	switch {
	case okA && okB:
		if c := va.compare(vb); c != 0 {
			return c
		}
	case okA:
		return -1
	case okB:
		return 1
	}
	return strings.Compare(a, b)
}

// version is a semantic version (semver.org 2.0.0); build metadata is
// dropped because it does not affect precedence.
type version struct {
	core [3]string // numeric, without leading zeros
	pre  []string
}

// parseVersion parses "MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD]" with an
// optional leading "v", as tags are commonly written; "v1.2" and "v1" are
// taken as v1.2.0 and v1.0.0 (a tie with the full form goes to byte order).
func parseVersion(s string) (version, bool) {
	var v version
	s = strings.TrimPrefix(s, "v")
	s, build, hasBuild := strings.Cut(s, "+")
	if hasBuild && !validIdents(build, false) {
		return v, false
	}
	s, pre, hasPre := strings.Cut(s, "-")
	if hasPre {
		if !validIdents(pre, true) {
			return v, false
		}
		v.pre = strings.Split(pre, ".")
	}
	core := strings.Split(s, ".")
	if len(core) > 3 {
		return v, false
	}
	v.core = [3]string{"0", "0", "0"}
	for i, n := range core {
		if !isNumeric(n) {
			return v, false
		}
		v.core[i] = n
	}
	return v, true
}

// validIdents reports whether s is a dot-separated list of non-empty
// identifiers of [0-9A-Za-z-]; in a pre-release, numeric identifiers must
// not have leading zeros.
func validIdents(s string, pre bool) bool {
	for id := range strings.SplitSeq(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			c := id[i]
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '-') {
				return false
			}
		}
		if pre && allDigits(id) && !isNumeric(id) {
			return false
		}
	}
	return true
}

// isNumeric reports whether s is a number without leading zeros.
func isNumeric(s string) bool {
	return allDigits(s) && (s == "0" || s[0] != '0')
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// compareNumeric compares numbers of any length written without leading
// zeros: the longer is larger, and equal lengths compare as text.
func compareNumeric(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

func (v version) compare(w version) int {
	for i := range v.core {
		if c := compareNumeric(v.core[i], w.core[i]); c != 0 {
			return c
		}
	}
	// A release follows its pre-releases.
	switch {
	case v.pre == nil && w.pre == nil:
		return 0
	case v.pre == nil:
		return 1
	case w.pre == nil:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(w.pre); i++ {
		a, b := v.pre[i], w.pre[i]
		na, nb := allDigits(a), allDigits(b)
		var c int
		switch {
		case na && nb:
			c = compareNumeric(a, b)
		case na:
			c = -1 // numeric identifiers sort before alphanumeric ones
		case nb:
			c = 1
		default:
			c = strings.Compare(a, b)
		}
		if c != 0 {
			return c
		}
	}
	return len(v.pre) - len(w.pre)
}

// Refs returns the names of the repository's branches and tags.
func (r *Repo) Refs(ctx context.Context) (branches, tags []string, err error) {
	out, err := r.run(ctx, "for-each-ref", "--format=%(refname)", "refs/heads", "refs/tags")
	if err != nil {
		return nil, nil, err
	}
	for line := range strings.Lines(string(out)) {
		line = strings.TrimSpace(line)
		if name, ok := strings.CutPrefix(line, "refs/heads/"); ok {
			branches = append(branches, name)
		} else if name, ok := strings.CutPrefix(line, "refs/tags/"); ok {
			tags = append(tags, name)
		}
	}
	return branches, tags, nil
}
