package deploy

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// There is no Docker engine where this runs, so the test does what the
// image relies on: it runs the Dockerfile's own build command, checks the
// binary is static, and runs it from an empty root directory (what a
// scratch or distroless/static image gives it: no libc, no /etc, no
// shell), for 'version' and for a real 'check' over loopback.
func TestDockerfileStaticBinary(t *testing.T) {
	df, err := os.ReadFile(filepath.Join(root, "Dockerfile"))
	if err != nil {
		t.Fatal(err)
	}
	text := string(df)
	build := regexp.MustCompile(`(?m)^RUN (CGO_ENABLED=0 go build .*-o /out/corskit \./cmd/corskit)$`).FindStringSubmatch(text)
	if build == nil {
		t.Fatal("Dockerfile: no 'RUN CGO_ENABLED=0 go build ... -o /out/corskit ./cmd/corskit' line")
	}
	froms := regexp.MustCompile(`(?m)^FROM (\S+)`).FindAllStringSubmatch(text, -1)
	if len(froms) < 2 {
		t.Fatal("Dockerfile: want a multi-stage build")
	}
	if final := froms[len(froms)-1][1]; final != "scratch" && !strings.Contains(final, "distroless/static") {
		t.Errorf("Dockerfile: final stage FROM %s, want scratch or distroless/static", final)
	}
	if !strings.Contains(text, "COPY --from=build /out/corskit /corskit") || !strings.Contains(text, `ENTRYPOINT ["/corskit"]`) {
		t.Error("Dockerfile: the final stage must copy /out/corskit to /corskit and run it")
	}

	bin := filepath.Join(t.TempDir(), "corskit")
	cmd := exec.Command("sh", "-c", strings.Replace(build[1], "/out/corskit", bin, 1))
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the Dockerfile's build: %v\n%s", err, out)
	}

	if _, err := exec.LookPath("file"); err != nil {
		t.Fatal("file(1) is not installed (apt-get install file)")
	}
	if out, _, _ := run(t, nil, "file", bin); !strings.Contains(out, "statically linked") {
		t.Errorf("file says %q, want statically linked", out)
	}
	if out, errOut, _ := run(t, nil, "ldd", bin); !strings.Contains(out+errOut, "not a dynamic executable") {
		t.Errorf("ldd says %q, want not a dynamic executable", out+errOut)
	}

	// An empty root holding only the binary, as in the image.
	jail := t.TempDir()
	data, err := os.ReadFile(bin)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(jail, "corskit"), data, 0o755); err != nil {
		t.Fatal(err)
	}
	inJail := func(args ...string) (string, string, int) {
		t.Helper()
		if os.Geteuid() == 0 {
			return run(t, nil, "chroot", append([]string{jail, "/corskit"}, args...)...)
		}
		// Unprivileged: a user namespace may chroot.
		return run(t, nil, "unshare", append([]string{"--user", "--map-root-user", "--root", jail, "/corskit"}, args...)...)
	}
	if _, err := exec.LookPath("chroot"); err != nil && os.Geteuid() == 0 {
		t.Fatal("chroot(8) is not installed (coreutils)")
	}
	out, errOut, code := inJail("version")
	if code != 0 || !strings.HasPrefix(out, "corskit ") {
		t.Fatalf("corskit version in an empty root: exit %d, stdout %q, stderr %q (if this is a permission error, run the test as root or where user namespaces are allowed)", code, out, errOut)
	}

	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "https://app.example.com")
		w.Header().Add("Vary", "Origin")
	}))
	defer api.Close()
	out, errOut, code = inJail("check", api.URL+"/", "--origin", "https://app.example.com", "--json")
	var verdict struct{ Verdict string }
	if code != 0 || json.Unmarshal([]byte(out), &verdict) != nil || verdict.Verdict != "allowed" {
		t.Errorf("corskit check in an empty root: exit %d, stdout %q, stderr %q", code, out, errOut)
	}
}
