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
func fieldAt(md, alt protoreflect.MessageDescriptor, path string, resolve func(protoreflect.FullName) protoreflect.Descriptor) protoreflect.FieldDescriptor {
	fields := fieldsAt(md, alt, path, resolve)
	if len(fields) == 0 {
		return nil
	}
	return fields[len(fields)-1]
}

// fieldsAt returns the fields that path names from md, outermost first,
// looked up as fieldAt does, or nil when the path names no field. An
// extension appears in a path as "(its.full.name)", and the message a
// google.protobuf.Any holds as "[type.googleapis.com/its.full.name]", both
// found through resolve.
func fieldsAt(md, alt protoreflect.MessageDescriptor, path string, resolve func(protoreflect.FullName) protoreflect.Descriptor) []protoreflect.FieldDescriptor {
	var out []protoreflect.FieldDescriptor
	for path != "" {
		if md == nil && alt == nil {
			return nil
		}
		var next, nextAlt protoreflect.FieldDescriptor
		if strings.HasPrefix(path, "(") {
			end := strings.Index(path, ")")
			if end < 0 || resolve == nil {
				return nil
			}
			next, _ = resolve(protoreflect.FullName(path[1:end])).(protoreflect.FieldDescriptor)
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
		var key string
		for strings.HasPrefix(path, "[") {
			rest := path[1:]
			if q, err := strconv.QuotedPrefix(rest); err == nil {
				rest = rest[len(q):]
			}
			close := strings.Index(rest, "]")
			if close < 0 {
				return nil
			}
			key = path[1 : len(path)-len(rest)+close]
			path = rest[close+1:]
		}
		path = strings.TrimPrefix(path, ".")
		md, alt = valueMessage(fd), valueMessage(nextAlt)
		if md != nil && md.FullName() == anyName && resolve != nil {
			if _, name, ok := strings.Cut(key, "/"); ok {
				md, _ = resolve(protoreflect.FullName(name)).(protoreflect.MessageDescriptor)
				alt = nil
			}
		}
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
