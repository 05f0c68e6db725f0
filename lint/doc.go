// Package lint evaluates CORS configuration files as the server they
// configure will: each file's policies become a simulated server (an
// http.Handler answering as nginx, Apache, django-cors-headers,
// Flask-CORS, Starlette, the Express cors package, @fastify/cors, Hono's cors,
// Caddy, S3, Cloud Storage, Azure Storage (XML and ARM), Cloudflare R2,
// CloudFront, API Gateway (serverless.yml too), Spring or corskit's own
// middleware would), and the audit package's probes run against it through the
// browser model, in process. The findings are the audit's classes and
// severities, located at the file and line of the rule that let the
// attacker's origin in, plus the findings only a configuration shows
// (nginx add_header without always, a cached location without Vary:
// Origin, two layers adding Access-Control-Allow-Origin, development
// origins in a production file).
//
// Each stack matches origins its own way, and the simulation keeps it:
// Python's re.match anchors at the start only (django-cors-headers,
// Flask-CORS), re.fullmatch at both ends (Starlette), JS RegExp.test and
// nginx's and Apache's PCRE find the pattern anywhere, S3's wildcard is
// one "*". Go's
// regexp is RE2: a pattern that uses what RE2 lacks (look-around,
// back-references) is reported as not evaluated, never guessed.
//
// A [Unit] is one policy of one file; [ReadFile] reads a file's units,
// [Evaluate] runs the probes, [Walk] and [Lint] do a whole repository.
//
// The readers use only the standard library: nginx's tokenizer rules
// (ngx_conf_read_token) and Apache's (ap_getword_conf) are followed, Python and JS literals are
// read by small careful readers, Go by go/ast, S3 by encoding/json and
// encoding/xml. See README.md for why no third-party parser is used.
// Formats whose reader needs more (Terraform's HCL) join from outside
// through [Options].Readers, building their units with [VendorUnit] and
// [DynamicUnit].
package lint
