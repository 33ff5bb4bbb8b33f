package roundtrip_test

import (
	"context"
	"testing"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/schema"
)

// FuzzProve proves generated pairs of schemas (schemagen_test.go: every
// field type, with defaults, packing, presence, delimited encoding,
// json_name, oneofs, maps, enum aliases and extensions, edited once) and
// holds the prover to three things: it does not panic or fail, every
// counterexample decodes with protobuf-go to what it claims, and check
// --prove runs on the pair.
func FuzzProve(f *testing.F) {
	for _, seed := range []uint64{0, 1, 2, 3, 7, 21, 42, 1013, 1031, 1119} {
		f.Add(seed, uint8(16))
	}
	f.Fuzz(func(t *testing.T, seed uint64, samples uint8) {
		oldSrc, newSrc, class, what, ok := genPair(seed)
		if !ok {
			t.Skip("no pair compiles")
		}
		old, err1 := compileSchema(oldSrc)
		new, err2 := compileSchema(newSrc)
		if err1 != nil || err2 != nil {
			t.Fatalf("genPair returned a pair that does not compile: %v %v", err1, err2)
		}
		n := 4 + int(samples%32)
		t.Logf("%s: %s\n--- old\n%s--- new\n%s", class, what, oldSrc, newSrc)
		verifyProofs(t, class+": "+what, old, new, seed, n)
		cfg := compat.Config{Use: []string{"WIRE_JSON"}}
		if _, err := roundtrip.Check(context.Background(), &schema.Schema{Files: old}, &schema.Schema{Files: new}, cfg, roundtrip.Options{Samples: n, Seed: seed}); err != nil {
			t.Errorf("check --prove: %v", err)
		}
	})
}
