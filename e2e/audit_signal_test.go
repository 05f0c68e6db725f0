package e2e

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/corskit/corskit/e2e/cli"
)

// A signal ends an audit at once, even while --targets is still being
// read (a stalled producer on stdin), with the report of what was audited
// and a status that is not success (130); /dev/zero is no list, and the
// run ends on its own. Before, SIGTERM and Ctrl-C were ignored until the
// list ended (/dev/zero ran 41 minutes until SIGKILL), and an interrupted
// run exited 0.
func TestAuditSignalWhileReadingTargets(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	bin := cli.Build(ctx, t)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if o := r.Header.Get("Origin"); o != "" {
			w.Header().Set("Access-Control-Allow-Origin", o)
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
	}))
	defer srv.Close()
	for _, tc := range []struct {
		name    string
		targets string
		sig     os.Signal
		code    int
	}{
		{"stalled stdin, SIGTERM", "-", syscall.SIGTERM, 130},
		{"stalled stdin, SIGINT", "-", os.Interrupt, 130},
		{"/dev/zero, SIGINT", "/dev/zero", os.Interrupt, 2}, // ends before the signal
	} {
		t.Run(tc.name, func(t *testing.T) {
			cmd := exec.Command(bin, "audit", "--targets", tc.targets, "--rate", "0", "--format", "json")
			var out, errOut bytes.Buffer
			cmd.Stdout, cmd.Stderr = &out, &errOut
			var stdin io.WriteCloser
			if tc.targets == "-" {
				var err error
				if stdin, err = cmd.StdinPipe(); err != nil {
					t.Fatal(err)
				}
			}
			if err := cmd.Start(); err != nil {
				t.Fatal(err)
			}
			defer cmd.Process.Kill()
			if stdin != nil {
				defer stdin.Close()
				io.WriteString(stdin, srv.URL+"/me\n") // then nothing more, and no end
			}
			time.Sleep(time.Second)
			cmd.Process.Signal(tc.sig)
			sent := time.Now()
			exited := make(chan error, 1)
			go func() { exited <- cmd.Wait() }()
			select {
			case <-exited:
			case <-time.After(5 * time.Second):
				t.Fatalf("still running 5 s after the signal")
			}
			took := time.Since(sent)
			if code := cmd.ProcessState.ExitCode(); code != tc.code {
				t.Errorf("exit %d, want %d\n%s", code, tc.code, errOut.String())
			}
			if want := map[int]string{130: "interrupted", 2: "not a list of URLs"}[tc.code]; !strings.Contains(errOut.String(), want) {
				t.Errorf("stderr %q, want %q", errOut.String(), want)
			}
			if tc.targets == "-" && !strings.Contains(out.String(), "reflect-any-origin") {
				t.Errorf("the endpoint audited before the signal is not in the report:\n%s", out.String())
			}
			t.Logf("exited %v after the signal", took.Round(time.Millisecond))
		})
	}
}
