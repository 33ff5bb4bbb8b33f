package protocheck_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/protocheck/protocheck"
	"github.com/protocheck/protocheck/compat"
	"github.com/protocheck/protocheck/report"
)

// TestDeletedFileDisplay checks that a finding about a file the new
// version lacks names the file where it is, under the baseline, and that
// a report written from the findings says the same: the reports used to
// guess, and placed a deleted file under the new version's directory,
// where it does not exist.
func TestDeletedFileDisplay(t *testing.T) {
	dir := t.TempDir()
	put := func(name, src string) {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	user := "syntax = \"proto3\";\npackage acme;\nmessage User {\n  string name = 1;\n}\n"
	put("old/acme/user.proto", user)
	put("old/acme/gone.proto", "syntax = \"proto3\";\npackage acme;\nmessage Gone {}\n")
	put("new/acme/user.proto", user)
	res, err := protocheck.Check(context.Background(), protocheck.Request{
		Input: filepath.Join(dir, "new"), Against: []string{filepath.Join(dir, "old")}, Use: []string{"FILE_NO_DELETE"},
	})
	if err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(dir, "old", "acme", "gone.proto")
	want := []compat.Span{{Path: gone, StartLine: 1, StartCol: 1, EndLine: 1, EndCol: 1, Old: true}}
	var got []compat.Span
	for _, f := range res.Findings {
		got = append(got, f.Span)
	}
	if d := cmp.Diff(want, got, cmpopts.IgnoreUnexported(compat.Span{})); d != "" {
		t.Fatalf("spans (-want +got):\n%s", d)
	}

	var buf bytes.Buffer
	if err := report.Write(&buf, "sarif", res.Findings, report.Options{}); err != nil {
		t.Fatal(err)
	}
	var log struct {
		Runs []struct {
			Results []struct {
				Locations []struct {
					PhysicalLocation struct{ ArtifactLocation struct{ URI string } }
				}
			}
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	uri := log.Runs[0].Results[0].Locations[0].PhysicalLocation.ArtifactLocation.URI
	if wantURI := filepath.ToSlash(gone); uri != wantURI {
		t.Errorf("sarif location %q, want %q", uri, wantURI)
	}
}
