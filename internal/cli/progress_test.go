package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/protocheck/protocheck/loader"
)

func TestProgressOffWhenNotATerminal(t *testing.T) {
	var buf bytes.Buffer
	p := newProgress(context.Background(), &buf)
	p.loading(loader.Dir("new"), 1)
	p.proving(1, 1)
	p.done()
	if buf.Len() != 0 {
		t.Errorf("wrote %q to a buffer, want nothing", buf.String())
	}
}

func TestProgressLine(t *testing.T) {
	var buf bytes.Buffer
	p := &progress{w: &buf} // on, and never throttled
	p.loading(loader.Dir("new"), 1)
	p.loading(loader.Git(".git", "main").WithName(".git#branch=main"), 1)
	p.loading(loader.Dir("new"), 3)
	p.loading(loader.Dir("new"), 2) // a late call from another goroutine
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

// TestProgressClearedOnInterrupt: cancelling the command's context, as
// SIGINT and SIGTERM do, clears a progress line left on the terminal, once.
func TestProgressClearedOnInterrupt(t *testing.T) {
	var buf syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	p := lineOn(ctx, &buf)
	p.every = 0
	p.loading(loader.Dir("new"), 1)
	cancel()
	want := "\r\x1b[Kprotocheck: compiling: new 1 files\r\x1b[K"
	for deadline := time.Now().Add(5 * time.Second); buf.String() != want && time.Now().Before(deadline); {
		time.Sleep(time.Millisecond) // AfterFunc runs in its own goroutine
	}
	p.done()
	if got := buf.String(); got != want {
		t.Errorf("terminal got %q, want the line and then its clearing", got)
	}
}

// syncBuffer is a bytes.Buffer that a goroutine may write while another
// reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
