package cli_test

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGitIndexRacy makes the index record, for a file whose contents
// changed, the stat data the changed file has (as when git hashed the file
// and the file changed again within the same tick of the clock): only the
// times tell that the index cannot vouch for it. Modified in the second
// the index was written, the file is read (git's racily clean entries);
// modified a while before, it is taken at the index's word, as git status
// takes it.
func TestGitIndexRacy(t *testing.T) {
	for _, tc := range []struct {
		name     string
		indexAge time.Duration // the index's modification time after the file's
		code     int
		want     string
	}{
		{"index written in the same second", 0, 1, `proto/a.proto:4:3: field 1 "x" on a.A changed type from int32 to int64 (FIELD_SAME_TYPE)` + "\n"},
		{"index written later", 2 * time.Second, 0, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			repo := gitIndexRepo(t)
			p := filepath.Join(repo, "proto", "a.proto")
			writeFile(t, p, []byte(strings.Replace(gitIndexBase["proto/a.proto"], "int32 x", "int64 x", 1)))
			fi, err := os.Lstat(p)
			if err != nil {
				t.Fatal(err)
			}
			index := filepath.Join(repo, ".git", "index")
			setIndexStat(t, index, "proto/a.proto", fi.Sys().(*syscall.Stat_t))
			at := fi.ModTime().Add(tc.indexAge)
			if err := os.Chtimes(index, at, at); err != nil {
				t.Fatal(err)
			}
			var code int
			var out string
			if tc.code == 0 {
				code, out = checkDefault(t, repo)
			} else {
				code, out = checkWorkTree(t, repo)
			}
			out = strings.ReplaceAll(out, repo+string(filepath.Separator), "")
			if code != tc.code || out != tc.want {
				t.Errorf("exit %d, output:\n%s\nwant exit %d, output:\n%s", code, out, tc.code, tc.want)
			}
		})
	}
}

// setIndexStat overwrites the stat data of the entry for path in a version
// 2 index with st, keeping its blob id, and writes the index's checksum
// anew.
func setIndexStat(t *testing.T, index, path string, st *syscall.Stat_t) {
	t.Helper()
	data, err := os.ReadFile(index)
	if err != nil {
		t.Fatal(err)
	}
	if string(data[:4]) != "DIRC" || binary.BigEndian.Uint32(data[4:]) != 2 {
		t.Fatalf("%s: not a version 2 index", index)
	}
	count := int(binary.BigEndian.Uint32(data[8:]))
	off := 12
	for range count {
		nul := bytes.IndexByte(data[off+62:], 0)
		if string(data[off+62:off+62+nul]) == path {
			put := func(i int, v uint32) { binary.BigEndian.PutUint32(data[off+4*i:], v) }
			put(0, uint32(st.Ctim.Sec))
			put(1, uint32(st.Ctim.Nsec))
			put(2, uint32(st.Mtim.Sec))
			put(3, uint32(st.Mtim.Nsec))
			put(4, uint32(st.Dev))
			put(5, uint32(st.Ino))
			put(7, st.Uid)
			put(8, st.Gid)
			put(9, uint32(st.Size))
			sum := sha1.Sum(data[:len(data)-sha1.Size])
			copy(data[len(data)-sha1.Size:], sum[:])
			if err := os.WriteFile(index, data, 0o644); err != nil {
				t.Fatal(err)
			}
			return
		}
		off += (62 + nul + 8) &^ 7
	}
	t.Fatalf("%s: no entry for %s", index, path)
}
