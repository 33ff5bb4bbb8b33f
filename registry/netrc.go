package registry

import (
	"fmt"
	"strings"
)

// Tokens returns the API token that buf v1.75 sends to a registry host,
// "" for none: the Client.Token of a Client that authenticates as buf does.
// bufToken is the value of the BUF_TOKEN environment variable and netrc
// the content of the .netrc file ($NETRC, else ~/.netrc), either empty
// when unset or missing.
//
// BUF_TOKEN is either one token, sent to every registry, or a
// comma-separated list of token@host entries, each sent to its host only. A
// host that BUF_TOKEN gives no token falls back to the .netrc entry that
// `buf registry login` writes: the password of the machine named after the
// host, else of the default machine.
//
// buf refuses to run with a malformed BUF_TOKEN; CheckBufToken says what is
// wrong with it. Tokens ignores a malformed value and reads .netrc alone.
func Tokens(bufToken string, netrc []byte, registry string) string {
	if env, err := parseBufToken(bufToken); err == nil {
		if env.all != "" {
			return env.all
		}
		if token := env.byHost[registry]; token != "" {
			return token
		}
	}
	return parseNetrc(string(netrc)).password(registry)
}

// CheckBufToken reports whether a value of BUF_TOKEN is one buf accepts:
// empty, one token, or token@host entries separated by commas, with no
// host twice. The error never repeats a token.
func CheckBufToken(bufToken string) error {
	_, err := parseBufToken(bufToken)
	return err
}

// bufTokens is BUF_TOKEN parsed: one token for every host, or a token per host.
type bufTokens struct {
	all    string
	byHost map[string]string
}

func parseBufToken(s string) (bufTokens, error) {
	if s == "" {
		return bufTokens{}, nil
	}
	entries := strings.Split(s, ",")
	// A lone entry without "@" is a token for every host; with "@" it is
	// the one-entry form of the list, as buf reads it.
	if len(entries) == 1 && !strings.Contains(s, "@") {
		return bufTokens{all: s}, nil
	}
	byHost := make(map[string]string, len(entries))
	for i, entry := range entries {
		token, host, ok := strings.Cut(entry, "@")
		if !ok || token == "" || host == "" || strings.Contains(host, "@") {
			return bufTokens{}, fmt.Errorf("BUF_TOKEN: entry %d of %d is not token@host", i+1, len(entries))
		}
		if strings.Contains(token, ":") {
			return bufTokens{}, fmt.Errorf("BUF_TOKEN: the token of entry %d (for %s) contains ':'", i+1, host)
		}
		if _, dup := byHost[host]; dup {
			return bufTokens{}, fmt.Errorf("BUF_TOKEN: %s has more than one token", host)
		}
		byHost[host] = token
	}
	return bufTokens{byHost: byHost}, nil
}

// netrcMachines are the entries of a .netrc file, in file order. The
// default entry has the name "".
type netrcMachines []netrcMachine

type netrcMachine struct {
	name, password string
	isDefault      bool
}

// password returns the password of the first machine named host, else of
// the first default entry, else "". Names match exactly, as in buf.
func (ms netrcMachines) password(host string) string {
	for _, m := range ms {
		if !m.isDefault && m.name == host {
			return m.password
		}
	}
	for _, m := range ms {
		if m.isDefault {
			return m.password
		}
	}
	return ""
}

// parseNetrc reads the machine and default entries of a .netrc file. It
// never fails: like the parser buf uses (github.com/jdx/go-netrc), it keeps
// what it can read. A word starting with '#' comments out the rest of its
// line; words after "machine NAME" or "default" are read as key-value pairs
// (login, password, account). A macdef body, which ends at an empty line,
// is skipped, as curl and ftp skip it; buf's parser would read a "machine"
// inside it as an entry, but no .netrc that buf writes has one.
func parseNetrc(s string) netrcMachines {
	var words []string
	for line := range strings.Lines(s) {
		for _, w := range strings.Fields(line) {
			if strings.HasPrefix(w, "#") {
				break
			}
			words = append(words, w)
		}
		if strings.TrimSpace(line) == "" {
			// An empty line ends a macdef; mark it so the pairs below can.
			words = append(words, "")
		}
	}
	var (
		machines netrcMachines
		cur      *netrcMachine
	)
	for i := 0; i < len(words); i++ {
		switch w := words[i]; w {
		case "":
		case "machine":
			machines = append(machines, netrcMachine{})
			cur = &machines[len(machines)-1]
			if i+1 < len(words) {
				i++
				cur.name = words[i]
			}
		case "default":
			machines = append(machines, netrcMachine{isDefault: true})
			cur = &machines[len(machines)-1]
		case "macdef":
			// The macro's name, then its body up to the next empty line.
			for i++; i < len(words) && words[i] != ""; i++ {
			}
		default:
			if i+1 >= len(words) || words[i+1] == "" {
				continue
			}
			i++
			if cur != nil && w == "password" {
				cur.password = words[i]
			}
		}
	}
	return machines
}
