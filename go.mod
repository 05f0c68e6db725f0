module github.com/corskit/corskit

go 1.26

require golang.org/x/net v0.53.0

require golang.org/x/text v0.36.0 // indirect
