module github.com/corskit/corskit/e2e

go 1.26.8

replace github.com/corskit/corskit => ../

require (
	github.com/chromedp/cdproto v0.159.0
	github.com/chromedp/chromedp v0.23.0
	github.com/corskit/corskit v0.0.0-00010101000000-000000000000
	github.com/gorilla/handlers v1.5.2
	github.com/owenrumney/go-sarif/v3 v3.3.1
	github.com/rs/cors v1.11.1
)

require (
	github.com/felixge/httpsnoop v1.0.3 // indirect
	github.com/go-json-experiment/json v0.0.0-20260213210345-44df1a37e875 // indirect
	github.com/xeipuuv/gojsonpointer v0.0.0-20180127040702-4e3ac2762d5f // indirect
	github.com/xeipuuv/gojsonreference v0.0.0-20180127040603-bd5ef7bd5415 // indirect
	github.com/xeipuuv/gojsonschema v1.2.0 // indirect
	golang.org/x/net v0.53.0 // indirect
	golang.org/x/text v0.36.0 // indirect
)
