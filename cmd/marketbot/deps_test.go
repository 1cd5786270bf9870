package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// goList runs "go list" in the module root with the given arguments.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the go command")
	}
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v\n%s", args, err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if l := strings.TrimSpace(sc.Text()); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

// TestCoreImportsNoPlatformSDK keeps Slack and Lark out of the
// platform-neutral packages (design.md §1).
func TestCoreImportsNoPlatformSDK(t *testing.T) {
	var core []string
	for _, p := range []string{"./bot", "./rag", "./corpus"} {
		if _, err := os.Stat(filepath.Join("../..", p)); err == nil {
			core = append(core, p)
		}
	}
	for _, dep := range goList(t, append([]string{"-deps"}, core...)...) {
		if strings.Contains(dep, "slack-go") || strings.Contains(dep, "larksuite") {
			t.Errorf("%v import %s", core, dep)
		}
	}
}

var (
	copyleft   = regexp.MustCompile(`(?i)GNU (AFFERO |LESSER )?GENERAL PUBLIC LICENSE|GNU LIBRARY GENERAL PUBLIC`)
	permissive = regexp.MustCompile(`(?i)Permission is hereby granted|Apache License|Redistribution and use in source and binary forms|Permission to use, copy, modify|Mozilla Public License|The Unlicense|CC0`)
)

// TestLinkedModulesArePermissive checks the licence of every module linked
// into the binary: no GPL, LGPL or AGPL (design.md §3 names the trap), and
// every module has a licence we recognise (permissive, or MPL-2.0, whose
// copyleft is per file and allows linking).
func TestLinkedModulesArePermissive(t *testing.T) {
	seen := map[string]bool{}
	for _, line := range goList(t, "-deps", "-f", "{{with .Module}}{{if not .Main}}{{.Path}} {{.Dir}}{{end}}{{end}}", "./cmd/marketbot") {
		path, dir, _ := strings.Cut(line, " ")
		if seen[path] {
			continue
		}
		seen[path] = true
		// The module's own licence, not notices of what it bundles.
		var text []byte
		for _, name := range []string{"LICENSE", "LICENSE.md", "LICENSE.txt", "LICENCE", "COPYING", "COPYING.md"} {
			if b, err := os.ReadFile(filepath.Join(dir, name)); err == nil {
				text = append(text, b...)
			}
		}
		switch {
		case len(text) == 0:
			t.Errorf("%s: no licence file in %s", path, dir)
		case copyleft.Match(text[:min(len(text), 600)]): // the licence's title, not its body: MPL-2.0 names the GPL
			t.Errorf("%s is under a GNU licence: it must not be linked into marketbot", path)
		case !permissive.Match(text):
			t.Errorf("%s: licence not recognised as permissive; check it by hand", path)
		}
	}
	if len(seen) == 0 {
		t.Error("no modules listed: the check checked nothing")
	}
}
