package fetchspec

import (
	"mime"
	"testing"
)

// TestSafelistedMIMEFastPath checks isSafelistedMIME's shortcut for values
// without parameters against what mime.ParseMediaType says of them.
func TestSafelistedMIMEFastPath(t *testing.T) {
	slow := func(v string) bool {
		mt, _, err := mime.ParseMediaType(v)
		if err != nil && err != mime.ErrInvalidMediaParameter {
			return false
		}
		switch mt {
		case "application/x-www-form-urlencoded", "multipart/form-data", "text/plain":
			return true
		}
		return false
	}
	for _, v := range []string{
		"text/plain", "TEXT/Plain", " text/plain\t", "text/plain ", "text/plainx", "text/plai", "text/",
		"application/json", "multipart/form-data", "Multipart/Form-Data", "application/x-www-form-urlencoded",
		"", " ", "text /plain", "text/ plain", "te\u017Ft/plain", "text/pla\u0130n", "\u00a0text/plain",
		"text/plain\u00a0", "text/plain\u0085", "*/*", "text/plain/x", "text\\plain",
	} {
		if got, want := isSafelistedMIME(v), slow(v); got != want {
			t.Errorf("isSafelistedMIME(%q) = %v, mime.ParseMediaType says %v", v, got, want)
		}
	}
}
