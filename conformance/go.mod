module github.com/corskit/corskit/conformance

go 1.26.8

toolchain go1.26.11

replace (
	github.com/corskit/corskit => ../
	github.com/corskit/corskit/e2e => ../e2e
)

require (
	github.com/chromedp/chromedp v0.23.0
	github.com/coder/websocket v1.8.15
	github.com/corskit/corskit v0.0.0-00010101000000-000000000000
	github.com/corskit/corskit/e2e v0.0.0-00010101000000-000000000000
)

require (
	github.com/chromedp/cdproto v0.159.0 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)
