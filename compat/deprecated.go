package compat

import "slices"

// deprecatedIDs maps the rule ids that buf has retired to the ids that took
// their place, so that a buf.yaml written years ago keeps selecting what it
// meant. An id without a replacement checked something protobuf no longer
// supports: it selects nothing.
var deprecatedIDs = map[string][]string{
	"FIELD_SAME_CTYPE": {"FIELD_SAME_CPP_STRING_TYPE"},
	"FIELD_SAME_LABEL": {
		"FIELD_SAME_CARDINALITY",
		"FIELD_WIRE_COMPATIBLE_CARDINALITY",
		"FIELD_WIRE_JSON_COMPATIBLE_CARDINALITY",
	},
	"FILE_SAME_JAVA_STRING_CHECK_UTF8":     {"FIELD_SAME_JAVA_UTF8_VALIDATION"},
	"FILE_SAME_PHP_GENERIC_SERVICES":       {},
	"MESSAGE_SAME_MESSAGE_SET_WIRE_FORMAT": {},
}

// Replacements reports whether id is a rule id that buf has deprecated and,
// if so, the ids that replace it (possibly none). A rule of the catalogue
// (Rules) is never deprecated, even if buf retired its id. Config accepts
// deprecated ids anywhere it accepts rule ids; callers use Replacements to
// warn about them.
func Replacements(id string) (ids []string, deprecated bool) {
	if lookup(id) != nil {
		return nil, false
	}
	ids, deprecated = deprecatedIDs[id]
	return slices.Clone(ids), deprecated
}
