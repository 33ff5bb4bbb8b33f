package config

import (
	"gopkg.in/yaml.v3"

	"github.com/protocheck/protocheck/compat"
)

var protocheckKeys = []string{
	"version", "roots",
	"use", "except", "ignore", "ignore_only", "ignore_unstable_packages",
	"direction", "fail_on",
}

// protocheckFile reads a protocheck.yaml.
func (d *decoder) protocheckFile(data []byte) *File {
	f := &File{Format: Protocheck, Version: "v1"}
	root := d.parseYAML(data)
	var b breaking
	var roots []pathAt
	d.fields(root, "the file", protocheckKeys, func(key string, k, v *yaml.Node) {
		if d.breakingKey(&b, "", key, k, v, true) {
			return
		}
		switch key {
		case "version":
			if s, ok := d.str(v, key); ok && s != "v1" {
				d.errorf(v, "version: unknown protocheck.yaml version %q (want v1)", s)
			}
		case "roots":
			for _, e := range d.nodesOf(v, key) {
				if s, ok := d.str(e, key); ok {
					roots = append(roots, d.path1(s, e, key))
				}
			}
		case "direction":
			if s, ok := d.str(v, key); ok {
				dir, err := compat.ParseDirection(s)
				if err != nil || s == "" {
					d.errorf(v, "direction: unknown direction %q (want backward, forward or full)", s)
				}
				f.Direction = dir
			}
		case "fail_on":
			if s, ok := d.str(v, key); ok {
				sev, err := compat.ParseSeverity(s)
				if err != nil {
					d.errorf(v, "fail_on: unknown severity %q (want error or warning)", s)
				}
				f.FailOn = &sev
			}
		}
	})
	d.someRules(b, "")
	if len(roots) == 0 {
		roots = []pathAt{{path: "."}}
	}
	for _, r := range roots {
		cfg, _ := d.moduleConfig(b, ".", false, "")
		f.Modules = append(f.Modules, Module{Root: r.path, Config: cfg})
	}
	return f
}
