package origin_test

import (
	"testing"

	"github.com/corskit/corskit/origin"
)

func TestIsLoopbackHost(t *testing.T) {
	for host, want := range map[string]bool{
		"localhost": true, "api.localhost": true, "127.0.0.1": true, "127.8.9.10": true, "[::1]": true, "::1": true,
		"localhost.example": false, "example.com": false, "10.0.0.1": false, "[::2]": false, "": false, "xlocalhost": false,
	} {
		if got := origin.IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}
