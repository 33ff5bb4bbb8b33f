package loader_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/protocheck/protocheck/loader"
	"github.com/protocheck/protocheck/source"
)

// TestErrorWords: compile errors say what is wrong where the compiler's
// words point the wrong way, in both compilers: the character an invalid
// character is; no "syntax error: unexpected error" after the error that
// explains it (an invalid character, a string without its closing quote);
// the first import of a file imported twice named as the user opens it,
// under the input's directory.
func TestErrorWords(t *testing.T) {
	tests := []struct {
		name, src string
		want      []string
	}{
		{"dollar", "syntax = \"proto3\";\npackage a;\nmessage M { int32 x = 1; } $\n",
			[]string{"in/a.proto:3:28: invalid character '$'"}},
		{"dollar edition", "edition = \"2023\";\npackage a;\nmessage M { int32 x = 1; } $\n",
			[]string{"in/a.proto:3:28: invalid character '$'"}},
		{"letter", "syntax = \"proto3\";\npackage a;\nmessage M { int32 x = 1; } é\n",
			[]string{"in/a.proto:3:28: invalid character 'é' (U+00E9)"}},
		{"string", "syntax = \"proto3\";\npackage a;\nmessage M { string x = 1 [json_name = \"abc]; }\n",
			[]string{"in/a.proto:3:39: encountered end-of-line before end of string literal"}},
		{"import twice", "syntax = \"proto3\";\npackage a;\nimport \"b.proto\";\nimport \"b.proto\";\n",
			[]string{`in/a.proto:4:1: "b.proto" was already imported at in/a.proto:3:1`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeTree(t, map[string]string{"in/a.proto": tt.src, "in/b.proto": "syntax = \"proto3\";\npackage b;\n"})
			t.Chdir(dir)
			_, err := (&loader.Loader{}).Load(context.Background(), loader.Dir("in"))
			var ce source.ErrorList
			if !errors.As(err, &ce) {
				t.Fatalf("error %v (%T), want a source.ErrorList", err, err)
			}
			var got []string
			for _, e := range ce {
				got = append(got, e.Error())
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}
