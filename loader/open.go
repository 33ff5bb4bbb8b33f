package loader

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"time"

	"github.com/protocheck/protocheck/internal/filekind"
)

// PipeWait is how long a named pipe given as an input (a descriptor set,
// an archive) is waited on for a program to open it for writing. A pipe
// that a shell's process substitution made, <(buf build -o -), is open
// already; a named pipe nobody writes to would otherwise block forever.
// The context's deadline (--timeout) bounds the wait too, and the reads.
const PipeWait = 10 * time.Second

// ErrNotFile is returned, wrapped in a message that names what the path
// is, for an input or a file met in a tree that is not a regular file: a
// device, a socket, or a named pipe where a pipe cannot be read.
var ErrNotFile = errors.New("not a regular file")

// ErrTooLarge is returned, wrapped with the limit, for a file that holds
// more bytes than its kind may: counted as they are read, so that a file
// whose size is not known in advance (a pipe, /proc) is refused too.
var ErrTooLarge = errors.New("file is too large")

// notFile returns the error for a path whose mode is not a regular file;
// why says why protocheck wants one.
func notFile(mode fs.FileMode, why string) error {
	return &kindError{what: filekind.Describe(mode), why: why}
}

// A kindError says what a path is, when protocheck wanted a regular file.
type kindError struct{ what, why string }

func (e *kindError) Error() string   { return e.what + ", not a regular file" + e.why }
func (e *kindError) Is(t error) bool { return t == ErrNotFile }

// openFile opens name, which must be a regular file, without blocking: a
// named pipe opened for reading waits for a writer, so the open itself
// does not wait (see filekind.OpenNonblock), and the mode is checked on the open
// file, so that a path swapped between a check and the open is caught.
func openFile(name string) (*os.File, error) {
	f, err := os.OpenFile(name, os.O_RDONLY|filekind.OpenNonblock, 0)
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, notFile(st.Mode(), "")
	}
	return f, nil
}

// openInput opens name, a descriptor set or an archive given as an input:
// a regular file, or a pipe, which buf reads too (--against
// <(git show main:image.binpb)). A named pipe is waited on for a writer
// for PipeWait at most; devices and sockets are refused. Reads from a pipe
// stop at ctx's deadline.
func openInput(ctx context.Context, name string) (*os.File, error) {
	st, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if st.Mode()&fs.ModeNamedPipe == 0 {
		f, err := openFile(name)
		var k *kindError
		if errors.As(err, &k) {
			k.why = " (an input is a directory, a file or a pipe)"
		}
		return f, err
	}
	type opened struct {
		f   *os.File
		err error
	}
	done := make(chan opened, 1)
	go func() {
		f, err := os.Open(name) // waits for a writer
		done <- opened{f, err}
	}()
	wait := time.NewTimer(PipeWait)
	defer wait.Stop()
	select {
	case o := <-done:
		if o.err != nil {
			return nil, o.err
		}
		if dl, ok := ctx.Deadline(); ok {
			_ = o.f.SetReadDeadline(dl) // a pipe polls; the error is for files that do not
		}
		return o.f, nil
	case <-ctx.Done():
		err = fmt.Errorf("nothing wrote to the named pipe before the time ran out: %w", ctx.Err())
	case <-wait.C:
		err = fmt.Errorf("no program opened the named pipe for writing within %s", PipeWait)
	}
	// Open it for writing, without waiting, so that the open above returns
	// and its file is closed rather than left blocked.
	if w, werr := os.OpenFile(name, os.O_WRONLY|filekind.OpenNonblock, 0); werr == nil {
		w.Close()
		go func() {
			if o := <-done; o.f != nil {
				o.f.Close()
			}
		}()
	}
	return nil, err
}

// readBounded reads r to its end, refusing more than limit bytes: the
// bytes are counted as they come, whatever a file's size said.
func readBounded(r io.Reader, limit int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		if errors.Is(err, os.ErrDeadlineExceeded) {
			return nil, fmt.Errorf("reading stopped: the time ran out (--timeout)")
		}
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(limit)
	}
	return data, nil
}

// tooLarge is ErrTooLarge with the limit.
func tooLarge(limit int64) error { return sizeError(limit) }

// A sizeError says a file held more than its limit, in bytes.
type sizeError int64

func (e sizeError) Error() string   { return fmt.Sprintf("file is larger than %d MiB", int64(e)>>20) }
func (e sizeError) Is(t error) bool { return t == ErrTooLarge }

// noSymlinksKey is the context key of WithoutSymlinks.
type noSymlinksKey struct{}

// WithoutSymlinks returns a context under which a Loader lists a directory
// input without following symbolic links: a link below the input's root,
// to a file or to a directory, is left out, as buf leaves it out under
// --disable-symlinks. The input's own path is followed: the user named
// it. It is carried by the context, not the Loader, because it is the
// user's choice for every Loader a command makes, as a deadline is.
func WithoutSymlinks(ctx context.Context) context.Context {
	return context.WithValue(ctx, noSymlinksKey{}, true)
}

// symlinksOff reports whether ctx came from WithoutSymlinks.
func symlinksOff(ctx context.Context) bool {
	off, _ := ctx.Value(noSymlinksKey{}).(bool)
	return off
}
