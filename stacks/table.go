package stacks

// Conditions under which a pitfall applies.
var (
	withCredentials  = func(p Policy) bool { return p.Credentials }
	withPatterns     = func(p Policy) bool { return len(p.patterns()) > 0 }
	notAnyOrigin     = func(p Policy) bool { return !p.anyOrigin() }
	withMethodsNotS3 = func(p Policy) bool { return len(s3Methods(p)) != len(p.methods()) }
)

// goSettings are the names most Go libraries share (rs/cors, go-chi/cors).
var rsSettings = map[Field]string{
	FieldOrigins: "AllowedOrigins", FieldMethods: "AllowedMethods", FieldHeaders: "AllowedHeaders",
	FieldExposed: "ExposedHeaders", FieldCredentials: "AllowCredentials", FieldMaxAge: "MaxAge",
}

// goPlacement is where the CORS middleware goes in a net/http program;
// wrap is how the stack wraps a handler.
func goPlacement(wrap string) map[Placement]string {
	return map[Placement]string{
		BeforeAuth:  "wrap the authentication middleware with the CORS one (" + wrap + "(auth(mux))), not the other way round, so that it answers the preflight first",
		WholeRouter: "wrap the whole router (" + wrap + "(mux)), not one route: a preflight is an OPTIONS request that a route registered for GET or PUT never sees",
	}
}

// table is every stack corskit knows, in the order of the documentation.
// Each entry's Doc is where its setting names come from.
var table = []*Stack{
	{
		Name: "corskit", Title: "corskit cors", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc:      "https://pkg.go.dev/github.com/corskit/corskit/cors#Config",
		Settings: rsSettings, render: renderCorskit, placement: goPlacement("mw.Wrap"),
		pitfalls: []pitfall{
			{id: "wrap-router", text: "Wrap the whole router (mw.Wrap(mux)), not one route: a preflight is an OPTIONS request that a route registered for GET or PUT never sees."},
		},
	},
	{
		Name: "rs-cors", Title: "rs/cors", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc:      "https://pkg.go.dev/github.com/rs/cors#Options",
		Settings: rsSettings, render: renderRSCors, placement: goPlacement("c.Handler"),
		pitfalls: []pitfall{
			{id: "wrap-router", text: "Wrap the whole router (c.Handler(mux)), not one route: preflights are OPTIONS requests."},
			{id: "rs-cors-default-methods", text: "Without AllowedMethods, rs/cors allows GET, POST and HEAD only: list every other method the page sends."},
		},
	},
	{
		Name: "jub0bs-cors", Title: "jub0bs/cors", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc: "https://pkg.go.dev/github.com/jub0bs/cors#Config",
		Settings: map[Field]string{
			FieldOrigins: "Origins", FieldMethods: "Methods", FieldHeaders: "RequestHeaders",
			FieldExposed: "ResponseHeaders", FieldCredentials: "Credentialed", FieldMaxAge: "MaxAgeInSeconds",
		},
		render: renderJub0bs, placement: goPlacement("mw.Wrap"),
		pitfalls: []pitfall{
			{id: "wrap-router", text: "Wrap the whole router (mw.Wrap(mux)), not one route: preflights are OPTIONS requests."},
		},
	},
	{
		Name: "go-chi-cors", Title: "go-chi/cors", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc:      "https://pkg.go.dev/github.com/go-chi/cors#Options",
		Settings: rsSettings, render: renderChi, placement: goPlacement("cors.Handler(...)"),
		pitfalls: []pitfall{
			{id: "chi-use-first", text: "With chi, r.Use(cors.Handler(...)) before the routes: middleware added to a route group never sees the preflight of a route outside it."},
		},
	},
	{
		Name: "gorilla", Title: "gorilla/handlers CORS", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc: "https://pkg.go.dev/github.com/gorilla/handlers#CORS",
		Settings: map[Field]string{
			FieldOrigins: "handlers.AllowedOrigins (or AllowedOriginValidator)", FieldMethods: "handlers.AllowedMethods",
			FieldHeaders: "handlers.AllowedHeaders", FieldExposed: "handlers.ExposedHeaders",
			FieldCredentials: "handlers.AllowCredentials()", FieldMaxAge: "handlers.MaxAge",
		},
		render: renderGorilla, placement: goPlacement("handlers.CORS(...)"),
		pitfalls: []pitfall{
			{id: "gorilla-mux-options", text: "Wrap the router, not a route: with gorilla/mux a route registered with .Methods(\"PUT\") answers the preflight 405 before handlers.CORS sees it unless OPTIONS is listed too."},
			{id: "gorilla-no-vary", when: notAnyOrigin, text: "gorilla/handlers sends no Vary: Origin on a refused origin's response: behind a shared cache, one origin's answer can be served to another. Add Vary: Origin in the application or the proxy."},
			{id: "gorilla-content-type", text: "AllowedHeaders' defaults are Accept, Accept-Language, Content-Language and Origin: a JSON body's Content-Type must be listed."},
		},
	},
	{
		Name: "gin", Title: "gin-contrib/cors", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc: "https://pkg.go.dev/github.com/gin-contrib/cors#Config",
		Settings: map[Field]string{
			FieldOrigins: "AllowOrigins", FieldMethods: "AllowMethods", FieldHeaders: "AllowHeaders",
			FieldExposed: "ExposeHeaders", FieldCredentials: "AllowCredentials", FieldMaxAge: "MaxAge",
		},
		render: renderGin,
		placement: map[Placement]string{
			BeforeAuth:  "r.Use(cors.New(...)) before the authentication middleware: gin runs middleware in the order Use added them",
			WholeRouter: "r.Use(cors.New(...)) on the engine, before the routes, not on a group",
		},
		pitfalls: []pitfall{
			{id: "gin-use-first", text: "r.Use(cors.New(...)) before the routes are registered, on the engine, not on a group."},
			{id: "gin-wildcard", when: withPatterns, text: "A subdomain pattern in AllowOrigins needs AllowWildcard: true; without it cors.New panics at start."},
		},
	},
	{
		Name: "echo", Title: "Echo CORS middleware", Family: FamilyGo, Lang: "go", RunHere: true,
		Doc: "https://echo.labstack.com/docs/middleware/cors",
		Settings: map[Field]string{
			FieldOrigins: "AllowOrigins", FieldMethods: "AllowMethods", FieldHeaders: "AllowHeaders",
			FieldExposed: "ExposeHeaders", FieldCredentials: "AllowCredentials", FieldMaxAge: "MaxAge",
		},
		render: renderEcho,
		placement: map[Placement]string{
			BeforeAuth:  "e.Use(middleware.CORSWithConfig(...)) before the authentication middleware (e.Use order), or skip auth for OPTIONS",
			WholeRouter: "e.Use(middleware.CORSWithConfig(...)) on the Echo instance, not as route middleware",
		},
		pitfalls: []pitfall{
			{id: "echo-use", text: "e.Use(middleware.CORSWithConfig(...)) on the Echo instance: as route middleware it never sees the preflight, which Echo answers 405."},
			{id: "echo-wildcard-credentials", when: withCredentials, text: "Never combine AllowOrigins: [\"*\"] with UnsafeWildcardOriginWithAllowCredentials: it reflects every origin, with credentials."},
		},
	},
	{
		Name: "express", Title: "Express with the cors package", Family: FamilyNode, Lang: "js", RunHere: true,
		Doc: "https://expressjs.com/en/resources/middleware/cors.html",
		Settings: map[Field]string{
			FieldOrigins: "origin", FieldMethods: "methods", FieldHeaders: "allowedHeaders",
			FieldExposed: "exposedHeaders", FieldCredentials: "credentials", FieldMaxAge: "maxAge",
		},
		render: renderExpress,
		placement: map[Placement]string{
			BeforeAuth:  "move app.use(cors(...)) above the auth middleware (app.use order is the order requests meet them)",
			WholeRouter: "app.use(cors(...)) before the routes, on the app, not on one route: the route never sees the OPTIONS",
		},
		pitfalls: []pitfall{
			{id: "express5-options-star", text: "Express 5 rejects app.options('*', cors()) (path-to-regexp 8 needs a named wildcard): use app.use(cors(...)) before the routes, or app.options('/{*splat}', cors(...))."},
			{id: "express-reflect-headers", text: "Without allowedHeaders, cors reflects whatever Access-Control-Request-Headers asks for: list the headers to allow only those."},
			{id: "express-origin-true", when: withCredentials, text: "origin: true reflects every origin; with credentials: true any site can read the user's data. List the origins."},
		},
	},
	{
		Name: "fastify", Title: "Fastify with @fastify/cors", Family: FamilyNode, Lang: "js", RunHere: true,
		Doc: "https://github.com/fastify/fastify-cors#options",
		Settings: map[Field]string{
			FieldOrigins: "origin", FieldMethods: "methods", FieldHeaders: "allowedHeaders",
			FieldExposed: "exposedHeaders", FieldCredentials: "credentials", FieldMaxAge: "maxAge",
		},
		render: renderFastify,
		placement: map[Placement]string{
			BeforeAuth:  "register @fastify/cors before the authentication hook (or skip it for OPTIONS): an onRequest hook that answers 401 runs first otherwise",
			WholeRouter: "register @fastify/cors on the root instance, not in an encapsulated plugin that the route is outside of",
		},
		pitfalls: []pitfall{
			{id: "fastify-default-methods", text: "@fastify/cors 10 and later allow GET, HEAD and POST by default: PUT, PATCH and DELETE must be listed in methods."},
			{id: "express-reflect-headers", text: "Without allowedHeaders, @fastify/cors reflects whatever Access-Control-Request-Headers asks for: list the headers to allow only those."},
		},
	},
	{
		Name: "hono", Title: "Hono with hono/cors", Family: FamilyNode, Lang: "js", RunHere: true,
		Doc: "https://hono.dev/docs/middleware/builtin/cors",
		Settings: map[Field]string{
			FieldOrigins: "origin", FieldMethods: "allowMethods", FieldHeaders: "allowHeaders",
			FieldExposed: "exposeHeaders", FieldCredentials: "credentials", FieldMaxAge: "maxAge",
		},
		render: renderHono,
		placement: map[Placement]string{
			BeforeAuth:  "app.use(cors(...)) above the authentication middleware: Hono runs middleware in the order it is registered",
			WholeRouter: "app.use('*', cors(...)) on the app, before the routes, so that it answers every OPTIONS",
		},
		pitfalls: []pitfall{
			{id: "hono-reflect-headers", text: "Without allowHeaders (or with an empty list), hono/cors reflects whatever Access-Control-Request-Headers asks for: list the headers to allow only those."},
			{id: "hono-array-exact", when: withPatterns, text: "hono/cors compares an origin array with ===: a RegExp in it never matches, so subdomain patterns are a function here."},
			{id: "hono-star-credentials", when: withCredentials, text: "origin: '*' with credentials: true: hono 4.13 sends *, which browsers refuse with credentials, and releases with honojs/hono#4813 reflect every origin instead. List the origins."},
		},
	},
	{
		Name: "django", Title: "Django with django-cors-headers", Family: FamilyPython, Lang: "python", RunHere: true,
		Doc: "https://github.com/adamchainz/django-cors-headers#configuration",
		Settings: map[Field]string{
			FieldOrigins: "CORS_ALLOWED_ORIGINS / CORS_ALLOWED_ORIGIN_REGEXES", FieldMethods: "CORS_ALLOW_METHODS",
			FieldHeaders: "CORS_ALLOW_HEADERS", FieldExposed: "CORS_EXPOSE_HEADERS",
			FieldCredentials: "CORS_ALLOW_CREDENTIALS", FieldMaxAge: "CORS_PREFLIGHT_MAX_AGE",
		},
		render: renderDjango,
		placement: map[Placement]string{
			BeforeAuth:  "move \"corsheaders.middleware.CorsMiddleware\" above the authentication middleware in MIDDLEWARE",
			WholeRouter: "put \"corsheaders.middleware.CorsMiddleware\" at the top of MIDDLEWARE; it answers preflights for every URL that CORS_URLS_REGEX matches",
		},
		pitfalls: []pitfall{
			{id: "django-middleware-order", text: "CorsMiddleware must come before CommonMiddleware and anything else that can answer (WhiteNoise, authentication): responses made before it carry no CORS headers."},
			{id: "django-allow-all-credentials", when: withCredentials, text: "CORS_ALLOW_ALL_ORIGINS = True with CORS_ALLOW_CREDENTIALS = True reflects every origin with credentials: any site can read the user's data."},
		},
	},
	{
		Name: "starlette", Title: "FastAPI / Starlette CORSMiddleware", Family: FamilyPython, Lang: "python", RunHere: true,
		Doc: "https://www.starlette.io/middleware/#corsmiddleware",
		Settings: map[Field]string{
			FieldOrigins: "allow_origins / allow_origin_regex", FieldMethods: "allow_methods",
			FieldHeaders: "allow_headers", FieldExposed: "expose_headers",
			FieldCredentials: "allow_credentials", FieldMaxAge: "max_age",
		},
		render: renderStarlette,
		placement: map[Placement]string{
			BeforeAuth:  "add CORSMiddleware last (app.add_middleware runs the last one added first), so that it is outside the authentication middleware",
			WholeRouter: "add CORSMiddleware to the app, not to a mounted sub-application the route is outside of",
		},
		pitfalls: []pitfall{
			{id: "starlette-allow-all-credentials", when: withCredentials, text: "allow_origins=[\"*\"] with allow_credentials=True answers a request that carries cookies with its own origin: any site can read the user's data. List the origins."},
			{id: "starlette-default-methods", text: "allow_methods defaults to GET only: list every method the page sends."},
		},
	},
	{
		Name: "flask", Title: "Flask-CORS", Family: FamilyPython, Lang: "python", RunHere: true,
		Doc: "https://flask-cors.readthedocs.io/en/latest/api.html",
		Settings: map[Field]string{
			FieldOrigins: "origins", FieldMethods: "methods", FieldHeaders: "allow_headers",
			FieldExposed: "expose_headers", FieldCredentials: "supports_credentials", FieldMaxAge: "max_age",
		},
		render: renderFlask, refuse: refuseFlaskPattern,
		placement: map[Placement]string{
			BeforeAuth:  "call CORS(app, ...) before the authentication (a before_request that answers 401 runs first otherwise), or let OPTIONS through it",
			WholeRouter: "CORS(app, ...) on the app, not on one blueprint or route: routes registered without OPTIONS answer the preflight 405",
		},
		pitfalls: []pitfall{
			{id: "flask-default-reflects", when: withCredentials, text: "origins defaults to \"*\", which Flask-CORS sends as the request's own origin: with supports_credentials=True every site can read the user's data. List the origins."},
			{id: "flask-no-vary-refused", when: notAnyOrigin, text: "Flask-CORS sends Vary: Origin only with allowed origins: behind a shared cache, add Vary: Origin to every response."},
		},
	},
	{
		Name: "nginx", Title: "nginx", Family: FamilyProxy, Lang: "nginx", RunHere: true,
		Doc: "https://nginx.org/en/docs/http/ngx_http_headers_module.html#add_header",
		Settings: map[Field]string{
			FieldOrigins: "add_header Access-Control-Allow-Origin (map $http_origin)", FieldMethods: "add_header Access-Control-Allow-Methods",
			FieldHeaders: "add_header Access-Control-Allow-Headers", FieldExposed: "add_header Access-Control-Expose-Headers",
			FieldCredentials: "add_header Access-Control-Allow-Credentials", FieldMaxAge: "add_header Access-Control-Max-Age",
		},
		render: renderNginx,
		placement: map[Placement]string{
			BeforeAuth:  "answer OPTIONS in nginx before auth_request or auth_basic runs: the `if ($request_method = OPTIONS) { ... return 204; }` block of the snippet, in the same location",
			WholeRouter: "answer OPTIONS in nginx (the `if ($request_method = OPTIONS)` block) in the location that serves this URL, so that the application never sees the preflight",
			OnErrors:    "end every add_header with `always` (add_header Access-Control-Allow-Origin ... always;): without it nginx drops them from 4xx and 5xx answers",
		},
		pitfalls: []pitfall{
			{id: "nginx-always", text: "add_header without `always` is dropped from 4xx and 5xx responses: the browser then reports a CORS error instead of the real status."},
			{id: "nginx-nested-add-header", text: "One add_header in a nested block (location, if) drops every add_header inherited from the enclosing block: repeat them all there."},
			{id: "nginx-duplicate", text: "If the application behind proxy_pass sends CORS headers too, the browser sees two Access-Control-Allow-Origin values and blocks: keep one layer (or proxy_hide_header the application's)."},
		},
	},
	{
		Name: "apache", Title: "Apache httpd (mod_headers)", Family: FamilyProxy, Lang: "apache", RunHere: true,
		Doc: "https://httpd.apache.org/docs/2.4/mod/mod_headers.html#header",
		Settings: map[Field]string{
			FieldOrigins: "SetEnvIf Origin + Header always set Access-Control-Allow-Origin", FieldMethods: "Header always set Access-Control-Allow-Methods",
			FieldHeaders: "Header always set Access-Control-Allow-Headers", FieldExposed: "Header always set Access-Control-Expose-Headers",
			FieldCredentials: "Header always set Access-Control-Allow-Credentials", FieldMaxAge: "Header always set Access-Control-Max-Age",
		},
		render: renderApache,
		placement: map[Placement]string{
			BeforeAuth:  "answer the preflight before authentication: the RewriteRule of the snippet answers OPTIONS 204, and `<LimitExcept OPTIONS> Require valid-user </LimitExcept>` keeps auth off it",
			WholeRouter: "answer OPTIONS in Apache (the RewriteRule of the snippet) for this URL, so that the application never sees the preflight",
			OnErrors:    "use `Header always set`, not `Header set`, for every CORS header: the onsuccess table skips error answers",
		},
		pitfalls: []pitfall{
			{id: "apache-always", text: "Header set (the onsuccess table) leaves error responses and the 204 of a rewritten preflight without CORS headers: use Header always set."},
			{id: "apache-vary-merge", text: "Header set Vary replaces the Vary the application sent; Header merge Vary Origin adds to it."},
			{id: "apache-duplicate", text: "If the proxied application sends CORS headers too, `always` adds a second copy: keep one layer (or Header always unset them first)."},
		},
	},
	{
		Name: "caddy", Title: "Caddy", Family: FamilyProxy, Lang: "caddyfile", RunHere: true,
		Doc: "https://caddyserver.com/docs/caddyfile/directives/header",
		Settings: map[Field]string{
			FieldOrigins: "header @cors Access-Control-Allow-Origin (header_regexp Origin)", FieldMethods: "header @preflight Access-Control-Allow-Methods",
			FieldHeaders: "header @preflight Access-Control-Allow-Headers", FieldExposed: "header @cors Access-Control-Expose-Headers",
			FieldCredentials: "header @cors Access-Control-Allow-Credentials", FieldMaxAge: "header @preflight Access-Control-Max-Age",
		},
		render: renderCaddy,
		placement: map[Placement]string{
			BeforeAuth:  "answer @preflight (respond @preflight 204) before basic_auth or forward_auth in the route order: `route { ... }` keeps the order written",
			WholeRouter: "answer @preflight in Caddy (respond @preflight 204) for this URL, so that the application never sees the preflight",
		},
		pitfalls: []pitfall{
			{id: "caddy-duplicate", text: "reverse_proxy adds the application's own CORS headers to the ones header set: keep one layer (or header_down -Access-Control-Allow-Origin)."},
		},
	},
	{
		Name: "spring", Title: "Spring (CorsRegistry / @CrossOrigin)", Family: FamilyJava, Lang: "java",
		Doc: "https://docs.spring.io/spring-framework/reference/web/webmvc-cors.html",
		Settings: map[Field]string{
			FieldOrigins: "allowedOrigins / allowedOriginPatterns", FieldMethods: "allowedMethods",
			FieldHeaders: "allowedHeaders", FieldExposed: "exposedHeaders",
			FieldCredentials: "allowCredentials", FieldMaxAge: "maxAge",
		},
		render: renderSpring,
		pitfalls: []pitfall{
			{id: "spring-pattern-star-credentials", when: withCredentials, text: "allowedOriginPatterns(\"*\") with allowCredentials(true) answers every origin with itself, with credentials (allowedOrigins(\"*\") is refused at start for that reason). List the origins."},
			{id: "spring-security", text: "With Spring Security, enable http.cors(...) so that preflights are answered before authentication; otherwise they get 401 or 403."},
		},
	},
	{
		Name: "aspnetcore", Title: "ASP.NET Core (AddCors / WithOrigins)", Family: FamilyDotNet, Lang: "csharp",
		Doc: "https://learn.microsoft.com/en-us/aspnet/core/security/cors",
		Settings: map[Field]string{
			FieldOrigins: "WithOrigins", FieldMethods: "WithMethods", FieldHeaders: "WithHeaders",
			FieldExposed: "WithExposedHeaders", FieldCredentials: "AllowCredentials", FieldMaxAge: "SetPreflightMaxAge",
		},
		render: renderASPNet,
		pitfalls: []pitfall{
			{id: "aspnet-order", text: "app.UseCors must come after UseRouting and before UseAuthentication/UseAuthorization, or preflights meet authentication first."},
			{id: "aspnet-any-credentials", when: withCredentials, text: "AllowAnyOrigin with AllowCredentials is refused; SetIsOriginAllowed(_ => true) with AllowCredentials is not, and reflects every origin. List the origins."},
			{id: "aspnet-wildcard", when: withPatterns, text: "A \"https://*.example.com\" origin matches only with SetIsOriginAllowedToAllowWildcardSubdomains()."},
		},
	},
	{
		Name: "s3", Title: "AWS S3 bucket CORS", Family: FamilyCloud, Lang: "json",
		Doc: "https://docs.aws.amazon.com/AmazonS3/latest/userguide/ManageCorsUsing.html",
		Settings: map[Field]string{
			FieldOrigins: "AllowedOrigins", FieldMethods: "AllowedMethods", FieldHeaders: "AllowedHeaders",
			FieldExposed: "ExposeHeaders", FieldCredentials: "(none: S3 sends Access-Control-Allow-Credentials: true for any origin that is not \"*\")",
			FieldMaxAge: "MaxAgeSeconds",
		},
		rules: renderS3Rules, defaultName: "CORSRules", refuse: refuseS3Wildcard,
		pitfalls: []pitfall{
			{id: "s3-no-credentials-field", text: "S3 has no credentials setting: it answers Access-Control-Allow-Credentials: true to every origin listed explicitly, and never with \"*\"."},
			{id: "s3-methods", when: withMethodsNotS3, text: "AllowedMethods accepts GET, PUT, POST, DELETE and HEAD only; the other methods were left out."},
			{id: "s3-cloudfront", text: "Behind CloudFront, forward the Origin header (an origin request policy) and cache on it, or one origin's answer is served to the others."},
		},
	},
	{
		Name: "s3-xml", Title: "AWS S3 bucket CORS (XML)", Family: FamilyCloud, Lang: "xml",
		Doc: "https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutBucketCors.html",
		Settings: map[Field]string{
			FieldOrigins: "AllowedOrigin", FieldMethods: "AllowedMethod", FieldHeaders: "AllowedHeader",
			FieldExposed: "ExposeHeader", FieldCredentials: "(none: S3 sends Access-Control-Allow-Credentials: true for any origin that is not \"*\")",
			FieldMaxAge: "MaxAgeSeconds",
		},
		rules: renderS3XML, defaultName: "CORSConfiguration", refuse: refuseS3Wildcard,
		pitfalls: []pitfall{
			{id: "s3-no-credentials-field", text: "S3 has no credentials setting: it answers Access-Control-Allow-Credentials: true to every origin listed explicitly, and never with \"*\"."},
			{id: "s3-methods", when: withMethodsNotS3, text: "AllowedMethod accepts GET, PUT, POST, DELETE and HEAD only; the other methods were left out."},
		},
	},
	{
		Name: "apigateway", Title: "AWS API Gateway HTTP API", Family: FamilyCloud, Lang: "json",
		Doc: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
		Settings: map[Field]string{
			FieldOrigins: "AllowOrigins", FieldMethods: "AllowMethods", FieldHeaders: "AllowHeaders",
			FieldExposed: "ExposeHeaders", FieldCredentials: "AllowCredentials", FieldMaxAge: "MaxAge",
		},
		rules: renderAPIGatewayRules, defaultName: "CorsConfiguration", single: true,
		pitfalls: []pitfall{
			{id: "apigw-ignores-backend", text: "Once CORS is configured on the API, API Gateway ignores the CORS headers the backend integration returns and answers preflights itself: change this configuration, not the backend."},
			{id: "apigw-patterns", when: withPatterns, text: "HTTP APIs match no subdomain patterns (their only wildcards are \"*\", \"https://*\" and \"http://*\"): the patterns were left out; list each subdomain."},
		},
	},
	{
		Name: "gcs", Title: "Google Cloud Storage bucket CORS (JSON)", Family: FamilyCloud, Lang: "json",
		Doc: "https://cloud.google.com/storage/docs/cors-configurations",
		Settings: map[Field]string{
			FieldOrigins: "origin", FieldMethods: "method", FieldHeaders: "responseHeader", FieldExposed: "responseHeader",
			FieldCredentials: "(none: Cloud Storage never sends Access-Control-Allow-Credentials)", FieldMaxAge: "maxAgeSeconds",
		},
		rules: renderGCS, defaultName: "cors", pitfalls: gcsPitfalls,
	},
	{
		Name: "azure", Title: "Azure Storage CORS (XML)", Family: FamilyCloud, Lang: "xml",
		Doc:      "https://learn.microsoft.com/en-us/rest/api/storageservices/cross-origin-resource-sharing--cors--support-for-the-azure-storage-services",
		Settings: azureSettings("AllowedOrigins", "AllowedMethods", "AllowedHeaders", "ExposedHeaders", "MaxAgeInSeconds"),
		rules:    renderAzure, defaultName: "Cors", pitfalls: azurePitfalls,
	},
	{
		Name: "azure-arm", Title: "Azure Storage CORS (ARM template JSON)", Family: FamilyCloud, Lang: "json",
		Doc:      "https://learn.microsoft.com/en-us/azure/templates/microsoft.storage/storageaccounts/blobservices",
		Settings: azureSettings("allowedOrigins", "allowedMethods", "allowedHeaders", "exposedHeaders", "maxAgeInSeconds"),
		rules:    renderAzureARM, defaultName: "cors", pitfalls: azurePitfalls,
	},
	{
		Name: "r2", Title: "Cloudflare R2 bucket CORS (wrangler JSON)", Family: FamilyCloud, Lang: "json",
		Doc: "https://developers.cloudflare.com/r2/buckets/cors/",
		Settings: map[Field]string{
			FieldOrigins: "allowed.origins", FieldMethods: "allowed.methods", FieldHeaders: "allowed.headers", FieldExposed: "exposeHeaders",
			FieldCredentials: "(none: R2 answers as S3, with Access-Control-Allow-Credentials: true for an origin listed by name)", FieldMaxAge: "maxAgeSeconds",
		},
		rules: renderR2, defaultName: "rules", refuse: refuseS3Wildcard,
		pitfalls: []pitfall{
			{id: "s3-methods", when: withMethodsNotS3, text: "R2 accepts GET, PUT, POST, DELETE and HEAD only; the other methods were left out."},
		},
	},
	{
		Name: "cloudfront", Title: "AWS CloudFront response headers policy (CorsConfig)", Family: FamilyCloud, Lang: "json",
		Doc: "https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-cloudfront-responseheaderspolicy-corsconfig.html",
		Settings: map[Field]string{
			FieldOrigins: "AccessControlAllowOrigins", FieldMethods: "AccessControlAllowMethods", FieldHeaders: "AccessControlAllowHeaders",
			FieldExposed: "AccessControlExposeHeaders", FieldCredentials: "AccessControlAllowCredentials", FieldMaxAge: "AccessControlMaxAgeSec",
		},
		rules: renderCloudFront, defaultName: "CorsConfig", single: true,
		pitfalls: []pitfall{
			{id: "cloudfront-origin-override", text: "OriginOverride (required) is not a CORS list: keep yours. With false, the origin's own CORS headers win over these."},
		},
	},
	{
		Name: "serverless", Title: "Serverless Framework serverless.yml (httpApi.cors / http event cors)", Family: FamilyCloud, Lang: "yaml",
		Doc: "https://www.serverless.com/framework/docs/providers/aws/events/http-api",
		Settings: map[Field]string{
			FieldOrigins: "allowedOrigins (http event: origins)", FieldMethods: "allowedMethods (http event: its method)",
			FieldHeaders: "allowedHeaders (http event: headers)", FieldExposed: "exposedResponseHeaders",
			FieldCredentials: "allowCredentials", FieldMaxAge: "maxAge",
		},
		rules: renderServerless, defaultName: "provider.httpApi.cors", single: true,
		pitfalls: []pitfall{
			{id: "apigw-patterns", when: withPatterns, text: "HTTP APIs match no subdomain patterns: the patterns were left out of allowedOrigins; list each subdomain (an http event's origins read * as any characters)."},
		},
	},
	terraformStack("s3", "aws_s3_bucket_cors_configuration", "bucket and the resource's other arguments",
		"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/s3_bucket_cors_configuration",
		[5]string{"allowed_origins", "allowed_methods", "allowed_headers", "expose_headers", "max_age_seconds"}, "", tfS3Rule),
	terraformStack("cloudfront", "aws_cloudfront_response_headers_policy", "name and the policy's other arguments",
		"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/cloudfront_response_headers_policy",
		[5]string{"cors_config.access_control_allow_origins", "cors_config.access_control_allow_methods", "cors_config.access_control_allow_headers",
			"cors_config.access_control_expose_headers", "cors_config.access_control_max_age_sec"}, "cors_config.access_control_allow_credentials", tfCloudFrontRule),
	terraformStack("apigateway", "aws_apigatewayv2_api", "name, protocol_type and the API's other arguments",
		"https://registry.terraform.io/providers/hashicorp/aws/latest/docs/resources/apigatewayv2_api",
		[5]string{"allow_origins", "allow_methods", "allow_headers", "expose_headers", "max_age"}, "allow_credentials", tfAPIGatewayRule),
	terraformStack("gcs", "google_storage_bucket", "name, location and the bucket's other arguments",
		"https://registry.terraform.io/providers/hashicorp/google/latest/docs/resources/storage_bucket",
		[5]string{"cors.origin", "cors.method", "cors.response_header", "cors.response_header", "cors.max_age_seconds"}, "", tfGCSRule),
	terraformAzure(),
}

// gcsPitfalls are Cloud Storage's traps, in its JSON and in Terraform.
var gcsPitfalls = []pitfall{
	{id: "gcs-no-credentials", when: withCredentials, text: "Cloud Storage never sends Access-Control-Allow-Credentials: a call with cookies or HTTP authentication cannot read the answer."},
	{id: "gcs-patterns", when: withPatterns, text: "Cloud Storage matches an origin exactly or \"*\": the subdomain patterns were left out; list each subdomain."},
	{id: "gcs-response-header", text: "responseHeader is both the request headers a preflight may ask for and the response headers script may read."},
}

// azurePitfalls are Azure Storage's traps, in XML, ARM and Terraform.
var azurePitfalls = []pitfall{
	{id: "azure-patterns", when: withPatterns, text: "Azure Storage matches an origin exactly or \"*\": the subdomain patterns were left out; list each subdomain."},
	{id: "azure-credentials", text: "Azure Storage sends Access-Control-Allow-Credentials: true to every origin listed by name, and never with \"*\"."},
}

// azureSettings names Azure Storage's fields.
func azureSettings(origins, methods, headers, exposed, maxAge string) map[Field]string {
	return map[Field]string{
		FieldOrigins: origins, FieldMethods: methods, FieldHeaders: headers, FieldExposed: exposed,
		FieldCredentials: "(none: Azure Storage sends Access-Control-Allow-Credentials: true for an origin listed by name)", FieldMaxAge: maxAge,
	}
}

// terraformStack is the stack of one Terraform resource type: names are
// its origins, methods, headers, exposed and max-age arguments, creds
// its credentials argument ("" when the vendor decides).
func terraformStack(vendor, typ, keep, doc string, names [5]string, creds string, rule func(view, string) string) *Stack {
	if creds == "" {
		creds = "(none: the vendor decides)"
	}
	s := &Stack{
		Name: "terraform-" + vendor, Title: "Terraform " + typ, Family: FamilyCloud, Lang: "hcl", Doc: doc,
		Settings: map[Field]string{
			FieldOrigins: names[0], FieldMethods: names[1], FieldHeaders: names[2], FieldExposed: names[3],
			FieldCredentials: creds, FieldMaxAge: names[4],
		},
		rules: terraformRules(typ, keep, rule), defaultName: typ + ".this",
		single: vendor == "cloudfront" || vendor == "apigateway",
	}
	switch vendor {
	case "gcs":
		s.pitfalls = gcsPitfalls
	case "s3":
		s.refuse = refuseS3Wildcard
	}
	return s
}

func terraformAzure() *Stack {
	s := terraformStack("azure", "azurerm_storage_account", "", "https://registry.terraform.io/providers/hashicorp/azurerm/latest/docs/resources/storage_account#cors_rule",
		[5]string{"blob_properties.cors_rule.allowed_origins", "blob_properties.cors_rule.allowed_methods", "blob_properties.cors_rule.allowed_headers",
			"blob_properties.cors_rule.exposed_headers", "blob_properties.cors_rule.max_age_in_seconds"}, "", nil)
	s.rules, s.pitfalls = renderTerraformAzure, azurePitfalls
	return s
}
