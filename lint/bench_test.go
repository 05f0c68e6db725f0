package lint

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// benchRepo writes a repository of n files: mostly source files no reader
// recognises, some near misses (.conf and .py files without CORS), and
// one CORS configuration in a hundred.
func benchRepo(b *testing.B, n int) string {
	dir := b.TempDir()
	src := make([]byte, 3000)
	for i := range src {
		src[i] = byte('a' + i%26)
	}
	nginx, _ := os.ReadFile("testdata/bench/nginx.conf")
	django, _ := os.ReadFile("testdata/bench/settings.py")
	for i := range n {
		sub := filepath.Join(dir, fmt.Sprintf("pkg%03d", i%200))
		if err := os.MkdirAll(sub, 0o755); err != nil {
			b.Fatal(err)
		}
		name, data := fmt.Sprintf("file%d.go", i), src
		switch {
		case i%200 == 0:
			name, data = fmt.Sprintf("site%d.nginx.conf", i), nginx
		case i%200 == 100:
			name, data = fmt.Sprintf("settings%d.py", i), django
		case i%10 == 1:
			name = fmt.Sprintf("module%d.py", i)
		case i%10 == 2:
			name = fmt.Sprintf("app%d.conf", i)
		}
		if err := os.WriteFile(filepath.Join(sub, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(dir, ".gitignore"), []byte("*.log\nbuild/\n"), 0o644); err != nil {
		b.Fatal(err)
	}
	return dir
}

// BenchmarkLintRepo lints a 10,000-file repository: one op is the whole
// walk, sniff, read and evaluation (the bound: 5 s on 2 cores).
func BenchmarkLintRepo(b *testing.B) {
	dir := benchRepo(b, 10000)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		files, err := Walk([]string{dir})
		if err != nil {
			b.Fatal(err)
		}
		rep := Lint(context.Background(), files, Options{})
		if len(rep.Units) != 100 || len(rep.Errors) != 0 {
			b.Fatalf("%d policies, %v", len(rep.Units), rep.Errors)
		}
	}
}
