module github.com/corskit/corskit/load

go 1.26.0

toolchain go1.26.11

require github.com/corskit/corskit v0.0.0

require (
	golang.org/x/net v0.63.0 // indirect
	golang.org/x/text v0.44.0 // indirect
)

replace github.com/corskit/corskit => ../
