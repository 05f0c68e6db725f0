package stacks

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/corskit/corskit/origin"
)

// goProgram is a complete net/http program: imports, the CORS middleware
// built by body (which defines handler from api), and the listener.
func goProgram(imports []string, body string) string {
	imports = append(imports, "io", "log", "net/http")
	slices.Sort(imports)
	imports = slices.Compact(imports)
	var std, ext []string
	for _, i := range imports {
		if strings.Contains(i, ".") {
			ext = append(ext, "\t"+strconv.Quote(i))
		} else {
			std = append(std, "\t"+strconv.Quote(i))
		}
	}
	imp := strings.Join(std, "\n")
	if len(ext) > 0 {
		imp += "\n\n" + strings.Join(ext, "\n")
	}
	return fmt.Sprintf(`package main

import (
%s
)

func main() {
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "ok\n") // your application
	})
%s
	log.Fatal(http.ListenAndServe(":%s", handler))
}
`, imp, body, ListenPort)
}

// goField writes one `Name: value,` line of a composite literal for
// field f, or nothing when the value is empty, or the keep-yours comment
// when f is kept.
func goField(v view, f Field, name, value string) string {
	empty := value == "" || value == "[]string{}" || value == "false" || value == "0"
	return v.set(f, !empty, "\t\t"+name+": "+value+",")
}

func goStrings(vals []string) string { return "[]string{" + quoted(vals) + "}" }

// goMaxAge is a time.Duration max-age, and the import it needs.
func goMaxAge(v view, imports []string) (string, []string) {
	if !v.shows(FieldMaxAge) || v.MaxAge == 0 {
		return "", imports
	}
	return strconv.Itoa(v.MaxAge) + " * time.Second", append(imports, "time")
}

func renderCorskit(v view) string {
	maxAge, imports := goMaxAge(v, []string{"github.com/corskit/corskit/cors"})
	return goProgram(imports, lines(
		"\tmw, err := cors.New(cors.Config{",
		goField(v, FieldOrigins, "AllowedOrigins", goStrings(v.Origins)),
		goField(v, FieldMethods, "AllowedMethods", goStrings(v.Methods)),
		goField(v, FieldHeaders, "AllowedHeaders", goStrings(v.Headers)),
		goField(v, FieldExposed, "ExposedHeaders", goStrings(v.Exposed)),
		goField(v, FieldCredentials, "AllowCredentials", strconv.FormatBool(v.Credentials)),
		goField(v, FieldMaxAge, "MaxAge", maxAge),
		iff(v.insecureWithCredentials(), "\t\t// A plain-http origin with credentials: cors.New asks for this (better, serve it over https).\n\t\tUnsafeAllowInsecureOriginsWithCredentials: true,"),
		"\t})",
		"\tif err != nil {",
		"\t\tlog.Fatal(err) // a typed error naming the field and the value",
		"\t}",
		"\thandler := mw.Wrap(api)",
	))
}

func renderRSCors(v view) string {
	return goProgram([]string{"github.com/rs/cors"}, lines(
		"\tc := cors.New(cors.Options{",
		goField(v, FieldOrigins, "AllowedOrigins", goStrings(v.Origins)),
		goField(v, FieldMethods, "AllowedMethods", goStrings(v.methods())),
		goField(v, FieldHeaders, "AllowedHeaders", goStrings(v.Headers)),
		goField(v, FieldExposed, "ExposedHeaders", goStrings(v.Exposed)),
		goField(v, FieldCredentials, "AllowCredentials", strconv.FormatBool(v.Credentials)),
		goField(v, FieldMaxAge, "MaxAge", strconv.Itoa(v.MaxAge)),
		"\t})",
		"\thandler := c.Handler(api)",
	))
}

func renderJub0bs(v view) string {
	return goProgram([]string{"github.com/jub0bs/cors"}, lines(
		"\tmw, err := cors.NewMiddleware(cors.Config{",
		goField(v, FieldOrigins, "Origins", goStrings(v.Origins)),
		goField(v, FieldCredentials, "Credentialed", strconv.FormatBool(v.Credentials)),
		goField(v, FieldMethods, "Methods", goStrings(v.Methods)),
		goField(v, FieldHeaders, "RequestHeaders", goStrings(v.Headers)),
		goField(v, FieldMaxAge, "MaxAgeInSeconds", strconv.Itoa(v.MaxAge)),
		goField(v, FieldExposed, "ResponseHeaders", goStrings(v.Exposed)),
		"\t})",
		"\tif err != nil {",
		"\t\tlog.Fatal(err)",
		"\t}",
		"\thandler := mw.Wrap(api)",
	))
}

func renderChi(v view) string {
	return goProgram([]string{"github.com/go-chi/cors"}, lines(
		"\t// cors.Handler works with chi's router and any other net/http one.",
		"\thandler := cors.Handler(cors.Options{",
		goField(v, FieldOrigins, "AllowedOrigins", goStrings(v.Origins)),
		goField(v, FieldMethods, "AllowedMethods", goStrings(v.methods())),
		goField(v, FieldHeaders, "AllowedHeaders", goStrings(v.Headers)),
		goField(v, FieldExposed, "ExposedHeaders", goStrings(v.Exposed)),
		goField(v, FieldCredentials, "AllowCredentials", strconv.FormatBool(v.Credentials)),
		goField(v, FieldMaxAge, "MaxAge", strconv.Itoa(v.MaxAge)),
		"\t})(api)",
	))
}

func renderGorilla(v view) string {
	imports := []string{"github.com/gorilla/handlers"}
	origins := "\t\thandlers.AllowedOrigins(" + goStrings(v.Origins) + "),"
	if v.shows(FieldOrigins) && len(v.patterns()) > 0 {
		// AllowedOrigins has no patterns; a validator replaces the list.
		imports = append(imports, "regexp")
		origins = "\t\thandlers.AllowedOriginValidator(regexp.MustCompile(" + goRaw(originsRegexp(v.Policy)) + ").MatchString),"
	}
	return goProgram(imports, lines(
		"\thandler := handlers.CORS(",
		v.set(FieldOrigins, true, origins),
		v.set(FieldMethods, true, "\t\thandlers.AllowedMethods("+goStrings(v.methods())+"),"),
		v.set(FieldHeaders, len(v.Headers) > 0, "\t\thandlers.AllowedHeaders("+goStrings(v.Headers)+"),"),
		v.set(FieldExposed, len(v.Exposed) > 0, "\t\thandlers.ExposedHeaders("+goStrings(v.Exposed)+"),"),
		v.set(FieldCredentials, v.Credentials, "\t\thandlers.AllowCredentials(),"),
		v.set(FieldMaxAge, v.MaxAge > 0, "\t\thandlers.MaxAge("+strconv.Itoa(v.MaxAge)+"),"),
		"\t)(api)",
	))
}

func renderGin(v view) string {
	maxAge, imps := goMaxAge(v, nil)
	imports := `	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"`
	if len(imps) > 0 {
		imports = "\t\"time\"\n\n" + imports
	}
	origins := goField(v, FieldOrigins, "AllowOrigins", goStrings(v.Origins))
	if v.shows(FieldOrigins) && v.anyOrigin() {
		origins = goField(v, FieldOrigins, "AllowAllOrigins", "true")
	}
	return fmt.Sprintf(`package main

import (
%s
)

func main() {
	r := gin.New()
	r.Use(cors.New(cors.Config{
%s
	}))
	r.NoRoute(func(c *gin.Context) { c.String(200, "ok\n") }) // your routes
	r.Run(":%s")
}
`, imports, lines(
		origins,
		iff(v.shows(FieldOrigins), goField(v, FieldOrigins, "AllowWildcard", strconv.FormatBool(len(v.patterns()) > 0))),
		goField(v, FieldMethods, "AllowMethods", goStrings(v.methods())),
		goField(v, FieldHeaders, "AllowHeaders", goStrings(v.Headers)),
		goField(v, FieldExposed, "ExposeHeaders", goStrings(v.Exposed)),
		goField(v, FieldCredentials, "AllowCredentials", strconv.FormatBool(v.Credentials)),
		goField(v, FieldMaxAge, "MaxAge", maxAge),
	), ListenPort)
}

func renderEcho(v view) string {
	return fmt.Sprintf(`package main

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

func main() {
	e := echo.New()
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
%s
	}))
	e.Any("/*", func(c echo.Context) error { return c.String(http.StatusOK, "ok\n") }) // your routes
	e.Logger.Fatal(e.Start(":%s"))
}
`, lines(
		goField(v, FieldOrigins, "AllowOrigins", goStrings(v.Origins)),
		goField(v, FieldMethods, "AllowMethods", goStrings(v.methods())),
		goField(v, FieldHeaders, "AllowHeaders", goStrings(v.Headers)),
		goField(v, FieldExposed, "ExposeHeaders", goStrings(v.Exposed)),
		goField(v, FieldCredentials, "AllowCredentials", strconv.FormatBool(v.Credentials)),
		goField(v, FieldMaxAge, "MaxAge", strconv.Itoa(v.MaxAge)),
	), ListenPort)
}

// insecureWithCredentials reports whether v allows credentials for an
// origin on plain http that is not loopback (written, or to be added to
// a kept list): cors.New refuses that unless told.
func (v view) insecureWithCredentials() bool {
	if !v.Credentials {
		return false
	}
	origins := v.keep[FieldOrigins]
	if v.shows(FieldOrigins) {
		origins = v.Origins
	}
	for _, o := range origins {
		u, err := url.Parse(strings.Replace(o, "*.", "", 1))
		if err == nil && u.Scheme == "http" && !origin.IsLoopbackHost(u.Hostname()) {
			return true
		}
	}
	return false
}
