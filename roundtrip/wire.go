package roundtrip

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protowire"
)

// Annotate renders protobuf wire bytes one field per line: the field's
// bytes in hex, two spaces, then what they say, e.g.
//
//	08 ff ff ff ff 0f  field 1 varint 4294967295
//	12 03 61 62 63  field 2 len 3 "abc"
//	1a 02  field 3 len 2 message
//	  08 01  field 1 varint 1
//
// Length-delimited values that are not printable text and parse as a
// message are expanded below their header, indented; groups likewise.
// Malformed input is shown up to the point where it breaks, then the rest
// in hex with the parse error. Annotate needs no schema.
func Annotate(b []byte) string {
	var sb strings.Builder
	annotate(&sb, b, 0)
	return sb.String()
}

func annotate(sb *strings.Builder, b []byte, depth int) {
	line := func(raw []byte, desc string) {
		sb.WriteString(strings.Repeat("  ", depth))
		sb.WriteString(hexBytes(raw))
		sb.WriteString("  ")
		sb.WriteString(desc)
		sb.WriteByte('\n')
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			line(b, "malformed: "+protowire.ParseError(n).Error())
			return
		}
		switch typ {
		case protowire.BytesType:
			v, m := protowire.ConsumeBytes(b[n:])
			if m < 0 {
				line(b, fmt.Sprintf("field %d len: malformed: %v", num, protowire.ParseError(m)))
				return
			}
			if !printable(v) && parsesAsMessage(v) {
				line(b[:n+m-len(v)], fmt.Sprintf("field %d len %d message", num, len(v)))
				annotate(sb, v, depth+1)
			} else {
				line(b[:n+m], describeField(num, typ, b[n:n+m]))
			}
			b = b[n+m:]
		case protowire.StartGroupType:
			m := protowire.ConsumeFieldValue(num, typ, b[n:])
			if m < 0 {
				line(b, fmt.Sprintf("field %d start group: malformed: %v", num, protowire.ParseError(m)))
				return
			}
			end := protowire.SizeTag(num)
			line(b[:n], fmt.Sprintf("field %d start group", num))
			annotate(sb, b[n:n+m-end], depth+1)
			line(b[n+m-end:n+m], fmt.Sprintf("field %d end group", num))
			b = b[n+m:]
		default:
			m := protowire.ConsumeFieldValue(num, typ, b[n:])
			if m < 0 {
				line(b, fmt.Sprintf("field %d: malformed: %v", num, protowire.ParseError(m)))
				return
			}
			line(b[:n+m], describeField(num, typ, b[n:n+m]))
			b = b[n+m:]
		}
	}
}

// describeField says in words what one field's value bytes (after the
// tag) hold: "field 1 varint 150".
func describeField(num protowire.Number, typ protowire.Type, v []byte) string {
	switch typ {
	case protowire.VarintType:
		x, _ := protowire.ConsumeVarint(v)
		s := fmt.Sprintf("field %d varint %d", num, x)
		if x > math.MaxInt64 {
			s += fmt.Sprintf(" (int64 %d)", int64(x))
		}
		return s
	case protowire.Fixed32Type:
		x, _ := protowire.ConsumeFixed32(v)
		return fmt.Sprintf("field %d i32 %d (int32 %d, float %s)", num, x, int32(x), formatFloat(float64(math.Float32frombits(x)), 32))
	case protowire.Fixed64Type:
		x, _ := protowire.ConsumeFixed64(v)
		return fmt.Sprintf("field %d i64 %d (int64 %d, double %s)", num, x, int64(x), formatFloat(math.Float64frombits(x), 64))
	case protowire.BytesType:
		p, _ := protowire.ConsumeBytes(v)
		s := fmt.Sprintf("field %d len %d %s", num, len(p), strconv.Quote(string(p)))
		if !printable(p) && parsesAsMessage(p) {
			s = fmt.Sprintf("field %d len %d message {%s}", num, len(p), strings.TrimSpace(strings.ReplaceAll(Annotate(p), "\n", "; ")))
		}
		return s
	case protowire.StartGroupType:
		body := v[:len(v)-protowire.SizeTag(num)]
		return fmt.Sprintf("field %d group {%s}", num, strings.TrimSpace(strings.ReplaceAll(Annotate(body), "\n", "; ")))
	case protowire.EndGroupType:
		return fmt.Sprintf("field %d end group", num)
	}
	return fmt.Sprintf("field %d wire type %d", num, typ)
}

func hexBytes(b []byte) string { return fmt.Sprintf("% x", b) }

// printable reports whether b reads as text, in which case it is shown as a
// string even if it happens to parse as a message.
func printable(b []byte) bool {
	if len(b) == 0 || !utf8.Valid(b) {
		return len(b) == 0
	}
	for _, r := range string(b) {
		if !unicode.IsPrint(r) && r != '\n' && r != '\t' {
			return false
		}
	}
	return true
}

// parsesAsMessage reports whether b parses completely as protobuf fields with
// valid numbers and matched groups.
func parsesAsMessage(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for len(b) > 0 {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 || num < protowire.MinValidNumber || typ == protowire.EndGroupType {
			return false
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return false
		}
		b = b[n+m:]
	}
	return true
}
