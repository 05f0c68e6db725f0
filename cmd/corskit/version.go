package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
)

// buildVersion is what 'corskit version' prints: read from the build
// information the Go toolchain embeds in every binary, so that it cannot
// drift from the code it describes.
type buildVersion struct {
	Version   string // module version: v0.1.0 when installed with go install @v0.1.0, a pseudo-version or "(devel)" when built from a clone
	Revision  string // VCS commit, when built from a checkout
	Time      string // commit time, RFC 3339
	Modified  bool   // the checkout had uncommitted changes
	GoVersion string // the toolchain that built the binary
	Platform  string // GOOS/GOARCH
}

func readBuildVersion() buildVersion {
	bi, _ := debug.ReadBuildInfo()
	return versionFrom(bi)
}

// versionFrom reads what the toolchain recorded; bi is nil for a binary
// built without module support, which has nothing more to say.
func versionFrom(bi *debug.BuildInfo) buildVersion {
	v := buildVersion{Version: "(unknown)", GoVersion: runtime.Version(), Platform: runtime.GOOS + "/" + runtime.GOARCH}
	if bi == nil {
		return v
	}
	if bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if bi.GoVersion != "" {
		v.GoVersion = bi.GoVersion
	}
	goos, goarch := runtime.GOOS, runtime.GOARCH
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			v.Revision = s.Value
		case "vcs.time":
			v.Time = s.Value
		case "vcs.modified":
			v.Modified = s.Value == "true"
		case "GOOS":
			goos = s.Value
		case "GOARCH":
			goarch = s.Value
		}
	}
	v.Platform = goos + "/" + goarch
	return v
}

// String is three lines: the version, the revision (when known) and the
// toolchain, in the order a bug report needs them.
//
//	corskit v0.1.0
//	revision 3cb5015c2a1f0e9d8c7b6a5f4e3d2c1b0a9f8e7d+dirty (2026-01-02T03:04:05Z)
//	go1.26.8 linux/amd64
func (v buildVersion) String() string {
	s := "corskit " + v.Version + "\n"
	if v.Revision != "" {
		s += "revision " + v.Revision
		if v.Modified {
			s += "+dirty"
		}
		if v.Time != "" {
			s += " (" + v.Time + ")"
		}
		s += "\n"
	}
	return s + v.GoVersion + " " + v.Platform + "\n"
}

func runVersion(_ context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("version", "version\n\nPrints the module version, the VCS revision (+dirty when the checkout had\nuncommitted changes) and the Go version that built this binary.", stderr)
	if err := parse(fs, args); err != nil {
		return err
	}
	_, err := fmt.Fprint(stdout, readBuildVersion())
	return err
}
