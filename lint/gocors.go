package lint

import (
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"math"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/corskit/corskit/audit"
	"github.com/corskit/corskit/cors"
)

// corskit's own cors.Config literals, read with go/ast. The simulated
// server is no model here: it is cors.New with the literal's values, the
// middleware itself, so its findings are exactly what the service does.

const corsImport = "github.com/corskit/corskit/cors"

// InvalidConfig: a cors.Config that cors.New refuses (the service does
// not start).
const InvalidConfig = "invalid-config"

func sniffGoCORS(name string, head []byte) bool {
	// Test files are not deployed: their configurations (often unsafe on
	// purpose) are no finding.
	return strings.HasSuffix(name, ".go") && !strings.HasSuffix(name, "_test.go") && bytes.Contains(head, []byte(`"`+corsImport+`"`))
}

func readGoCORS(file string, data []byte) ([]*Unit, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, file, data, parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	local := ""
	for _, imp := range f.Imports {
		if p, _ := strconv.Unquote(imp.Path.Value); p == corsImport {
			local = "cors"
			if imp.Name != nil {
				local = imp.Name.Name
			}
		}
	}
	if local == "" || local == "_" {
		return nil, nil
	}
	var units []*Unit
	ast.Inspect(f, func(n ast.Node) bool {
		lit, ok := n.(*ast.CompositeLit)
		if !ok || len(units) >= 64 {
			return true
		}
		sel, ok := lit.Type.(*ast.SelectorExpr)
		if !ok || sel.Sel.Name != "Config" {
			return true
		}
		if id, ok := sel.X.(*ast.Ident); !ok || id.Name != local {
			return true
		}
		units = append(units, goCORSUnit(file, fset, lit))
		return true
	})
	return units, nil
}

func goCORSUnit(file string, fset *token.FileSet, lit *ast.CompositeLit) *Unit {
	line := fset.Position(lit.Pos()).Line
	u := &Unit{File: file, Line: line, Stack: "corskit", Name: "cors.Config", Path: "/", layer: "app"}
	cfg, lines, why := goConfig(fset, lit)
	if why != "" {
		u.Dynamic = "dynamic: " + why + ": not evaluated here; audit it live"
		u.note(NotEvaluated, 0, line, u.Dynamic, "")
		return u
	}
	mw, err := cors.New(cfg)
	if err != nil {
		l := line
		var ce *cors.ConfigError
		if errors.As(err, &ce) && lines[ce.Field] > 0 {
			l = lines[ce.Field]
		}
		u.note(InvalidConfig, audit.Info, l, err.Error()+": cors.New refuses it, so the service does not start.", "")
		return u
	}
	u.Origins = cfg.AllowedOrigins
	u.handler = mw.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	u.lineOf = func(string) int { return lines["AllowedOrigins"] }
	olines := map[string]int{}
	for _, o := range cfg.AllowedOrigins {
		olines[o] = lines["AllowedOrigins"]
	}
	u.checkDevOrigins(olines)
	return u
}

// goConfig evaluates the literal's fields; why names the first that is
// not a literal.
func goConfig(fset *token.FileSet, lit *ast.CompositeLit) (cors.Config, map[string]int, string) {
	var cfg cors.Config
	lines := map[string]int{}
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return cfg, nil, "a positional cors.Config literal"
		}
		key, ok := kv.Key.(*ast.Ident)
		if !ok {
			return cfg, nil, "a field name that is not an identifier"
		}
		lines[key.Name] = fset.Position(kv.Pos()).Line
		var ok2 bool
		switch key.Name {
		case "AllowedOrigins":
			cfg.AllowedOrigins, ok2 = goStrings(kv.Value)
		case "AllowedMethods":
			cfg.AllowedMethods, ok2 = goStrings(kv.Value)
		case "AllowedHeaders":
			cfg.AllowedHeaders, ok2 = goStrings(kv.Value)
		case "ExposedHeaders":
			cfg.ExposedHeaders, ok2 = goStrings(kv.Value)
		case "AllowCredentials":
			cfg.AllowCredentials, ok2 = goBool(kv.Value)
		case "DisablePreflightCache":
			cfg.DisablePreflightCache, ok2 = goBool(kv.Value)
		case "PreflightPassthrough":
			cfg.PreflightPassthrough, ok2 = goBool(kv.Value)
		case "UnsafeAllowAnyOriginWithCredentials":
			cfg.UnsafeAllowAnyOriginWithCredentials, ok2 = goBool(kv.Value)
		case "UnsafeAllowNullOrigin":
			cfg.UnsafeAllowNullOrigin, ok2 = goBool(kv.Value)
		case "UnsafeAllowInsecureOriginsWithCredentials":
			cfg.UnsafeAllowInsecureOriginsWithCredentials, ok2 = goBool(kv.Value)
		case "UnsafeAllowPublicSuffixWildcards":
			cfg.UnsafeAllowPublicSuffixWildcards, ok2 = goBool(kv.Value)
		case "PreflightStatus":
			var n int64
			n, ok2 = goInt(kv.Value)
			cfg.PreflightStatus = int(n)
		case "MaxAge":
			cfg.MaxAge, ok2 = goDuration(kv.Value)
		case "Logger", "OnReject":
			ok2 = true // logging and counting refusals change no answer (OnReject gets no ResponseWriter)
		default:
			if _, known := reflect.TypeFor[cors.Config]().FieldByName(key.Name); !known {
				return cfg, nil, "cors.Config has no field " + key.Name + " (the program does not build)"
			}
			return cfg, nil, key.Name + " is not evaluated here"
		}
		if !ok2 {
			return cfg, nil, key.Name + " is not a literal"
		}
	}
	return cfg, lines, ""
}

func goStrings(e ast.Expr) ([]string, bool) {
	lit, ok := e.(*ast.CompositeLit)
	if !ok {
		return nil, false
	}
	if at, ok := lit.Type.(*ast.ArrayType); !ok || at.Len != nil {
		return nil, false
	}
	var out []string
	for _, el := range lit.Elts {
		s, ok := goString(el)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

// goString evaluates a string literal or net/http's method constants.
func goString(e ast.Expr) (string, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(x.Value)
		return s, err == nil
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "http" {
			if m, ok := strings.CutPrefix(x.Sel.Name, "Method"); ok && m != "" {
				return strings.ToUpper(m), true
			}
		}
	}
	return "", false
}

func goBool(e ast.Expr) (bool, bool) {
	id, ok := e.(*ast.Ident)
	if !ok || (id.Name != "true" && id.Name != "false") {
		return false, false
	}
	return id.Name == "true", true
}

func goInt(e ast.Expr) (int64, bool) {
	switch x := e.(type) {
	case *ast.BasicLit:
		if x.Kind != token.INT {
			return 0, false
		}
		n, err := strconv.ParseInt(x.Value, 0, 64)
		return n, err == nil
	case *ast.SelectorExpr: // http.StatusNoContent and friends
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "http" {
			codes := map[string]int64{"StatusOK": 200, "StatusNoContent": 204}
			n, ok := codes[x.Sel.Name]
			return n, ok
		}
	}
	return 0, false
}

var goDurations = map[string]time.Duration{"Nanosecond": time.Nanosecond, "Microsecond": time.Microsecond,
	"Millisecond": time.Millisecond, "Second": time.Second, "Minute": time.Minute, "Hour": time.Hour}

// goDuration evaluates N * time.Unit, time.Unit, or an integer.
func goDuration(e ast.Expr) (time.Duration, bool) {
	switch x := e.(type) {
	case *ast.SelectorExpr:
		if id, ok := x.X.(*ast.Ident); ok && id.Name == "time" {
			d, ok := goDurations[x.Sel.Name]
			return d, ok
		}
	case *ast.BinaryExpr:
		if x.Op != token.MUL {
			return 0, false
		}
		a, okA := goDuration(x.X)
		b, okB := goDuration(x.Y)
		if okA && okB && a <= 1<<40 && b <= 1<<40 {
			return a * b, true
		}
	case *ast.BasicLit:
		if x.Kind == token.FLOAT { // 600e9: an untyped constant with an integer value
			f, err := strconv.ParseFloat(x.Value, 64)
			if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<62 {
				return 0, false
			}
			return time.Duration(f), true
		}
		n, ok := goInt(x)
		return time.Duration(n), ok
	case *ast.ParenExpr:
		return goDuration(x.X)
	}
	return 0, false
}
