package cli

import (
	"os"
	"path/filepath"

	"github.com/protocheck/protocheck"
)

// registryEnv returns what buf's environment says of where deps come from:
// the variables buf reads for its cache and credentials, the .netrc file
// ($NETRC, else ~/.netrc), and protocheck's own record of the modules it
// verified, so that a warm cache costs a stat per file, not a hash
// (registry/verified.go). The driver reads none of them itself.
func registryEnv(offline bool) protocheck.Registry {
	r := protocheck.Registry{Env: make(map[string]string), Offline: offline}
	for _, k := range []string{"BUF_CACHE_DIR", "XDG_CACHE_HOME", "HOME", "LOCALAPPDATA", "BUF_TOKEN"} {
		if v, ok := os.LookupEnv(k); ok {
			r.Env[k] = v
		}
	}
	netrc := os.Getenv("NETRC")
	if netrc == "" {
		if home, err := os.UserHomeDir(); err == nil {
			netrc = filepath.Join(home, ".netrc")
		}
	}
	r.Netrc, _ = os.ReadFile(netrc) // no .netrc: no token from it
	if user, err := os.UserCacheDir(); err == nil {
		r.Verified = filepath.Join(user, "protocheck", "verified")
	}
	return r
}

// cacheDir returns where the loader keeps files' imports and descriptors
// between runs (docs/performance.md): $PROTOCHECK_CACHE_DIR, else
// protocheck's directory in the user's cache; none when that variable is
// "off" or the user has no cache directory.
func cacheDir() string {
	if dir, ok := os.LookupEnv("PROTOCHECK_CACHE_DIR"); ok && dir != "" {
		if dir == "off" {
			return ""
		}
		return dir
	}
	user, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(user, "protocheck", "files")
}
