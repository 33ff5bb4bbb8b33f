package roundtrip

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"google.golang.org/protobuf/reflect/protoreflect"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/schema"
)

// Check compares two versions of a schema with compat.Check and proves the
// findings with data, in one call: each finding that a counterexample
// shows carries it as its Proof, the others say in Unproven why data
// cannot show them, and each counterexample that no finding covers
// becomes a finding of a ROUNDTRIP_ rule, when cfg selects that rule.
// The user's ignores and waivers in cfg hold for those too.
//
// Check chooses opts.Messages (the messages that changed and those the
// findings concern) and opts.SkipJSON (unless cfg selects a rule of
// WIRE_JSON or stricter, JSON proofs prove nothing cfg asked about); the
// other options apply as in Prove. The error is compat.Check's, or says
// that proving could not run. Like compat.Check, it only reads the schemas:
// several may run at once.
func Check(ctx context.Context, old, new *schema.Schema, cfg compat.Config, opts Options) ([]compat.Finding, error) {
	opts.Messages = nil
	out, err := Run(ctx, old, new, cfg, opts)
	return out.Findings, err
}

// Outcome is what Run found.
type Outcome struct {
	// Findings are Check's: each with its proof, or why it has none.
	Findings []compat.Finding
	// Results are those of the messages proved, in Prove's order, with
	// the counterexamples that cfg asks about: binary ones, and JSON
	// ones when a rule of cfg concerns JSON; of the directions cfg
	// selects.
	Results []Result
	// Alike lists, sorted, the messages that both versions declare and
	// that were not proved: their own fields are declared alike, so a
	// change below them is proved at the message that changed.
	Alike []protoreflect.FullName
}

// Run is Check, which also returns the results the proofs come from:
// what `protocheck prove` shows. When opts.Messages is set, only those
// messages are proved.
func Run(ctx context.Context, old, new *schema.Schema, cfg compat.Config, opts Options) (Outcome, error) {
	findings, err := compat.Check(ctx, old, new, cfg)
	if err != nil {
		return Outcome{}, err
	}
	rules, err := cfg.Select() // cannot fail: compat.Check selected them
	if err != nil {
		return Outcome{}, err
	}
	p := newBinder(old.Files, new.Files)
	subjects := make([]subject, len(findings))
	names := Changed(old, new)
	for i, f := range findings {
		subjects[i] = p.subjectOf(f)
		names = append(names, subjects[i].messages...)
	}
	if opts.Messages == nil {
		opts.Messages = names
	}
	jsonOK := checksJSON(rules)
	opts.SkipJSON = !jsonOK
	results, err := Prove(ctx, old, new, opts)
	if err != nil {
		return Outcome{}, err
	}
	var cexs []Counterexample
	unproven := make(map[protoreflect.FullName]string)
	for i, r := range results {
		results[i].Counterexamples = slices.DeleteFunc(r.Counterexamples, func(c Counterexample) bool {
			return directionOf(&c)&cmp.Or(cfg.Direction, compat.Both) == 0
		})
		cexs = append(cexs, results[i].Counterexamples...)
		if r.Unproven != "" {
			unproven[r.Message] = r.Unproven
		}
	}
	out := slices.Clone(findings)
	covered := p.attach(out, subjects, cexs, jsonOK, unproven, opts.withDefaults().Samples)
	extra := p.uncovered(cexs, covered, rules, cfg.Direction)
	if len(extra) > 0 {
		extra, err = compat.Excuse(ctx, old, new, cfg, extra)
		if err != nil {
			return Outcome{}, err
		}
		out = append(out, extra...)
	}
	slices.SortStableFunc(out, compat.CompareFindings)
	return Outcome{Findings: out, Results: results, Alike: alike(old.Files, new.Files, opts.Messages)}, nil
}

// alike returns the messages both versions declare that proved leaves out.
func alike(old, new []protoreflect.FileDescriptor, proved []protoreflect.FullName) []protoreflect.FullName {
	newMsgs := collectMessages(new)
	var out []protoreflect.FullName
	for name := range collectMessages(old) {
		if _, ok := newMsgs[name]; ok && !slices.Contains(proved, name) {
			out = append(out, name)
		}
	}
	slices.Sort(out)
	return out
}

// checksJSON reports whether rules say anything about JSON: a ROUNDTRIP_
// rule of JSON, or a rule of WIRE_JSON that WIRE leaves out, such as
// FIELD_SAME_JSON_NAME. Under WIRE alone, a JSON proof proves nothing
// asked about.
func checksJSON(rules []*compat.Rule) bool {
	return slices.ContainsFunc(rules, func(r *compat.Rule) bool {
		return r.ID == "ROUNDTRIP_JSON_BACKWARD" || r.ID == "ROUNDTRIP_JSON_FORWARD" ||
			r.In(compat.WireJSON) && !r.In(compat.Wire)
	})
}

// attach gives each finding the best counterexample that shows it, or
// the reason none can, and reports which counterexamples some finding
// covers. JSON counterexamples prove nothing unless jsonOK; unproven
// says, by message, why a message could not be written.
func (p *binder) attach(findings []compat.Finding, subjects []subject, cexs []Counterexample, jsonOK bool, unproven map[protoreflect.FullName]string, samples int) []bool {
	covered := make([]bool, len(cexs))
	for i := range findings {
		f := &findings[i]
		s := subjects[i]
		rule := compat.Lookup(f.Rule)
		var best *Counterexample
		deletion := f.Old != nil && f.New == nil
		for j := range cexs {
			c := &cexs[j]
			// The reader lacking the field proves a deletion's hazard,
			// and then only in JSON, where a strict reader rejects the
			// name today; in binary the value waits in unknown fields.
			if c.Undeclared && !(deletion && c.Encoding == JSON) || !s.matches(c) || directionOf(c)&f.Direction == 0 {
				continue
			}
			covered[j] = true
			if c.Encoding == JSON && !jsonOK {
				continue // a check of WIRE promises nothing about JSON
			}
			if best == nil || betterProof(c, best, s, rule) {
				best = c
			}
		}
		if best != nil {
			f.Proof = best.Proof()
			continue
		}
		f.Unproven = p.unprovenReason(rule, f, s, samples, jsonOK)
		for _, m := range s.messages {
			if why := unproven[m]; why != "" && f.Unproven == noCounterexample(samples) {
				f.Unproven = why
			}
		}
	}
	return covered
}

// uncovered makes a finding of each counterexample that no finding
// covers, one per rule and field, for the selected ROUNDTRIP_ rules and
// the directions asked for. Undeclared and PresenceOnly ones are left to
// the rules, which see a deletion or a presence change as what it is.
func (p *binder) uncovered(cexs []Counterexample, covered []bool, rules []*compat.Rule, dir compat.Direction) []compat.Finding {
	if dir == 0 {
		dir = compat.Both
	}
	var out []compat.Finding
	seen := make(map[string]bool)
	for j := range cexs {
		c := &cexs[j]
		if covered[j] || c.Undeclared || c.PresenceOnly || directionOf(c)&dir == 0 {
			continue
		}
		rule := roundtripRule(c)
		if !slices.ContainsFunc(rules, func(r *compat.Rule) bool { return r.ID == rule.ID }) {
			continue
		}
		f := p.finding(rule, c)
		key := f.Rule + "\x00" + f.Message
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, f)
	}
	return out
}

// Proof returns the counterexample as the plain data that a finding
// carries and reports print.
func (c *Counterexample) Proof() *compat.Proof {
	return &compat.Proof{
		Direction:   c.Direction.String(),
		Encoding:    c.Encoding,
		Message:     string(c.Message),
		FieldPath:   c.FieldPath,
		Reason:      c.Reason,
		Bytes:       c.Bytes,
		Wire:        c.Wire,
		JSON:        c.Text,
		WriterValue: c.WriterValue,
		ReaderValue: c.ReaderValue,
		Hazard:      c.Undeclared || c.PresenceOnly,
	}
}

// roundtripRule returns the rule that reports c when no other rule does.
func roundtripRule(c *Counterexample) *compat.Rule {
	switch {
	case c.Encoding == JSON && c.Direction == Forward:
		return compat.Lookup("ROUNDTRIP_JSON_FORWARD")
	case c.Encoding == JSON:
		return compat.Lookup("ROUNDTRIP_JSON_BACKWARD")
	case c.Direction == Forward:
		return compat.Lookup("ROUNDTRIP_BINARY_FORWARD")
	case c.Direction == Middleman:
		return compat.Lookup("ROUNDTRIP_BINARY_MIDDLEMAN")
	}
	return compat.Lookup("ROUNDTRIP_BINARY_BACKWARD")
}

// directionOf maps the prover's directions onto compat's: a middleman
// problem needs both versions, so a finding of either direction covers it.
func directionOf(c *Counterexample) compat.Direction {
	switch c.Direction {
	case Backward:
		return compat.Backward
	case Forward:
		return compat.Forward
	}
	return compat.Both
}

// betterProof orders candidate proofs for a finding: one whose last field
// is the finding's own (by name, then by number) before one nested below it, JSON first for a rule
// about JSON alone (binary first otherwise), backward before forward
// before middleman, then the fewest bytes.
func betterProof(a, b *Counterexample, s subject, rule *compat.Rule) bool {
	direct := func(c *Counterexample) int {
		switch {
		case !s.direct(c):
			return 2
		case !slices.Contains(s.names, declName(c.Field)):
			return 1 // the field's number, under another name (swapped fields)
		}
		return 0
	}
	enc := func(c *Counterexample) int {
		jsonFirst := rule != nil && rule.In(compat.WireJSON) && !rule.In(compat.Wire)
		if (c.Encoding == JSON) == jsonFirst {
			return 0
		}
		return 1
	}
	return cmp.Or(
		cmp.Compare(direct(a), direct(b)),
		cmp.Compare(enc(a), enc(b)),
		cmp.Compare(a.Direction, b.Direction),
		cmp.Compare(len(a.Bytes), len(b.Bytes)),
		cmp.Compare(a.FieldPath, b.FieldPath),
	) < 0
}

func noCounterexample(samples int) string {
	return fmt.Sprintf("no counterexample in %d samples per message", samples)
}

// unprovenReason says why no data demonstrates f, from what f concerns.
func (p *binder) unprovenReason(rule *compat.Rule, f *compat.Finding, s subject, samples int, json bool) string {
	switch {
	case rule != nil && (rule.ID == "RESERVED_MESSAGE_NO_DELETE" || rule.ID == "RESERVED_ENUM_NO_DELETE"):
		return "a reservation guards against later reuse: removing it changes no data written today"
	case rule != nil && (rule.ID == "MESSAGE_SAME_JSON_FORMAT" || rule.ID == "ENUM_SAME_JSON_FORMAT"):
		return "protobuf-go, which the prover runs, reads and writes JSON alike under either json_format; other runtimes may not"
	case s.service:
		return "concerns services: the prover encodes messages, it does not call RPCs"
	case f.Old != nil && f.New == nil && json && f.Old.Kind != compat.MessageElement && f.Old.Kind != compat.EnumElement:
		return "a deletion breaks no data written today but for strict JSON readers, which reject the deleted name: the hazard is a later reuse of the number or name"
	case f.Old != nil && f.New == nil:
		return "a deletion breaks no data written today: the hazard is a later reuse of the number or name"
	case s.renamed:
		return "a rename is source-level: binary data carries numbers, and the JSON name did not change"
	case s.jsonRenamed && !json:
		return "a rename changes no binary data: JSON, which carries the name, is not checked by the rules selected"
	case rule != nil && !rule.In(compat.Wire) && !rule.In(compat.WireJSON):
		return "source-level: generated code changes, encoded data does not"
	case rule != nil && rule.Severity == compat.Warning:
		return "a hazard, not a break of data written today"
	case len(s.messages) == 0 && len(s.enums) == 0:
		return "concerns no message field that data could show"
	case len(s.messages) == 0 && !slices.ContainsFunc(s.enums, p.held):
		return fmt.Sprintf("no message field holds %s: no data carries its values", s.enums[0])
	case f.Old != nil && f.Old.Kind == compat.EnumValueElement && p.firstNameKept(f.Old):
		return "JSON carries the first name of a number, which did not change: the others appear in no data protobuf-go writes"
	case p.zeroNamedOnly(f):
		return "the enum names only 0, which a field without presence leaves out of the data: every other number is the same varint in binary, and the same number in JSON, to both sides"
	}
	return noCounterexample(samples)
}

// zeroNamedOnly reports whether f concerns a singular field without
// presence that holds an integer on one side and an enum that names only
// the number 0 on the other. Such a field never carries the enum's name:
// JSON leaves out a zero and writes any other number as a number, which
// an integer reader reads as the enum reader does.
func (p *binder) zeroNamedOnly(f *compat.Finding) bool {
	if f.Old == nil || f.New == nil || f.Old.Kind != compat.FieldElement || f.New.Kind != compat.FieldElement {
		return false
	}
	field := func(decls map[protoreflect.FullName]protoreflect.Descriptor, e *compat.Element) protoreflect.FieldDescriptor {
		m, _ := decls[e.Parent].(protoreflect.MessageDescriptor)
		if m == nil {
			return nil
		}
		return m.Fields().ByNumber(protoreflect.FieldNumber(e.Number))
	}
	of, nf := field(p.old, f.Old), field(p.new, f.New)
	if of == nil || nf == nil || (of.Kind() == protoreflect.EnumKind) == (nf.Kind() == protoreflect.EnumKind) {
		return false
	}
	plain := func(fd protoreflect.FieldDescriptor) bool {
		switch fd.Kind() {
		case protoreflect.Int32Kind, protoreflect.Int64Kind, protoreflect.Uint32Kind, protoreflect.Uint64Kind:
		case protoreflect.EnumKind:
			vs := fd.Enum().Values()
			for i := range vs.Len() {
				if vs.Get(i).Number() != 0 {
					return false
				}
			}
			if fd.Enum().IsClosed() {
				return false // a closed enum drops the numbers it lacks
			}
		default:
			return false
		}
		return fd.Cardinality() != protoreflect.Repeated && !fd.HasPresence()
	}
	return plain(of) && plain(nf)
}

// held reports whether a field of either version, or an extension, holds
// the enum (as a map value too).
func (p *binder) held(enum protoreflect.FullName) bool {
	if p.enumsHeld == nil {
		p.enumsHeld = make(map[protoreflect.FullName]bool)
		note := func(fd protoreflect.FieldDescriptor) {
			if fd.IsMap() {
				fd = fd.MapValue()
			}
			if fd.Kind() == protoreflect.EnumKind {
				p.enumsHeld[fd.Enum().FullName()] = true
			}
		}
		for _, decls := range []map[protoreflect.FullName]protoreflect.Descriptor{p.old, p.new} {
			for _, d := range decls {
				switch d := d.(type) {
				case protoreflect.MessageDescriptor:
					for i := range d.Fields().Len() {
						note(d.Fields().Get(i))
					}
				case protoreflect.FieldDescriptor:
					note(d)
				}
			}
		}
	}
	return p.enumsHeld[enum]
}

// firstNameKept reports whether the enum value e names a number whose
// first name, the one JSON writes, is the same in both versions.
func (p *binder) firstNameKept(e *compat.Element) bool {
	oe, _ := p.old[e.Parent].(protoreflect.EnumDescriptor)
	ne, _ := p.new[e.Parent].(protoreflect.EnumDescriptor)
	if oe == nil || ne == nil {
		return false
	}
	a, b := oe.Values().ByNumber(protoreflect.EnumNumber(e.Number)), ne.Values().ByNumber(protoreflect.EnumNumber(e.Number))
	return a != nil && b != nil && a.Name() == b.Name()
}

// binder ties findings and counterexamples to the declarations of both
// versions.
type binder struct {
	old, new  map[protoreflect.FullName]protoreflect.Descriptor
	enumsHeld map[protoreflect.FullName]bool // filled by held
}

func newBinder(old, new []protoreflect.FileDescriptor) *binder {
	return &binder{old: declarations(old), new: declarations(new)}
}

// declarations indexes the messages, enums and services of files by full
// name.
func declarations(files []protoreflect.FileDescriptor) map[protoreflect.FullName]protoreflect.Descriptor {
	out := make(map[protoreflect.FullName]protoreflect.Descriptor)
	var messages func(protoreflect.MessageDescriptors)
	enums := func(es protoreflect.EnumDescriptors) {
		for i := range es.Len() {
			out[es.Get(i).FullName()] = es.Get(i)
		}
	}
	messages = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			m := ms.Get(i)
			out[m.FullName()] = m
			enums(m.Enums())
			messages(m.Messages())
		}
	}
	for _, f := range files {
		enums(f.Enums())
		messages(f.Messages())
		ss := f.Services()
		for i := range ss.Len() {
			out[ss.Get(i).FullName()] = ss.Get(i)
		}
	}
	forEachExtension(files, func(xd protoreflect.FieldDescriptor) { out[xd.FullName()] = xd })
	return out
}

// extension returns the extension that e names in decls, or nil.
func extension(decls map[protoreflect.FullName]protoreflect.Descriptor, e *compat.Element) protoreflect.FieldDescriptor {
	xd, _ := decls[protoreflect.FullName(e.Name)].(protoreflect.FieldDescriptor)
	if xd == nil || !xd.IsExtension() || xd.Number() != protoreflect.FieldNumber(e.Number) {
		return nil
	}
	return xd
}

// declName is a field's name as an Element gives it: an extension's full
// name, another field's own.
func declName(fd protoreflect.FieldDescriptor) protoreflect.Name {
	if fd.IsExtension() {
		return protoreflect.Name(fd.FullName())
	}
	return fd.Name()
}

// field returns the field that e names in decls, or nil.
func field(decls map[protoreflect.FullName]protoreflect.Descriptor, e *compat.Element) protoreflect.FieldDescriptor {
	if e != nil && e.Kind == compat.ExtensionElement {
		return extension(decls, e)
	}
	if e == nil || e.Kind != compat.FieldElement {
		return nil
	}
	m, _ := decls[e.Parent].(protoreflect.MessageDescriptor)
	if m == nil {
		return nil
	}
	return m.Fields().ByNumber(protoreflect.FieldNumber(e.Number))
}

// A subject is what a finding concerns, as far as data can show it.
type subject struct {
	// fields are the finding's field in the old and the new version
	// (two when it was renumbered).
	fields []fieldRef
	// names are the fields' names in either version.
	names []protoreflect.Name
	// nested allows a counterexample below the field: its type changed,
	// so a break inside it is the finding's.
	nested bool
	// messages are the messages to prove: those declaring the fields, or
	// the message the finding concerns.
	messages []protoreflect.FullName
	// whole is a message the finding concerns as a whole.
	whole protoreflect.FullName
	// enums are the enums of an enum or enum value finding.
	enums []protoreflect.FullName
	// oneofs hold the finding's fields, or are the finding's oneof.
	oneofs  []protoreflect.FullName
	service bool
	renamed bool // the same number under another name, with the same JSON name
	// jsonRenamed is an enum value or extension renamed: binary data
	// carries its number, JSON its name.
	jsonRenamed bool
}

type fieldRef struct {
	message protoreflect.FullName
	number  protoreflect.FieldNumber
}

func (s *subject) addMessage(m protoreflect.FullName) {
	if !slices.Contains(s.messages, m) {
		s.messages = append(s.messages, m)
	}
}

// subjectOf reads what f concerns from its typed elements.
func (p *binder) subjectOf(f compat.Finding) subject {
	var s subject
	var fds [2]protoreflect.FieldDescriptor
	for i, e := range []*compat.Element{f.Old, f.New} {
		if e == nil {
			continue
		}
		decls := p.old
		if i == 1 {
			decls = p.new
		}
		switch e.Kind {
		case compat.FieldElement, compat.ExtensionElement:
			// An extension takes a number of the message it extends:
			// data shows it there, as it shows a field.
			ref := fieldRef{e.Parent, protoreflect.FieldNumber(e.Number)}
			if !slices.Contains(s.fields, ref) {
				s.fields = append(s.fields, ref)
			}
			s.names = append(s.names, protoreflect.Name(e.Name))
			s.addMessage(e.Parent)
			if entry, _ := decls[e.Parent].(protoreflect.MessageDescriptor); entry != nil && entry.IsMapEntry() {
				// A map's key or value: data shows it at the map field.
				if holder, mf := mapHolding(entry); mf != nil {
					ref := fieldRef{holder.FullName(), mf.Number()}
					if !slices.Contains(s.fields, ref) {
						s.fields = append(s.fields, ref)
					}
					s.names = append(s.names, mf.Name())
					s.addMessage(holder.FullName())
				}
			}
			if fd := field(decls, e); fd != nil {
				fds[i] = fd
				if o := fd.ContainingOneof(); o != nil && !o.IsSynthetic() && !slices.Contains(s.oneofs, o.FullName()) {
					s.oneofs = append(s.oneofs, o.FullName())
				}
			}
		case compat.MessageElement:
			s.whole = e.FullName()
			s.addMessage(e.FullName())
		case compat.OneofElement:
			s.oneofs = append(s.oneofs, e.FullName())
			s.addMessage(e.Parent)
		case compat.EnumElement:
			s.enums = append(s.enums, e.FullName())
		case compat.EnumValueElement:
			if !slices.Contains(s.enums, e.Parent) {
				s.enums = append(s.enums, e.Parent)
			}
		case compat.ServiceElement, compat.MethodElement:
			s.service = true
		}
	}
	if f.Old != nil && f.New != nil && f.Old.Kind == f.New.Kind && f.Old.Number == f.New.Number && f.Old.Name != f.New.Name {
		switch f.Old.Kind {
		case compat.FieldElement:
			s.renamed = fds[0] != nil && fds[1] != nil && fds[0].JSONName() == fds[1].JSONName()
		case compat.EnumValueElement, compat.ExtensionElement:
			s.jsonRenamed = true // JSON carries an enum value's or an extension's name
		default:
			s.renamed = true
		}
	}
	if of, nf := fds[0], fds[1]; of != nil && nf != nil {
		// A field whose message type changed, or that holds a message on
		// one side only, owns what breaks inside the message.
		om, nm := valueMessage(of), valueMessage(nf)
		s.nested = (om != nil || nm != nil) && (om == nil || nm == nil || om.FullName() != nm.FullName())
	}
	return s
}

// mapHolding returns the message declaring the map field whose entries
// entry describes, and that field, or nils.
func mapHolding(entry protoreflect.MessageDescriptor) (protoreflect.MessageDescriptor, protoreflect.FieldDescriptor) {
	holder, _ := entry.Parent().(protoreflect.MessageDescriptor)
	if holder == nil {
		return nil, nil
	}
	fields := holder.Fields()
	for i := range fields.Len() {
		if fd := fields.Get(i); fd.IsMap() && fd.Message().FullName() == entry.FullName() {
			return holder, fd
		}
	}
	return nil, nil
}

// matches reports whether c shows a problem with the subject.
func (s subject) matches(c *Counterexample) bool {
	if len(s.enums) > 0 {
		fd := c.Field
		if fd != nil && fd.IsMap() {
			fd = fd.MapValue()
		}
		return fd != nil && fd.Kind() == protoreflect.EnumKind && slices.Contains(s.enums, fd.Enum().FullName())
	}
	if s.whole != "" {
		if c.Message == s.whole {
			return true
		}
		return slices.ContainsFunc(c.Path, func(fd protoreflect.FieldDescriptor) bool {
			return fd.ContainingMessage().FullName() == s.whole
		})
	}
	if s.direct(c) {
		return true
	}
	if c.Oneof != "" && c.Field != nil && slices.Contains(s.oneofs, c.Oneof) {
		// A oneof finding names a pair of fields; the prover shows the
		// loss on whichever member the reader dropped.
		return true
	}
	if !s.nested {
		return false
	}
	for _, fd := range c.Path {
		if slices.Contains(s.fields, fieldRef{fd.ContainingMessage().FullName(), fd.Number()}) {
			return true
		}
	}
	return false
}

// direct reports whether c's last field is one of the subject's.
func (s subject) direct(c *Counterexample) bool {
	return c.Field != nil && slices.Contains(s.fields, fieldRef{c.Field.ContainingMessage().FullName(), c.Field.Number()})
}

// finding turns a counterexample that no finding covers into a finding of
// rule, placed at the field in the new version, or at its message if the
// new version lost the field.
func (p *binder) finding(rule *compat.Rule, c *Counterexample) compat.Finding {
	msg, num := c.Message, protoreflect.FieldNumber(0)
	if c.Field != nil {
		msg, num = c.Field.ContainingMessage().FullName(), c.Field.Number()
	}
	f := compat.Finding{
		Rule:       rule.ID,
		Categories: rule.Categories,
		Severity:   compat.Error,
		Direction:  rule.Direction,
		Proof:      c.Proof(),
	}
	elem := "message " + string(msg)
	for i, decls := range []map[protoreflect.FullName]protoreflect.Descriptor{p.new, p.old} {
		m, _ := decls[msg].(protoreflect.MessageDescriptor)
		if m == nil {
			continue
		}
		at := compat.SpanOf(m)
		if fd := m.Fields().ByNumber(num); fd != nil {
			at = compat.SpanOf(fd)
			e := &compat.Element{Kind: compat.FieldElement, Parent: msg, Name: string(fd.Name()), Number: int32(num)}
			if i == 0 {
				f.New = e
				elem = fmt.Sprintf("field %d %q on %s", num, fd.Name(), msg)
			} else {
				f.Old = e
				if f.New == nil {
					elem = fmt.Sprintf("field %d %q on %s", num, fd.Name(), msg)
				}
			}
		}
		if i == 0 {
			f.Span = at
		} else {
			at.Old = true
			f.OldSpan = at
		}
	}
	if f.Span.Path == "" {
		if m, _ := p.new[c.Message].(protoreflect.MessageDescriptor); m != nil {
			f.Span = compat.SpanOf(m)
		} else {
			f.Span = f.OldSpan
		}
	}
	var how string
	switch c.Direction {
	case Backward:
		how = "new readers misread old " + c.Encoding + " data"
	case Forward:
		how = "old readers misread new " + c.Encoding + " data"
	default:
		how = "old data passed through a new program comes back changed"
	}
	f.Message = fmt.Sprintf("%s: %s: %s", elem, how, c.Reason)
	return f
}
