package stacks

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// jsOptions writes the options object that Express's cors and
// @fastify/cors share.
func jsOptions(v view) string {
	return lines(
		v.set(FieldOrigins, true, "  origin: "+jsOrigins(v.Policy)+","),
		v.set(FieldMethods, true, "  methods: ["+quoted(v.methods())+"],"),
		v.set(FieldHeaders, len(v.Headers) > 0, "  allowedHeaders: ["+quoted(v.Headers)+"],"),
		v.set(FieldExposed, len(v.Exposed) > 0, "  exposedHeaders: ["+quoted(v.Exposed)+"],"),
		v.set(FieldCredentials, v.Credentials, "  credentials: true,"),
		v.set(FieldMaxAge, v.MaxAge > 0, "  maxAge: "+strconv.Itoa(v.MaxAge)+","),
	)
}

func renderExpress(v view) string {
	return fmt.Sprintf(`const express = require('express');
const cors = require('cors');

const app = express();
// Before every route, so that it answers preflights itself.
app.use(cors({
%s
}));
app.use((req, res) => res.type('text/plain').send('ok\n')); // your routes
app.listen(%s, '127.0.0.1');
`, jsOptions(v), ListenPort)
}

func renderFastify(v view) string {
	return fmt.Sprintf(`const fastify = require('fastify')();

fastify.register(require('@fastify/cors'), {
%s
});
fastify.route({ // your routes
  method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
  url: '/*',
  handler: async (request, reply) => { reply.type('text/plain'); return 'ok\n'; },
});
fastify.listen({ port: %s, host: '127.0.0.1' });
`, jsOptions(v), ListenPort)
}

// pyOrigins returns the list of exact origins and one regular expression
// for the patterns ("" when there are none).
func pyPatterns(p Policy) string {
	pats := p.patterns()
	if len(pats) == 0 {
		return ""
	}
	var alts []string
	for _, pat := range pats {
		r := patternRegexp(pat)
		alts = append(alts, r[1:len(r)-1])
	}
	return "^(" + strings.Join(alts, "|") + ")$"
}

func renderDjango(v view) string {
	p := v.Policy
	origins := ""
	switch {
	case !v.shows(FieldOrigins):
		origins = v.set(FieldOrigins, true, "")
	case p.anyOrigin():
		origins = "CORS_ALLOW_ALL_ORIGINS = True"
	default:
		origins = lines(
			iff(len(p.exact()) > 0, "CORS_ALLOWED_ORIGINS = ["+quoted(p.exact())+"]"),
			iff(len(p.patterns()) > 0, "CORS_ALLOWED_ORIGIN_REGEXES = ["+pyRaw(pyPatterns(p))+"]"),
		)
	}
	return lines(
		"# settings.py",
		"INSTALLED_APPS = [",
		"    # ...",
		`    "corsheaders",`,
		"]",
		"MIDDLEWARE = [",
		"    # As high as possible: before any middleware that can answer by itself.",
		`    "corsheaders.middleware.CorsMiddleware",`,
		`    "django.middleware.common.CommonMiddleware",`,
		"    # ...",
		"]",
		origins,
		v.set(FieldMethods, true, "CORS_ALLOW_METHODS = ["+quoted(p.methods())+"]"),
		v.set(FieldHeaders, len(p.Headers) > 0, "CORS_ALLOW_HEADERS = ["+quoted(p.Headers)+"]"),
		v.set(FieldExposed, len(p.Exposed) > 0, "CORS_EXPOSE_HEADERS = ["+quoted(p.Exposed)+"]"),
		v.set(FieldCredentials, p.Credentials, "CORS_ALLOW_CREDENTIALS = True"),
		v.set(FieldMaxAge, p.MaxAge > 0, "CORS_PREFLIGHT_MAX_AGE = "+strconv.Itoa(p.MaxAge)),
	) + "\n"
}

func renderStarlette(v view) string {
	p := v.Policy
	origins := "[" + quoted(p.exact()) + "]"
	if p.anyOrigin() {
		origins = `["*"]`
	}
	args := lines(
		v.set(FieldOrigins, true, "            allow_origins="+origins+","),
		iff(v.shows(FieldOrigins) && len(p.patterns()) > 0, "            allow_origin_regex="+pyRaw(pyPatterns(p))+","),
		v.set(FieldMethods, true, "            allow_methods=["+quoted(p.methods())+"],"),
		v.set(FieldHeaders, len(p.Headers) > 0, "            allow_headers=["+quoted(p.Headers)+"],"),
		v.set(FieldExposed, len(p.Exposed) > 0, "            expose_headers=["+quoted(p.Exposed)+"],"),
		v.set(FieldCredentials, p.Credentials, "            allow_credentials=True,"),
		v.set(FieldMaxAge, p.MaxAge > 0, "            max_age="+strconv.Itoa(p.MaxAge)+","),
	)
	return fmt.Sprintf(`# FastAPI: app.add_middleware(CORSMiddleware, ...) with the same arguments.
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import PlainTextResponse
from starlette.routing import Route


async def ok(request):  # your application
    return PlainTextResponse("ok\n")


app = Starlette(
    routes=[Route("/{path:path}", ok, methods=[%s])],
    middleware=[
        Middleware(
            CORSMiddleware,
%s
        )
    ],
)

if __name__ == "__main__":
    import uvicorn

    uvicorn.run(app, host="127.0.0.1", port=%s)
`, quoted(routeMethods(v)), args, ListenPort)
}

// routeMethods are the methods the snippets' placeholder routes accept:
// the usual ones, and the policy's others when the snippet shows them,
// without OPTIONS, which the CORS layers answer.
func routeMethods(v view) []string {
	out := []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
	if !v.shows(FieldMethods) {
		return out
	}
	for _, m := range v.Methods {
		if m != "OPTIONS" && m != "HEAD" && m != "*" && !slices.Contains(out, m) {
			out = append(out, m)
		}
	}
	return out
}

func renderFlask(v view) string {
	p := v.Policy
	origins := "[" + quoted(p.exact())
	if pats := pyPatterns(p); pats != "" {
		if len(p.exact()) > 0 {
			origins += ", "
		}
		origins += pyRaw(pats)
	}
	origins += "]"
	if p.anyOrigin() {
		origins = `"*"`
	}
	args := lines(
		v.set(FieldOrigins, true, "    origins="+origins+","),
		v.set(FieldMethods, true, "    methods=["+quoted(p.methods())+"],"),
		v.set(FieldHeaders, len(p.Headers) > 0, "    allow_headers=["+quoted(p.Headers)+"],"),
		v.set(FieldExposed, len(p.Exposed) > 0, "    expose_headers=["+quoted(p.Exposed)+"],"),
		v.set(FieldCredentials, p.Credentials, "    supports_credentials=True,"),
		v.set(FieldMaxAge, p.MaxAge > 0, "    max_age="+strconv.Itoa(p.MaxAge)+","),
	)
	return fmt.Sprintf(`from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(
    app,
%s
)


@app.route("/", defaults={"path": ""}, methods=[%[2]s])
@app.route("/<path:path>", methods=[%[2]s])
def ok(path):  # your application
    return "ok\n"


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=%[3]s)
`, args, quoted(routeMethods(v)), ListenPort)
}

func renderNginx(v view) string {
	p := v.Policy
	var b strings.Builder
	acao := `"*"`
	vary := ""
	if !v.shows(FieldOrigins) || !p.anyOrigin() {
		acao = "$cors_origin"
		vary = "        add_header Vary Origin always;\n"
		b.WriteString("# http {} context: the allowed origins, reflected; anything else gets no header.\n")
		b.WriteString("map $http_origin $cors_origin {\n    default \"\";\n")
		if !v.shows(FieldOrigins) {
			b.WriteString(v.kept(FieldOrigins, "    ") + "\n")
		} else {
			for _, o := range p.exact() {
				fmt.Fprintf(&b, "    %s $http_origin;\n", strconv.Quote(o))
			}
			for _, pat := range p.patterns() {
				fmt.Fprintf(&b, "    \"~%s\" $http_origin;\n", patternRegexp(pat))
			}
		}
		b.WriteString("}\n\n")
	}
	common := lines(
		"add_header Access-Control-Allow-Origin "+acao+" always;",
		v.set(FieldCredentials, p.Credentials, "add_header Access-Control-Allow-Credentials true always;"),
	)
	indent := func(s, pad string) string {
		if s == "" {
			return ""
		}
		return pad + strings.ReplaceAll(s, "\n", "\n"+pad)
	}
	pre := lines(
		common,
		v.set(FieldMethods, true, "add_header Access-Control-Allow-Methods "+strconv.Quote(headerList(p.methods()))+" always;"),
		v.set(FieldHeaders, len(p.Headers) > 0, "add_header Access-Control-Allow-Headers "+strconv.Quote(headerList(p.Headers))+" always;"),
		v.set(FieldMaxAge, p.MaxAge > 0, "add_header Access-Control-Max-Age "+strconv.Itoa(p.MaxAge)+" always;"),
		iff(acao != `"*"`, "add_header Vary Origin always;"),
	)
	actual := lines(
		common,
		v.set(FieldExposed, len(p.Exposed) > 0, "add_header Access-Control-Expose-Headers "+strconv.Quote(headerList(p.Exposed))+" always;"),
	)
	fmt.Fprintf(&b, `server {
    listen %s;
    location / {
        # add_header in this if {} replaces every add_header of the
        # location: the preflight's headers are all repeated here.
        if ($request_method = OPTIONS) {
%s
            return 204;
        }
%s
%s        proxy_pass http://%s;
    }
}
`, ListenPort, indent(pre, "            "), indent(actual, "        "), vary, Upstream)
	return b.String()
}

func renderApache(v view) string {
	p := v.Policy
	cond := ""
	acao := `"*"`
	setenv := ""
	if !v.shows(FieldOrigins) || !p.anyOrigin() {
		cond = " env=CORS_ORIGIN"
		// expr=: mod_headers' own %{...} formats have no request headers.
		acao = `"expr=%{req:Origin}"`
		setenv = v.set(FieldOrigins, true, "    SetEnvIf Origin \""+originsRegexp(p)+"\" CORS_ORIGIN") + "\n"
	}
	h := func(name, value string) string {
		return "    Header always set " + name + " " + value + cond
	}
	list := func(vals []string) string { return `"` + headerList(v.esc(vals)) + `"` }
	return fmt.Sprintf(`# Modules: headers, setenvif, rewrite, proxy, proxy_http (a2enmod headers setenvif rewrite proxy_http)
<VirtualHost *:%s>
%s%s
    # merge, not set: keeps the Vary values the application sends.
    Header always merge Vary Origin
    # Preflights are answered here, 204, and never reach the application.
    RewriteEngine On
    RewriteCond %%{REQUEST_METHOD} =OPTIONS
    RewriteCond %%{HTTP:Access-Control-Request-Method} !=""
    RewriteRule ^ - [R=204,L]
    ProxyPass / http://%s/
</VirtualHost>
`, ListenPort, setenv, lines(
		h("Access-Control-Allow-Origin", acao),
		v.set(FieldCredentials, p.Credentials, h("Access-Control-Allow-Credentials", `"true"`)),
		v.set(FieldMethods, true, h("Access-Control-Allow-Methods", list(p.methods()))),
		v.set(FieldHeaders, len(p.Headers) > 0, h("Access-Control-Allow-Headers", list(p.Headers))),
		v.set(FieldExposed, len(p.Exposed) > 0, h("Access-Control-Expose-Headers", list(p.Exposed))),
		v.set(FieldMaxAge, p.MaxAge > 0, h("Access-Control-Max-Age", `"`+strconv.Itoa(p.MaxAge)+`"`)),
	), Upstream)
}

func renderCaddy(v view) string {
	p := v.Policy
	match := "\t@cors header Origin *\n"
	acao := "*"
	if !v.shows(FieldOrigins) || !p.anyOrigin() {
		match = v.set(FieldOrigins, true, "\t@cors header_regexp Origin "+originsRegexp(p)) + "\n"
		acao = "{http.request.header.Origin}"
	}
	preMatch := "\t@preflight {\n\t\tmethod OPTIONS\n\t\theader Access-Control-Request-Method *\n\t}\n"
	ind := func(s string) string { return "\t\t" + strings.ReplaceAll(s, "\n", "\n\t\t") }
	return fmt.Sprintf(`:%s {
%s%s	header @cors {
%s
	}
	header @preflight {
%s
	}
%s	respond @preflight 204
	reverse_proxy %s
}
`, ListenPort, match, preMatch, ind(lines(
		"Access-Control-Allow-Origin "+acao,
		v.set(FieldCredentials, p.Credentials, "Access-Control-Allow-Credentials true"),
		v.set(FieldExposed, len(p.Exposed) > 0, "Access-Control-Expose-Headers "+strconv.Quote(headerList(p.Exposed))),
	)), ind(lines(
		v.set(FieldMethods, true, "Access-Control-Allow-Methods "+strconv.Quote(headerList(p.methods()))),
		v.set(FieldHeaders, len(p.Headers) > 0, "Access-Control-Allow-Headers "+strconv.Quote(headerList(p.Headers))),
		v.set(FieldMaxAge, p.MaxAge > 0, "Access-Control-Max-Age "+strconv.Itoa(p.MaxAge)),
	)), iff(acao != "*", "\theader +Vary Origin\n"), Upstream)
}

func renderSpring(v view) string {
	p := v.Policy
	origins := iff(len(p.exact()) > 0, "                .allowedOrigins("+quoted(p.exact())+")")
	if p.anyOrigin() {
		origins = `                .allowedOrigins("*")`
	}
	if !v.shows(FieldOrigins) {
		origins = v.kept(FieldOrigins, "                ")
	}
	// The chain's ";" stands on its own line: the last line may be a
	// "keep yours" comment, which would swallow it.
	return fmt.Sprintf(`// Or per controller: @CrossOrigin(origins = ..., originPatterns = ..., methods = ...,
// allowedHeaders = ..., exposedHeaders = ..., allowCredentials = "true", maxAge = ...)
@Configuration
public class CorsConfig implements WebMvcConfigurer {
    @Override
    public void addCorsMappings(CorsRegistry registry) {
        registry.addMapping("/**")
%s
                ;
    }
}
`, lines(
		origins,
		iff(v.shows(FieldOrigins) && len(p.patterns()) > 0, "                .allowedOriginPatterns("+quoted(p.patterns())+")"),
		v.set(FieldMethods, true, "                .allowedMethods("+quoted(p.methods())+")"),
		v.set(FieldHeaders, len(p.Headers) > 0, "                .allowedHeaders("+quoted(p.Headers)+")"),
		v.set(FieldExposed, len(p.Exposed) > 0, "                .exposedHeaders("+quoted(p.Exposed)+")"),
		v.set(FieldCredentials, p.Credentials, "                .allowCredentials(true)"),
		v.set(FieldMaxAge, p.MaxAge > 0, "                .maxAge("+strconv.Itoa(p.MaxAge)+")"),
	))
}

func renderASPNet(v view) string {
	p := v.Policy
	origins := "        .WithOrigins(" + quoted(p.Origins) + ")"
	if p.anyOrigin() {
		origins = "        .AllowAnyOrigin()"
	}
	// "));" stands on its own line: the last line may be a "keep yours"
	// comment, which would swallow it.
	return fmt.Sprintf(`// Program.cs
builder.Services.AddCors(options => options.AddPolicy("api", policy => policy
%s
));

var app = builder.Build();
app.UseRouting();
app.UseCors("api"); // after UseRouting, before UseAuthentication/UseAuthorization
`, lines(
		v.set(FieldOrigins, true, origins),
		iff(v.shows(FieldOrigins) && len(p.patterns()) > 0, "        .SetIsOriginAllowedToAllowWildcardSubdomains()"),
		v.set(FieldMethods, true, "        .WithMethods("+quoted(p.methods())+")"),
		v.set(FieldHeaders, len(p.Headers) > 0, "        .WithHeaders("+quoted(p.Headers)+")"),
		v.set(FieldExposed, len(p.Exposed) > 0, "        .WithExposedHeaders("+quoted(p.Exposed)+")"),
		v.set(FieldCredentials, p.Credentials, "        .AllowCredentials()"),
		v.set(FieldMaxAge, p.MaxAge > 0, "        .SetPreflightMaxAge(TimeSpan.FromSeconds("+strconv.Itoa(p.MaxAge)+"))"),
	))
}

// jsonList writes a JSON array of strings.
func jsonList(vals []string) string { return "[" + quoted(vals) + "]" }

// JSON has no comments: a setting the answers did not show is left out
// (v.set writes nothing), and the change's Unseen names it.
func renderS3(v view) string {
	p := v.Policy
	return "[\n  {\n" + lines(
		v.set(FieldOrigins, true, "    \"AllowedOrigins\": "+jsonList(p.Origins)+","),
		v.set(FieldMethods, true, "    \"AllowedMethods\": "+jsonList(s3Methods(p))+","),
		v.set(FieldHeaders, len(p.Headers) > 0, "    \"AllowedHeaders\": "+jsonList(p.Headers)+","),
		v.set(FieldExposed, len(p.Exposed) > 0, "    \"ExposeHeaders\": "+jsonList(p.Exposed)+","),
		v.set(FieldMaxAge, p.MaxAge > 0, "    \"MaxAgeSeconds\": "+strconv.Itoa(p.MaxAge)+","),
	)
}

// renderS3Rules writes S3's rules, in order, as the console's JSON (the
// rules alone).
func renderS3Rules(_ string, vs []view) string {
	rules := make([]string, len(vs))
	for i, v := range vs {
		rules[i] = strings.TrimSuffix(strings.TrimPrefix(renderS3(v), "[\n"), ",") + "\n  }"
	}
	return "[\n" + strings.Join(rules, ",\n") + "\n]\n"
}

// renderS3XML writes S3's rules, in order, as PutBucketCors's XML.
func renderS3XML(_ string, vs []view) string {
	var rules []string
	for _, v := range vs {
		p := v.Policy
		el := func(f Field, cond bool, tag string, vals []string) string {
			var ls []string
			for _, x := range v.esc(vals) {
				ls = append(ls, "    <"+tag+">"+x+"</"+tag+">")
			}
			return v.set(f, cond, strings.Join(ls, "\n"))
		}
		rules = append(rules, lines("  <CORSRule>",
			el(FieldOrigins, true, "AllowedOrigin", p.Origins),
			el(FieldMethods, true, "AllowedMethod", s3Methods(p)),
			el(FieldHeaders, len(p.Headers) > 0, "AllowedHeader", p.Headers),
			el(FieldExposed, len(p.Exposed) > 0, "ExposeHeader", p.Exposed),
			v.set(FieldMaxAge, p.MaxAge > 0, "    <MaxAgeSeconds>"+strconv.Itoa(p.MaxAge)+"</MaxAgeSeconds>"),
			"  </CORSRule>"))
	}
	return lines(`<?xml version="1.0" encoding="UTF-8"?>`, `<CORSConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`,
		strings.Join(rules, "\n"), "</CORSConfiguration>") + "\n"
}

// s3Methods keeps the methods S3 accepts (GET, PUT, POST, DELETE, HEAD).
func s3Methods(p Policy) []string {
	var out []string
	for _, m := range p.methods() {
		switch m {
		case "GET", "PUT", "POST", "DELETE", "HEAD":
			out = append(out, m)
		}
	}
	return out
}

func renderAPIGateway(v view) string {
	p := v.Policy
	return "{\n" + lines(
		v.set(FieldOrigins, true, "  \"AllowOrigins\": "+jsonList(apiGatewayOrigins(p))+","),
		v.set(FieldMethods, true, "  \"AllowMethods\": "+jsonList(p.methods())+","),
		v.set(FieldHeaders, len(p.Headers) > 0, "  \"AllowHeaders\": "+jsonList(p.Headers)+","),
		v.set(FieldExposed, len(p.Exposed) > 0, "  \"ExposeHeaders\": "+jsonList(p.Exposed)+","),
		v.set(FieldCredentials, p.Credentials, "  \"AllowCredentials\": true,"),
		v.set(FieldMaxAge, p.MaxAge > 0, "  \"MaxAge\": "+strconv.Itoa(p.MaxAge)+","),
	)
}

// renderAPIGatewayRules writes CloudFormation's CorsConfiguration, or,
// for the name "x-amazon-apigateway-cors", the OpenAPI extension, whose
// keys are camelCase.
func renderAPIGatewayRules(name string, vs []view) string {
	out := closeJSON(renderAPIGateway(vs[0]), "}\n")
	if name == "x-amazon-apigateway-cors" {
		out = strings.NewReplacer(`  "Allow`, `  "allow`, `  "Expose`, `  "expose`, `  "MaxAge"`, `  "maxAge"`).Replace(out)
	}
	return out
}

// closeJSON drops the trailing comma of the last member and closes the
// object (and, for S3, the array).
func closeJSON(s, closing string) string { return strings.TrimSuffix(s, ",") + "\n" + closing }

// apiGatewayOrigins leaves out subdomain patterns, which HTTP APIs do not
// match (only "*", "https://*" and "http://*" are wildcards there).
func apiGatewayOrigins(p Policy) []string {
	if p.anyOrigin() {
		return p.Origins
	}
	return p.exact()
}
