package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

type actionFile struct {
	Inputs map[string]struct {
		Description string `yaml:"description"`
		Default     string `yaml:"default"`
		Required    bool   `yaml:"required"`
	} `yaml:"inputs"`
	Runs struct {
		Using string       `yaml:"using"`
		Steps []actionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type actionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	Uses  string            `yaml:"uses"`
	Run   string            `yaml:"run"`
	Shell string            `yaml:"shell"`
	If    string            `yaml:"if"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

// TestAction runs action.yml's steps as the runner would, in a scratch
// workspace, against loopback APIs: setup-go is what this machine has,
// the install step builds this checkout instead of fetching a release,
// and the upload step, which needs GitHub, is replaced by checking the
// file it would upload against what code scanning accepts (SARIF 2.1.0,
// results at files of the repository, never at http(s) URLs).
func TestAction(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "action.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var a actionFile
	if err := yaml.Unmarshal(data, &a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	if a.Runs.Using != "composite" {
		t.Fatalf("action.yml: runs.using %q, want composite", a.Runs.Using)
	}
	for _, tc := range []struct {
		name      string
		inputs    map[string]string
		wantFail  string // the name of the step that must fail, or ""
		wantFound bool
	}{
		{"findings fail the job after the upload", map[string]string{"args": "--rate 0"}, "Fail on findings", true},
		{"report only", map[string]string{"fail-on-findings": "false", "args": "--rate 0"}, "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ws := t.TempDir()
			_, vulnerable := targets(t, ws, 6)
			runAction(t, a, ws, vulnerable, tc.inputs, tc.wantFail, tc.wantFound)
		})
	}
}

// runAction runs the action's steps in the workspace ws, whose
// targets.txt the caller wrote, and checks the SARIF it would upload
// names every vulnerable URL (wantFound) or none. It returns what the
// steps printed.
func runAction(t *testing.T, a actionFile, ws string, vulnerable []string, given map[string]string, wantFail string, wantFound bool) string {
	inputs := map[string]string{}
	for name, in := range a.Inputs {
		inputs[name] = in.Default
	}
	inputs["targets"] = "targets.txt" // relative to the workspace, as in a checkout
	for k, v := range given {
		inputs[k] = v
	}
	bin := filepath.Dir(corskit)
	outputs := map[string]map[string]string{}
	expr := regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	expand := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				v, ok := inputs[strings.TrimPrefix(e, "inputs.")]
				if !ok {
					t.Fatalf("action.yml uses %s, which is not an input", e)
				}
				return v
			case e == "github.action_ref":
				return "" // a local run: the test builds the checkout
			case strings.HasPrefix(e, "steps."):
				parts := strings.Split(e, ".") // steps.ID.outputs.NAME
				if len(parts) != 4 || parts[2] != "outputs" {
					t.Fatalf("action.yml: unsupported expression %s", e)
				}
				return outputs[parts[1]][parts[3]]
			}
			t.Fatalf("action.yml: the test does not know the expression %s; teach it, or use an input", e)
			return ""
		})
	}
	failed := ""
	uploaded := ""
	var printed strings.Builder
	for i, st := range a.Runs.Steps {
		if st.If != "" {
			t.Fatalf("step %q has if: %q, which this test cannot evaluate; keep conditions in the scripts", st.Name, st.If)
		}
		switch {
		case strings.HasPrefix(st.Uses, "actions/setup-go@"):
			if v := expand(st.With["go-version"]); !strings.HasPrefix(goModVersion(t), v) {
				t.Errorf("setup-go installs Go %s; go.mod wants %s", v, goModVersion(t))
			}
			continue
		case strings.HasPrefix(st.Uses, "github/codeql-action/upload-sarif@"):
			uploaded = filepath.Join(ws, expand(st.With["sarif_file"]))
			continue
		case st.Uses != "":
			t.Fatalf("step %q uses %s, which the test cannot run", st.Name, st.Uses)
		}
		if st.Shell != "bash" {
			t.Errorf("step %q: shell %q, want bash (composite steps must name one)", st.Name, st.Shell)
		}
		script := st.Run
		if regexp.MustCompile(`go install "?github\.com/corskit/corskit/cmd/corskit@`).MatchString(script) {
			// corskit is already built from this checkout, in bin.
			script = `echo "` + bin + `" >> "$GITHUB_PATH"`
		}
		outFile := filepath.Join(t.TempDir(), "output")
		pathFile := filepath.Join(ws, ".github_path")
		env := []string{"GITHUB_OUTPUT=" + outFile, "GITHUB_PATH=" + pathFile, "GITHUB_WORKSPACE=" + ws}
		if extra, err := os.ReadFile(pathFile); err == nil {
			env = append(env, "PATH="+strings.Join(strings.Fields(string(extra)), ":")+":"+os.Getenv("PATH"))
		}
		for k, v := range st.Env {
			env = append(env, k+"="+expand(v))
		}
		scriptFile := filepath.Join(t.TempDir(), "step.sh")
		if err := os.WriteFile(scriptFile, []byte(expand(script)), 0o644); err != nil {
			t.Fatal(err)
		}
		// The runner's bash: bash --noprofile --norc -eo pipefail {0}, in the workspace.
		stdout, stderr, code := runIn(t, ws, env, "bash", "--noprofile", "--norc", "-eo", "pipefail", scriptFile)
		printed.WriteString(stdout + stderr)
		if code != 0 {
			failed = st.Name
			if st.Name != wantFail {
				t.Fatalf("step %d %q: exit %d\nstdout: %s\nstderr: %s", i+1, st.Name, code, stdout, stderr)
			}
			if !strings.Contains(stdout, "::error::") {
				t.Errorf("step %q failed without an ::error:: annotation: %q", st.Name, stdout)
			}
			break
		}
		if st.ID != "" {
			outputs[st.ID] = readOutputs(t, outFile)
		}
	}
	if failed != wantFail {
		t.Errorf("failed step %q, want %q", failed, wantFail)
	}
	if uploaded == "" {
		t.Fatal("no upload-sarif step ran")
	}
	checkSARIF(t, ws, uploaded, vulnerable, wantFound)
	return printed.String()
}

func runIn(t *testing.T, dir string, env []string, name string, args ...string) (string, string, int) {
	t.Helper()
	wd, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	defer os.Chdir(wd)
	return run(t, env, name, args...)
}

func readOutputs(t *testing.T, file string) map[string]string {
	out := map[string]string{}
	data, err := os.ReadFile(file)
	if err != nil {
		return out
	}
	for _, line := range strings.Split(string(data), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			out[k] = v
		}
	}
	return out
}

func goModVersion(t *testing.T) string {
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go (\S+)`).FindSubmatch(data)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return string(m[1])
}

// checkSARIF checks what code scanning requires of an upload: JSON,
// version 2.1.0, a tool name, and every location a file of the
// repository, relative to its root (an http(s) URI is rejected or shows
// nowhere). Each vulnerable URL must be named in some result's message.
func checkSARIF(t *testing.T, ws, file string, vulnerable []string, wantFound bool) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("the file upload-sarif would upload: %v", err)
	}
	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name string `json:"name"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				Message struct {
					Text string `json:"text"`
				} `json:"message"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatalf("SARIF is not JSON: %v", err)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || doc.Runs[0].Tool.Driver.Name == "" {
		t.Fatalf("SARIF: version %q, %d runs; want 2.1.0, one run with a tool name", doc.Version, len(doc.Runs))
	}
	var any any
	json.Unmarshal(data, &any)
	var uris []string
	collectURIs(any, false, &uris)
	if wantFound && len(uris) == 0 {
		t.Error("SARIF has no artifact location")
	}
	for _, u := range uris {
		switch {
		case strings.HasPrefix(u, "http://"), strings.HasPrefix(u, "https://"):
			t.Errorf("SARIF artifact location %q is a URL; code scanning wants a repository file", u)
		case filepath.IsAbs(u):
			t.Errorf("SARIF artifact location %q is absolute; code scanning wants a path relative to the repository", u)
		default:
			if _, err := os.Stat(filepath.Join(ws, u)); err != nil {
				t.Errorf("SARIF artifact location %q is not a file of the workspace: %v", u, err)
			}
		}
	}
	var texts []string
	for _, r := range doc.Runs[0].Results {
		texts = append(texts, r.Message.Text)
	}
	all := strings.Join(texts, "\n")
	for _, u := range vulnerable {
		if wantFound && !strings.Contains(all, u) {
			t.Errorf("no SARIF result message names the vulnerable %s", u)
		}
	}
	if !wantFound && len(texts) > 0 {
		t.Errorf("SARIF has %d results, want none", len(texts))
	}
}

// collectURIs gathers the uri of every artifactLocation in a SARIF tree.
func collectURIs(v any, inArtifact bool, out *[]string) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if k == "uri" && inArtifact {
				if s, ok := c.(string); ok {
					*out = append(*out, s)
				}
			}
			collectURIs(c, k == "artifactLocation", out)
		}
	case []any:
		for _, c := range x {
			collectURIs(c, false, out)
		}
	}
}
