package loader

import (
	"archive/tar"
	"archive/zip"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path"
	"path/filepath"
	"strings"
	"syscall"

	"github.com/protocheck/protocheck/internal/gitfs"
)

// A fetcher brings the files of an input that is not on this machine as a
// directory, a descriptor set or a repository (an archive, a remote
// repository) to one, for Fetch.
type fetcher interface {
	// fetch puts in's files into dir, an empty directory that the caller
	// removes, and returns the input that reads them there.
	fetch(ctx context.Context, in Input, dir string) (Input, error)
}

// Fetch returns in as an input whose files are on this machine, and a
// function that removes what Fetch made: an archive is unpacked, and a
// remote repository cloned shallow, into a temporary directory. Other
// inputs come back as they are. The input returned still prints as the
// user wrote it, and Display names its files as buf does: by their path in
// the archive or the repository.
func Fetch(ctx context.Context, in Input) (Input, func(), error) {
	if in.IsLocal() {
		return in, func() {}, nil
	}
	dir, err := os.MkdirTemp("", "protocheck-input-")
	if err != nil {
		return in, func() {}, fmt.Errorf("input %s: %w", in, err)
	}
	cleanup := func() { os.RemoveAll(dir) }
	out, err := fetchTo(ctx, in, dir)
	if err != nil {
		cleanup()
		return in, func() {}, err
	}
	return out, cleanup, nil
}

// fetchTo is Fetch into dir, an empty directory that the caller made and
// removes.
func fetchTo(ctx context.Context, in Input, dir string) (Input, error) {
	if in.IsLocal() {
		return in, nil
	}
	out, err := in.fetch.fetch(ctx, in, dir)
	if err != nil {
		return in, fmt.Errorf("input %s: %w", in, err)
	}
	return out, nil
}

// IsLocal reports whether the input's files are on this machine where it
// names them: false for an archive or a remote repository, which Fetch
// brings to a temporary directory.
func (in Input) IsLocal() bool { return in.fetch == nil }

// remoteGit is a repository named by a URL.
type remoteGit struct {
	url   string
	depth int // commits of history to fetch
}

func (r *remoteGit) fetch(ctx context.Context, in Input, dir string) (Input, error) {
	if in.recurseSubmodules {
		return in, errors.New("recurse_submodules is not supported for a remote repository: clone it with its submodules and compare the clone")
	}
	if in.refKind == staged {
		return in, errors.New("a remote repository has no index")
	}
	_, commit, err := gitfs.Fetch(ctx, r.url, dir, gitfs.Ref{Kind: gitfs.RefKind(in.refKind), Name: in.ref}, r.depth)
	if err != nil {
		return in, err
	}
	out := in
	out.kind, out.path, out.refKind, out.ref, out.fetch = gitInput, dir, "commit", commit, nil
	return out, nil
}

// archive is a tar or zip file of .proto files.
type archive struct {
	zip   bool
	gz    bool   // a gzip-compressed tar
	strip int    // leading directories dropped from each name (strip_components)
	url   string // where to download it from, for an http or https URL
}

// maxArchiveSize bounds what an archive may unpack to, in bytes: a small
// archive that inflates to gigabytes must not fill the disk.
const maxArchiveSize = 1 << 30

func (a *archive) fetch(ctx context.Context, in Input, dir string) (Input, error) {
	var (
		f   *os.File
		err error
	)
	if a.url != "" {
		f, err = download(ctx, a.url, filepath.Join(dir, "archive"))
	} else if f, err = openInput(ctx, in.path); err == nil && a.zip {
		if st, serr := f.Stat(); serr == nil && !st.Mode().IsRegular() {
			// A zip is read from its end: a pipe's bytes are kept first,
			// as many as an archive may hold.
			p := f
			f, err = keep(p, filepath.Join(dir, "archive"))
			p.Close()
		}
	}
	if err != nil {
		return in, unwrapPathError(err)
	}
	defer f.Close()
	files := filepath.Join(dir, "files") // beside a downloaded archive
	u := unpacker{dir: files, strip: a.strip}
	if a.zip {
		err = u.zip(f)
	} else {
		// The archive's own bytes are counted too: a stream of headers
		// with no files in them (or /dev/zero's blocks) must end.
		err = u.tar(&countingReader{r: f, left: maxArchiveSize}, a.gz)
	}
	if err != nil {
		return in, fmt.Errorf("%s: %w", in.path, err)
	}
	if u.files == 0 {
		return in, fmt.Errorf("%s: the archive holds no files", in.path)
	}
	root := filepath.Join(files, filepath.FromSlash(in.subdir))
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return in, fmt.Errorf("%s: no directory %q in the archive", in.path, in.subdir)
	}
	out := in
	out.kind, out.path, out.fetch = dirInput, root, nil
	out.unpacked, out.shown = true, in.subdir
	return out, nil
}

// download fetches url into the file name and returns it open, at its
// start.
func download(ctx context.Context, url, name string) (*os.File, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("downloading %s: %s", url, resp.Status)
	}
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, io.LimitReader(resp.Body, maxArchiveSize+1))
	if err == nil && n > maxArchiveSize {
		err = fmt.Errorf("larger than %d MiB", maxArchiveSize>>20)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("downloading %s: %w", url, err)
	}
	return f, nil
}

// keep copies the pipe r to the file name, up to maxArchiveSize bytes, and
// returns the file open at its start.
func keep(r io.Reader, name string) (*os.File, error) {
	f, err := os.Create(name)
	if err != nil {
		return nil, err
	}
	n, err := io.Copy(f, io.LimitReader(r, maxArchiveSize+1))
	if err == nil && n > maxArchiveSize {
		err = fmt.Errorf("larger than %d MiB", maxArchiveSize>>20)
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// A countingReader fails once more than left bytes have been read.
type countingReader struct {
	r    io.Reader
	left int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	if c.left < 0 {
		return 0, fmt.Errorf("larger than %d MiB", maxArchiveSize>>20)
	}
	n, err := c.r.Read(p)
	c.left -= int64(n)
	if c.left < 0 {
		return n, fmt.Errorf("larger than %d MiB", maxArchiveSize>>20)
	}
	return n, err
}

// unpacker writes the regular files of an archive below dir. Links and
// devices are skipped; a name that would land outside dir is an error. A
// member that the archive holds twice is taken from its last copy, as tar
// extracts it and buf reads it; files whose name starts with "._" (macOS's
// extended attributes) are left out, as buf leaves them out.
type unpacker struct {
	dir     string
	strip   int
	written int64
	files   int
	// sizes holds the size of each file written, by its path below dir,
	// so that a later copy's bytes replace the earlier's in written.
	sizes map[string]int64
	// headers counts the members seen, files or not.
	headers int
}

func (u *unpacker) tar(r io.Reader, gz bool) error {
	if gz {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return fmt.Errorf("not a gzip-compressed tar archive: %v", err)
		}
		defer zr.Close()
		r = zr
	}
	tr := tar.NewReader(r)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("not a valid tar archive: %v", err)
		}
		if u.headers++; u.headers > MaxFiles*8 {
			return fmt.Errorf("more than %d members", MaxFiles*8)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := u.write(h.Name, tr); err != nil {
			return err
		}
	}
}

func (u *unpacker) zip(f *os.File) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	zr, err := zip.NewReader(f, st.Size())
	if err != nil {
		return fmt.Errorf("not a valid zip archive: %v", err)
	}
	for _, zf := range zr.File {
		if !zf.Mode().IsRegular() {
			continue
		}
		rc, err := zf.Open()
		if err != nil {
			return fmt.Errorf("%s: %v", zf.Name, err)
		}
		err = u.write(zf.Name, rc)
		rc.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// write writes one archive member, its name stripped of u.strip leading
// directories; a member with no more than that is left out, as buf does.
func (u *unpacker) write(name string, r io.Reader) error {
	clean := path.Clean(strings.ReplaceAll(name, `\`, "/"))
	if path.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") || strings.ContainsRune(clean, 0) {
		return fmt.Errorf("member %q: its name leaves the archive", name)
	}
	parts := strings.Split(clean, "/")
	if len(parts) <= u.strip || strings.HasPrefix(parts[len(parts)-1], "._") {
		return nil
	}
	rel := strings.Join(parts[u.strip:], "/")
	dst := filepath.Join(u.dir, filepath.FromSlash(rel))
	prev, again := u.sizes[rel]
	if !again {
		u.files++
		if u.files > MaxFiles*4 {
			return fmt.Errorf("more than %d files", MaxFiles*4)
		}
	}
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return fmt.Errorf("member %q: %w", name, clash(err))
	}
	flags := os.O_CREATE | os.O_EXCL | os.O_WRONLY
	if again {
		flags = os.O_TRUNC | os.O_WRONLY // the last copy wins
		u.written -= prev
	}
	out, err := os.OpenFile(dst, flags, 0o644)
	if err != nil {
		return fmt.Errorf("member %q: %w", name, clash(err))
	}
	n, err := io.Copy(out, io.LimitReader(r, maxArchiveSize-u.written+1))
	u.written += n
	if u.sizes == nil {
		u.sizes = make(map[string]int64)
	}
	u.sizes[rel] = n
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("member %q: %v", name, err)
	}
	if u.written > maxArchiveSize {
		return fmt.Errorf("unpacks to more than %d MiB", maxArchiveSize>>20)
	}
	return nil
}

// clash words the error of a member whose path another member holds as a
// file where it needs a directory, or the reverse.
func clash(err error) error {
	if errors.Is(err, syscall.ENOTDIR) || errors.Is(err, syscall.EISDIR) || errors.Is(err, fs.ErrExist) {
		return errors.New("another member of the archive is a file where this one needs a directory, or a directory of this name")
	}
	return err
}

// registryModule is a module on a Buf Schema Registry, brought here by the
// input's ModuleResolver: buf's cache holds its files, which are read in
// place (dir is not used).
type registryModule struct{}

// errNoModules is returned for a registry module fetched without a resolver.
var errNoModules = errors.New("a registry module input needs a resolver (Input.WithModules)")

func (registryModule) fetch(ctx context.Context, in Input, _ string) (Input, error) {
	if in.modules == nil {
		return in, errNoModules
	}
	dir, deps, err := in.modules.Module(ctx, in.path)
	if err != nil {
		return in, err
	}
	out := in
	out.kind, out.path, out.fetch = dirInput, dir, nil
	// Files are named by their path in the module, as buf names them.
	out.unpacked, out.shown = true, ""
	out.depRoots = deps
	return out, nil
}
