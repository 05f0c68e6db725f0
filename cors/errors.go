package cors

import (
	"fmt"
)

// A ConfigError reports one problem in a [Config]: the field, the offending
// value and why it is rejected. [New] and [Middleware.Reconfigure] return
// every problem at once, joined with errors.Join; use [ConfigErrors] to list
// them, or errors.As to get the first.
type ConfigError struct {
	Field  string // the Config field, e.g. "AllowedOrigins"
	Value  string // the offending element or value, as written in the Config
	Reason string // why it is rejected, and what to do instead
	Err    error  // the underlying error, if any (e.g. an *origin.ParseError)
}

func (e *ConfigError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("cors: %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("cors: %s %q: %s", e.Field, e.Value, e.Reason)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ConfigErrors returns every *ConfigError in err, in the order New found
// them; nil if there is none.
func ConfigErrors(err error) []*ConfigError {
	var out []*ConfigError
	var walk func(error)
	walk = func(err error) {
		if ce, ok := err.(*ConfigError); ok {
			out = append(out, ce)
			return
		}
		switch u := err.(type) {
		case interface{ Unwrap() []error }:
			for _, e := range u.Unwrap() {
				walk(e)
			}
		case interface{ Unwrap() error }:
			walk(u.Unwrap())
		}
	}
	if err != nil {
		walk(err)
	}
	return out
}

// errAt builds a ConfigError; a small constructor keeps the validation code
// readable.
func errAt(field, value, reason string, err error) *ConfigError {
	return &ConfigError{Field: field, Value: value, Reason: reason, Err: err}
}
