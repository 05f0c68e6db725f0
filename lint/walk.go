package lint

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

// MaxFileSize bounds what a reader is given: a configuration file is
// small; a larger file with a CORS name is read up to this and no more.
const MaxFileSize = 4 << 20

// Report is the lint of a set of files.
type Report struct {
	Files    int       `json:"files"`    // files looked at (name and head)
	Units    []*Unit   `json:"policies"` // policies found
	Findings []Finding `json:"findings"`
	// Errors are the files a reader could not read (syntax errors),
	// each with its file and line.
	Errors []FileError `json:"errors"`
}

// FileError is a file a reader refused.
type FileError struct {
	File  string `json:"file"`
	Error string `json:"error"`
}

// Walk collects the files under paths (a file is itself; a directory is
// walked, honouring .gitignore files and skipping .git), in a stable
// order.
func Walk(paths []string) ([]string, error) {
	var out []string
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			out = append(out, p)
			continue
		}
		root, ig := gitRoot(p)
		err = filepath.WalkDir(p, func(f string, d fs.DirEntry, err error) error {
			if err != nil {
				return nil // unreadable: skipped, as git would
			}
			rel := relTo(root, f)
			if d.IsDir() {
				// A folder given by name is walked even when ignored.
				if d.Name() == ".git" || (f != p && ig.ignored(rel, true)) {
					return filepath.SkipDir
				}
				ig.load(f, rel)
				return nil
			}
			if d.Type().IsRegular() && !ig.ignored(rel, false) {
				out = append(out, f)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// gitRoot finds the repository that holds dir (the nearest folder above
// with a .git) and loads the .gitignore files from its root down to
// dir's parent, so that a walk of a subfolder honours them too. Outside a
// repository dir is its own root.
func gitRoot(dir string) (string, *ignorer) {
	ig := &ignorer{}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return dir, ig
	}
	root := abs
	for {
		if _, err := os.Stat(filepath.Join(root, ".git")); err == nil {
			break
		}
		parent := filepath.Dir(root)
		if parent == root {
			return abs, ig
		}
		root = parent
	}
	var chain []string
	for d := filepath.Dir(abs); len(d) >= len(root); d = filepath.Dir(d) {
		chain = append(chain, d)
		if d == root {
			break
		}
	}
	if abs == root {
		chain = nil
	}
	for i := len(chain) - 1; i >= 0; i-- {
		ig.load(chain[i], relTo(root, chain[i]))
	}
	return root, ig
}

// relTo is f relative to root, slash-separated ("." for root itself).
func relTo(root, f string) string {
	abs, err := filepath.Abs(f)
	if err != nil {
		return filepath.ToSlash(f)
	}
	rel, err := filepath.Rel(root, abs)
	if err != nil {
		return filepath.ToSlash(f)
	}
	return filepath.ToSlash(rel)
}

// ignorer holds the .gitignore patterns met so far, each with the folder
// it applies under.
type ignorer struct{ rules []ignoreRule }

type ignoreRule struct {
	base    string // folder of the .gitignore, "" at the root
	pattern string
	negate  bool
	dirOnly bool
	rooted  bool // contains a slash: matched against the path from base
}

func (ig *ignorer) load(dir, rel string) {
	f, err := os.Open(filepath.Join(dir, ".gitignore"))
	if err != nil {
		return
	}
	defer f.Close()
	base := rel
	if base == "." {
		base = ""
	}
	sc := bufio.NewScanner(io.LimitReader(f, 1<<20))
	for sc.Scan() {
		l := strings.TrimRight(sc.Text(), " \r")
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		r := ignoreRule{base: base}
		if r.negate = strings.HasPrefix(l, "!"); r.negate {
			l = l[1:]
		}
		if r.dirOnly = strings.HasSuffix(l, "/"); r.dirOnly {
			l = strings.TrimSuffix(l, "/")
		}
		r.rooted = strings.Contains(l, "/")
		r.pattern = strings.TrimPrefix(l, "/")
		ig.rules = append(ig.rules, r)
	}
}

// ignored applies the rules in order, the last match deciding, as git does.
func (ig *ignorer) ignored(rel string, dir bool) bool {
	out := false
	for _, r := range ig.rules {
		p := rel
		if r.base != "" {
			var ok bool
			if p, ok = strings.CutPrefix(rel, r.base+"/"); !ok {
				continue
			}
		}
		if r.dirOnly && !dir {
			continue
		}
		if globMatch(r, p) {
			out = !r.negate
		}
	}
	return out
}

func globMatch(r ignoreRule, p string) bool {
	if !r.rooted {
		ok, _ := path.Match(r.pattern, path.Base(p))
		return ok
	}
	return globPath(strings.Split(r.pattern, "/"), strings.Split(p, "/"))
}

// globPath matches slash-separated segments, "**" standing for any number
// of folders.
func globPath(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := 0; i <= len(segs); i++ {
				if globPath(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 {
			return false
		}
		if ok, _ := path.Match(pat[0], segs[0]); !ok {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// Lint reads each file's name and head, reads the files a reader
// recognises, and evaluates every policy they declare.
func Lint(ctx context.Context, files []string, opts Options) *Report {
	rep := &Report{Files: len(files), Units: []*Unit{}, Findings: []Finding{}, Errors: []FileError{}}
	type result struct {
		units []*Unit
		err   error
	}
	results := make([]result, len(files))
	rs := allReaders(opts.Readers)
	var wg sync.WaitGroup
	next := make(chan int)
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			head := make([]byte, sniffLen)
			for i := range next {
				results[i].units, results[i].err = readFile(rs, files[i], head, rootOf(opts.Roots, files[i]))
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	for i, r := range results {
		if r.err != nil {
			rep.Errors = append(rep.Errors, FileError{File: files[i], Error: r.err.Error()})
		}
		rep.Units = append(rep.Units, r.units...)
	}
	rep.Units = dropIncluded(rep.Units)
	layers(rep.Units)
	for _, u := range rep.Units {
		rep.Findings = append(rep.Findings, Evaluate(ctx, u, opts)...)
	}
	slices.SortStableFunc(rep.Findings, func(a, b Finding) int {
		if c := strings.Compare(a.File, b.File); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return rep
}

// rootOf returns the root among roots that holds file, the longest if
// several do ("" if none).
func rootOf(roots []string, file string) string {
	abs, err := filepath.Abs(file)
	if err != nil {
		return ""
	}
	best := ""
	for _, r := range roots {
		ra, err := filepath.Abs(r)
		if err != nil {
			continue
		}
		if st, err := os.Stat(ra); err == nil && !st.IsDir() {
			ra = filepath.Dir(ra)
		}
		if within(ra, abs) && len(ra) > len(best) {
			best = ra
		}
	}
	return best
}

// dropIncluded removes the units read from a file that another linted
// file includes: nginx evaluates it only in the including context (a
// fragment of add_header lines means nothing alone).
func dropIncluded(units []*Unit) []*Unit {
	included := map[string][]string{} // file -> the main files that include it
	for _, u := range units {
		for _, f := range u.includes {
			if f != u.readFrom && !slices.Contains(included[f], u.readFrom) {
				included[f] = append(included[f], u.readFrom)
			}
		}
	}
	return slices.DeleteFunc(units, func(u *Unit) bool {
		for _, by := range included[u.readFrom] {
			if !slices.ContainsFunc(included[by], func(x string) bool { return x == u.readFrom }) {
				return true // included by a file it does not include back
			}
		}
		return false
	})
}

// readFile sniffs one file and, when a reader recognises it, reads it;
// root bounds what an nginx include may read.
func readFile(rs []reader, name string, head []byte, root string) ([]*Unit, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	n, _ := io.ReadFull(f, head)
	r := sniff(rs, name, head[:n])
	if r == nil {
		return nil, nil
	}
	rest, err := io.ReadAll(io.LimitReader(f, MaxFileSize-int64(n)))
	if err != nil {
		return nil, err
	}
	data := append(bytes.Clone(head[:n]), rest...)
	if r.format == "nginx" {
		return readNginxIn(name, data, root)
	}
	return r.read(name, data)
}

// layers notes a repository where a proxy in front of an application and
// the application both add Access-Control-Allow-Origin: the browser gets
// two values and refuses both.
func layers(units []*Unit) {
	var proxies, apps []*Unit
	for _, u := range units {
		switch {
		case u.forwards && u.setsACAO:
			proxies = append(proxies, u)
		case u.layer == "app" && u.Dynamic == "":
			apps = append(apps, u)
		}
	}
	if len(apps) == 0 {
		return
	}
	for _, p := range proxies {
		p.note(TwoLayers, 1, p.Line,
			"This proxy adds Access-Control-Allow-Origin in front of an application that adds it too ("+apps[0].File+"): responses carry two values and browsers refuse them (two Access-Control-Allow-Origin values are never valid).",
			"Let one layer answer CORS: remove the add_header lines here, or the application's CORS middleware (proxy_hide_header Access-Control-Allow-Origin drops the application's).")
	}
}
