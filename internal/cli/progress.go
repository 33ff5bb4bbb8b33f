package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"github.com/protocheck/protocheck/loader"
)

// progress keeps one status line on a terminal's stderr while a long run
// loads files and proves findings, so that a large tree does not look like
// a hang. Anywhere else (a pipe, a CI log, a hook's captured output) it is
// off: a log full of carriage returns helps nobody.
type progress struct {
	w     io.Writer // nil: off
	every time.Duration

	mu    sync.Mutex
	last  time.Time
	shown bool
	reads map[string]int // files read per input, by its name
	order []string       // inputs in the order first seen
}

// newProgress returns a progress line on w, on when w is a terminal and
// TERM is not "dumb". The line is cleared when ctx is cancelled too:
// interrupted, the command would leave it for the shell's prompt to be
// written over.
func newProgress(ctx context.Context, w io.Writer) *progress {
	if os.Getenv("TERM") == "dumb" || !isTerminal(w) {
		return &progress{}
	}
	return lineOn(ctx, w)
}

// lineOn returns a progress line on w, cleared when ctx is cancelled.
func lineOn(ctx context.Context, w io.Writer) *progress {
	p := &progress{w: w, every: 100 * time.Millisecond}
	context.AfterFunc(ctx, p.done)
	return p
}

// isTerminal reports whether w is a character device.
func isTerminal(w any) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// loading is a loader.Loader's Progress: it counts the files read per input.
func (p *progress) loading(in loader.Input, read int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	name := in.String()
	if p.reads == nil {
		p.reads = make(map[string]int)
	}
	if _, ok := p.reads[name]; !ok {
		p.order = append(p.order, name)
	}
	p.reads[name] = max(p.reads[name], read)
	if !p.due() {
		return
	}
	line := "compiling:"
	for i, n := range p.order {
		if i > 0 {
			line += ","
		}
		line += fmt.Sprintf(" %s %d files", n, p.reads[n])
	}
	p.show(line)
}

// proving is a roundtrip.Options' Progress.
func (p *progress) proving(done, total int) {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if done < total && !p.due() {
		return
	}
	p.show(fmt.Sprintf("proving: %d of %d messages", done, total))
}

// due reports whether the line may be redrawn now; p.mu is held.
func (p *progress) due() bool {
	now := time.Now()
	if now.Sub(p.last) < p.every {
		return false
	}
	p.last = now
	return true
}

// show redraws the line; p.mu is held.
func (p *progress) show(line string) {
	fmt.Fprintf(p.w, "\r\x1b[Kprotocheck: %s", line)
	p.shown = true
}

// done clears the line, before anything else is written to the terminal.
func (p *progress) done() {
	if p.w == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.shown {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.shown = false
	}
	p.reads, p.order = nil, nil
}

// Loading, Proving and Done make the line the driver's
// protocheck.Progress.
func (p *progress) Loading(in loader.Input, read int) { p.loading(in, read) }

// Proving is proving, for protocheck.Progress.
func (p *progress) Proving(done, total int) { p.proving(done, total) }

// Done is done, for protocheck.Progress.
func (p *progress) Done() { p.done() }
