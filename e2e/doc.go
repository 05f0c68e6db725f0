// Package e2e holds corskit's end-to-end tests: the CLI built and run as a
// user runs it, driven in real headless Chromium. It is its own module so
// that chromedp never becomes a dependency of the library packages.
//
// The tests fail, never skip, when Chromium cannot start; `make test`
// installs Debian's chromium package when it is missing.
package e2e
