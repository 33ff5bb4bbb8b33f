package roundtrip

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/protocheck/protocheck/schema"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Options configures ProveMessage and Prove. The zero value is ready to use.
type Options struct {
	// Samples is the number of messages generated per message and schema
	// version. Zero means 64.
	Samples int
	// Seed seeds the generator. The same seed, schemas and options give the
	// same counterexamples, whatever the Parallelism.
	Seed uint64
	// MaxDepth bounds how deeply nested messages are generated. Zero means 4.
	MaxDepth int
	// Parallelism bounds how many messages Prove checks at once. Zero means
	// runtime.GOMAXPROCS(0).
	Parallelism int
	// Messages, when not nil, restricts Prove to these messages (Changed
	// finds the ones worth proving); names not declared by both versions
	// are skipped. Nil proves every message both versions declare.
	Messages []protoreflect.FullName
	// SkipJSON leaves out the JSON trials, for callers that care about
	// the binary encoding only; they take about half the time.
	SkipJSON bool
	// Progress, when set, is called after each message is proved, with the
	// number proved so far and the number to prove. Calls come one at a
	// time, with done increasing, from Prove's goroutines.
	Progress func(done, total int)
}

func (o Options) withDefaults() Options {
	if o.Samples <= 0 {
		o.Samples = 64
	}
	if o.MaxDepth <= 0 {
		o.MaxDepth = 4
	}
	if o.Parallelism <= 0 {
		o.Parallelism = runtime.GOMAXPROCS(0)
	}
	return o
}

// Direction says which version of the schema writes and which reads.
type Direction uint8

const (
	// Backward means data written with the old schema is read with the new
	// one: new programs reading stored or in-flight old data.
	Backward Direction = iota
	// Forward means data written with the new schema is read with the old
	// one: old programs still running while new ones are deployed.
	Forward
	// Middleman means data written with the old schema passes through a
	// program built with the new one, which parses and re-encodes it, and is
	// then read with the old schema again.
	Middleman
)

// String returns "backward", "forward" or "middleman".
func (d Direction) String() string {
	switch d {
	case Backward:
		return "backward"
	case Forward:
		return "forward"
	case Middleman:
		return "middleman"
	}
	return fmt.Sprintf("Direction(%d)", uint8(d))
}

// The values of Counterexample.Encoding.
const (
	// Binary is the protobuf wire format.
	Binary = "binary"
	// JSON is the ProtoJSON format, as written and read by protojson.
	JSON = "json"
)

// Counterexample is one demonstrated problem: an input that, written with
// one version of the schema and read with the other, loses data or changes
// its meaning. It is the smallest such input the shrinker found.
type Counterexample struct {
	// Message is the message being proved, as named by the old schema.
	Message protoreflect.FullName
	// FieldPath locates the problem, starting with Message and using the
	// writer's field names, e.g. "acme.v1.Order.items[0].price".
	FieldPath string
	// FieldNumber is the number of the last field in FieldPath, or 0 when
	// the problem concerns the message as a whole.
	FieldNumber protoreflect.FieldNumber
	// Direction says which version wrote and which read.
	Direction Direction
	// Encoding is Binary or JSON.
	Encoding string
	// Reason says briefly what went wrong, e.g. "sign changed".
	Reason string
	// Bytes is the binary encoding of the writer's message (for Middleman,
	// the bytes before they pass through the new schema). For JSON
	// counterexamples it is still the binary form, which, unlike protojson
	// output, is stable; Text holds the JSON.
	Bytes []byte
	// Wire is Bytes annotated by Annotate. For Middleman it also shows the
	// bytes as re-encoded by the new schema.
	Wire string
	// Text is the JSON the writer produced, for JSON counterexamples only,
	// without spaces: protojson's own spacing varies between builds on
	// purpose.
	Text string
	// WriterValue is what the writer set at FieldPath, e.g. "int32 -1".
	WriterValue string
	// ReaderValue is what the reader sees there, e.g. "uint32 4294967295",
	// or why it sees nothing.
	ReaderValue string
	// Field is the last field of FieldPath as the writer declares it (as
	// the reader does for a field only the reader has, such as a newly
	// required one), or nil when the problem concerns the message as a
	// whole. It lets callers tie the counterexample to a declaration.
	Field protoreflect.FieldDescriptor
	// Path lists the fields of FieldPath from Message down to Field, as
	// Field is declared: a finding on a field that holds a message is
	// shown by a counterexample whose Path passes through it.
	Path []protoreflect.FieldDescriptor
	// Oneof, for a value the reader dropped because its oneof kept
	// another member, names the reader's oneof.
	Oneof protoreflect.FullName
	// Undeclared reports that the reader does not declare the field at
	// all: the field was deleted, or is new. Its value survives in the
	// reader's unknown fields, so callers may treat this as the hazard of
	// a deletion rather than as a misreading.
	Undeclared bool
	// PresenceOnly reports that the reader sees the value the writer set,
	// a default, only not that it was set: the field gained or lost
	// explicit presence, or left or joined a oneof alone. Whether that
	// matters depends on the program, so callers may treat it as a
	// hazard rather than as a misreading.
	PresenceOnly bool
	// Moved reports that the reader reads the value from the wrong place:
	// it declares the field's name at another number (a renumbered
	// field), or the field's number under a name that the writer declares
	// elsewhere (swapped fields). Unlike Undeclared, the field was not
	// deleted: data written today is misread today.
	Moved bool
}

// String formats the counterexample on one line, without bytes.
func (c Counterexample) String() string {
	return fmt.Sprintf("%s %s %s: %s: writer set %s, reader sees %s",
		c.Direction, c.Encoding, c.FieldPath, c.Reason, c.WriterValue, c.ReaderValue)
}

// Result is the outcome of proving one message.
type Result struct {
	// Message is the full name of the message in the old schema.
	Message protoreflect.FullName
	// Samples is the number of messages generated per schema version.
	Samples int
	// Counterexamples lists the problems found, at most one per field,
	// direction and encoding (the shallowest where recursion nests a field
	// at many depths; an Undeclared or PresenceOnly one besides), sorted
	// by direction, encoding, path and reason.
	Counterexamples []Counterexample
	// Unproven, when not empty, says why some or all samples could not be
	// written: a message whose required fields nest without end, or
	// deeper than the generator's budget. Counterexamples then cover only
	// the samples that could.
	Unproven string
}

// ProveMessage generates messages of both versions of one message, encodes
// each with its own schema and decodes it with the other, and returns the
// problems it could demonstrate. The descriptors need not have the same
// name. An error means the messages could not be checked at all.
func ProveMessage(old, new protoreflect.MessageDescriptor, opts Options) (Result, error) {
	if old == nil || new == nil {
		return Result{}, errors.New("roundtrip: nil message descriptor")
	}
	if old.IsMapEntry() || new.IsMapEntry() {
		return Result{}, fmt.Errorf("roundtrip: %s is a map entry, prove the message holding the map", old.FullName())
	}
	old, new = runtimeMessage(old), runtimeMessage(new)
	return proveMessage(context.Background(), old, new, opts.withDefaults(), nil, [2]version{ownFile(old), ownFile(new)})
}

// version is what one side resolves beyond the message proved: its
// extensions and the messages a google.protobuf.Any may name.
type version struct {
	types *protoregistry.Types
	anyOf []protoreflect.MessageDescriptor
}

// newVersion returns the extensions that files declare of the messages in
// msgs, and the messages in msgs as Any values may hold them.
func newVersion(files []protoreflect.FileDescriptor, msgs messageMap) version {
	types := extensionTypes(files, msgs)
	return version{types: types, anyOf: registerMessages(types, msgs)}
}

// ownFile is the version that md's own file makes.
func ownFile(md protoreflect.MessageDescriptor) version {
	files := []protoreflect.FileDescriptor{md.ParentFile()}
	return newVersion(files, collectMessages(files))
}

// proveMessage proves one message; skip names the fields not worth
// generating (see sameFields), and versions are what the old and the new
// version resolve. It returns ctx's error soon after ctx is done: between
// trials, and between the trials a shrink runs.
func proveMessage(ctx context.Context, old, new protoreflect.MessageDescriptor, opts Options, skip map[protoreflect.FullName]bool, versions [2]version) (Result, error) {
	h := fnv.New64a()
	h.Write([]byte(old.FullName()))
	p := &prover{
		ctx:   ctx,
		root:  string(old.FullName()),
		found: make(map[problemKey]int),
		gen: generator{
			ctx:      ctx,
			rng:      rand.New(rand.NewPCG(opts.Seed, h.Sum64())),
			maxDepth: opts.MaxDepth,
			skip:     skip,
		},
	}
	oldTypes, newTypes := versions[0].types, versions[1].types
	trials := []*trial{
		{dir: Backward, enc: Binary, writer: old, reader: new, writerTypes: oldTypes, readerTypes: newTypes},
		{dir: Backward, enc: JSON, writer: old, reader: new, writerTypes: oldTypes, readerTypes: newTypes},
		{dir: Forward, enc: Binary, writer: new, reader: old, writerTypes: newTypes, readerTypes: oldTypes},
		{dir: Forward, enc: JSON, writer: new, reader: old, writerTypes: newTypes, readerTypes: oldTypes},
		{dir: Middleman, enc: Binary, writer: old, reader: new, writerTypes: oldTypes, readerTypes: newTypes},
	}
	if opts.SkipJSON {
		trials = slices.DeleteFunc(trials, func(t *trial) bool { return t.enc == JSON })
	}
	for _, t := range trials {
		t.root = p.root
	}
	// A message that holds itself through required fields has no valid
	// instance: generating one would only spend the budget.
	oldEndless, newEndless := endless(old), endless(new)
	if oldEndless != "" && newEndless != "" {
		return Result{Message: old.FullName(), Samples: opts.Samples, Unproven: oldEndless}, nil
	}
	written := 0
	for i := range opts.Samples {
		var oldMsg, newMsg *dynamicpb.Message
		if oldEndless == "" {
			oldMsg = p.gen.message(old, versions[0], modeOf(i))
		}
		if newEndless == "" {
			newMsg = p.gen.message(new, versions[1], modeOf(i))
		}
		for _, t := range trials {
			w := oldMsg
			if t.dir == Forward {
				w = newMsg
			}
			if w == nil {
				continue
			}
			if err := ctx.Err(); err != nil {
				return Result{}, err
			}
			ran, err := p.check(t, w)
			if err != nil {
				return Result{}, err
			}
			if ran {
				written++
			}
		}
	}
	var unproven string
	switch {
	case oldEndless != "":
		unproven = oldEndless + ": only the new version was written"
	case newEndless != "":
		unproven = newEndless + ": only the old version was written"
	case written == 0:
		unproven = fmt.Sprintf("no sample of %s fit in the generator's budget of %d messages", old.FullName(), maxNodes)
	}
	slices.SortFunc(p.cexs, func(a, b Counterexample) int {
		return cmp.Or(
			cmp.Compare(a.Direction, b.Direction),
			strings.Compare(a.Encoding, b.Encoding),
			strings.Compare(a.FieldPath, b.FieldPath),
			strings.Compare(a.Reason, b.Reason),
		)
	})
	return Result{Message: old.FullName(), Samples: opts.Samples, Counterexamples: p.cexs, Unproven: unproven}, nil
}

// endless returns why no valid instance of md exists, when a chain of
// required message fields leads from it back to a message on the chain,
// or "".
func endless(md protoreflect.MessageDescriptor) string {
	state := make(map[protoreflect.FullName]uint8) // 1 on the chain, 2 finite
	var chain []string
	var visit func(m protoreflect.MessageDescriptor) bool
	visit = func(m protoreflect.MessageDescriptor) bool {
		switch state[m.FullName()] {
		case 1:
			return true
		case 2:
			return false
		}
		state[m.FullName()] = 1
		fields := m.Fields()
		for i := range fields.Len() {
			fd := fields.Get(i)
			if fd.Cardinality() != protoreflect.Required || !isMessage(fd) {
				continue
			}
			chain = append(chain, string(fd.FullName()))
			if visit(fd.Message()) {
				return true
			}
			chain = chain[:len(chain)-1]
		}
		state[m.FullName()] = 2
		return false
	}
	if !visit(md) {
		return ""
	}
	return fmt.Sprintf("no valid %s exists: required fields nest without end (%s)", md.FullName(), strings.Join(chain, " -> "))
}

// Prove runs ProveMessage for every message whose full name is declared in
// both versions, map entries excepted, in parallel. Results are sorted by
// message name and do not depend on Options.Parallelism. Messages reachable
// only under another name are checked through the fields that refer to them.
func Prove(ctx context.Context, old, new *schema.Schema, opts Options) ([]Result, error) {
	opts = opts.withDefaults()
	oldMsgs, newMsgs := collectMessages(old.Files), collectMessages(new.Files)
	var names []protoreflect.FullName
	for name := range oldMsgs {
		if _, ok := newMsgs[name]; ok {
			names = append(names, name)
		}
	}
	if opts.Messages != nil {
		only := make(map[protoreflect.FullName]bool, len(opts.Messages))
		for _, n := range opts.Messages {
			only[n] = true
		}
		names = slices.DeleteFunc(names, func(n protoreflect.FullName) bool { return !only[n] })
	}
	slices.Sort(names)
	skip := sameFields(oldMsgs, newMsgs)
	// Rebuild for the runtime only the files that declare the messages to
	// prove, and extensions of the schema's messages (and their imports):
	// on a large schema, a few of thousands.
	var versions [2]version
	for i, side := range []struct {
		files []protoreflect.FileDescriptor
		msgs  *messageMap
	}{{old.Files, &oldMsgs}, {new.Files, &newMsgs}} {
		all := *side.msgs
		rt := runtimeFileList(append(declaringFiles(all, names), extendingFiles(side.files, all)...))
		*side.msgs = collectMessages(rt)
		proved := make(messageMap, len(names))
		for _, n := range names {
			if md := (*side.msgs)[n]; md != nil {
				proved[n] = md
			}
		}
		types := extensionTypes(rt, all)
		versions[i] = version{types: types, anyOf: registerMessages(types, proved)}
	}

	results := make([]Result, len(names))
	errs := make([]error, len(names))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex // orders Progress calls
	done := 0
	for range min(opts.Parallelism, max(len(names), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := ctx.Err(); err != nil {
					errs[i] = err
					continue
				}
				results[i], errs[i] = proveGuarded(ctx, oldMsgs[names[i]], newMsgs[names[i]], opts, skip, versions)
				if opts.Progress != nil {
					mu.Lock()
					done++
					opts.Progress(done, len(names))
					mu.Unlock()
				}
			}
		}()
	}
	for i := range names {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}

// proveGuarded is proveMessage on a worker goroutine, where a panic would
// end the caller's whole process (a build tool, a language server), not
// only this call: it comes back as an error naming the message, with the
// stack to report.
func proveGuarded(ctx context.Context, old, new protoreflect.MessageDescriptor, opts Options, skip map[protoreflect.FullName]bool, versions [2]version) (r Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			buf := make([]byte, 64<<10)
			buf = buf[:runtime.Stack(buf, false)]
			err = fmt.Errorf("internal error proving %s: %v\n%s", old.FullName(), p, buf)
		}
	}()
	return proveMessage(ctx, old, new, opts, skip, versions)
}

// declaringFiles returns the files that declare the named messages.
func declaringFiles(msgs map[protoreflect.FullName]protoreflect.MessageDescriptor, names []protoreflect.FullName) []protoreflect.FileDescriptor {
	var out []protoreflect.FileDescriptor
	seen := make(map[string]bool)
	for _, n := range names {
		if md := msgs[n]; md != nil && !seen[md.ParentFile().Path()] {
			seen[md.ParentFile().Path()] = true
			out = append(out, md.ParentFile())
		}
	}
	return out
}

func collectMessages(files []protoreflect.FileDescriptor) map[protoreflect.FullName]protoreflect.MessageDescriptor {
	out := make(map[protoreflect.FullName]protoreflect.MessageDescriptor)
	var add func(protoreflect.MessageDescriptors)
	add = func(ms protoreflect.MessageDescriptors) {
		for i := range ms.Len() {
			m := ms.Get(i)
			if m.IsMapEntry() {
				continue
			}
			out[m.FullName()] = m
			add(m.Messages())
		}
	}
	for _, f := range files {
		add(f.Messages())
	}
	return out
}

// prover holds the state of one ProveMessage call.
type prover struct {
	ctx   context.Context
	root  string
	gen   generator
	found map[problemKey]int // index into cexs
	cexs  []Counterexample
	// parseShrinks counts shrinks of parse errors per trial: a parse error
	// has no path until shrunk, so it cannot be deduplicated before.
	parseShrinks map[*trial]int
	// culprits lists, per trial, the paths (below the root, indexes
	// dropped) of the fields that parse errors were traced to.
	culprits map[*trial][]string
}

// clearPath clears the field at path (below m, as normalizePath writes
// it, e.g. "items[].name") in every element and map value on the way.
func clearPath(m protoreflect.Message, path string) {
	name, rest, _ := strings.Cut(path, ".")
	name = strings.TrimSuffix(name, "[]")
	fd := m.Descriptor().Fields().ByName(protoreflect.Name(name))
	if fd == nil || !m.Has(fd) {
		return
	}
	if rest == "" {
		m.Clear(fd)
		return
	}
	switch {
	case fd.IsList() && isMessage(fd):
		l := m.Mutable(fd).List()
		for i := range l.Len() {
			clearPath(l.Get(i).Message(), rest)
		}
	case fd.IsMap() && isMessage(fd.MapValue()):
		m.Mutable(fd).Map().Range(func(_ protoreflect.MapKey, v protoreflect.Value) bool {
			clearPath(v.Message(), rest)
			return true
		})
	case isMessage(fd) && !fd.IsList() && !fd.IsMap():
		clearPath(m.Mutable(fd).Message(), rest)
	}
}

// maxParseShrinks bounds the shrinks of parse errors per trial.
const maxParseShrinks = 3

// check runs one trial on one writer message and records a counterexample
// for each problem not seen before. ran is false when the sample does not
// apply.
func (p *prover) check(t *trial, w *dynamicpb.Message) (ran bool, err error) {
	probs, ok, err := t.run(w)
	if err != nil || !ok {
		return false, err
	}
	for _, pr := range probs {
		if err := p.ctx.Err(); err != nil {
			return true, err
		}
		sample := w
		if pr.kind == kindParse {
			if p.parseShrinks == nil {
				p.parseShrinks = make(map[*trial]int)
				p.culprits = make(map[*trial][]string)
			}
			if p.parseShrinks[t] >= maxParseShrinks {
				continue
			}
			// A parse error stops at the first bad field and would hide
			// any other: clear the fields already known to cause one and
			// see whether the reader still rejects the rest.
			if cs := p.culprits[t]; len(cs) > 0 {
				sample = proto.Clone(w).(*dynamicpb.Message)
				for _, c := range cs {
					clearPath(sample, c)
				}
				again, ok, err := t.run(sample)
				if err != nil {
					return true, err
				}
				if !ok || !slices.ContainsFunc(again, func(q problem) bool { return q.kind == kindParse }) {
					continue
				}
			}
			p.parseShrinks[t]++
		} else if i, dup := p.found[t.key(pr)]; dup && depth(pr.path) >= depth(p.cexs[i].FieldPath) {
			continue
		}
		min, final := shrink(p.ctx, t, sample, pr)
		if err := p.ctx.Err(); err != nil {
			return true, err
		}
		if final.kind == kindParse {
			final.path, final.number, final.writer = leaf(p.root, min)
			if rest, ok := strings.CutPrefix(normalizePath(final.path), p.root+"."); ok {
				p.culprits[t] = append(p.culprits[t], rest)
			}
		}
		k := t.key(final)
		if i, dup := p.found[k]; dup {
			if old := p.cexs[i]; depth(final.path) < depth(old.FieldPath) ||
				depth(final.path) == depth(old.FieldPath) && len(marshalBytes(min)) < len(old.Bytes) {
				p.cexs[i] = t.counterexample(min, final)
			}
			continue
		}
		p.found[k] = len(p.cexs)
		p.cexs = append(p.cexs, t.counterexample(min, final))
	}
	return true, nil
}

func marshalBytes(m *dynamicpb.Message) []byte {
	b, _ := marshalOpts.Marshal(m)
	return b
}
