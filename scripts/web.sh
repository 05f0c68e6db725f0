#!/bin/sh
# Builds corskit's front end in the browser (`make web`):
#   dist/web/          the static page: index.html, app.js, render.js,
#                      style.css, corskit.js (Go's wasm_exec.js + the
#                      JavaScript API of web/corskit-api.js) and corskit.wasm
#                      (cmd/corskit/wasm built for GOOS=js GOARCH=wasm)
#   dist/extension/chromium/, firefox/ and their .zip: the DevTools panel,
#                      one source tree (web/extension/) with the same model
# The wasm is built once and shared by all of them.
set -eu
cd "$(dirname "$0")/.."
GO=${GO:-go}
out=${DIST:-dist} # tests build into a directory of their own
mkdir -p "$out/web" "$out/extension"
echo "wasm (GOOS=js GOARCH=wasm)"
GOOS=js GOARCH=wasm "$GO" build -trimpath -ldflags=-s -o "$out/web/corskit.wasm" ./cmd/corskit/wasm
cat "$("$GO" env GOROOT)/lib/wasm/wasm_exec.js" web/corskit-api.js > "$out/web/corskit.js"
cp web/index.html web/app.js web/render.js web/style.css "$out/web/"

for b in chromium firefox; do
	d="$out/extension/$b"
	rm -rf "$d" "$d.zip"
	mkdir -p "$d"
	cp web/extension/devtools.html web/extension/devtools.js web/extension/panel.html \
		web/extension/panel.js web/render.js web/style.css web/index.html web/app.js \
		"$out/web/corskit.js" "$out/web/corskit.wasm" "$d/"
	python3 web/extension/manifest.py "$b" > "$d/manifest.json"
	(cd "$d" && python3 -m zipfile -c "../$b.zip" *)
done
gz=$(gzip -9 -c "$out/web/corskit.wasm" | wc -c)
echo "dist/web/corskit.wasm: $(wc -c < "$out/web/corskit.wasm") bytes, $gz gzipped"
