package registry

import "testing"

// netrcFile is a .netrc as `buf registry login` leaves it beside other
// entries, with comments and a macro that must not be read as entries.
const netrcFile = `# written by hand
machine github.com login octocat password gh-secret

machine buf.build
  login alice
  password bsr-alice # the token
machine buf.example.com login alice
  account ignored
  password example-token

macdef init
machine other.example password not-a-token

default login anonymous password default-token
`

func TestTokens(t *testing.T) {
	for _, tc := range []struct {
		name     string
		bufToken string
		netrc    string
		want     map[string]string // registry to token
	}{{
		name: "nothing",
		want: map[string]string{"buf.build": ""},
	}, {
		name:     "one token for every registry",
		bufToken: "tok",
		netrc:    netrcFile,
		want:     map[string]string{"buf.build": "tok", "buf.example.com": "tok", "other.example": "tok"},
	}, {
		name:     "a token per registry, then .netrc",
		bufToken: "t1@buf.build,t2@buf.example.com",
		netrc:    netrcFile,
		want:     map[string]string{"buf.build": "t1", "buf.example.com": "t2", "github.com": "gh-secret", "other.example": "default-token"},
	}, {
		name:     "one entry with @ is a list of one",
		bufToken: "t1@buf.example.com",
		want:     map[string]string{"buf.example.com": "t1", "buf.build": ""},
	}, {
		name:  ".netrc alone",
		netrc: netrcFile,
		want:  map[string]string{"buf.build": "bsr-alice", "buf.example.com": "example-token", "BUF.BUILD": "default-token", "other.example": "default-token"},
	}, {
		name:  ".netrc without default",
		netrc: "machine buf.build password p\n",
		want:  map[string]string{"buf.build": "p", "buf.example.com": ""},
	}, {
		name:  ".netrc cut short",
		netrc: "machine buf.build login alice password",
		want:  map[string]string{"buf.build": ""},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			if err := CheckBufToken(tc.bufToken); err != nil {
				t.Errorf("CheckBufToken: %v", err)
			}
			for reg, want := range tc.want {
				if got := Tokens(tc.bufToken, []byte(tc.netrc), reg); got != want {
					t.Errorf("Tokens(%q, netrc, %q) = %q, want %q", tc.bufToken, reg, got, want)
				}
			}
		})
	}
}

func TestCheckBufToken(t *testing.T) {
	for bufToken, want := range map[string]string{
		"a@":                           "BUF_TOKEN: entry 1 of 1 is not token@host",
		"@buf.build":                   "BUF_TOKEN: entry 1 of 1 is not token@host",
		"a@buf.build,":                 "BUF_TOKEN: entry 2 of 2 is not token@host",
		"a,b":                          "BUF_TOKEN: entry 1 of 2 is not token@host",
		"a@b@buf.build":                "BUF_TOKEN: entry 1 of 1 is not token@host",
		"a:b@buf.build":                "BUF_TOKEN: the token of entry 1 (for buf.build) contains ':'",
		"a@buf.build,b@x.io,c@x.io":    "BUF_TOKEN: x.io has more than one token",
		"secret@buf.build,hunter2@x:1": "",
	} {
		got := ""
		if err := CheckBufToken(bufToken); err != nil {
			got = err.Error()
		}
		if got != want {
			t.Errorf("CheckBufToken(%q): error %q, want %q", bufToken, got, want)
		}
	}
}

// A malformed BUF_TOKEN is not used: .netrc gives the token.
func TestTokensMalformedBufToken(t *testing.T) {
	if got := Tokens("a:b@buf.build", []byte(netrcFile), "buf.build"); got != "bsr-alice" {
		t.Errorf("Tokens = %q, want the .netrc password bsr-alice", got)
	}
}
