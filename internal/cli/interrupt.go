package cli

import (
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// interrupts holds what must be undone when the process is stopped by
// SIGINT or SIGTERM before it finishes: a snapshot's temporary file, the
// progress line on the terminal. The process then exits at once, as it
// did before it caught the signals: a long compile does not keep running.
type interrupts struct {
	mu   sync.Mutex
	next int
	fns  map[int]func()
}

// onInterrupt is the process's list; Main installs the handler that runs it.
var onInterrupt interrupts

// add registers fn and returns the function that unregisters it, for when
// the work it undoes is done.
func (i *interrupts) add(fn func()) (remove func()) {
	i.mu.Lock()
	defer i.mu.Unlock()
	if i.fns == nil {
		i.fns = make(map[int]func())
	}
	id := i.next
	i.next++
	i.fns[id] = fn
	return func() {
		i.mu.Lock()
		defer i.mu.Unlock()
		delete(i.fns, id)
	}
}

// run calls every registered function, newest first, once.
func (i *interrupts) run() {
	i.mu.Lock()
	fns, next := i.fns, i.next
	i.fns = nil
	i.mu.Unlock()
	for id := next - 1; id >= 0; id-- {
		if fn, ok := fns[id]; ok {
			fn()
		}
	}
}

// handleInterrupts catches SIGINT and SIGTERM for the life of the process:
// on one, it runs onInterrupt and exits with 128 plus the signal's number,
// the status a shell reports for a process the signal killed.
func handleInterrupts() (stop func()) {
	ch := make(chan os.Signal, 1)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case sig := <-ch:
			onInterrupt.run()
			code := 130
			if s, ok := sig.(syscall.Signal); ok {
				code = 128 + int(s)
			}
			os.Exit(code)
		case <-done:
		}
	}()
	return func() {
		signal.Stop(ch)
		close(done)
	}
}
