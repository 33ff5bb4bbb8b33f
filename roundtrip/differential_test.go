package roundtrip_test

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/tools/txtar"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

var listUnproven = flag.Bool("unproven", false, "TestProveDifferential lists the findings no sample showed")

// TestProveDifferential runs what `check` and `check --prove` run
// (compat.Check and roundtrip.Check, with the same configuration) on every
// rule case of package compat and of testdata/check, under the case's own
// rules and under each category, and on generated pairs. Proving may
// change the exit status, for --fail-on error or warning, only by adding
// findings whose proofs decode with protobuf-go to what they claim; and
// every proof it prints must decode so.
//
// It logs the figures the issue tracker asks for: proofs printed, proofs
// that decode, and findings left unproven (those whose reason is that no
// sample showed them apart), on the repository's own cases and on the
// generated pairs.
func TestProveDifferential(t *testing.T) {
	var own, gen figures
	paths, err := filepath.Glob("../compat/testdata/*/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("testdata/check/*.txtar")
	paths = append(paths, more...)
	for _, p := range paths {
		a, err := txtar.ParseFile(p)
		if err != nil {
			t.Fatal(err)
		}
		old, errOld := loadSide(t, a, "old")
		new, errNew := loadSide(t, a, "new")
		if errOld != nil || errNew != nil {
			continue
		}
		name := strings.TrimPrefix(strings.TrimPrefix(p, "../compat/testdata/"), "testdata/")
		for _, cfg := range caseConfigs(a, filepath.Base(filepath.Dir(p))) {
			differ(t, &own, fmt.Sprintf("%s %v", name, cfg.Use), old, new, cfg)
		}
	}
	for i := range uint64(150) {
		oldSrc, newSrc, class, what, ok := genPair(1000 + i)
		if !ok {
			continue
		}
		old, err1 := compileSchema(oldSrc)
		new, err2 := compileSchema(newSrc)
		if err1 != nil || err2 != nil {
			t.Fatalf("pair %d does not compile", i)
		}
		for _, use := range []string{"WIRE", "WIRE_JSON"} {
			differ(t, &gen, fmt.Sprintf("generated %d (%s: %s) %s\n--- old\n%s--- new\n%s", i, class, what, use, oldSrc, newSrc), old, new, compat.Config{Use: []string{use}})
		}
	}
	t.Logf("rule cases:      %s", own)
	t.Logf("generated pairs: %s", gen)
}

// figures count what check --prove printed.
type figures struct {
	runs, crashes, proofs, decoded, unproven, noSample int
}

func (f figures) String() string {
	return fmt.Sprintf("%d runs (%d crashed): %d proofs printed, %d decode; %d findings unproven, %d of them for want of a sample", f.runs, f.crashes, f.proofs, f.decoded, f.unproven, f.noSample)
}

// caseConfigs returns the configurations to check a case under: its own
// (the rule it is filed under, or its use section) and each category.
func caseConfigs(a *txtar.Archive, rule string) []compat.Config {
	own := compat.Config{Use: []string{rule}}
	if compat.Lookup(rule) == nil {
		own.Use = []string{"WIRE"}
	}
	for _, f := range a.Files {
		switch f.Name {
		case "use":
			own.Use = strings.Fields(strings.ReplaceAll(string(f.Data), ",", " "))
		case "direction":
			own.Direction, _ = compat.ParseDirection(strings.TrimSpace(string(f.Data)))
		}
	}
	out := []compat.Config{own}
	for _, c := range []string{"FILE", "WIRE_JSON", "WIRE"} {
		out = append(out, compat.Config{Use: []string{c}, Direction: own.Direction})
	}
	return out
}

// differ checks one pair under one configuration.
func differ(t *testing.T, fig *figures, name string, old, new []protoreflect.FileDescriptor, cfg compat.Config) {
	t.Helper()
	oldS, newS := &schema.Schema{Files: old}, &schema.Schema{Files: new}
	plain, err := compat.Check(context.Background(), oldS, newS, cfg)
	if err != nil {
		return // a configuration the case does not support
	}
	defer func() {
		if r := recover(); r != nil {
			fig.crashes++
			t.Errorf("%s: check --prove panics: %v", name, r)
		}
	}()
	proved, err := roundtrip.Check(context.Background(), oldS, newS, cfg, roundtrip.Options{})
	if err != nil {
		t.Errorf("%s: check --prove: %v", name, err)
		return
	}
	fig.runs++
	oldReg, err1 := rebuild(old)
	newReg, err2 := rebuild(new)
	decodes := func(f compat.Finding) string {
		c, ok := claimOfProof(f.Proof)
		if !ok {
			return "a proof in no direction"
		}
		if err1 != nil || err2 != nil {
			return "" // a legacy feature the Go runtime refuses
		}
		writer, reader := oldReg, newReg
		if c.Direction == roundtrip.Forward {
			writer, reader = newReg, oldReg
		}
		return verify(c, writer, reader)
	}
	for _, f := range proved {
		switch {
		case f.Proof != nil:
			fig.proofs++
			if why := decodes(f); why != "" {
				t.Errorf("%s: %s\n  proof does not decode: %s\n  %s %s, %s: %s\n  writer %s, reader %s, bytes % x", name, f, why,
					f.Proof.Direction, f.Proof.Encoding, f.Proof.FieldPath, f.Proof.Reason, f.Proof.WriterValue, f.Proof.ReaderValue, f.Proof.Bytes)
				continue
			}
			fig.decoded++
		case f.Unproven != "":
			fig.unproven++
			if strings.HasPrefix(f.Unproven, "no counterexample in") {
				fig.noSample++
				if *listUnproven {
					t.Logf("%s: unproven: %s", strings.SplitN(name, "\n", 2)[0], f)
				}
			}
		}
	}
	key := func(f compat.Finding) string { return f.Rule + "\x00" + f.Message + "\x00" + f.Span.String() }
	before := make(map[string]bool)
	for _, f := range plain {
		before[key(f)] = true
	}
	for _, failOn := range []compat.Severity{compat.Error, compat.Warning} {
		fails := func(fs []compat.Finding) bool {
			for _, f := range fs {
				if !f.Ignored && f.Severity <= failOn {
					return true
				}
			}
			return false
		}
		a, b := fails(plain), fails(proved)
		if a == b {
			continue
		}
		if a && !b {
			t.Errorf("%s: --fail-on %s: check exits 1, check --prove exits 0", name, failOn)
			continue
		}
		for _, f := range proved {
			if before[key(f)] || f.Ignored || f.Severity > failOn {
				continue
			}
			switch {
			case f.Proof == nil:
				t.Errorf("%s: --fail-on %s: --prove adds %s without a proof", name, failOn, f)
			case decodes(f) != "":
				t.Errorf("%s: --fail-on %s: --prove adds %s, whose proof does not decode: %s", name, failOn, f, decodes(f))
			default:
				c, _ := claimOfProof(f.Proof)
				writer, reader := oldReg, newReg
				if c.Direction == roundtrip.Forward {
					writer, reader = newReg, oldReg
				}
				if why := hazardOnly(c, writer, reader); why != "" {
					t.Errorf("%s: --fail-on %s: --prove adds %s, whose proof shows a hazard, not a misreading: %s", name, failOn, f, why)
				}
				if g, ok := reportedAlready(f.Proof, plain); ok {
					t.Errorf("%s: --fail-on %s: --prove adds %s, whose proof concerns what check reports already: %s", name, failOn, f, g)
				}
			}
		}
	}
}

// hazardOnly returns why a decoded proof shows the hazard of a deletion
// rather than a misreading, or "": a JSON reader that rejects the input
// only for names it does not know (a tolerant one reads it), or a reader
// that does not declare the proof's field.
func hazardOnly(c claim, writerReg, readerReg *protoregistry.Files) string {
	wd, err1 := writerReg.FindDescriptorByName(c.Message)
	rd, err2 := readerReg.FindDescriptorByName(c.Message)
	if err1 != nil || err2 != nil {
		return ""
	}
	wmd, rmd := wd.(protoreflect.MessageDescriptor), rd.(protoreflect.MessageDescriptor)
	wtypes, rtypes := dynamicpb.NewTypes(writerReg), dynamicpb.NewTypes(readerReg)
	w := dynamicpb.NewMessage(wmd)
	if (proto.UnmarshalOptions{Resolver: wtypes}).Unmarshal(c.Bytes, w) != nil {
		return ""
	}
	if c.Encoding == roundtrip.JSON && strings.HasPrefix(c.ReaderValue, "error: ") {
		text, err := protojson.MarshalOptions{Resolver: wtypes}.Marshal(w)
		if err != nil {
			return ""
		}
		r := dynamicpb.NewMessage(rmd)
		tolerant := protojson.UnmarshalOptions{DiscardUnknown: true, AllowPartial: true, Resolver: rtypes}
		if tolerant.Unmarshal(text, r) == nil {
			return "the JSON reader rejects only names it does not declare"
		}
	}
	return ""
}

// reportedAlready returns a finding of check that names the element p's
// field path ends at, or false.
func reportedAlready(p *compat.Proof, plain []compat.Finding) (compat.Finding, bool) {
	rest, ok := strings.CutPrefix(p.FieldPath, p.Message+".")
	if !ok {
		return compat.Finding{}, false
	}
	for _, f := range plain {
		for _, e := range []*compat.Element{f.Old, f.New} {
			if e == nil {
				continue
			}
			switch e.Kind {
			case compat.ExtensionElement:
				if strings.HasSuffix(rest, "("+e.Name+")") || strings.Contains(rest, "("+e.Name+")[") {
					return f, true
				}
			case compat.FieldElement:
				if e.Parent == protoreflect.FullName(p.Message) && (rest == e.Name || strings.HasPrefix(rest, e.Name+"[")) {
					return f, true
				}
			}
		}
	}
	return compat.Finding{}, false
}
