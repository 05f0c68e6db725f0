# corskit: one command runs everything CI runs.
#
#   make test    gofmt check, go vet, staticcheck, go test -race (fuzz seed
#                corpora included) in every module, the headless-Chromium
#                tests, and a smoke run of the benchmarks. Installs Chromium
#                when it is missing.
#   make bench   the peer benchmark table (bench/README.md), ~10 minutes.
#   make fuzz    each fuzz target for FUZZTIME (default 30s).

GO          ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
MODULES     := . bench e2e conformance examples
FUZZTIME    ?= 30s

.PHONY: test deps fmt vet staticcheck race bench-smoke bench fuzz demo

test: deps fmt vet staticcheck race bench-smoke

deps:
	@scripts/ensure-deps.sh

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	@for m in $(MODULES); do echo "go vet ($$m)"; (cd $$m && $(GO) vet ./...) || exit 1; done

staticcheck:
	@for m in $(MODULES); do echo "staticcheck ($$m)"; (cd $$m && $(GO) run $(STATICCHECK) ./...) || exit 1; done

race:
	@for m in $(MODULES); do echo "go test -race ($$m)"; (cd $$m && $(GO) test -race -count=1 ./...) || exit 1; done

bench-smoke:
	@echo "benchmark smoke run (bench)"
	@cd bench && $(GO) test -run '^$$' -bench . -benchtime 200x ./... > /dev/null

bench:
	@cd bench && ./run.sh

fuzz:
	@scripts/fuzz.sh $(FUZZTIME)

demo:
	$(GO) run ./cmd/corskit demo
