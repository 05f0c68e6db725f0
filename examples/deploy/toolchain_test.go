package deploy

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The Go release that builds corskit is named in three places that must
// agree: the toolchain line of every module's go.mod (which GOTOOLCHAIN=auto
// downloads through the module proxy, and which make vulncheck checks the
// standard library of), and the Dockerfile's build image. A go1.26.8 build
// carried the standard library's advisories fixed in 1.26.9 and 1.26.10
// (issue 19).
func TestOneGoToolchain(t *testing.T) {
	rootMod, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	line := regexp.MustCompile(`(?m)^toolchain go(\d+\.\d+\.\d+)$`)
	m := line.FindSubmatch(rootMod)
	if m == nil {
		t.Fatal("go.mod: no toolchain line (toolchain goX.Y.Z)")
	}
	want := string(m[1])
	mods, err := filepath.Glob(filepath.Join(root, "*", "go.mod"))
	if err != nil || len(mods) == 0 {
		t.Fatalf("no module below the root: %v", err)
	}
	for _, p := range mods {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if m := line.FindSubmatch(b); m == nil || string(m[1]) != want {
			t.Errorf("%s: toolchain line %q, want go%s as in go.mod", p, m, want)
		}
	}
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	from := regexp.MustCompile(`(?m)^FROM golang:(\S+)`).FindSubmatch(df)
	if from == nil || !strings.HasPrefix(string(from[1]), want+"-") {
		t.Errorf("Dockerfile: build stage FROM golang:%s, want golang:%s-<distro> as go.mod's toolchain line", from, want)
	}
}
