package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// versionFrom reads the build information as the toolchain writes it.
func TestVersionFrom(t *testing.T) {
	for _, tc := range []struct {
		name, info, want string
	}{
		{"go install @v0.1.0", `go	go1.26.8
path	github.com/corskit/corskit/cmd/corskit
mod	github.com/corskit/corskit	v0.1.0	h1:abc=
build	GOOS=linux
build	GOARCH=arm64
`, "corskit v0.1.0\ngo1.26.8 linux/arm64\n"},
		{"built from a dirty clone", `go	go1.26.8
path	github.com/corskit/corskit/cmd/corskit
mod	github.com/corskit/corskit	v0.1.1-0.20260102030405-3cb5015d19f6+dirty	
build	GOOS=darwin
build	GOARCH=amd64
build	vcs=git
build	vcs.revision=3cb5015d19f6ad7794f67e086da05f3c96a5a14d
build	vcs.time=2026-01-02T03:04:05Z
build	vcs.modified=true
`, "corskit v0.1.1-0.20260102030405-3cb5015d19f6+dirty\nrevision 3cb5015d19f6ad7794f67e086da05f3c96a5a14d+dirty (2026-01-02T03:04:05Z)\ngo1.26.8 darwin/amd64\n"},
		{"clean clone", `go	go1.26.8
path	github.com/corskit/corskit/cmd/corskit
mod	github.com/corskit/corskit	(devel)	
build	GOOS=linux
build	GOARCH=amd64
build	vcs.revision=3cb5015d19f6ad7794f67e086da05f3c96a5a14d
build	vcs.modified=false
`, "corskit (devel)\nrevision 3cb5015d19f6ad7794f67e086da05f3c96a5a14d\ngo1.26.8 linux/amd64\n"},
	} {
		bi, err := debug.ParseBuildInfo(tc.info)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if got := versionFrom(bi).String(); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
	if got := versionFrom(nil).String(); !strings.HasPrefix(got, "corskit (unknown)\ngo1.") {
		t.Errorf("no build info: %q", got)
	}
}

// version, --version and -version print the same three facts, and they
// are the ones the toolchain recorded in the binary, as 'go version -m'
// reads them independently.
func TestVersionMatchesBuildInfo(t *testing.T) {
	info, err := exec.Command("go", "version", "-m", binary).Output()
	if err != nil {
		t.Fatalf("go version -m: %v", err)
	}
	modVersion := regexp.MustCompile(`(?m)^\tmod\tgithub\.com/corskit/corskit\t(\S+)`).FindSubmatch(info)
	goVersion := regexp.MustCompile(`^\S+: (go\S+)`).FindSubmatch(info)
	if modVersion == nil || goVersion == nil {
		t.Fatalf("go version -m printed no module or Go version:\n%s", info)
	}
	var want []string
	want = append(want, "corskit "+string(modVersion[1]))
	if rev := regexp.MustCompile(`(?m)^\tbuild\tvcs\.revision=(\S+)`).FindSubmatch(info); rev != nil {
		want = append(want, "revision "+string(rev[1]))
	}
	want = append(want, string(goVersion[1])+" ")
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}} {
		stdout, stderr, code := cli(t, args...)
		if code != 0 || stderr != "" {
			t.Fatalf("%q: exit %d, stderr %q", args, code, stderr)
		}
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		if len(lines) != len(want) {
			t.Fatalf("%q printed %q, want %d lines starting %q", args, stdout, len(want), want)
		}
		for i := range want {
			if !strings.HasPrefix(lines[i], want[i]) {
				t.Errorf("%q line %d = %q, want it to start with %q", args, i+1, lines[i], want[i])
			}
		}
	}
}

// A binary built from a git checkout names its commit, and +dirty when
// the checkout had uncommitted changes. The test commits a copy of the
// module to a fresh repository (this checkout may be a git worktree, which
// the go command does not stamp, or have -buildvcs=false in its GOFLAGS).
func TestVersionNamesRevision(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the CLI from a fresh git repository; skipped with -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatal("git is needed to build a binary with VCS information: install git")
	}
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	repo := t.TempDir()
	copyModule(t, root, repo)
	git := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("git", args...)
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GIT_AUTHOR_NAME=t", "GIT_AUTHOR_EMAIL=t@example.com",
			"GIT_COMMITTER_NAME=t", "GIT_COMMITTER_EMAIL=t@example.com", "GIT_CONFIG_NOSYSTEM=1", "HOME="+repo)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("git %q: %v\n%s", args, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	git("init", "-q")
	git("add", "-A")
	git("commit", "-q", "-m", "copy")
	rev := git("rev-parse", "HEAD")
	bin := filepath.Join(t.TempDir(), "corskit")
	build := func() string {
		t.Helper()
		cmd := exec.Command("go", "build", "-trimpath", "-buildvcs=true", "-o", bin, "./cmd/corskit")
		cmd.Dir = repo
		cmd.Env = append(os.Environ(), "GOFLAGS=", "GOWORK=off")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
		out, err := exec.Command(bin, "version").Output()
		if err != nil {
			t.Fatalf("corskit version: %v", err)
		}
		return string(out)
	}
	if got := build(); !strings.Contains(got, "\nrevision "+rev+" (") {
		t.Errorf("clean checkout: version printed %q, want revision %s without +dirty", got, rev)
	}
	f := filepath.Join(repo, "cmd", "corskit", "main.go")
	src, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(f, append(src, "\n// an uncommitted change\n"...), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := build(); !strings.Contains(got, "\nrevision "+rev+"+dirty (") {
		t.Errorf("dirty checkout: version printed %q, want revision %s+dirty", got, rev)
	}
}

// copyModule copies the root module's files, as git sees them (tracked or
// untracked but not ignored), without the nested modules.
func copyModule(t *testing.T, root, dst string) {
	t.Helper()
	cmd := exec.Command("git", "ls-files", "-z", "--cached", "--others", "--exclude-standard")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v", err)
	}
	nested := map[string]bool{}
	for _, name := range bytes.Split(out, []byte{0}) {
		p := string(name)
		if p == "" {
			continue
		}
		top, _, ok := strings.Cut(p, "/")
		if !ok {
			top = ""
		}
		if _, seen := nested[top]; !seen && top != "" {
			_, err := os.Stat(filepath.Join(root, top, "go.mod"))
			nested[top] = err == nil
		}
		if nested[top] {
			continue
		}
		data, err := os.ReadFile(filepath.Join(root, p))
		if os.IsNotExist(err) {
			continue // deleted but not yet committed
		} else if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dst, filepath.Dir(p)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, p), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// 'version' takes no argument, and -h explains what it prints.
func TestVersionUsage(t *testing.T) {
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"version", "-h"}, &stdout, &stderr); code != 0 || !strings.Contains(stdout.String(), "VCS revision") {
		t.Errorf("version -h: exit %d, stdout %q", code, stdout.String())
	}
}
