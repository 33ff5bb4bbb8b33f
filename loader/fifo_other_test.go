//go:build !unix

package loader_test

import "errors"

func mkfifo(string) error { return errors.New("not on this system") }
