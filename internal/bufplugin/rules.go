package bufplugin

import (
	"fmt"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"buf.build/go/bufplugin/check"
	"buf.build/go/bufplugin/info"

	"github.com/protocheck/protocheck/compat"
)

// Prefix starts the id of every rule and category that the plugin serves:
// PROTOCHECK_FIELD_SAME_NUMBER is compat's FIELD_SAME_NUMBER, and
// PROTOCHECK_WIRE holds the served rules of compat's WIRE. buf refuses a
// plugin whose ids clash with its own.
const Prefix = "PROTOCHECK_"

// A served rule is a compat rule that the plugin offers to buf, with the
// reason buf users need it.
type served struct {
	id  string // the compat rule id, without Prefix
	why string // what buf v1.75 does instead
}

// A Served rule is a rule the plugin serves: a compat rule, and what
// buf v1.75 does instead.
type Served struct {
	Rule *compat.Rule
	Buf  string
}

// Rules lists the rules the plugin serves, in the order it lists them.
func Rules() []Served {
	out := make([]Served, len(servedRules))
	for i, s := range servedRules {
		out[i] = Served{Rule: compat.Lookup(s.id), Buf: s.why}
	}
	return out
}

// servedRules lists the rules the plugin serves: those buf v1.75 does not
// have, and those it has but judges differently (for each,
// compat/testdata/buf-differences.txt lists a case where protocheck reports
// what buf does not). A test holds the list to buf's own catalogue.
var servedRules = []served{
	// Rules buf does not have.
	{"FIELD_SAME_NUMBER", "buf sees a renumbered field as a deleted number, and two swapped fields as two renames"},
	{"FIELD_WIRE_SAME_NUMBER", "buf sees a renumbered field as a deleted number, and misses two swapped fields under WIRE"},
	{"ENUM_VALUE_SAME_NUMBER", "buf sees a renumbered enum value as a deleted number, and misses two swapped values under WIRE"},
	{"FIELD_WIRE_SAME_SIGNEDNESS", "buf calls int32 to uint32 compatible: negative values change meaning"},
	{"FIELD_WIRE_NO_NARROWING", "buf calls int64 to int32 compatible: values truncate"},
	{"FIELD_WIRE_SAME_UTF8_VALIDATION", "buf calls bytes to string and utf8_validation NONE to VERIFY compatible: readers start rejecting data"},
	{"FIELD_WIRE_COMPATIBLE_ONEOF", "buf has FIELD_SAME_ONEOF in every category, which fails a field moved alone into a new oneof"},
	{"MESSAGE_VISIBILITY_NO_NARROWING", "buf misses an edition 2024 message made local: importers stop compiling"},
	{"ENUM_VISIBILITY_NO_NARROWING", "buf misses an edition 2024 enum made local: importers stop compiling"},
	{"MESSAGE_SAME_GO_API_LEVEL", "buf misses a move to edition 2024 that turns Go struct fields into accessors"},

	// Rules buf has and judges differently.
	{"FIELD_WIRE_COMPATIBLE_TYPE", "buf calls a number reused with a new name and a compatible type fine, and misses an extension turned into a field"},
	{"FIELD_WIRE_JSON_COMPATIBLE_TYPE", "buf calls a number reused with a new name and a compatible type fine"},
	{"FIELD_SAME_NAME", "buf misses an extension turned into a field of the message it extended, which changes its JSON name"},
	{"ENUM_VALUE_SAME_NAME", "buf lets an alias be added before a value's name, which JSON then writes and old readers reject"},
	{"ENUM_SAME_TYPE", "buf checks open and closed enums under FILE and PACKAGE only; readers keep different values under WIRE too"},
	{"MESSAGE_SAME_REQUIRED_FIELDS", "buf reads the proto2 label only and misses editions LEGACY_REQUIRED fields"},
	{"PACKAGE_ENUM_NO_DELETE", "buf misses a nested enum deleted while its message moved to another file"},
	{"FILE_SAME_JAVA_MULTIPLE_FILES", "buf compares the option as written and misses the edition 2024 Java layout"},

	// The round-trip prover's: they report only with the option prove.
	{"ROUNDTRIP_BINARY_BACKWARD", "buf does not encode data"},
	{"ROUNDTRIP_BINARY_FORWARD", "buf does not encode data"},
	{"ROUNDTRIP_BINARY_MIDDLEMAN", "buf does not encode data"},
	{"ROUNDTRIP_JSON_BACKWARD", "buf does not encode data"},
	{"ROUNDTRIP_JSON_FORWARD", "buf does not encode data"},
}

// categoryPurposes says, for each compat category, what the plugin's
// category of the same name holds.
var categoryPurposes = map[compat.Category]string{
	compat.File:     "Protocheck's rules that keep generated code compiling, file by file, as buf's FILE does.",
	compat.Package:  "Protocheck's rules that keep generated code compiling, package by package, as buf's PACKAGE does.",
	compat.WireJSON: "Protocheck's rules that keep binary and JSON data readable, as buf's WIRE_JSON does.",
	compat.Wire:     "Protocheck's rules that keep binary data readable, as buf's WIRE does.",
	compat.CSR:      "Protocheck's rules of the Confluent Schema Registry's compatibility, as buf's CSR does.",
}

// Spec returns the plugin's specification, which check.Main serves: the
// served rules, their categories, and the handler that runs them. Rules of
// compat's FILE category are buf's defaults, as buf's own FILE rules are.
func Spec() *check.Spec {
	var rules []*check.RuleSpec
	used := map[compat.Category]bool{}
	for _, s := range servedRules {
		r := compat.Lookup(s.id)
		var cats []string
		for _, c := range r.Categories {
			cats = append(cats, Prefix+string(c))
			used[c] = true
		}
		rules = append(rules, &check.RuleSpec{
			ID:          Prefix + r.ID,
			CategoryIDs: cats,
			Default:     r.In(compat.File),
			Purpose:     purpose(r),
			Type:        check.RuleTypeBreaking,
			Handler:     handler(Prefix + r.ID),
		})
	}
	var cats []*check.CategorySpec
	for _, c := range compat.Categories() {
		if used[c] {
			cats = append(cats, &check.CategorySpec{ID: Prefix + string(c), Purpose: categoryPurposes[c]})
		}
	}
	return &check.Spec{
		Rules:      rules,
		Categories: cats,
		Before:     before,
		Info: &info.Spec{
			Documentation: Documentation(),
			SPDXLicenseID: "Apache-2.0",
			LicenseURL:    "https://www.apache.org/licenses/LICENSE-2.0",
		},
	}
}

// purpose turns a rule's summary into the sentence that Bufplugin asks for:
// a capital letter first, a period last.
func purpose(r *compat.Rule) string {
	s := r.Summary()
	first, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(first)) + s[n:] + "."
}

// Documentation returns the plugin's documentation, which a registry shows:
// each served rule with the explanation that `protocheck explain` prints,
// and what buf does instead.
func Documentation() string {
	var b strings.Builder
	b.WriteString("# buf-plugin-protocheck\n\n")
	b.WriteString("protocheck's breaking rules that buf lacks or judges differently, for buf breaking.\n")
	b.WriteString("Options: prove (true attaches the shortest proof, as bytes, to each annotation),\n")
	b.WriteString("direction (backward, forward or full, the default).\n")
	for _, s := range servedRules {
		r := compat.Lookup(s.id)
		cats := make([]string, len(r.Categories))
		for i, c := range r.Categories {
			cats[i] = Prefix + string(c)
		}
		fmt.Fprintf(&b, "\n## %s%s\n\n%s\n\n", Prefix, r.ID, purpose(r))
		if len(cats) > 0 {
			fmt.Fprintf(&b, "Categories: %s.\n", strings.Join(cats, ", "))
		}
		fmt.Fprintf(&b, "Without the plugin: %s.\n\n%s\n", s.why, r.Explanation())
	}
	return b.String()
}

// ruleIDs returns the compat ids of the served rules that buf asked for,
// or of the default ones when it named none, as the SDK does.
func ruleIDs(asked []string) []string {
	var ids []string
	for _, s := range servedRules {
		if len(asked) == 0 && !compat.Lookup(s.id).In(compat.File) {
			continue
		}
		if len(asked) > 0 && !slices.Contains(asked, Prefix+s.id) {
			continue
		}
		ids = append(ids, s.id)
	}
	return ids
}
