package gitfs

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// ReadBlobs returns the contents of the blobs with the given ids, keyed by
// id. The ids are full, lowercase object ids such as [Entry.Blob]; repeated
// ids are read once. A single git process serves all of them, since starting
// one per file would dominate the time to load a large tree. Every id that
// is missing or not a blob is named in the error.
func (r *Repo) ReadBlobs(ctx context.Context, ids []string) (map[string][]byte, error) {
	blobs := make(map[string][]byte, len(ids))
	ids, err := uniqueIDs(ids)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return blobs, nil
	}
	if err := r.catFile(ctx, ids, blobs); err != nil {
		return nil, err
	}
	return blobs, nil
}

// catFile runs one "git cat-file --batch" for all ids and stores the
// contents in blobs.
func (r *Repo) catFile(ctx context.Context, ids []string, blobs map[string][]byte) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	cmd := r.command(ctx, "cat-file", "--batch", "--buffer")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return fmt.Errorf("git cat-file: %w", err)
	}
	if err := cmd.Start(); err != nil {
		return commandError(ctx, cmd, nil, err)
	}

	// Write the requests while reading the answers: git stops reading its
	// input once its output pipe is full, so doing one after the other
	// deadlocks on a large tree.
	written := make(chan error, 1)
	go func() {
		w := bufio.NewWriter(stdin)
		for _, id := range ids {
			w.WriteString(id)
			w.WriteByte('\n')
		}
		err := w.Flush()
		if cerr := stdin.Close(); err == nil {
			err = cerr
		}
		written <- err
	}()

	bad, readErr := readBatch(bufio.NewReaderSize(stdout, 64<<10), ids, blobs)
	if readErr != nil {
		cancel() // stop git, so the writer and Wait return
	}
	writeErr := <-written
	waitErr := cmd.Wait()
	switch {
	case readErr != nil && waitErr != nil && !errors.As(readErr, new(protocolError)):
		// git died, and the short read is only the symptom.
		return commandError(ctx, cmd, stderr.Bytes(), waitErr)
	case readErr != nil:
		return fmt.Errorf("git cat-file in %s: %w", r.name(), readErr)
	case waitErr != nil:
		return commandError(ctx, cmd, stderr.Bytes(), waitErr)
	case writeErr != nil:
		return fmt.Errorf("git cat-file in %s: %w", r.name(), writeErr)
	case len(bad) > 0:
		const show = 10
		more := ""
		if len(bad) > show {
			more = fmt.Sprintf("; and %d more", len(bad)-show)
			bad = bad[:show]
		}
		return fmt.Errorf("cannot read from %s: %s%s", r.name(), strings.Join(bad, "; "), more)
	}
	return nil
}

// protocolError is output that does not follow cat-file's batch format.
type protocolError string

func (e protocolError) Error() string { return string(e) }

// readBatch parses cat-file's answers, one per id in order,
//
//	<oid> SP <type> SP <size> LF <contents> LF
//	<name> SP missing LF
//
// into blobs. It returns a description of each object that could not be read
// as a blob.
func readBatch(br *bufio.Reader, ids []string, blobs map[string][]byte) (bad []string, err error) {
	for _, want := range ids {
		header, err := br.ReadString('\n')
		if err != nil {
			return nil, fmt.Errorf("reading the answer for %s: %w", want, noEOF(err))
		}
		f := strings.Fields(header)
		if len(f) == 2 && f[0] == want {
			// "<id> missing", or another status in newer versions of git.
			bad = append(bad, fmt.Sprintf("object %s is %s", want, f[1]))
			continue
		}
		if len(f) != 3 || f[0] != want {
			return nil, protocolError(fmt.Sprintf("unexpected answer for %s: %q", want, header))
		}
		size, err := strconv.ParseInt(f[2], 10, 64)
		if err != nil || size < 0 || size > math.MaxInt-1 {
			return nil, protocolError(fmt.Sprintf("unexpected answer for %s: %q", want, header))
		}
		if f[1] == "blob" {
			data := make([]byte, size)
			_, err = io.ReadFull(br, data)
			blobs[want] = data
		} else {
			bad = append(bad, fmt.Sprintf("object %s is a %s, not a blob", want, f[1]))
			_, err = br.Discard(int(size))
		}
		if err != nil {
			return nil, fmt.Errorf("reading %s: %w", want, noEOF(err))
		}
		if c, err := br.ReadByte(); err != nil || c != '\n' {
			return nil, protocolError("unexpected output after the contents of " + want)
		}
	}
	return bad, nil
}

// noEOF reports a clean end of output as the truncation it is here.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// uniqueIDs checks ids and drops repeats, keeping the first of each. Only
// full ids are accepted: cat-file would take any object name, such as
// "HEAD:secret", and would answer an abbreviation under the full id.
func uniqueIDs(ids []string) ([]string, error) {
	seen := make(map[string]bool, len(ids))
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if (len(id) != 40 && len(id) != 64) || !isHex(id) || strings.ToLower(id) != id {
			return nil, fmt.Errorf("invalid object id %q: want 40 or 64 lowercase hexadecimal digits", id)
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, nil
}

// ReadFile returns the contents of the file at path (slash-separated, from
// the top of the tree) in the commit that rev names, or in the index when
// rev is "". ok is false when there is no such file.
func (r *Repo) ReadFile(ctx context.Context, rev, path string) (data []byte, ok bool, err error) {
	if rev != "" {
		if rev, err = r.Resolve(ctx, rev); err != nil {
			return nil, false, err
		}
	}
	out, err := r.run(ctx, "rev-parse", "--verify", "--quiet", "--end-of-options", rev+":"+path)
	if err != nil {
		return nil, false, nil // no such file: rev itself resolved above
	}
	id := strings.TrimSpace(string(out))
	blobs, err := r.ReadBlobs(ctx, []string{id})
	if err != nil {
		return nil, false, nil // a directory or a submodule, not a file
	}
	return blobs[id], true, nil
}

// ReadFileAt is ReadFile for the full id of a commit, as Resolve returns
// it: one git process, where ReadFile runs three (a configuration file is
// looked for under several names, each a read that usually finds nothing).
func (r *Repo) ReadFileAt(ctx context.Context, commit, path string) (data []byte, ok bool, err error) {
	if (len(commit) != 40 && len(commit) != 64) || !isHex(commit) || strings.ContainsAny(path, "\x00\n") {
		return r.ReadFile(ctx, commit, path)
	}
	out, err := r.run(ctx, "cat-file", "blob", commit+":"+path)
	if err != nil {
		if ctx.Err() != nil {
			return nil, false, ctx.Err()
		}
		return nil, false, nil // no such file, or a directory or a submodule
	}
	return out, true, nil
}
