package compat

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// A Category groups rules by how strict they are. The names are buf's.
type Category string

// The categories, strictest first: a change allowed under FILE is allowed
// under PACKAGE, WIRE_JSON and WIRE, though the categories are not nested
// sets of rules (FILE has FIELD_NO_DELETE where WIRE_JSON has
// FIELD_NO_DELETE_UNLESS_NUMBER_RESERVED). CSR stands apart from that
// order.
const (
	File     Category = "FILE"
	Package  Category = "PACKAGE"
	WireJSON Category = "WIRE_JSON"
	Wire     Category = "WIRE"
	// CSR holds the rules that Confluent Schema Registry applies; buf has it too.
	CSR Category = "CSR"
)

// Categories returns every category, strictest first, in a new slice.
func Categories() []Category { return slices.Clone(categories) }

// categories lists every category, strictest first.
var categories = []Category{File, Package, WireJSON, Wire, CSR}

// Direction says which readers a change breaks.
type Direction uint8

const (
	// Backward: programs built from the new schema reading data written
	// with the old one.
	Backward Direction = 1 << iota
	// Forward: programs built from the old schema reading data written
	// with the new one.
	Forward
	// Both is Backward|Forward.
	Both = Backward | Forward
)

// String returns "backward", "forward" or "full".
func (d Direction) String() string {
	switch d {
	case Backward:
		return "backward"
	case Forward:
		return "forward"
	case Both:
		return "full"
	}
	return "none"
}

// Names lists the directions in d as words, for JSON output.
func (d Direction) Names() []string {
	var out []string
	if d&Backward != 0 {
		out = append(out, "backward")
	}
	if d&Forward != 0 {
		out = append(out, "forward")
	}
	return out
}

// ParseDirection reads "backward", "forward" or "full".
func ParseDirection(s string) (Direction, error) {
	switch strings.ToLower(s) {
	case "backward":
		return Backward, nil
	case "forward":
		return Forward, nil
	case "full", "both", "":
		return Both, nil
	}
	return 0, fmt.Errorf("unknown direction %q (want backward, forward or full)", s)
}

// Severity says whether a finding is a break or a hazard.
type Severity uint8

const (
	// Error marks a change that breaks readers or writers today.
	Error Severity = iota
	// Warning marks a hazard: nothing breaks today, but a likely later
	// change would (a field number freed for reuse, for example).
	Warning
)

// String returns "error" or "warning".
func (s Severity) String() string {
	if s == Warning {
		return "warning"
	}
	return "error"
}

// ParseSeverity reads "error" or "warning".
func ParseSeverity(s string) (Severity, error) {
	switch strings.ToLower(s) {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error or warning)", s)
}

// A Span locates an element in a file: 1-based lines and columns, the end
// exclusive. A zero StartLine means the span is the file as a whole (String
// then prints the path alone); Check never makes one, but places a finding
// about a whole file, or in a file without source info, at 1:1, as buf
// does.
type Span struct {
	Path                string
	StartLine, StartCol int
	EndLine, EndCol     int
	// Old says that Path names a file of the old version. It is set in
	// every OldSpan of a finding, and in a Span placed in the old version
	// because the new one lacks the file (a deleted file or package), so
	// that a program turning paths into paths of its own (from the
	// repository root, say) picks the right version's root.
	Old bool

	// of is the declaration that spanOf located. reportDir turns it into
	// the finding's Old and New and clears it, so that a rule that did not
	// name its elements still links its finding to them, and spans in
	// findings compare by position alone.
	of protoreflect.Descriptor
}

// String formats the span as path:line:col, or path alone for a whole file.
func (s Span) String() string {
	if s.StartLine == 0 {
		return s.Path
	}
	return fmt.Sprintf("%s:%d:%d", s.Path, s.StartLine, s.StartCol)
}

// A Finding is one change that a rule forbids.
type Finding struct {
	Rule       string     // the rule id, such as FIELD_NO_DELETE
	Categories []Category // the rule's categories
	Severity   Severity
	Direction  Direction // who the change breaks
	Message    string    // names the element fully; no trailing period
	Span       Span      // where to look: in the new version, or in the old one for a deleted file or package (Span.Old says which)
	OldSpan    Span      // the element in the old version, when it existed
	Ignored    bool      // excused by a protocheck:ignore comment or a Config waiver: kept for the record, never fails a run
	IgnoreWhy  string    // the reason the comment or waiver gives
	// Baselines names the versions the change breaks against, when a
	// version is checked against several (MergeBaselines fills it).
	Baselines []string
	// Proof, when set, demonstrates the finding with data. compat never
	// sets it: it reasons about descriptors, and the round-trip prover
	// (package roundtrip, run by `check --prove`) fills it in.
	Proof *Proof
	// Unproven says why the prover could not demonstrate the finding with
	// data, such as "a deleted field breaks no data written today". It is
	// set only when proving was asked for and Proof is nil.
	Unproven string
	// Old and New identify the element that the finding concerns, as it
	// is declared in the old and in the new version, for programs that act
	// on findings (the prover, protocheck fix) without reading messages:
	// the declaration its spans locate, unless the rule says otherwise. A
	// deletion has Old only (its span in the new version is the parent
	// that lost the element). FIELD_SAME_NUMBER, FIELD_WIRE_SAME_NUMBER
	// and ENUM_VALUE_SAME_NUMBER give the same name at its old and new
	// number; the type rules, one number under its old and new name. Each
	// is nil when that version lacks the element or the finding concerns a
	// whole file or package.
	Old, New *Element
}

// An Element names a declaration in one version of a schema: a field, an
// extension, an enum value, or a message, enum, oneof, service or method.
type Element struct {
	Kind ElementKind
	// Parent is the full name of the message that declares the field (the
	// extended message for an extension) or of the enum that declares the
	// value.
	Parent protoreflect.FullName
	Name   string // the field's or value's name; an extension's full name
	Number int32  // the field number or the enum value number
}

// ElementKind says what an Element is.
type ElementKind uint8

const (
	FieldElement     ElementKind = iota + 1 // a field of a message
	ExtensionElement                        // an extension field
	EnumValueElement                        // a value of an enum
	// The kinds below are set for the rules that did not name their
	// elements, from the declaration their position came from: Parent is
	// the enclosing scope (package, message or service) and Name the
	// element's own name.
	MessageElement // a message
	EnumElement    // an enum
	OneofElement   // a oneof; Parent is its message
	ServiceElement // a service
	MethodElement  // a method; Parent is its service
)

// String returns the kind as a message names it: "field", "extension",
// "enum value", "message", "enum", "oneof", "service" or "method", and
// "element" for a kind it does not know.
func (k ElementKind) String() string {
	switch k {
	case FieldElement:
		return "field"
	case ExtensionElement:
		return "extension"
	case EnumValueElement:
		return "enum value"
	case MessageElement:
		return "message"
	case EnumElement:
		return "enum"
	case OneofElement:
		return "oneof"
	case ServiceElement:
		return "service"
	case MethodElement:
		return "method"
	}
	return "element"
}

// fieldElement describes f for Finding.Old and Finding.New.
func fieldElement(f protoreflect.FieldDescriptor) *Element {
	if f == nil {
		return nil
	}
	if f.IsExtension() {
		return &Element{Kind: ExtensionElement, Parent: f.ContainingMessage().FullName(), Name: string(f.FullName()), Number: int32(f.Number())}
	}
	return &Element{Kind: FieldElement, Parent: f.ContainingMessage().FullName(), Name: string(f.Name()), Number: int32(f.Number())}
}

// elementOf describes the declaration d for Finding.Old and Finding.New, or
// returns nil for a file or no declaration.
func elementOf(d protoreflect.Descriptor) *Element {
	var kind ElementKind
	switch d := d.(type) {
	case protoreflect.FieldDescriptor:
		return fieldElement(d)
	case protoreflect.EnumValueDescriptor:
		return valueElement(d)
	case protoreflect.MessageDescriptor:
		kind = MessageElement
	case protoreflect.EnumDescriptor:
		kind = EnumElement
	case protoreflect.OneofDescriptor:
		kind = OneofElement
	case protoreflect.ServiceDescriptor:
		kind = ServiceElement
	case protoreflect.MethodDescriptor:
		kind = MethodElement
	default:
		return nil
	}
	return &Element{Kind: kind, Parent: d.FullName().Parent(), Name: string(d.Name())}
}

// FullName returns the element's full name: an extension's Name, or Name
// in Parent.
func (e *Element) FullName() protoreflect.FullName {
	if e.Kind == ExtensionElement {
		return protoreflect.FullName(e.Name)
	}
	return e.Parent.Append(protoreflect.Name(e.Name))
}

// valueElement describes v for Finding.Old and Finding.New.
func valueElement(v protoreflect.EnumValueDescriptor) *Element {
	if v == nil {
		return nil
	}
	return &Element{Kind: EnumValueElement, Parent: v.Parent().FullName(), Name: string(v.Name()), Number: int32(v.Number())}
}

// A Proof is data that shows a finding: a message that one version of the
// schema writes and the other reads differently. It is plain data so that
// compat stays free of the prover; every field is already rendered for
// output.
type Proof struct {
	Direction   string // who writes and who reads: backward, forward or middleman
	Encoding    string // binary or json
	Message     string // full name of the message encoded
	FieldPath   string // where the value changes, such as acme.v1.Order.items[0].price
	Reason      string // what goes wrong, such as "sign changed"
	Bytes       []byte // the writer's message in binary form
	Wire        string // Bytes annotated, one field per line
	JSON        string // for JSON proofs, the writer's message as JSON
	WriterValue string // what the writer set, such as "int32 -1"
	ReaderValue string // what the reader sees, such as "uint32 4294967295"
	// Hazard reports that the proof shows a hazard rather than a
	// misreading: the reader does not declare the field (a deletion), or
	// sees the value and only not that it was set.
	Hazard bool
}

// SpanOf returns where d is declared, as findings locate elements, so that
// findings made outside this package point where the rules' findings do.
// The span's Old is false: a caller locating an element of the old version
// sets it.
func SpanOf(d protoreflect.Descriptor) Span {
	s := spanOf(d)
	s.of = nil
	return s
}

// String formats the finding as text output does: path:line:col: message (RULE).
func (f Finding) String() string {
	return fmt.Sprintf("%s: %s (%s)", f.Span, f.Message, f.Rule)
}

// CompareFindings orders findings as Check sorts them: by path, line,
// column, rule and message. Callers that add findings of their own (the
// prover's) sort with it.
func CompareFindings(a, b Finding) int { return compareFindings(a, b) }

func compareFindings(a, b Finding) int {
	return cmp.Or(
		cmp.Compare(a.Span.Path, b.Span.Path),
		cmp.Compare(a.Span.StartLine, b.Span.StartLine),
		cmp.Compare(a.Span.StartCol, b.Span.StartCol),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Message, b.Message),
	)
}

// sortFindings orders findings by position, rule and message, and drops
// exact repeats, so that output never depends on map order.
func sortFindings(fs []Finding) []Finding {
	slices.SortFunc(fs, compareFindings)
	return slices.CompactFunc(fs, func(a, b Finding) bool { return compareFindings(a, b) == 0 })
}

// Subtract returns the findings that none of brought reports: for a merge
// checked against its first parent, brought holds the findings of each
// merged branch against where it forked, the breaks it made on its own,
// which the merge carries but does not make. Two findings are the same
// when they have the same rule, file and element (Finding.New, else Old),
// or, naming no element, the same message: their positions are in
// different versions.
func Subtract(findings []Finding, brought ...[]Finding) []Finding {
	type key struct {
		rule, path, msg string
		elem            Element
	}
	keyOf := func(f Finding) key {
		k := key{rule: f.Rule, path: f.Span.Path}
		switch {
		case f.New != nil:
			k.elem = *f.New
		case f.Old != nil:
			k.elem = *f.Old
		default:
			k.msg = f.Message
		}
		return k
	}
	done := make(map[key]bool)
	for _, fs := range brought {
		for _, f := range fs {
			done[keyOf(f)] = true
		}
	}
	var out []Finding
	for _, f := range findings {
		if !done[keyOf(f)] {
			out = append(out, f)
		}
	}
	return out
}

// MergeBaselines combines the findings of one version checked against
// several baselines, each labelled: a finding reported against several
// baselines is kept once, listing them all in the order given. The result
// is sorted as Check sorts.
func MergeBaselines(labels []string, findings [][]Finding) []Finding {
	type key struct {
		rule, msg string
		span      Span
	}
	var out []Finding
	at := make(map[key]int)
	for i, fs := range findings {
		for _, f := range fs {
			k := key{f.Rule, f.Message, f.Span}
			if j, ok := at[k]; ok {
				if !slices.Contains(out[j].Baselines, labels[i]) {
					out[j].Baselines = append(out[j].Baselines, labels[i])
				}
				continue
			}
			f.Baselines = append(slices.Clip(f.Baselines), labels[i])
			at[k] = len(out)
			out = append(out, f)
		}
	}
	slices.SortStableFunc(out, compareFindings)
	return out
}
