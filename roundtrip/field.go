package roundtrip

import (
	"strconv"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
)

// fieldAt returns the field that path names, walking from md by field
// names; path is relative to md, e.g. "items[0].price" or `tags["a.b"]`.
// A name that md does not declare is looked up in alt, the other side's
// message of the same place, if any: a required field of the reader, say.
// It returns nil when the path names no field.
func fieldAt(md, alt protoreflect.MessageDescriptor, path string, ext func(protoreflect.FullName) protoreflect.FieldDescriptor) protoreflect.FieldDescriptor {
	fields := fieldsAt(md, alt, path, ext)
	if len(fields) == 0 {
		return nil
	}
	return fields[len(fields)-1]
}

// fieldsAt returns the fields that path names from md, outermost first,
// looked up as fieldAt does, or nil when the path names no field. An
// extension appears in a path as "(its.full.name)", found through ext.
func fieldsAt(md, alt protoreflect.MessageDescriptor, path string, ext func(protoreflect.FullName) protoreflect.FieldDescriptor) []protoreflect.FieldDescriptor {
	var out []protoreflect.FieldDescriptor
	for path != "" {
		if md == nil && alt == nil {
			return nil
		}
		var next, nextAlt protoreflect.FieldDescriptor
		if strings.HasPrefix(path, "(") {
			end := strings.Index(path, ")")
			if end < 0 || ext == nil {
				return nil
			}
			next = ext(protoreflect.FullName(path[1:end]))
			path = path[end+1:]
		} else {
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			name := protoreflect.Name(path[:end])
			path = path[end:]
			if md != nil {
				next = md.Fields().ByName(name)
			}
			if alt != nil {
				nextAlt = alt.Fields().ByName(name)
			}
		}
		if next == nil {
			next, nextAlt = nextAlt, nil
		}
		if next == nil {
			return nil
		}
		fd := next
		out = append(out, fd)
		// Skip list indexes and map keys; a key may be a quoted string
		// holding brackets or dots.
		for strings.HasPrefix(path, "[") {
			rest := path[1:]
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				rest = rest[len(q):]
			}
			close := strings.Index(rest, "]")
			if close < 0 {
				return nil
			}
			path = rest[close+1:]
		}
		path = strings.TrimPrefix(path, ".")
		md, alt = valueMessage(fd), valueMessage(nextAlt)
	}
	return out
}

// valueMessage returns the message that a field's values are, looking
// through maps, or nil.
func valueMessage(fd protoreflect.FieldDescriptor) protoreflect.MessageDescriptor {
	if fd == nil {
		return nil
	}
	if fd.IsMap() {
		fd = fd.MapValue()
	}
	if isMessage(fd) {
		return fd.Message()
	}
	return nil
}

// segment names a field in a path: its name, or for an extension its full
// name in parentheses, as protoc's text format writes it.
func segment(fd protoreflect.FieldDescriptor) string {
	if fd.IsExtension() {
		return "(" + string(fd.FullName()) + ")"
	}
	return string(fd.Name())
}
