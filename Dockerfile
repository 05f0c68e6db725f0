# corskit in a container: a static binary (CGO_ENABLED=0, no libc) on
# distroless/static, which holds CA certificates, /etc/passwd for the
# nonroot user and nothing else: no shell, no package manager.
#
#   docker build -t corskit .
#   docker run --rm corskit version
#   docker run --rm -v "$PWD:/work:ro" corskit audit --targets /work/urls.txt --format jsonl
#
# examples/deploy/static_test.go runs this file's build command and checks
# that the binary is static and runs from an empty root.
#
# Base images: the Go version is pinned to the one go.mod's toolchain line
# names. Pinning them by digest (name:tag@sha256:...) is not done yet: the
# machines this repository is built and tested on cannot reach a container
# registry, so no digest could be read from one, and a digest copied from
# elsewhere could not be checked. Fill them in where a registry is reachable:
#   crane digest golang:1.26.11-bookworm
#   crane digest gcr.io/distroless/static-debian12:nonroot
# (or docker buildx imagetools inspect), and update them with the
# toolchain line.
FROM golang:1.26.11-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# -buildvcs=auto stamps the commit when the context has a .git directory.
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=auto -ldflags='-s -w' -o /out/corskit ./cmd/corskit

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/corskit /corskit
USER nonroot:nonroot
ENTRYPOINT ["/corskit"]
