package cli

import (
	"bytes"
	"strings"
	"testing"

	"github.com/protocheck/protocheck/loader"
)

func TestProgressOffWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(&buf)
	p.loading(loader.Input{Raw: "new"}, 1)
	p.proving(1, 1)
	p.done()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer, want nothing", buf.String())
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf} // on, and never throttled
	p.loading(loader.Input{Raw: "new"}, 1)
	p.loading(loader.Input{Raw: ".git#branch=main"}, 1)
	p.loading(loader.Input{Raw: "new"}, 3)
	p.loading(loader.Input{Raw: "new"}, 2) // a late call from another goroutine
	p.done()
	p.proving(1, 2)
	p.proving(2, 2)
	p.done()
	p.done() // nothing shown: nothing to clear
	want := []string{
		"protocheck: compiling: new 1 files",
		"protocheck: compiling: new 1 files, .git#branch=main 1 files",
		"protocheck: compiling: new 3 files, .git#branch=main 1 files",
		"protocheck: compiling: new 3 files, .git#branch=main 1 files",
		"",
		"protocheck: proving: 1 of 2 messages",
		"protocheck: proving: 2 of 2 messages",
		"",
	}
	got := strings.Split(strings.TrimPrefix(buf.String(), "\r\x1b[K"), "\r\x1b[K")
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestProgressClearedOnInterrupt: what SIGINT and SIGTERM run clears a
// progress line left on the terminal, and runs each function once, the
// newest first; a removed one is not run.
func TestProgressClearedOnInterrupt(t *testing.T) {
	var i interrupts
	var buf bytes.Buffer
	var order []string
	i.add(func() { order = append(order, "first") })
	p := &progress{w: &buf}
	i.add(p.done)
	remove := i.add(func() { order = append(order, "removed") })
	i.add(func() { order = append(order, "last") })
	remove()
	p.loading(loader.Input{Raw: "new"}, 1)
	i.run()
	i.run()
	if got := buf.String(); got != "\r\x1b[Kprotocheck: compiling: new 1 files\r\x1b[K" {
		t.Errorf("terminal got %q, want the line and then its clearing", got)
	}
	if strings.Join(order, ",") != "last,first" {
		t.Errorf("ran %v, want last, first", order)
	}
}
