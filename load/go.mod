module github.com/corskit/corskit/load

go 1.26

require github.com/corskit/corskit v0.0.0

require (
	golang.org/x/net v0.53.0 // indirect
	golang.org/x/text v0.36.0 // indirect
)

replace github.com/corskit/corskit => ../
