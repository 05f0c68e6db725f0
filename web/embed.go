// Package web holds corskit's one front end: the page of the static site
// (`make web`, with the model in WebAssembly) and of `corskit serve` (with
// the model on the server). Both serve these files; only corskit.js
// differs: corskit-api.js loads the wasm, corskit-serve.js calls the serve
// back end, and adds what only a server can do, sending the call for real.
package web

import "embed"

// Files are the page's files that both back ends serve unchanged, and
// corskit-serve.js, which `corskit serve` serves as corskit.js.
//
//go:embed index.html app.js render.js style.css corskit-serve.js
var Files embed.FS
