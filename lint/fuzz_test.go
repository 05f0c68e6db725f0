package lint

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// Hostile configuration files cost bounded work and never panic: the
// readers, and the simulated server answering a request.
func fuzzRead(f *testing.F, name string, seeds ...string) {
	for _, s := range seeds {
		f.Add(s, "https://app.example.com")
	}
	f.Fuzz(func(t *testing.T, src, origin string) {
		units, err := ReadFile(name, []byte(src))
		if err != nil {
			return
		}
		for _, u := range units {
			if u.handler == nil {
				continue
			}
			for _, m := range []string{http.MethodGet, http.MethodOptions} {
				r := httptest.NewRequest(m, "http://api.example.com"+u.Path, nil)
				r.Header.Set("Origin", origin)
				r.Header.Set("Access-Control-Request-Method", "PUT")
				u.handler.ServeHTTP(httptest.NewRecorder(), r)
			}
		}
	})
}

func FuzzNginx(f *testing.F) {
	fuzzRead(f, "nginx.conf",
		"server { location / { add_header Access-Control-Allow-Origin $http_origin always; } }",
		"map $http_origin $c { default \"\"; \"~^https://(.+\\.)?example\\.com$\" $http_origin; }\nserver { location /a/ { if ($http_origin ~* \"x\") { set $v 1; } add_header Access-Control-Allow-Origin $c; return 204; } }",
		"server { if ($request_method = OPTIONS) { add_header Access-Control-Allow-Origin '*'; return 204; } }",
		"http { server { location = /x { add_header 'Access-Control-Allow-Origin' \"${http_origin}\"; } } }",
		"server { location ~ ^/api { add_header Access-Control-Allow-Origin *; } }",
		// includes resolve in the package's folder: bounded, nothing outside it.
		"http { include /etc/nginx/mime.types; server { location / { include nope.conf; include testdata/fuzz/FuzzNginx/*; include ../x; add_header Access-Control-Allow-Origin * always; } } }",
	)
}

func FuzzDjango(f *testing.F) {
	fuzzRead(f, "settings.py",
		"CORS_ALLOWED_ORIGINS = [\"https://a.example.com\", 'http://localhost:3000']\nCORS_ALLOW_CREDENTIALS = True\n",
		"import re\nCORS_ALLOWED_ORIGIN_REGEXES = [r\"^https://\\w+\\.example\\.com$\", re.compile('x', re.I)]\nCORS_URLS_REGEX = r'^/api/.*$'\n",
		"CORS_ALLOW_ALL_ORIGINS = True\nCORS_ALLOW_HEADERS = (\n  'a', # c\n  \"b\" \"c\",\n)\nCORS_PREFLIGHT_MAX_AGE = 1_000\n",
		"CORS_ALLOWED_ORIGINS = env.list('X') + [f'{a}']\nCORS_ORIGIN_WHITELIST = '''x\ny'''\n",
	)
}

func TestNginxMapCycleIsBounded(t *testing.T) {
	src := "map $http_origin $a { default $b; }\nmap $http_origin $b { default $a$a; }\nserver { location / { add_header Access-Control-Allow-Origin $a always; } }"
	// Before the bound, the simulation recursed until the stack overflowed.
	if fs := lintString(t, readNginx, "nginx.conf", src); len(fs) != 0 {
		t.Fatalf("a cycle evaluates to no header in the simulation; got %v", fs)
	}
}

func FuzzExpress(f *testing.F) {
	fuzzRead(f, "server.js",
		"const cors = require('cors');\napp.use(cors({ origin: ['https://a.example.com', /\\.example\\.com$/i], credentials: true, methods: 'GET,PUT', maxAge: 600 }));",
		"import cors from 'cors'\nconst allowed = [`https://a.example.com`];\napp.use(cors({ origin: allowed, allowedHeaders: ['X'] }))\napp.use(cors())\n",
		"const cors = require(\"cors\");\napp.use(cors({ origin(o, cb) { cb(null, true) }, exposedHeaders: `X-${a}` }));\n/* c */ // d\nconst r = a / b / c;",
	)
}

func FuzzStarlette(f *testing.F) {
	fuzzRead(f, "main.py",
		"app.add_middleware(CORSMiddleware, allow_origins=['https://a.example.com', '*'], allow_origin_regex=r'https://.*\\.example\\.com', allow_credentials=True, allow_methods=['*'], allow_headers=['*'], max_age=60)\n",
		"middleware = [Middleware(CORSMiddleware, allow_origins=origins, **kw)]\n",
	)
}

func FuzzFlask(f *testing.F) {
	fuzzRead(f, "app.py",
		"from flask_cors import CORS\nCORS(app, origins=['https://a.example.com', r'^https://.*\\.example\\.com$'], supports_credentials=True, resources={r'/api/*': {'origins': '*'}}, max_age=600)\n",
		"from flask_cors import CORS\nCORS(app, origins=re.compile(r'x', re.I), methods='GET', allow_headers='*', send_wildcard=True)\n",
	)
}

func FuzzS3(f *testing.F) {
	fuzzRead(f, "cors.json",
		`{"CORSRules": [{"AllowedOrigins": ["https://*.example.com"], "AllowedMethods": ["GET", "PUT"], "AllowedHeaders": ["x-amz-*"], "ExposeHeaders": ["ETag"], "MaxAgeSeconds": 3000}]}`,
		`[{"AllowedOrigins": ["*"], "AllowedMethods": ["GET"]}]`,
	)
}

func FuzzGoCORS(f *testing.F) {
	fuzzRead(f, "main.go", // not _test.go: test files are skipped
		"package main\nimport c \"github.com/corskit/corskit/cors\"\nvar x = c.Config{AllowedOrigins: []string{\"https://*.example.com\"}, AllowCredentials: true, MaxAge: 10 * time.Minute}\n",
		"package main\nimport \"github.com/corskit/corskit/cors\"\nvar x = cors.Config{AllowedOrigins: origins}\n",
	)
}

func FuzzFastify(f *testing.F) {
	fuzzRead(f, "server.mjs",
		"import cors from '@fastify/cors'\nawait app.register(cors, { origin: ['*', /x/g], credentials: true, strictPreflight: false, maxAge: 60 })\n",
		"app.register(require('@fastify/cors'), { origin: (o, cb) => cb(null, true), hook: 'preHandler' })\n",
	)
}

func FuzzHono(f *testing.F) {
	fuzzRead(f, "app.ts",
		"import { cors as c } from 'hono/cors'\napp.use('/api/*', c({ origin: ['https://a.example', /x/], credentials: true, allowMethods: 'GET', maxAge: 60 }))\n",
		"const { cors } = require('hono/cors')\napp.use(cors({ origin: (o) => o, allowHeaders: ['X-A'] }))\n",
	)
}

func FuzzApache(f *testing.F) {
	fuzzRead(f, "cors.conf",
		"<VirtualHost *:80>\n  SetEnvIf Origin \"^https://(a|b)\\.example\\.com$\" O=$0\n  Header always set Access-Control-Allow-Origin \"%{O}e\" env=O\n  RewriteEngine On\n  RewriteCond %{REQUEST_METHOD} =OPTIONS\n  RewriteRule ^ - [R=204,L]\n</VirtualHost>\n",
		"Header set Access-Control-Allow-Origin \"expr=%{req:Origin}\"\nHeader merge Vary Origin\n<Location /x>\nHeader set Access-Control-Allow-Origin *\n</Location>\n",
		"<IfModule mod_headers.c>\n<If \"%{HTTP:Origin} =~ m#^https://a\\.example$# && !(req('X') == 'y' || -z %{REQ:Origin})\">\nHeader always set Access-Control-Allow-Origin \"expr=%{req:Origin}\"\n</If>\n<ElseIf \"%{REQUEST_METHOD} != 'GET'\">\nHeader always unset Access-Control-Allow-Origin\n</ElseIf>\n<Else>\n</Else>\n<LocationMatch \"^/api/\">\n<If \"req_novary('Origin') =~ /a/i\">\nHeader set Access-Control-Allow-Credentials true\n</If>\n</LocationMatch>\n</IfModule>\n",
	)
}

func FuzzGCS(f *testing.F) {
	fuzzRead(f, "cors.json",
		`[{"origin": ["https://a.example.com", "*"], "method": ["GET", "*"], "responseHeader": ["Content-Type"], "maxAgeSeconds": 3600}]`,
		`{"cors": [{"origin": ["http://localhost:3000"], "method": ["PUT"]}]}`,
	)
}

func FuzzAzure(f *testing.F) {
	fuzzRead(f, "cors.xml",
		"<StorageServiceProperties><Cors><CorsRule><AllowedOrigins>https://a.example.com, *</AllowedOrigins><AllowedMethods>GET,PUT</AllowedMethods><AllowedHeaders>x-ms-meta-*</AllowedHeaders><ExposedHeaders>*</ExposedHeaders><MaxAgeInSeconds>60</MaxAgeInSeconds></CorsRule></Cors></StorageServiceProperties>",
		"<Cors><CorsRule><AllowedOrigins>*</AllowedOrigins><AllowedMethods>GET</AllowedMethods></CorsRule></Cors>",
	)
}

func FuzzCloudFront(f *testing.F) {
	fuzzRead(f, "policy.json",
		`{"ResponseHeadersPolicyConfig": {"CorsConfig": {"AccessControlAllowCredentials": true, "AccessControlAllowOrigins": {"Items": ["https://*.example.com"]}, "AccessControlAllowMethods": {"Items": ["ALL"]}, "AccessControlAllowHeaders": {"Items": ["*"]}, "AccessControlMaxAgeSec": 600}}}`,
		`[{"CorsConfig": {"AccessControlAllowOrigins": {"Items": ["*"]}}}, [[[{"CorsConfig": 1}]]]]`,
	)
}

func FuzzAPIGateway(f *testing.F) {
	fuzzRead(f, "template.json",
		`{"Resources": {"A": {"Properties": {"CorsConfiguration": {"AllowOrigins": ["https://a.example.com"], "AllowCredentials": true, "AllowMethods": ["*"], "MaxAge": 60}}}}}`,
		`{"x-amazon-apigateway-cors": {"allowOrigins": ["*"], "allowHeaders": ["*"], "exposeHeaders": ["x"]}}`,
	)
}

func FuzzCaddy(f *testing.F) {
	fuzzRead(f, "Caddyfile",
		"{\n\tadmin off\n}\napi.example.com {\n\t@cors header_regexp Origin `^https://(.+\\.)?example\\.com$`\n\t@pre {\n\t\tmethod OPTIONS\n\t\theader Access-Control-Request-Method *\n\t}\n\theader @cors {\n\t\tAccess-Control-Allow-Origin {header.Origin}\n\t\t+Vary Origin\n\t\t-Server\n\t}\n\trespond @pre 204\n\treverse_proxy localhost:8080\n}\n",
		":80 {\n\thandle /api/* {\n\t\troute {\n\t\t\theader Access-Control-Allow-Origin \"*\" # c\n\t\t\trespond \"a \\\"b\\\"\" 200\n\t\t}\n\t}\n\thandle {\n\t\t@o header Origin *example.com*\n\t\theader @o ?Access-Control-Allow-Origin {http.request.header.Origin}\n\t}\n}\n",
	)
}

func FuzzSpringProperties(f *testing.F) {
	fuzzRead(f, "application.properties",
		"management.endpoints.web.cors.allowed-origins=https://a.example.com,http://localhost:3000\nmanagement.endpoints.web.cors.allowed-methods=*\nmanagement.endpoints.web.cors.max-age=10m\n",
		"spring.cloud.gateway.globalcors.cors-configurations.[/api/**].allowed-origin-patterns[0]=https://*.example.com:[*]\nspring.cloud.gateway.globalcors.cors-configurations.[/api/**].allowedHeaders=*\\\n  \n",
	)
}

func FuzzSpringYAML(f *testing.F) {
	fuzzRead(f, "application.yml",
		"management:\n  endpoints:\n    web:\n      cors:\n        allowed-origins: [\"https://a.example.com\", 'http://localhost:3000']\n        allow-credentials: true # c\n---\nx: |\n  y\n",
		"spring:\n  cloud:\n    gateway:\n      globalcors:\n        cors-configurations:\n          '[/**]':\n            allowedOriginPatterns:\n            - \"https://*.example.com:[8080,8081]\"\n            allowedMethods: \"*\"\n",
	)
}

func FuzzR2(f *testing.F) {
	fuzzRead(f, "r2-cors.json",
		`{"rules":[{"allowed":{"origins":["https://a.example.com","https://*.example.com"],"methods":["GET","PUT"],"headers":["content-type"]},"id":"x","exposeHeaders":["ETag"],"maxAgeSeconds":3600}]}`,
		`[{"allowed":{"origins":["*"],"methods":["GET"]}},{"allowed":{"origins":null}}]`,
	)
}

func FuzzAzureARM(f *testing.F) {
	fuzzRead(f, "azuredeploy.json",
		`{"resources":[{"properties":{"cors":{"corsRules":[{"allowedOrigins":["https://a.example.com","*"],"allowedMethods":["GET"],"allowedHeaders":["x-ms-meta-*"],"exposedHeaders":[],"maxAgeInSeconds":200}]}}}]}`,
		`{"properties":{"cors":{"corsRules":"[parameters('r')]"}}}`,
	)
}

func FuzzServerless(f *testing.F) {
	fuzzRead(f, "serverless.yml",
		"provider:\n  httpApi:\n    cors:\n      allowedOrigins:\n        - https://a.example.com\n        - ${env:X}\n      allowCredentials: true\n      maxAge: 60\n",
		"functions:\n  f:\n    events:\n      - http:\n          path: x\n          method: get\n          cors:\n            origins: [https://*.example.com, '*']\n            headers: [a]\n      - http:\n          cors: true\nresources:\n  R: !Ref X\n",
	)
}

func FuzzSpringJava(f *testing.F) {
	fuzzRead(f, "Web.java",
		"import a.CrossOrigin;\n@RequestMapping(\"/a/{id}\")\n@CrossOrigin(origins = {\"https://a.example.com\", \"x\" + \"y\"}, methods = RequestMethod.GET, maxAge = -1)\nclass A { @GetMapping(path = \"/b\") public X b(@P(\"c\") int c) throws E { return '\\u0041'; } }\n",
		"import a.CorsRegistry;\nclass W { void addCorsMappings(CorsRegistry r) { r.addMapping(\"/**\").allowedOriginPatterns(\"https://*.a.com:[*]\").allowedMethods(\"*\").allowCredentials(true).maxAge(10L); /* */ } }\n",
	)
}

func FuzzSpringKotlin(f *testing.F) {
	fuzzRead(f, "Web.kt",
		"import a.CrossOrigin\n@RestController\nclass C(val r: R) {\n  @CrossOrigin(origins = [\"https://a.example.com\"], allowCredentials = \"true\")\n  @GetMapping(\"/o\")\n  fun o(): String = \"\"\"raw $x\"\"\"\n}\n",
	)
}

func FuzzASPNet(f *testing.F) {
	fuzzRead(f, "appsettings.json",
		"{\n  // c\n  \"Cors\": { \"AllowedOrigins\": [\"https://A.example.com\", \"*\", \"http://localhost:4200\",], \"AllowCredentials\": true },\n  /* x */ \"X\": { \"CorsSettings\": { \"allowedorigins\": [\"*\"] } }\n}\n",
	)
}

func FuzzCloudFormationYAML(f *testing.F) {
	fuzzRead(f, "template.yaml",
		"AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Properties:\n      CorsConfiguration:\n        CorsRules:\n          - AllowedOrigins: [https://a.example.com, '*']\n            AllowedMethods:\n              - GET\n            MaxAge: 30\n  P:\n    Properties:\n      ResponseHeadersPolicyConfig:\n        CorsConfig:\n          AccessControlAllowOrigins:\n            Items:\n              - !Sub https://${D}\n",
	)
}
