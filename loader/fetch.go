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

	"github.com/protocheck/protocheck/loader/internal/gitfs"
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
	out, err := FetchTo(ctx, in, dir)
	if err != nil {
		cleanup()
		return in, func() {}, err
	}
	return out, cleanup, nil
}

// FetchTo is Fetch into dir, an empty directory that the caller made and
// removes: a caller that must remove it even when interrupted knows it
// before the fetch starts.
func FetchTo(ctx context.Context, in Input, dir string) (Input, error) {
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
	if in.RecurseSubmodules {
		return in, errors.New("recurse_submodules is not supported for a remote repository: clone it with its submodules and compare the clone")
	}
	if in.RefKind == Staged {
		return in, errors.New("a remote repository has no index")
	}
	_, commit, err := gitfs.Fetch(ctx, r.url, dir, gitfs.Ref{Kind: gitfs.RefKind(in.RefKind), Name: in.Ref}, r.depth)
	if err != nil {
		return in, err
	}
	out := in
	out.Kind, out.Path, out.RefKind, out.Ref, out.fetch = Git, dir, "commit", commit, nil
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
	} else {
		f, err = os.Open(in.Path)
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
		err = u.tar(f, a.gz)
	}
	if err != nil {
		return in, fmt.Errorf("%s: %w", in.Path, err)
	}
	root := filepath.Join(files, filepath.FromSlash(in.Subdir))
	if st, err := os.Stat(root); err != nil || !st.IsDir() {
		return in, fmt.Errorf("%s: no directory %q in the archive", in.Path, in.Subdir)
	}
	out := in
	out.Kind, out.Path, out.fetch = Dir, root, nil
	out.unpacked, out.shown = true, in.Subdir
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

// unpacker writes the regular files of an archive below dir. Links and
// devices are skipped; a name that would land outside dir is an error.
type unpacker struct {
	dir     string
	strip   int
	written int64
	files   int
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
	if len(parts) <= u.strip {
		return nil
	}
	rel := strings.Join(parts[u.strip:], "/")
	u.files++
	if u.files > MaxFiles*4 {
		return fmt.Errorf("more than %d files", MaxFiles*4)
	}
	dst := filepath.Join(u.dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("member %q: the archive holds %s twice", name, rel)
	}
	if err != nil {
		return err
	}
	n, err := io.Copy(out, io.LimitReader(r, maxArchiveSize-u.written+1))
	u.written += n
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

// registryModule is a module on a Buf Schema Registry, brought here by the
// input's ModuleResolver: buf's cache holds its files, which are read in
// place (dir is not used).
type registryModule struct{}

// errNoModules is returned for a Module input fetched without a resolver.
var errNoModules = errors.New("a registry module input needs a resolver (Input.WithModules)")

func (registryModule) fetch(ctx context.Context, in Input, _ string) (Input, error) {
	if in.modules == nil {
		return in, errNoModules
	}
	dir, deps, err := in.modules.Module(ctx, in.Path)
	if err != nil {
		return in, err
	}
	out := in
	out.Kind, out.Path, out.fetch = Dir, dir, nil
	// Files are named by their path in the module, as buf names them.
	out.unpacked, out.shown = true, ""
	out.DepRoots = deps
	return out, nil
}
