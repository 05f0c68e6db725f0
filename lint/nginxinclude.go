package lint

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// nginx reads an included file in place of the include directive, in any
// context (ngx_conf_include in src/core/ngx_conf_file.c). A relative name
// is resolved against the configuration prefix, the folder of the main
// file (nginx -c), not the including file's; a name with * ? or [ is a
// glob whose matches are read in sorted order, none being no error, while
// a plain name that does not exist stops nginx. lint reads the file it is
// given as the main file, and, for a fragment such as sites-enabled/x.conf
// whose main file is one folder up, tries the folders above it too,
// within the linted tree: nothing outside it is read.

// Limits on includes: nginx has none, a hostile tree must cost bounded work.
const (
	maxNginxIncludeDepth = 8
	maxNginxIncludeFiles = 256
	// maxNginxIncludeErrors bounds the refusals reported for one file.
	maxNginxIncludeErrors = 16
)

// ngxIncluder expands the include directives of one main file.
type ngxIncluder struct {
	main   string   // the main file's name as given
	prefix string   // the folder relative names are resolved against
	root   string   // the linted tree: no file outside it is read
	stack  []string // the files being read, outermost first (cycles)
	read   []string // every file read through an include
	errs   []*NginxError
}

// expand replaces each include in ds by the directives of the files it
// names, recursively; an include it refuses (a cycle, too deep, outside
// the tree, missing) is dropped and recorded in in.errs.
func (in *ngxIncluder) expand(ds []*ngxDirective, parent string) []*ngxDirective {
	out := make([]*ngxDirective, 0, len(ds))
	for _, d := range ds {
		if d.Name != "include" || d.Has {
			if d.Has {
				d.Block = in.expand(d.Block, d.Name)
			}
			out = append(out, d)
			continue
		}
		out = append(out, in.include(d, parent)...)
	}
	return out
}

// quietLevels are where an include that cannot be read is not reported:
// at the top and in http {}, includes name mime.types, the system's
// conf.d/*.conf..., and a file of the tree left unread there is linted
// on its own. In a server, location or if, an unread file may hold the
// location's add_header lines.
var quietLevels = []string{"", "main", "http", "events", "stream", "map", "types", "upstream"}

func (in *ngxIncluder) fail(d *ngxDirective, format string, a ...any) []*ngxDirective {
	if len(in.errs) < maxNginxIncludeErrors {
		in.errs = append(in.errs, &NginxError{d.File, d.Line, "include: " + fmt.Sprintf(format, a...)})
	}
	return nil
}

func (in *ngxIncluder) include(d *ngxDirective, parent string) []*ngxDirective {
	if len(d.Args) != 1 {
		return in.fail(d, "wants one file name")
	}
	if len(in.stack) > maxNginxIncludeDepth {
		return in.fail(d, "%s: includes nested deeper than %d, not read", d.Args[0], maxNginxIncludeDepth)
	}
	files, err := in.resolve(d.Args[0])
	if err != nil {
		if slices.Contains(quietLevels, parent) {
			return nil
		}
		return in.fail(d, "%v", err)
	}
	var out []*ngxDirective
	for _, f := range files {
		real, err := filepath.EvalSymlinks(f)
		if err != nil || !within(in.root, real) {
			return in.fail(d, "%s leads outside the linted tree (%s), not read", f, in.root)
		}
		if slices.Contains(in.stack, real) {
			return in.fail(d, "%s includes %s again (%s): a cycle, not read", d.File, d.Args[0], strings.Join(append(slices.Clone(in.stack), real), " -> "))
		}
		if len(in.read) >= maxNginxIncludeFiles {
			return in.fail(d, "more than %d included files, %s not read", maxNginxIncludeFiles, f)
		}
		data, err := os.ReadFile(f)
		if err != nil {
			return in.fail(d, "%v", err)
		}
		if len(data) > MaxFileSize {
			return in.fail(d, "%s is larger than %d bytes, not read", f, MaxFileSize)
		}
		in.read = append(in.read, real)
		ds, err := parseNginx(in.display(f), string(data))
		if err != nil {
			if e, ok := err.(*NginxError); ok && len(in.errs) < maxNginxIncludeErrors {
				in.errs = append(in.errs, e)
				continue
			}
			return in.fail(d, "%v", err)
		}
		in.stack = append(in.stack, real)
		out = append(out, in.expand(ds, parent)...)
		in.stack = in.stack[:len(in.stack)-1]
	}
	return out
}

// resolve returns the files an include names, absolute and sorted.
func (in *ngxIncluder) resolve(name string) ([]string, error) {
	if !filepath.IsAbs(name) {
		return in.relative(name, name)
	}
	if within(in.root, name) {
		return in.relative(name, strings.TrimPrefix(name, in.root+string(filepath.Separator)))
	}
	// A deployed path (/etc/nginx/snippets/cors.conf) of a file the
	// repository keeps beside its main file (snippets/cors.conf), as a
	// Dockerfile copies them: the path's tails are tried as relative
	// names, a glob's only with its folder (*.conf alone would match the
	// main file's neighbours).
	parts := strings.Split(filepath.ToSlash(filepath.Clean(name)), "/")[1:]
	glob := strings.ContainsAny(name, "*?[")
	for k := 1; k < len(parts); k++ {
		if glob && k == len(parts)-1 {
			break
		}
		if files, err := in.relative(name, filepath.Join(parts[k:]...)); err == nil && len(files) > 0 {
			return files, nil
		}
	}
	return nil, fmt.Errorf("%s is outside the linted tree (%s), not read", name, in.root)
}

// relative resolves rel as nginx resolves a relative name, against the
// main file's folder, and then, for a fragment whose main file is above
// it, the folders above within the tree.
func (in *ngxIncluder) relative(name, rel string) ([]string, error) {
	glob := strings.ContainsAny(rel, "*?[")
	for dir := in.prefix; ; dir = filepath.Dir(dir) {
		p := filepath.Join(dir, rel)
		if !within(in.root, p) {
			return nil, fmt.Errorf("%s is outside the linted tree (%s), not read", name, in.root)
		}
		if !glob {
			if _, err := os.Stat(p); err == nil {
				return []string{p}, nil
			}
		} else {
			matches, err := filepath.Glob(p)
			if err != nil {
				return nil, fmt.Errorf("%s: %v", name, err)
			}
			// glob(3) without GLOB_PERIOD skips dot files, Go's Glob does not.
			matches = slices.DeleteFunc(matches, func(m string) bool {
				return strings.HasPrefix(filepath.Base(m), ".") && !strings.HasPrefix(filepath.Base(rel), ".")
			})
			if len(matches) > 0 {
				slices.Sort(matches)
				return matches, nil
			}
		}
		if dir == in.root || !within(in.root, filepath.Dir(dir)) || filepath.Dir(dir) == dir {
			break
		}
	}
	if glob {
		return nil, nil // nginx: a glob that matches nothing is no error
	}
	return nil, fmt.Errorf("%s: no such file under %s", name, in.prefix)
}

// newIncluder prepares the includes of the main file file, reading
// nothing outside root ("" : the main file's folder).
func newIncluder(file, root string) *ngxIncluder {
	abs := func(p string) string {
		if a, err := filepath.Abs(p); err == nil {
			p = a
		}
		if r, err := filepath.EvalSymlinks(p); err == nil {
			p = r
		}
		return p
	}
	main := abs(file)
	in := &ngxIncluder{main: file, prefix: filepath.Dir(main), stack: []string{main}}
	in.root = in.prefix
	if root != "" {
		in.root = abs(root)
	}
	if !within(in.root, in.prefix) {
		in.root = in.prefix
	}
	return in
}

// display names an included file as the main file is named: relative to
// it when the main file's name is relative, so that findings point at the
// repository's paths.
func (in *ngxIncluder) display(f string) string {
	if filepath.IsAbs(in.main) {
		return f
	}
	rel, err := filepath.Rel(in.prefix, f)
	if err != nil {
		return f
	}
	return filepath.Join(filepath.Dir(in.main), rel)
}

// within reports whether p is root or below it.
func within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}
