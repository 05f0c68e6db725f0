module github.com/corskit/corskit

go 1.26.0

toolchain go1.26.11

require golang.org/x/net v0.63.0

require golang.org/x/text v0.44.0 // indirect
