// Package bench measures corskit's middleware against its peers, rs/cors,
// jub0bs/cors, go-chi/cors and gorilla/handlers, under one policy, in one
// run. See README.md for the table and how to reproduce it.
package bench
