package report

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/roundtrip"
)

// replayed is a replay result with what each format must escape: a pipe
// and backticks in a value, a control character in a reason, a record
// the old schema could not read, and a hazard that --fail-on error lets
// pass.
var replayed = &roundtrip.Replayed{
	Message: "acme.v1.Order", Read: 10, Identical: 6, Changed: 3, Undecodable: 1,
	Undecoded: []roundtrip.ReplayRecord{{Record: 7, Offset: 420, Line: 8, Path: "acme.v1.Order", Reason: "the old schema cannot read the record: cannot parse invalid wire-format data"}},
	Changes: []roundtrip.ReplayChange{
		{Direction: roundtrip.Backward, Encoding: roundtrip.Binary, Path: "acme.v1.Order.note", FieldNumber: 3, Reason: "value changed", Severity: compat.Error, Messages: 2,
			Examples: []roundtrip.ReplayRecord{
				{Record: 0, Offset: 0, Line: 1, Path: "acme.v1.Order.note", Reason: "value changed", Writer: "string \"a|b`c\"", Reader: "bytes \"a|b`c\""},
				{Record: 4, Offset: 200, Line: 5, Path: "acme.v1.Order.note", Reason: "value\x1b changed", Writer: "string \"*x*\"", Reader: "bytes \"*x*\""},
			}},
		{Direction: roundtrip.Forward, Encoding: roundtrip.JSON, Path: "acme.v1.Order.email", FieldNumber: 2, Reason: "field 2 is not declared by the reader", Severity: compat.Warning, Messages: 1,
			Examples: []roundtrip.ReplayRecord{{Record: 2, File: "dir/<3>.bin", Path: "acme.v1.Order.email", Reason: "field 2 is not declared by the reader", Writer: "string \"x@y\"", Reader: "(not set)"}}},
	},
}

// TestWriteReplay compares each format with testdata/replay.<ext>; -update
// rewrites them.
func TestWriteReplay(t *testing.T) {
	for format, ext := range map[string]string{"text": "txt", "json": "json", "markdown": "md"} {
		var b bytes.Buffer
		opts := ReplayOptions{Input: "v2", Against: "v1|old", Recording: "rec.b64", FailOn: compat.Error}
		if err := WriteReplay(&b, format, replayed, opts); err != nil {
			t.Fatal(err)
		}
		path := filepath.Join("testdata", "replay."+ext)
		if *update {
			if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./report -run TestWriteReplay -update)", err)
		}
		if diff := cmp.Diff(string(want), b.String()); diff != "" {
			t.Errorf("%s (-want +got):\n%s", format, diff)
		}
	}
	if err := WriteReplay(new(bytes.Buffer), "sarif", replayed, ReplayOptions{}); err == nil || err.Error() != `unknown format "sarif" (want text, json or markdown)` {
		t.Errorf("sarif: %v", err)
	}
}

// TestReplayFlagWords: a library's replay report says at which severity
// the run fails; only the command's (ReplayOptions.Flags) names the flag.
func TestReplayFlagWords(t *testing.T) {
	for _, flags := range []bool{false, true} {
		for _, format := range []string{"text", "markdown"} {
			var b bytes.Buffer
			opts := ReplayOptions{FailOn: compat.Error, Flags: flags}
			if err := WriteReplay(&b, format, replayed, opts); err != nil {
				t.Fatal(err)
			}
			want := "hazard, passes: the run fails on error only"
			if flags {
				want = "hazard, passes --fail-on error"
			}
			if got := b.String(); !bytes.Contains(b.Bytes(), []byte(want)) || flags != bytes.Contains(b.Bytes(), []byte("--fail-on")) {
				t.Errorf("%s, Flags %v: want %q, and --fail-on only with Flags:\n%s", format, flags, want, got)
			}
		}
	}
}
