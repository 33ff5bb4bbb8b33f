package roundtrip

import (
	"context"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
	"google.golang.org/protobuf/types/dynamicpb"
)

// generator builds random messages from descriptors. Half of the scalar
// values it picks are edge values, where encodings disagree.
type generator struct {
	rng      *rand.Rand
	maxDepth int
	// nodes counts the messages of the sample being generated, against
	// maxNodes.
	nodes int
	// types holds the extensions of the version being generated.
	types *protoregistry.Types
	// anyOf are the messages that a google.protobuf.Any may hold: those
	// being proved, as the version being generated declares them.
	anyOf []protoreflect.MessageDescriptor
	// depth is the depth of the message being filled, for wellKnown.
	depth int
	// skip names fields left unset unless required: they hold messages
	// that both versions declare alike (see sameFields).
	skip map[protoreflect.FullName]bool
	// ctx, once done, leaves the sample unfinished: the prover stops.
	ctx context.Context
}

// hardDepth stops recursion through required message fields, which must be
// set whatever MaxDepth says.
const hardDepth = 32

// maxNodes bounds the messages in one sample. Required message fields
// that branch (a node requiring two nodes, each requiring two...) would
// otherwise grow a sample exponentially with hardDepth; past the bound,
// a sample stays incomplete, and unwritable, rather than large.
const maxNodes = 2000

// A sampleMode says how a sample is made. The first samples of every
// message are made by construction, not by chance: the values where
// encodings of presence and defaults differ (a field absent, set to its
// kind's zero, set to its declared default) would otherwise turn up only
// with luck, or with many samples.
type sampleMode uint8

const (
	sampleRandom  sampleMode = iota
	sampleAbsent             // only the required fields set
	sampleZero               // every field set to its kind's zero: 0, "", an empty message, one zero element
	sampleDefault            // every field set to its declared default
	sampleOne                // every field set to a plain value other than zero: 1, "a", true
)

// modeOf returns how sample i is made: absent, zero, default and one
// first.
func modeOf(i int) sampleMode {
	switch i {
	case 0:
		return sampleAbsent
	case 1:
		return sampleZero
	case 2:
		return sampleDefault
	case 3:
		return sampleOne
	}
	return sampleRandom
}

func (g *generator) message(md protoreflect.MessageDescriptor, v version, mode sampleMode) *dynamicpb.Message {
	m := dynamicpb.NewMessage(md)
	g.nodes, g.types, g.anyOf = 0, v.types, v.anyOf
	if mode == sampleRandom {
		g.fill(m, 0)
	} else {
		g.plain(m, mode, 0)
	}
	return m
}

// plain fills m as mode says: every field for zero, default and one (one
// member of each oneof: the first, the last, the middle one), only the
// required ones for absent. The messages below hold their required fields
// only, so that each sample stays small.
func (g *generator) plain(m protoreflect.Message, mode sampleMode, depth int) {
	md := m.Descriptor()
	g.nodes++
	if g.nodes > maxNodes || depth >= hardDepth || g.ctx != nil && g.ctx.Err() != nil {
		return
	}
	if md.FullName() == "google.protobuf.Value" {
		// An empty Value has no JSON form: null is its zero.
		m.Set(md.Fields().ByName("null_value"), protoreflect.ValueOfEnum(0))
		return
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		if fd.Cardinality() != protoreflect.Required {
			if mode == sampleAbsent || g.skip[fd.FullName()] {
				continue
			}
			if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
				pick := o.Fields().Get(0)
				switch mode {
				case sampleDefault:
					pick = o.Fields().Get(o.Fields().Len() - 1)
				case sampleOne:
					pick = o.Fields().Get(o.Fields().Len() / 2)
				}
				if fd != pick {
					continue
				}
			}
		}
		g.plainField(m, fd, mode, depth)
	}
	if mode == sampleAbsent {
		return
	}
	for _, xt := range extensionsOf(g.types, md) {
		g.plainField(m, xt.TypeDescriptor(), mode, depth)
	}
}

func (g *generator) plainField(m protoreflect.Message, fd protoreflect.FieldDescriptor, mode sampleMode, depth int) {
	inner := func(msg protoreflect.Message) { g.plain(msg, sampleAbsent, depth+1) }
	switch {
	case fd.IsMap():
		mp := m.Mutable(fd).Map()
		k := plainScalar(fd.MapKey(), mode)
		var v protoreflect.Value
		if isMessage(fd.MapValue()) {
			v = mp.NewValue()
			inner(v.Message())
		} else {
			v = plainScalar(fd.MapValue(), mode)
		}
		mp.Set(k.MapKey(), v)
	case fd.IsList():
		l := m.Mutable(fd).List()
		if isMessage(fd) {
			e := l.NewElement()
			inner(e.Message())
			l.Append(e)
		} else {
			l.Append(plainScalar(fd, mode))
		}
	case isMessage(fd):
		inner(m.Mutable(fd).Message())
	default:
		m.Set(fd, plainScalar(fd, mode))
	}
}

// plainScalar returns fd's declared default for sampleDefault, a plain
// value other than zero for sampleOne, else its kind's zero: for an enum,
// 0 if declared, else its first value.
func plainScalar(fd protoreflect.FieldDescriptor, mode sampleMode) protoreflect.Value {
	if mode == sampleOne {
		return oneScalar(fd)
	}
	if fd.Kind() == protoreflect.EnumKind {
		vals := fd.Enum().Values()
		switch {
		case mode == sampleDefault && !fd.IsList():
			return protoreflect.ValueOfEnum(fd.Default().Enum())
		case vals.ByNumber(0) != nil || !fd.Enum().IsClosed():
			return protoreflect.ValueOfEnum(0)
		}
		return protoreflect.ValueOfEnum(vals.Get(0).Number())
	}
	if mode == sampleDefault && fd.HasDefault() {
		if fd.Kind() == protoreflect.BytesKind {
			return protoreflect.ValueOfBytes(slices.Clone(fd.Default().Bytes()))
		}
		return fd.Default()
	}
	return scalarOf(fd.Kind(), 0)
}

// oneScalar returns the plainest value of fd's kind other than zero: 1,
// true, "a"; for an enum, its first value numbered other than 0.
func oneScalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	if fd.Kind() == protoreflect.EnumKind {
		vals := fd.Enum().Values()
		for i := range vals.Len() {
			if n := vals.Get(i).Number(); n != 0 {
				return protoreflect.ValueOfEnum(n)
			}
		}
		return protoreflect.ValueOfEnum(vals.Get(0).Number())
	}
	return scalarOf(fd.Kind(), 1)
}

// scalarOf returns the value of kind k that stands for n, 0 or 1: the
// number itself, false or true, "" or "a".
func scalarOf(k protoreflect.Kind, n int) protoreflect.Value {
	switch k {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(n != 0)
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		return protoreflect.ValueOfInt32(int32(n))
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		return protoreflect.ValueOfInt64(int64(n))
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		return protoreflect.ValueOfUint32(uint32(n))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		return protoreflect.ValueOfUint64(uint64(n))
	case protoreflect.FloatKind:
		return protoreflect.ValueOfFloat32(float32(n))
	case protoreflect.DoubleKind:
		return protoreflect.ValueOfFloat64(float64(n))
	case protoreflect.StringKind:
		return protoreflect.ValueOfString(strings.Repeat("a", n))
	case protoreflect.BytesKind:
		return protoreflect.ValueOfBytes([]byte(strings.Repeat("a", n)))
	}
	panic("roundtrip: no value for kind " + k.String())
}

func (g *generator) fill(m protoreflect.Message, depth int) {
	md := m.Descriptor()
	g.depth = depth
	if g.wellKnown(m) {
		return
	}
	g.nodes++
	if g.nodes > maxNodes || g.ctx != nil && g.ctx.Err() != nil {
		return
	}
	// Pick at most one member of each real oneof; -1 picks none.
	chosen := make(map[protoreflect.FullName]int)
	oneofs := md.Oneofs()
	for i := range oneofs.Len() {
		o := oneofs.Get(i)
		if o.IsSynthetic() {
			continue
		}
		chosen[o.FullName()] = g.rng.IntN(o.Fields().Len()+1) - 1
	}
	fields := md.Fields()
	for i := range fields.Len() {
		fd := fields.Get(i)
		required := fd.Cardinality() == protoreflect.Required
		if !required && g.skip[fd.FullName()] {
			continue
		}
		if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() {
			c := chosen[o.FullName()]
			if c < 0 || o.Fields().Get(c) != fd {
				continue
			}
		} else if !required && g.rng.IntN(3) == 0 {
			continue
		}
		if isMessage(fd) || (fd.IsMap() && isMessage(fd.MapValue())) {
			if (depth >= g.maxDepth && !required) || depth >= hardDepth {
				continue
			}
		}
		g.setField(m, fd, depth)
	}
	for _, xt := range extensionsOf(g.types, md) {
		fd := xt.TypeDescriptor()
		if g.rng.IntN(3) == 0 || (isMessage(fd) || fd.IsMap()) && depth >= g.maxDepth {
			continue
		}
		g.setField(m, fd, depth)
	}
}

func (g *generator) setField(m protoreflect.Message, fd protoreflect.FieldDescriptor, depth int) {
	switch {
	case fd.IsMap():
		mp := m.Mutable(fd).Map()
		for range g.count(isMessage(fd.MapValue()), depth) {
			k := g.scalar(fd.MapKey())
			var v protoreflect.Value
			if isMessage(fd.MapValue()) {
				v = mp.NewValue()
				g.fill(v.Message(), depth+1)
			} else {
				v = g.scalar(fd.MapValue())
			}
			mp.Set(k.MapKey(), v)
		}
	case fd.IsList():
		l := m.Mutable(fd).List()
		for range g.count(isMessage(fd), depth) {
			if isMessage(fd) {
				e := l.NewElement()
				g.fill(e.Message(), depth+1)
				l.Append(e)
			} else {
				l.Append(g.scalar(fd))
			}
		}
	case isMessage(fd):
		g.fill(m.Mutable(fd).Message(), depth+1)
	default:
		m.Set(fd, g.scalar(fd))
	}
}

// count picks the length of a repeated field: mostly short, sometimes long
// enough to need several bytes of length prefix. Lists of messages stay
// short, and shorter with depth, so that recursive messages stay small.
func (g *generator) count(messages bool, depth int) int {
	if messages && depth > 0 {
		return g.rng.IntN(3)
	}
	switch r := g.rng.IntN(10); {
	case r < 2:
		return 0
	case r < 5:
		return 1
	case r < 8:
		return 2 + g.rng.IntN(3)
	case messages:
		return 2 + g.rng.IntN(3)
	case r < 9:
		return 5 + g.rng.IntN(10)
	default:
		return 20 + g.rng.IntN(120)
	}
}

var (
	int32Edges = []int32{0, 1, -1, 127, 128, -128, 255, 256, math.MaxInt16, math.MinInt16,
		math.MaxUint16, math.MaxInt32, math.MinInt32}
	int64Edges = []int64{0, 1, -1, 127, 128, math.MaxInt32, math.MinInt32, 1 << 31, -1<<31 - 1,
		1<<32 - 1, 1 << 32, 1 << 53, math.MaxInt64, math.MinInt64}
	uint32Edges = []uint32{0, 1, 127, 128, math.MaxInt32, 1 << 31, math.MaxUint32}
	uint64Edges = []uint64{0, 1, 127, 128, 1 << 31, math.MaxUint32, 1 << 32, 1 << 63, math.MaxUint64}
	floatEdges  = []float64{0, math.Copysign(0, -1), 1, -1, 0.5, math.NaN(), math.Inf(1), math.Inf(-1),
		math.MaxFloat32, math.SmallestNonzeroFloat32, 16777217}
	doubleEdges = []float64{0, math.Copysign(0, -1), 1, -1, 0.1, math.NaN(), math.Inf(1), math.Inf(-1),
		math.MaxFloat64, math.SmallestNonzeroFloat64, 1<<53 + 1}
	stringEdges = []string{"", "a", "héllo", "日本語", "🙂", "a\x00b", "\u2028", "1", "true", "null"}
	bytesEdges  = []string{"", "a", "\x00", "\xff\xfe\xfd", "\xc3\x28", "\xed\xa0\x80", "héllo"}
	// invalidUTF8 goes only into string fields that the writer does not
	// validate.
	invalidUTF8 = []string{"\xff", "a\xc3\x28", "\xed\xa0\x80"}
)

func pick[T any](g *generator, edges []T) T { return edges[g.rng.IntN(len(edges))] }

// bits returns a random value of a random bit length, so that small and
// large values are equally likely.
func (g *generator) bits(n int) uint64 {
	return g.rng.Uint64() >> (64 - 1 - g.rng.IntN(n))
}

func (g *generator) scalar(fd protoreflect.FieldDescriptor) protoreflect.Value {
	edge := g.rng.IntN(2) == 0
	switch fd.Kind() {
	case protoreflect.BoolKind:
		return protoreflect.ValueOfBool(g.rng.IntN(2) == 0)
	case protoreflect.EnumKind:
		return protoreflect.ValueOfEnum(g.enum(fd.Enum()))
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		if edge {
			return protoreflect.ValueOfInt32(pick(g, int32Edges))
		}
		v := int32(g.bits(31))
		if g.rng.IntN(2) == 0 {
			v = -v
		}
		return protoreflect.ValueOfInt32(v)
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		if edge {
			return protoreflect.ValueOfInt64(pick(g, int64Edges))
		}
		v := int64(g.bits(63))
		if g.rng.IntN(2) == 0 {
			v = -v
		}
		return protoreflect.ValueOfInt64(v)
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		if edge {
			return protoreflect.ValueOfUint32(pick(g, uint32Edges))
		}
		return protoreflect.ValueOfUint32(uint32(g.bits(32)))
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		if edge {
			return protoreflect.ValueOfUint64(pick(g, uint64Edges))
		}
		return protoreflect.ValueOfUint64(g.bits(64))
	case protoreflect.FloatKind:
		if edge {
			return protoreflect.ValueOfFloat32(float32(pick(g, floatEdges)))
		}
		return protoreflect.ValueOfFloat32(float32((g.rng.Float64() - 0.5) * math.Pow(2, float64(g.rng.IntN(60)-20))))
	case protoreflect.DoubleKind:
		if edge {
			return protoreflect.ValueOfFloat64(pick(g, doubleEdges))
		}
		return protoreflect.ValueOfFloat64((g.rng.Float64() - 0.5) * math.Pow(2, float64(g.rng.IntN(200)-100)))
	case protoreflect.StringKind:
		if !enforcesUTF8(fd) && g.rng.IntN(8) == 0 {
			return protoreflect.ValueOfString(pick(g, invalidUTF8))
		}
		if edge {
			return protoreflect.ValueOfString(pick(g, stringEdges))
		}
		return protoreflect.ValueOfString(g.text())
	case protoreflect.BytesKind:
		if edge {
			return protoreflect.ValueOfBytes([]byte(pick(g, bytesEdges)))
		}
		b := make([]byte, g.rng.IntN(40))
		for i := range b {
			b[i] = byte(g.rng.Uint32())
		}
		return protoreflect.ValueOfBytes(b)
	}
	panic("roundtrip: no scalar value for kind " + fd.Kind().String())
}

// text returns a random valid UTF-8 string mixing ASCII and wider runes.
func (g *generator) text() string {
	const alphabet = "abcxyz019 _-é日🙂"
	runes := []rune(alphabet)
	n := g.rng.IntN(24)
	if g.rng.IntN(16) == 0 {
		n = 130 + g.rng.IntN(200) // a two-byte length prefix
	}
	out := make([]rune, n)
	for i := range out {
		out[i] = runes[g.rng.IntN(len(runes))]
	}
	return string(out)
}

// enum picks a declared value, or for open enums sometimes a number that
// neither version may declare.
func (g *generator) enum(ed protoreflect.EnumDescriptor) protoreflect.EnumNumber {
	vals := ed.Values()
	if !ed.IsClosed() && g.rng.IntN(6) == 0 {
		hi := protoreflect.EnumNumber(0)
		for i := range vals.Len() {
			hi = max(hi, vals.Get(i).Number())
		}
		for _, n := range []protoreflect.EnumNumber{hi + 1, hi + 100, -1, math.MaxInt32} {
			if vals.ByNumber(n) == nil && g.rng.IntN(2) == 0 {
				return n
			}
		}
	}
	return vals.Get(g.rng.IntN(vals.Len())).Number()
}

// wellKnown fills the well-known types whose JSON form constrains their
// values, and reports whether it did.
func (g *generator) wellKnown(m protoreflect.Message) bool {
	md := m.Descriptor()
	f := md.Fields()
	switch md.FullName() {
	case "google.protobuf.Any":
		// One of the messages being proved, packed by the writer's schema;
		// each side unpacks it with its own (comparer.any).
		if len(g.anyOf) > 0 && g.depth < g.maxDepth && g.rng.IntN(2) == 0 {
			md := g.anyOf[g.rng.IntN(len(g.anyOf))]
			inner := dynamicpb.NewMessage(md)
			g.fill(inner, g.depth+1)
			if b, err := marshalOpts.Marshal(inner); err == nil {
				m.Set(f.ByName("type_url"), protoreflect.ValueOfString("type.googleapis.com/"+string(md.FullName())))
				m.Set(f.ByName("value"), protoreflect.ValueOfBytes(b))
			}
		}
		return true
	case "google.protobuf.Timestamp":
		m.Set(f.ByName("seconds"), protoreflect.ValueOfInt64(g.rng.Int64N(253402300799)))
		m.Set(f.ByName("nanos"), protoreflect.ValueOfInt32(g.rng.Int32N(1e9)))
		return true
	case "google.protobuf.Duration":
		m.Set(f.ByName("seconds"), protoreflect.ValueOfInt64(g.rng.Int64N(315576000000)))
		m.Set(f.ByName("nanos"), protoreflect.ValueOfInt32(g.rng.Int32N(1e9)))
		return true
	case "google.protobuf.FieldMask":
		l := m.Mutable(f.ByName("paths")).List()
		for range g.rng.IntN(3) {
			l.Append(protoreflect.ValueOfString(pick(g, []string{"a", "foo_bar", "x.y_z"})))
		}
		return true
	case "google.protobuf.Value":
		switch g.rng.IntN(4) {
		case 0:
			m.Set(f.ByName("null_value"), protoreflect.ValueOfEnum(0))
		case 1:
			m.Set(f.ByName("number_value"), protoreflect.ValueOfFloat64(float64(g.rng.IntN(2000)-1000)/4))
		case 2:
			m.Set(f.ByName("string_value"), protoreflect.ValueOfString(g.text()))
		default:
			m.Set(f.ByName("bool_value"), protoreflect.ValueOfBool(g.rng.IntN(2) == 0))
		}
		return true
	}
	return false
}

func isMessage(fd protoreflect.FieldDescriptor) bool {
	return fd.Kind() == protoreflect.MessageKind || fd.Kind() == protoreflect.GroupKind
}

// enforcesUTF8 reports whether the Go runtime validates UTF-8 in the string
// field fd: always in proto3, never in proto2, and in editions as the
// nearest utf8_validation feature says (VERIFY by default).
func enforcesUTF8(fd protoreflect.FieldDescriptor) bool {
	if fd.Kind() != protoreflect.StringKind {
		return false
	}
	switch fd.ParentFile().Syntax() {
	case protoreflect.Proto2:
		return false
	case protoreflect.Proto3:
		return true
	}
	for d := protoreflect.Descriptor(fd); d != nil; d = d.Parent() {
		var fs *descriptorpb.FeatureSet
		switch o := d.Options().(type) {
		case *descriptorpb.FieldOptions:
			fs = o.GetFeatures()
		case *descriptorpb.MessageOptions:
			fs = o.GetFeatures()
		case *descriptorpb.OneofOptions:
			fs = o.GetFeatures()
		case *descriptorpb.FileOptions:
			fs = o.GetFeatures()
		}
		if fs != nil && fs.Utf8Validation != nil {
			return fs.GetUtf8Validation() != descriptorpb.FeatureSet_NONE
		}
	}
	return true
}
