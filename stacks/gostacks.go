package stacks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
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

// goField writes one `Name: value,` line of a composite literal, or
// nothing when the value is empty.
func goField(name, value string) string {
	if value == "" || value == "[]string{}" || value == "false" || value == "0" {
		return ""
	}
	return "\t\t" + name + ": " + value + ","
}

func goStrings(vals []string) string { return "[]string{" + quoted(vals) + "}" }

func renderCorskit(p Policy) string {
	imports := []string{"github.com/corskit/corskit/cors"}
	maxAge := ""
	if p.MaxAge > 0 {
		imports = append(imports, "time")
		maxAge = strconv.Itoa(p.MaxAge) + " * time.Second"
	}
	return goProgram(imports, lines(
		"\tmw, err := cors.New(cors.Config{",
		goField("AllowedOrigins", goStrings(p.Origins)),
		goField("AllowedMethods", goStrings(p.Methods)),
		goField("AllowedHeaders", goStrings(p.Headers)),
		goField("ExposedHeaders", goStrings(p.Exposed)),
		goField("AllowCredentials", strconv.FormatBool(p.Credentials)),
		goField("MaxAge", maxAge),
		"\t})",
		"\tif err != nil {",
		"\t\tlog.Fatal(err) // a typed error naming the field and the value",
		"\t}",
		"\thandler := mw.Wrap(api)",
	))
}

func renderRSCors(p Policy) string {
	return goProgram([]string{"github.com/rs/cors"}, lines(
		"\tc := cors.New(cors.Options{",
		goField("AllowedOrigins", goStrings(p.Origins)),
		goField("AllowedMethods", goStrings(p.methods())),
		goField("AllowedHeaders", goStrings(p.Headers)),
		goField("ExposedHeaders", goStrings(p.Exposed)),
		goField("AllowCredentials", strconv.FormatBool(p.Credentials)),
		goField("MaxAge", strconv.Itoa(p.MaxAge)),
		"\t})",
		"\thandler := c.Handler(api)",
	))
}

func renderJub0bs(p Policy) string {
	return goProgram([]string{"github.com/jub0bs/cors"}, lines(
		"\tmw, err := cors.NewMiddleware(cors.Config{",
		goField("Origins", goStrings(p.Origins)),
		goField("Credentialed", strconv.FormatBool(p.Credentials)),
		goField("Methods", goStrings(p.Methods)),
		goField("RequestHeaders", goStrings(p.Headers)),
		goField("MaxAgeInSeconds", strconv.Itoa(p.MaxAge)),
		goField("ResponseHeaders", goStrings(p.Exposed)),
		"\t})",
		"\tif err != nil {",
		"\t\tlog.Fatal(err)",
		"\t}",
		"\thandler := mw.Wrap(api)",
	))
}

func renderChi(p Policy) string {
	return goProgram([]string{"github.com/go-chi/cors"}, lines(
		"\t// cors.Handler works with chi's router and any other net/http one.",
		"\thandler := cors.Handler(cors.Options{",
		goField("AllowedOrigins", goStrings(p.Origins)),
		goField("AllowedMethods", goStrings(p.methods())),
		goField("AllowedHeaders", goStrings(p.Headers)),
		goField("ExposedHeaders", goStrings(p.Exposed)),
		goField("AllowCredentials", strconv.FormatBool(p.Credentials)),
		goField("MaxAge", strconv.Itoa(p.MaxAge)),
		"\t})(api)",
	))
}

func renderGorilla(p Policy) string {
	imports := []string{"github.com/gorilla/handlers"}
	opts := []string{}
	if len(p.patterns()) > 0 {
		// AllowedOrigins has no patterns; a validator replaces the list.
		imports = append(imports, "regexp")
		opts = append(opts, "\t\thandlers.AllowedOriginValidator(regexp.MustCompile("+goRaw(originsRegexp(p))+").MatchString),")
	} else {
		opts = append(opts, "\t\thandlers.AllowedOrigins("+goStrings(p.Origins)+"),")
	}
	opts = append(opts, "\t\thandlers.AllowedMethods("+goStrings(p.methods())+"),")
	if len(p.Headers) > 0 {
		opts = append(opts, "\t\thandlers.AllowedHeaders("+goStrings(p.Headers)+"),")
	}
	if len(p.Exposed) > 0 {
		opts = append(opts, "\t\thandlers.ExposedHeaders("+goStrings(p.Exposed)+"),")
	}
	if p.Credentials {
		opts = append(opts, "\t\thandlers.AllowCredentials(),")
	}
	if p.MaxAge > 0 {
		opts = append(opts, "\t\thandlers.MaxAge("+strconv.Itoa(p.MaxAge)+"),")
	}
	return goProgram(imports, lines(
		"\thandler := handlers.CORS(",
		strings.Join(opts, "\n"),
		"\t)(api)",
	))
}

func renderGin(p Policy) string {
	maxAge := ""
	imports := `	"github.com/gin-contrib/cors"
	"github.com/gin-gonic/gin"`
	if p.MaxAge > 0 {
		maxAge = strconv.Itoa(p.MaxAge) + " * time.Second"
		imports = "\t\"time\"\n\n" + imports
	}
	origins := goField("AllowOrigins", goStrings(p.Origins))
	if p.anyOrigin() {
		origins = goField("AllowAllOrigins", "true")
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
		goField("AllowWildcard", strconv.FormatBool(len(p.patterns()) > 0)),
		goField("AllowMethods", goStrings(p.methods())),
		goField("AllowHeaders", goStrings(p.Headers)),
		goField("ExposeHeaders", goStrings(p.Exposed)),
		goField("AllowCredentials", strconv.FormatBool(p.Credentials)),
		goField("MaxAge", maxAge),
	), ListenPort)
}

func renderEcho(p Policy) string {
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
		goField("AllowOrigins", goStrings(p.Origins)),
		goField("AllowMethods", goStrings(p.methods())),
		goField("AllowHeaders", goStrings(p.Headers)),
		goField("ExposeHeaders", goStrings(p.Exposed)),
		goField("AllowCredentials", strconv.FormatBool(p.Credentials)),
		goField("MaxAge", strconv.Itoa(p.MaxAge)),
	), ListenPort)
}
