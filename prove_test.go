package protocheck_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/roundtrip"
	"github.com/protocheck/protocheck/source"
)

// TestProveVerdict: Prove concludes as `protocheck prove` exits: data
// shows a failing finding (1), a failing finding no data can show (3), a
// change that fails nothing (0).
func TestProveVerdict(t *testing.T) {
	tests := []struct {
		name         string
		old          string
		use          []string
		want         protocheck.Verdict
		wantUnproved []string // rules of the failing findings without proof
	}{
		{"a field's type changed", "testdata/demo/v1", []string{"FIELD_SAME_TYPE"}, protocheck.Counterexamples, nil},
		{"an rpc deleted", "testdata/demo/v1", []string{"RPC_NO_DELETE"}, protocheck.NotProved, []string{"RPC_NO_DELETE"}},
		{"no change", "testdata/demo/v2", nil, protocheck.NoCounterexample, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req := protocheck.Request{Input: "testdata/demo/v2", Against: []string{tt.old}, Use: tt.use}
			res, err := protocheck.Prove(context.Background(), req, roundtrip.Options{Samples: 16})
			if err != nil {
				t.Fatal(err)
			}
			if res.Verdict != tt.want {
				t.Errorf("Verdict = %v, want %v", res.Verdict, tt.want)
			}
			var unproved []string
			for _, f := range res.Unproved {
				unproved = append(unproved, f.Rule)
			}
			if !slices.Equal(unproved, tt.wantUnproved) {
				t.Errorf("Unproved = %q, want %q", unproved, tt.wantUnproved)
			}
			if tt.want == protocheck.NoCounterexample && len(res.Failing) > 0 {
				t.Errorf("no counterexample, yet %d findings fail", len(res.Failing))
			}
		})
	}
	if s := protocheck.NotProved.String(); s != "not proved" {
		t.Errorf("NotProved.String() = %q", s)
	}
}

// TestMessageVerdict: a message with a counterexample is broken whatever
// else is said of it; one that could not be sampled is not proved.
func TestMessageVerdict(t *testing.T) {
	for _, tt := range []struct {
		r    roundtrip.Result
		want protocheck.Verdict
	}{
		{roundtrip.Result{Counterexamples: make([]roundtrip.Counterexample, 1), Unproven: "too deep"}, protocheck.Counterexamples},
		{roundtrip.Result{Unproven: "too deep"}, protocheck.NotProved},
		{roundtrip.Result{Samples: 64}, protocheck.NoCounterexample},
	} {
		if got := protocheck.MessageVerdict(tt.r); got != tt.want {
			t.Errorf("MessageVerdict(%+v) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// TestWriteSnapshot: the file holds Snapshot's bytes, replaced whole; a
// schema that does not compile leaves the file as it was and no
// temporary file beside it.
func TestWriteSnapshot(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	name := filepath.Join(dir, "v1.binpb")
	if err := os.WriteFile(name, []byte("stale"), 0o600); err != nil {
		t.Fatal(err)
	}
	req := protocheck.Request{Input: "testdata/demo/v1"}
	if err := protocheck.WriteSnapshot(ctx, req, name); err != nil {
		t.Fatal(err)
	}
	want, err := protocheck.Snapshot(ctx, req)
	if err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("the file holds %d bytes, not Snapshot's %d", len(got), len(want))
	}
	if st, err := os.Stat(name); err != nil || st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, %v: want 0644, as a file in a repository", st.Mode().Perm(), err)
	}

	bad := filepath.Join(dir, "bad")
	if err := os.MkdirAll(bad, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(bad, "a.proto"), []byte("syntax = \"proto3\";\nmessage A { int32 a = 1 }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = protocheck.WriteSnapshot(ctx, protocheck.Request{Input: bad}, name)
	var le *protocheck.LoadError
	if !errors.As(err, &le) {
		t.Fatalf("got %v, want a *LoadError", err)
	}
	if got, _ := os.ReadFile(name); !slices.Equal(got, want) {
		t.Errorf("a failed snapshot changed the file")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".snapshot-*")); len(left) > 0 {
		t.Errorf("temporary files left: %q", left)
	}

	err = protocheck.WriteSnapshot(ctx, req, filepath.Join(dir, "missing", "v1.binpb"))
	if err == nil || err.Error() != "snapshot "+filepath.Join(dir, "missing", "v1.binpb")+": no such file or directory" {
		t.Errorf("into a missing directory: %v", err)
	}
}

// TestLoadErrorProblems: compile errors that both versions report come
// out once, in the order found, and what is not a compile error apart.
func TestLoadErrorProblems(t *testing.T) {
	a := &source.Error{Path: "a.proto", Line: 3, Column: 8, Message: `could not resolve path "x.proto"`}
	b := &source.Error{Path: "b.proto", Line: 1, Column: 1, Message: "syntax error"}
	again := *a
	other := errors.New("input old: no such directory")
	le := &protocheck.LoadError{Err: errors.Join(source.ErrorList{a, b}, source.ErrorList{&again}, other)}
	problems, others := le.Problems()
	if len(problems) != 2 || problems[0] != a || problems[1] != b {
		t.Errorf("problems = %v, want a.proto's then b.proto's, once each", problems)
	}
	if len(others) != 1 || others[0] != other {
		t.Errorf("others = %v, want %v", others, other)
	}
}
