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
	for _, p := range []string{"./bot", "./rag/...", "./corpus/..."} {
		if _, err := os.Stat(filepath.Join("../..", strings.TrimSuffix(p, "/..."))); err == nil {
			core = append(core, p)
		}
	}
	for _, dep := range goList(t, append([]string{"-deps"}, core...)...) {
		if strings.Contains(dep, "slack-go") || strings.Contains(dep, "larksuite") {
			t.Errorf("%v import %s", core, dep)
		}
	}
}

// TestRagFloorsPointDown keeps rag/'s packages layered (README: Layout):
// the store knows nothing of questions or prices tables, search and
// prices nothing of each other or of answers, answers nothing of briefings
// or feeds, and those two nothing of each other.
func TestRagFloorsPointDown(t *testing.T) {
	const rag = "github.com/marketbot/marketbot/rag/"
	above := map[string][]string{
		"store":  {"search", "answer", "brief", "feeds", "prices"},
		"search": {"answer", "brief", "feeds", "prices"},
		"prices": {"search", "answer", "brief", "feeds"},
		"answer": {"brief", "feeds"},
		"brief":  {"feeds"},
		"feeds":  {"search", "answer", "brief"},
	}
	for pkg, forbidden := range above {
		for _, dep := range goList(t, "-deps", "./rag/"+pkg+"/...") {
			for _, f := range forbidden {
				if dep == rag+f || strings.HasPrefix(dep, rag+f+"/") {
					t.Errorf("rag/%s imports %s, a package above it", pkg, dep)
				}
			}
		}
	}
}

var (
	copyleft   = regexp.MustCompile(`(?i)GNU (AFFERO |LESSER )?GENERAL PUBLIC LICENSE|GNU LIBRARY GENERAL PUBLIC`)
	permissive = regexp.MustCompile(`(?i)Permission is hereby granted|Apache License|Redistribution and use in source and binary forms|Permission to use, copy, modify|Mozilla Public License|The Unlicense|CC0`)
	// Freetype-Go (github.com/golang/freetype, linked through gonum/plot's
	// PNG canvas) is offered under "your choice of exactly one of" the
	// FreeType License or the GPL. We take the FreeType License, BSD-like
	// with a credit clause, met in the README's Licences.
	freetypeChoice = regexp.MustCompile(`^Use of the Freetype-Go software is subject to your choice of exactly one of\s+the following two licenses:\s+\* The FreeType License`)
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
		case freetypeChoice.Match(text):
			// the FreeType License, by choice: see freetypeChoice
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

// TestEmbeddedDataIsAttributed checks that every dictionary compiled into
// the binary sits beside its licence, with its source and terms, and is
// named in the README's Licences: OpenCC's (Apache-2.0), jieba's (MIT)
// and CC-CEDICT's (CC BY-SA 4.0, share-alike: attribution kept, and kept
// apart from the code).
func TestEmbeddedDataIsAttributed(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, licences, _ := strings.Cut(string(readme), "## Licences")
	for _, d := range []struct {
		dir, data string
		licence   *regexp.Regexp // in the folder's LICENSE
		named     string         // in the README's Licences
	}{
		{"corpus/zhconv/opencc", "TSCharacters.txt", regexp.MustCompile(`Apache License`), "OpenCC"},
		{"corpus/zhseg", "dict.txt.gz", regexp.MustCompile(`jieba[\s\S]*Permission is hereby granted`), "jieba"},
		{"corpus/zhen", "cedict.tsv.gz", regexp.MustCompile(`CC-CEDICT[\s\S]*MDBG[\s\S]*Attribution-ShareAlike 4\.0[\s\S]*creativecommons\.org/licenses/by-sa/4\.0`), "CC-CEDICT"},
		{"corpus/zhen", "readings.tsv.gz", regexp.MustCompile(`readings\.tsv\.gz[\s\S]*CC-CEDICT[\s\S]*Attribution-ShareAlike 4\.0`), "readings.tsv.gz"},
	} {
		dir := filepath.Join("../..", d.dir)
		if _, err := os.Stat(filepath.Join(dir, d.data)); err != nil {
			t.Errorf("%s: %v", d.dir, err)
		}
		text, err := os.ReadFile(filepath.Join(dir, "LICENSE"))
		if err != nil {
			t.Errorf("%s: no licence beside %s: %v", d.dir, d.data, err)
			continue
		}
		if !d.licence.Match(text) {
			t.Errorf("%s/LICENSE does not say %v", d.dir, d.licence)
		}
		if !strings.Contains(licences, d.named) || !strings.Contains(licences, d.dir) {
			t.Errorf("the README's Licences do not name %s (%s)", d.named, d.dir)
		}
	}
}
