package roundtrip

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// shrinkBudget bounds the trials one shrink may run.
const shrinkBudget = 4000

// shrink returns the smallest variant of w it can find that still shows
// problem p (same kind and path, list indexes aside; any parse error for a
// parse error), and p as that variant shows it. w is not modified.
//
// It drops fields, shortens lists and replaces values by simpler ones,
// accepting each change that keeps the problem, until nothing changes.
// Values are simplified along fixed ladders (0, 1, -1, 2, ...), so the
// result depends little on the sample it started from.
//
// Once ctx is done, it stops trying.
func shrink(ctx context.Context, t *trial, w *dynamicpb.Message, p problem) (*dynamicpb.Message, problem) {
	root := proto.Clone(w).(*dynamicpb.Message)
	key := t.key(p)
	find := func() (problem, bool) {
		probs, ok, err := t.run(root)
		if err != nil || !ok {
			return problem{}, false
		}
		for _, q := range probs {
			if q.kind == p.kind && (p.kind == kindParse || t.key(q) == key) {
				return q, true
			}
		}
		return problem{}, false
	}
	s := &shrinker{ctx: ctx, budget: shrinkBudget, holds: func() bool { _, ok := find(); return ok }, types: t.writerTypes}
	if p.kind != kindParse {
		if rest, ok := strings.CutPrefix(p.path, t.root+"."); ok {
			s.focus(root, rest)
		}
	}
	for range 16 {
		if !s.message(root) {
			break
		}
	}
	if ctx.Err() != nil {
		return w, p // the caller stops
	}
	final, ok := find()
	if !ok {
		return w, p
	}
	return root, final
}

// focus takes the big step first: it clears, in one trial per level,
// every field, list element and map entry off the problem's path, where
// rest is the path below m, e.g. "items[2].price".
func (s *shrinker) focus(m protoreflect.Message, rest string) {
	name := rest
	if end := strings.IndexAny(rest, ".["); end >= 0 {
		name = rest[:end]
	}
	rest = rest[len(name):]
	keep := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if keep == nil {
		return
	}
	type saved struct {
		fd protoreflect.FieldDescriptor
		v  protoreflect.Value
	}
	var others []saved
	for _, fd := range setFields(m) {
		if fd != keep && fd.Cardinality() != protoreflect.Required {
			others = append(others, saved{fd, m.Get(fd)})
		}
	}
	if len(others) > 0 {
		s.try(func() {
			for _, o := range others {
				m.Clear(o.fd)
			}
		}, func() {
			for _, o := range others {
				m.Set(o.fd, o.v)
			}
		})
	}
	if !m.Has(keep) {
		return
	}
	switch {
	case keep.IsMap():
		mp := m.Get(keep).Map()
		for _, k := range sortedKeys(mp) {
			key := "[" + renderScalar(keep.MapKey(), k.Value()) + "]"
			after, ok := strings.CutPrefix(rest, key)
			if !ok {
				continue
			}
			old := m.Get(keep)
			one := m.NewField(keep).Map()
			one.Set(k, mp.Get(k))
			if s.try(func() { m.Set(keep, protoreflect.ValueOfMap(one)) }, func() { m.Set(keep, old) }) &&
				isMessage(keep.MapValue()) && strings.HasPrefix(after, ".") {
				s.focus(one.Mutable(k).Message(), after[1:])
			}
			return
		}
	case keep.IsList():
		close := strings.Index(rest, "]")
		if !isMessage(keep) || !strings.HasPrefix(rest, "[") || close < 0 {
			return
		}
		i, err := strconv.Atoi(rest[1:close])
		l := m.Get(keep).List()
		if err != nil || i < 0 || i >= l.Len() {
			return
		}
		old := m.Get(keep)
		elem := l.Get(i)
		one := m.NewField(keep).List()
		one.Append(elem)
		after := rest[close+1:]
		if s.try(func() { m.Set(keep, protoreflect.ValueOfList(one)) }, func() { m.Set(keep, old) }) && strings.HasPrefix(after, ".") {
			s.focus(elem.Message(), after[1:])
		}
	case isMessage(keep) && strings.HasPrefix(rest, "."):
		s.focus(m.Mutable(keep).Message(), rest[1:])
	}
}

type shrinker struct {
	ctx    context.Context
	holds  func() bool
	budget int
	// types are the writer's, to unpack the message an Any holds.
	types *protoregistry.Types
}

// try applies a change and keeps it if the problem still holds.
func (s *shrinker) try(apply, undo func()) bool {
	if s.budget <= 0 || s.ctx != nil && s.ctx.Err() != nil {
		return false
	}
	s.budget--
	apply()
	if s.holds() {
		return true
	}
	undo()
	return false
}

// setFields returns the fields set in m in declaration order, then the
// extensions set, by number.
func setFields(m protoreflect.Message) []protoreflect.FieldDescriptor {
	var out []protoreflect.FieldDescriptor
	fields := m.Descriptor().Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); m.Has(fd) {
			out = append(out, fd)
		}
	}
	if m.Descriptor().ExtensionRanges().Len() == 0 {
		return out
	}
	var exts []protoreflect.FieldDescriptor
	m.Range(func(fd protoreflect.FieldDescriptor, _ protoreflect.Value) bool {
		if fd.IsExtension() {
			exts = append(exts, fd)
		}
		return true
	})
	slices.SortFunc(exts, func(a, b protoreflect.FieldDescriptor) int { return cmp.Compare(a.Number(), b.Number()) })
	return append(out, exts...)
}

func (s *shrinker) message(m protoreflect.Message) bool {
	if m.Descriptor().FullName() == anyName {
		return s.any(m)
	}
	changed := false
	for _, fd := range setFields(m) {
		if fd.Cardinality() == protoreflect.Required {
			continue // the writer could not have sent the message without it
		}
		v := m.Get(fd)
		if s.try(func() { m.Clear(fd) }, func() { m.Set(fd, v) }) {
			changed = true
		}
	}
	for _, fd := range setFields(m) {
		switch {
		case fd.IsList():
			changed = s.list(m, fd) || changed
		case fd.IsMap():
			changed = s.mapField(m, fd) || changed
		case isMessage(fd):
			changed = s.message(m.Mutable(fd).Message()) || changed
		default:
			changed = s.scalar(fd, func() protoreflect.Value { return m.Get(fd) }, func(v protoreflect.Value) { m.Set(fd, v) }) || changed
		}
	}
	return changed
}

// any shrinks the message that an Any holds, packing it again before each
// trial; the type URL stays.
func (s *shrinker) any(m protoreflect.Message) bool {
	fields := m.Descriptor().Fields()
	url, value := fields.ByNumber(1), fields.ByNumber(2)
	if s.types == nil {
		return false
	}
	mt, err := s.types.FindMessageByURL(m.Get(url).String())
	if err != nil {
		return false
	}
	inner := mt.New()
	if unmarshal(m.Get(value).Bytes(), inner.Interface(), s.types) != nil {
		return false
	}
	pack := func() {
		if b, err := marshalOpts.Marshal(inner.Interface()); err == nil {
			m.Set(value, protoreflect.ValueOfBytes(b))
		}
	}
	holds := s.holds
	s.holds = func() bool { pack(); return holds() }
	changed := s.message(inner)
	s.holds = holds
	pack()
	return changed
}

func (s *shrinker) list(m protoreflect.Message, fd protoreflect.FieldDescriptor) bool {
	changed := false
	l := m.Get(fd).List()
	cur := make([]protoreflect.Value, l.Len())
	for i := range cur {
		cur[i] = l.Get(i)
	}
	shorter := func(cand []protoreflect.Value) {
		if len(cand) == 0 || len(cand) >= len(cur) {
			return
		}
		old := m.Get(fd)
		apply := func() {
			nl := m.NewField(fd).List()
			for _, v := range cand {
				nl.Append(v)
			}
			m.Set(fd, protoreflect.ValueOfList(nl))
		}
		if s.try(apply, func() { m.Set(fd, old) }) {
			cur = cand
			changed = true
		}
	}
	shorter(cur[:1])
	shorter(cur[:len(cur)/2])
	for i := len(cur) - 1; i >= 0; i-- {
		if i < len(cur) {
			shorter(slices.Delete(slices.Clone(cur), i, i+1))
		}
	}
	l = m.Get(fd).List()
	for i := range l.Len() {
		if isMessage(fd) {
			changed = s.message(l.Get(i).Message()) || changed
			continue
		}
		changed = s.scalar(fd, func() protoreflect.Value { return l.Get(i) }, func(v protoreflect.Value) { l.Set(i, v) }) || changed
	}
	return changed
}

func (s *shrinker) mapField(m protoreflect.Message, fd protoreflect.FieldDescriptor) bool {
	changed := false
	mp := m.Get(fd).Map()
	keys := sortedKeys(mp)
	for _, k := range keys {
		if mp.Len() == 1 {
			break // dropping the field was tried
		}
		v := mp.Get(k)
		if s.try(func() { mp.Clear(k) }, func() { mp.Set(k, v) }) {
			changed = true
		}
	}
	for _, k := range sortedKeys(mp) {
		// A simpler key, if it is free, makes a shorter path and less noise.
		for _, c := range simpler(fd.MapKey(), k.Value()) {
			ck := c.MapKey()
			if mp.Has(ck) {
				continue
			}
			v := mp.Get(k)
			if s.try(func() { mp.Clear(k); mp.Set(ck, v) }, func() { mp.Clear(ck); mp.Set(k, v) }) {
				k = ck
				changed = true
				break
			}
		}
		if isMessage(fd.MapValue()) {
			changed = s.message(mp.Mutable(k).Message()) || changed
			continue
		}
		changed = s.scalar(fd.MapValue(), func() protoreflect.Value { return mp.Get(k) }, func(v protoreflect.Value) { mp.Set(k, v) }) || changed
	}
	return changed
}

// scalar replaces a value by the simplest candidate that keeps the problem.
func (s *shrinker) scalar(fd protoreflect.FieldDescriptor, get func() protoreflect.Value, set func(protoreflect.Value)) bool {
	cur := get()
	for _, c := range simpler(fd, cur) {
		if s.try(func() { set(c) }, func() { set(cur) }) {
			return true
		}
	}
	return false
}

var (
	signedLadder = []int64{0, 1, -1, 2, -2, 127, 128, -128, 255, 256, math.MaxInt16, math.MinInt16,
		math.MaxUint16, math.MaxInt32, math.MinInt32, 1 << 31, -1<<31 - 1, 1<<32 - 1, 1 << 32,
		1 << 53, math.MaxInt64, math.MinInt64}
	unsignedLadder = []uint64{0, 1, 2, 127, 128, 255, 256, math.MaxUint16, math.MaxInt32, 1 << 31,
		math.MaxUint32, 1 << 32, 1 << 53, math.MaxInt64, 1 << 63, math.MaxUint64}
	floatLadder = []float64{0, 1, -1, 0.5, 2, math.Copysign(0, -1), math.NaN(), math.Inf(1), math.Inf(-1)}
)

// simpler returns values simpler than cur, simplest first. "Simpler" is a
// strict order, so shrinking ends.
func simpler(fd protoreflect.FieldDescriptor, cur protoreflect.Value) []protoreflect.Value {
	var out []protoreflect.Value
	switch fd.Kind() {
	case protoreflect.BoolKind:
		if cur.Bool() {
			out = append(out, protoreflect.ValueOfBool(false))
		}
	case protoreflect.EnumKind:
		vals := fd.Enum().Values()
		for i := range vals.Len() {
			if vals.Get(i).Number() == cur.Enum() {
				break
			}
			out = append(out, protoreflect.ValueOfEnum(vals.Get(i).Number()))
		}
	case protoreflect.Int32Kind, protoreflect.Sint32Kind, protoreflect.Sfixed32Kind:
		for _, v := range ladderBelow(signedLadder, cur.Int(), signedRank) {
			if v >= math.MinInt32 && v <= math.MaxInt32 {
				out = append(out, protoreflect.ValueOfInt32(int32(v)))
			}
		}
	case protoreflect.Int64Kind, protoreflect.Sint64Kind, protoreflect.Sfixed64Kind:
		for _, v := range ladderBelow(signedLadder, cur.Int(), signedRank) {
			out = append(out, protoreflect.ValueOfInt64(v))
		}
	case protoreflect.Uint32Kind, protoreflect.Fixed32Kind:
		for _, v := range ladderBelow(unsignedLadder, cur.Uint(), unsignedRank) {
			if v <= math.MaxUint32 {
				out = append(out, protoreflect.ValueOfUint32(uint32(v)))
			}
		}
	case protoreflect.Uint64Kind, protoreflect.Fixed64Kind:
		for _, v := range ladderBelow(unsignedLadder, cur.Uint(), unsignedRank) {
			out = append(out, protoreflect.ValueOfUint64(v))
		}
	case protoreflect.FloatKind, protoreflect.DoubleKind:
		r := floatRank(cur.Float())
		for i, f := range floatLadder {
			if i >= r {
				break
			}
			if fd.Kind() == protoreflect.FloatKind {
				out = append(out, protoreflect.ValueOfFloat32(float32(f)))
			} else {
				out = append(out, protoreflect.ValueOfFloat64(f))
			}
		}
	case protoreflect.StringKind:
		for _, c := range shorterStrings(cur.String(), true) {
			out = append(out, protoreflect.ValueOfString(c))
		}
	case protoreflect.BytesKind:
		for _, c := range shorterStrings(string(cur.Bytes()), false) {
			out = append(out, protoreflect.ValueOfBytes([]byte(c)))
		}
	}
	return out
}

// ladderBelow returns the ladder values ranked below cur, in ladder order,
// then half of cur if cur is off the ladder.
func ladderBelow[T int64 | uint64](ladder []T, cur T, rank func(T) int) []T {
	r := rank(cur)
	var out []T
	for i, v := range ladder {
		if i >= r {
			break
		}
		out = append(out, v)
	}
	if r > len(ladder) && rank(cur/2) < r {
		out = append(out, cur/2)
	}
	return out
}

// signedRank places ladder values by their index and other values after
// them by bit length.
func signedRank(v int64) int {
	if i := slices.Index(signedLadder, v); i >= 0 {
		return i
	}
	mag := uint64(v)
	if v < 0 {
		mag = uint64(-(v + 1))
	}
	return len(signedLadder) + 1 + bitLen(mag)
}

func unsignedRank(v uint64) int {
	if i := slices.Index(unsignedLadder, v); i >= 0 {
		return i
	}
	return len(unsignedLadder) + 1 + bitLen(v)
}

func bitLen(v uint64) int {
	n := 0
	for ; v != 0; v >>= 1 {
		n++
	}
	return n
}

func floatRank(f float64) int {
	for i, l := range floatLadder {
		if math.Float64bits(f) == math.Float64bits(l) || math.IsNaN(f) && math.IsNaN(l) {
			return i
		}
	}
	return len(floatLadder)
}

// shorterStrings returns "", "a" and halves of s that come before s in
// (length, bytes) order; for strings it cuts at rune boundaries so that
// valid UTF-8 stays valid.
func shorterStrings(s string, runes bool) []string {
	var out []string
	less := func(c string) bool { return len(c) < len(s) || len(c) == len(s) && c < s }
	add := func(c string) {
		if less(c) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	add("")
	add("a")
	if !runes {
		add("\xff")
	}
	half := len(s) / 2
	for runes && half > 0 && half < len(s) && !utf8.RuneStart(s[half]) {
		half--
	}
	add(s[:half])
	add(s[half:])
	return out
}

// leaf finds the first set field, depth first, of a shrunk message: where
// a parse error, which carries no path, most likely comes from. Fields
// the shrinker could drop are gone, so a field that is not required is
// the likelier culprit, and a message that holds only required fields,
// there for the writer to send it, is the culprit itself; so is a
// well-known type, whose fields JSON does not show.
func leaf(root string, m protoreflect.Message) (path string, num protoreflect.FieldNumber, writer string) {
	path, writer = root, "(empty message)"
	for depth := 0; ; depth++ {
		fields := setFields(m)
		i := slices.IndexFunc(fields, func(fd protoreflect.FieldDescriptor) bool { return fd.Cardinality() != protoreflect.Required })
		if len(fields) == 0 || depth > 0 && (i < 0 || wellKnownJSON(m.Descriptor().FullName())) {
			return path, num, writer
		}
		fd := fields[max(i, 0)]
		v := m.Get(fd)
		path += "." + segment(fd)
		num = fd.Number()
		writer = renderValue(fd, v)
		switch {
		case fd.IsList():
			path += "[0]"
			if !isMessage(fd) {
				return path, num, elemName(fd) + " " + renderScalar(fd, v.List().Get(0))
			}
			m = v.List().Get(0).Message()
		case fd.IsMap():
			k := sortedKeys(v.Map())[0]
			path += "[" + renderScalar(fd.MapKey(), k.Value()) + "]"
			if !isMessage(fd.MapValue()) {
				return path, num, renderValue(fd.MapValue(), v.Map().Get(k))
			}
			m = v.Map().Get(k).Message()
		case isMessage(fd):
			m = v.Message()
		default:
			return path, num, writer
		}
	}
}

// wellKnownJSON reports whether JSON writes a message of this name in a
// form of its own rather than as its fields.
func wellKnownJSON(name protoreflect.FullName) bool {
	switch name {
	case anyName, "google.protobuf.Timestamp", "google.protobuf.Duration", "google.protobuf.FieldMask",
		"google.protobuf.Struct", "google.protobuf.Value", "google.protobuf.ListValue", "google.protobuf.Empty":
		return true
	}
	return isWrapper(name)
}
