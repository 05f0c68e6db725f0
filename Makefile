# corskit: one command runs everything CI runs.
#
#   make test    gofmt check, go vet, staticcheck, go test -race (fuzz seed
#                corpora included) in every module, the headless-Chromium
#                tests, the real-server tests (nginx, Varnish, Express, Flask-CORS),
#                a smoke run of the benchmarks, and govulncheck on the root
#                module (see vulncheck). Installs what they need when it is
#                missing (scripts/ensure-deps.sh).
#   make vulncheck  govulncheck (GOVULNCHECK, pinned) on the root module,
#                the library and CLI that users build, against the Go
#                vulnerability database as the module proxy serves it: the
#                module golang.org/x/vulndb (VULNDB, default @latest), whose
#                data/osv holds every entry as OSV JSON, which govulncheck
#                reads as a local database (-db file://...). vuln.go.dev
#                itself is not needed. It runs with GOTOOLCHAIN=auto, so
#                under the toolchain that go.mod's toolchain line names
#                (downloaded through the proxy too): the standard library
#                checked is the one `go install` users get. Fails, saying
#                why, when the database cannot be downloaded; VULNCHECK=skip
#                skips it, saying so.
#   make bench   the peer benchmark tables, sequential and RunParallel at
#                PCPU (bench/README.md), ~20 minutes.
#   make fuzz    every fuzz target of every module for FUZZTIME (default
#                30s) with FUZZPARALLEL workers (default: half the CPUs), then
#                copies the inputs the fuzzer found interesting (new coverage)
#                from $(go env GOCACHE)/fuzz into the package's
#                testdata/fuzz/<FuzzName>/: at most FUZZKEEP (10) per target
#                and run, each at most FUZZMAXBYTES (4096), smallest first.
#                Commit them: `go test` replays them as regression tests, so
#                the corpus grows run after run. FUZZTARGETS=regexp picks
#                targets by "importpath.FuzzName". See scripts/fuzz.sh.
#   make web     the page and the DevTools panel (scripts/web.sh): dist/web/
#                (the static page, corskit.js and the model in WebAssembly)
#                and dist/extension/chromium.zip and firefox.zip.
#   make load    the cors middleware under load on loopback (module load/):
#                16, 256 and 1,024 keep-alive connections of allowed,
#                preflight, disallowed and hostile requests, every response
#                checked against the policy, and one phase that swaps the
#                policy every millisecond. Prints requests/s, p99, errors,
#                mismatches and the server's RSS; fails on any error or
#                mismatch. About a minute; LOADFLAGS='-d 10s' and the like
#                change it (cd load && go run . -h).

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
MODULES     := . bench e2e conformance load examples
GOVULNCHECK ?= golang.org/x/vuln/cmd/govulncheck@v1.10.0
VULNDB      ?= golang.org/x/vulndb@latest
VULNCHECK   ?=
FUZZTIME    ?= 30s
LOADFLAGS   ?=
# The packages of the model in the page, checked for GOOS=js GOARCH=wasm
# by vet and staticcheck. internal/har's code builds in ./cmd/corskit/wasm;
# its tests make a FIFO (unix only).
WASMPKGS    := ./cmd/corskit/wasm ./cmd/corskit/internal/checkjson ./cmd/corskit/internal/devtools ./explain ./stacks ./fetch ./origin ./reason ./lint ./internal/...

.PHONY: test deps fmt vet staticcheck race allocs bench-smoke vulncheck bench fuzz load demo web

test: deps fmt vet staticcheck race allocs bench-smoke vulncheck

deps:
	@scripts/ensure-deps.sh

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...) || exit 1; done
	@echo "go vet (GOOS=js GOARCH=wasm: the model in the page)"
	@GOOS=js GOARCH=wasm $(GO) vet $(WASMPKGS)

staticcheck:
	@for m in $(MODULES); do echo "staticcheck ($$m)"; (cd $$m && $(GO) run $(STATICCHECK) ./...) || exit 1; done
	@# `go run` would build staticcheck itself for js/wasm: it is built for
	@# this machine, and only the packages it reads are js/wasm's.
	@echo "staticcheck (GOOS=js GOARCH=wasm: the model in the page)"
	@bin=$$(mktemp -d) && GOBIN=$$bin $(GO) install $(STATICCHECK) && \
		GOOS=js GOARCH=wasm $$bin/staticcheck $(WASMPKGS); rc=$$?; rm -rf $$bin; exit $$rc

race:
	@# e2e and conformance drive real browsers and servers: on two busy cores
	@# a package can pass go test's default 10-minute limit.
	@for m in $(MODULES); do echo "go test -race ($$m)"; (cd $$m && $(GO) test -race -count=1 -timeout 30m ./...) || exit 1; done

# The allocation-count tests skip under -race (the race runtime allocates
# more), so they run once more without it.
allocs:
	@echo "allocation counts (fetch, without -race)"
	@$(GO) test -count=1 -run 'Allocs' ./fetch/

bench-smoke:
	@echo "benchmark smoke run (bench)"
	@cd bench && $(GO) test -run '^$$' -bench . -benchtime 200x ./... > /dev/null

vulncheck:
	@scripts/vulncheck.sh "$(GO)" "$(GOVULNCHECK)" "$(VULNDB)" "$(VULNCHECK)"

bench:
	@cd bench && ./run.sh

fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

load:
	@cd load && $(GO) run . $(LOADFLAGS)

web:
	@scripts/web.sh

demo:
	$(GO) run ./cmd/corskit demo
