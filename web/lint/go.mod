// This folder holds web-ext, the Firefox extension linter, installed by npm
// into node_modules (scripts/ensure-deps.sh). One of its packages ships Go
// code (flatted); this go.mod makes the folder a module of its own, so that
// `go test ./...`, vet and staticcheck in the root module never walk into
// node_modules. There is nothing to build here.
module github.com/corskit/corskit/web/lint

go 1.26
