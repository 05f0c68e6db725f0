package lint

import (
	"path/filepath"
	"slices"
	"testing"
)

func TestWalkHonoursGitignore(t *testing.T) {
	repo := writeTree(t, map[string]string{
		".git/HEAD":                "ref: refs/heads/main\n",
		".gitignore":               "build/\n*.log\n!keep.log\n/sub/root-only.conf\n",
		"a.conf":                   "",
		"x.log":                    "",
		"keep.log":                 "",
		"build/nginx.conf":         "",
		"sub/root-only.conf":       "",
		"sub/.gitignore":           "local.py\n",
		"sub/local.py":             "",
		"sub/deep/local.py":        "",
		"sub/deep/settings.py":     "",
		"other/sub/root-only.conf": "",
	})
	rel := func(got []string) []string {
		var out []string
		for _, f := range got {
			r, _ := filepath.Rel(repo, f)
			out = append(out, filepath.ToSlash(r))
		}
		slices.Sort(out)
		return out
	}
	all, err := Walk([]string{repo})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{".gitignore", "a.conf", "keep.log", "other/sub/root-only.conf", "sub/.gitignore", "sub/deep/settings.py"}
	if got := rel(all); !slices.Equal(got, want) {
		t.Errorf("walk of the repository: %v, want %v", got, want)
	}
	// A subfolder honours the .gitignore files above it.
	sub, err := Walk([]string{filepath.Join(repo, "sub")})
	if err != nil {
		t.Fatal(err)
	}
	if got := rel(sub); !slices.Equal(got, []string{"sub/.gitignore", "sub/deep/settings.py"}) {
		t.Errorf("walk of sub/: %v", got)
	}
	// A folder named on the command line is walked even when ignored.
	build, err := Walk([]string{filepath.Join(repo, "build")})
	if err != nil || len(build) != 1 {
		t.Errorf("walk of the ignored build/: %v, %v", build, err)
	}
}
