module github.com/corskit/corskit/bench

go 1.26.0

toolchain go1.26.11

require (
	github.com/corskit/corskit v0.0.0
	github.com/go-chi/cors v1.2.2
	github.com/gorilla/handlers v1.5.2
	github.com/jub0bs/cors v1.0.1
	github.com/rs/cors v1.11.1
)

require (
	github.com/felixge/httpsnoop v1.0.3 // indirect
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/corskit/corskit => ../
