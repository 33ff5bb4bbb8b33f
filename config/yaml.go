package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/protocheck/protocheck/source"
)

// decoder walks a YAML node tree by hand, so that every problem carries
// the line and column of the node at fault.
type decoder struct {
	path string
	// format is the kind of file read, which its path may not tell.
	format   Format
	errs     source.ErrorList
	warnings []*source.Error
	deps     []string // a buf.yaml's deps
}

// at returns a problem at node n.
func (d *decoder) at(n *yaml.Node, format string, args ...any) *source.Error {
	return &source.Error{Path: d.path, Line: n.Line, Column: n.Column, Message: fmt.Sprintf(format, args...)}
}

func (d *decoder) errorf(n *yaml.Node, format string, args ...any) {
	d.errs = append(d.errs, d.at(n, format, args...))
}

func (d *decoder) warnf(n *yaml.Node, format string, args ...any) {
	d.warnings = append(d.warnings, d.at(n, format, args...))
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// parseYAML returns the top-level node of data, or nil for an empty file.
// A file holds one document: buf reads the first of several and ignores
// the rest, which a buf.yaml gets a warning for; a protocheck.yaml, an
// error.
func (d *decoder) parseYAML(data []byte) *yaml.Node {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil // empty, or only comments
		}
		d.yamlError(err)
		return nil
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case errors.Is(err, io.EOF):
	case err != nil && d.format == Protocheck:
		d.yamlError(err)
	case err != nil:
		d.warnings = append(d.warnings, &source.Error{Path: d.path, Line: yamlErrorLine(err), Column: 1,
			Message: "a second YAML document that does not parse: buf reads only the first, and so does protocheck"})
	case len(next.Content) == 0 || isNull(next.Content[0]) && next.Content[0].Value == "":
		// A trailing "---" with nothing after it.
	case d.format == Protocheck:
		d.errorf(&next, "a second YAML document: a protocheck.yaml holds one (merge them, or remove the \"---\")")
	default:
		d.warnf(&next, "a second YAML document: buf reads only the first, and so does protocheck")
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	return resolve(doc.Content[0])
}

// sortErrors puts the errors in file order: the walk reports a second
// document before the first one's problems.
func (d *decoder) sortErrors() {
	slices.SortStableFunc(d.errs, func(a, b *source.Error) int { return a.Line - b.Line })
}

// yamlError records a YAML syntax error at its line.
func (d *decoder) yamlError(err error) {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		msg = m[2]
	} else {
		msg = strings.TrimPrefix(msg, "yaml: ")
	}
	d.errs = append(d.errs, &source.Error{Path: d.path, Line: yamlErrorLine(err), Column: 1, Message: "invalid YAML: " + msg})
}

// yamlErrorLine is the line a YAML error names, or 1.
func yamlErrorLine(err error) int {
	if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
		if line, _ := strconv.Atoi(m[1]); line > 0 {
			return line
		}
	}
	return 1
}

// resolve follows aliases.
func resolve(n *yaml.Node) *yaml.Node {
	for n != nil && n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	return n
}

// describe names the kind of a node for messages.
func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!null":
		return "nothing"
	case "!!bool":
		return "a boolean"
	case "!!int", "!!float":
		return "a number"
	}
	return "a string"
}

func isNull(n *yaml.Node) bool { return n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" }

// fields calls fn for each key of mapping n, in order. It reports unknown
// and repeated keys, and n itself when it is not a mapping; a null n has no
// keys. where names n in messages ("breaking", "the file").
func (d *decoder) fields(n *yaml.Node, where string, known []string, fn func(key string, k, v *yaml.Node)) {
	if n == nil || isNull(n) {
		return
	}
	if n.Kind != yaml.MappingNode {
		d.errorf(n, "%s: want a mapping, got %s", where, describe(n))
		return
	}
	seen := make(map[string]bool)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		key := k.Value
		switch {
		case k.Kind != yaml.ScalarNode:
			d.errorf(k, "%s: want keys that are strings, got %s", where, describe(k))
		case !slices.Contains(known, key):
			d.errorf(k, "unknown key %q in %s (want %s)", key, where, strings.Join(known, ", "))
		case seen[key]:
			d.errorf(k, "key %q repeated in %s", key, where)
		default:
			seen[key] = true
			fn(key, k, v)
		}
	}
}

// str reads a scalar; numbers are taken as written.
func (d *decoder) str(n *yaml.Node, what string) (string, bool) {
	if n.Kind != yaml.ScalarNode || isNull(n) || n.ShortTag() == "!!bool" {
		d.errorf(n, "%s: want a string, got %s", what, describe(n))
		return "", false
	}
	return n.Value, true
}

// strs reads a list of strings. An empty value is an empty list.
func (d *decoder) strs(n *yaml.Node, what string) []string {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list of strings, got %s", what, describe(n))
		return nil
	}
	var out []string
	for _, e := range n.Content {
		if s, ok := d.str(resolve(e), what); ok {
			out = append(out, s)
		}
	}
	return out
}

// boolean reads true or false. Like buf, which decodes into a Go bool
// with gopkg.in/yaml.v3, it also takes YAML 1.1's words, quoted or not:
// y, yes, on and n, no, off (lower case, capitalized or upper case). A
// quoted "true" is a string to both.
func (d *decoder) boolean(n *yaml.Node, what string) bool {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!str" {
		switch n.Value {
		case "y", "Y", "yes", "Yes", "YES", "on", "On", "ON":
			return true
		case "n", "N", "no", "No", "NO", "off", "Off", "OFF":
			return false
		}
	}
	if n.Kind != yaml.ScalarNode || n.ShortTag() != "!!bool" {
		d.errorf(n, "%s: want true or false, got %s", what, describe(n))
		return false
	}
	b, _ := strconv.ParseBool(n.Value)
	return b
}

// nodesOf returns the elements of a sequence, or reports n when it is not
// one.
func (d *decoder) nodesOf(n *yaml.Node, what string) []*yaml.Node {
	if isNull(n) {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.errorf(n, "%s: want a list, got %s", what, describe(n))
		return nil
	}
	out := make([]*yaml.Node, len(n.Content))
	for i, e := range n.Content {
		out[i] = resolve(e)
	}
	return out
}
