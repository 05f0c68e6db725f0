package deploy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

// A finding, as the shards are compared: what, where, from which origin.
type finding struct{ URL, ID, Origin, Severity string }

// findings parses JSONL output, one finding a line.
func findings(t *testing.T, jsonl string) []finding {
	t.Helper()
	var out []finding
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		if line == "" {
			continue
		}
		var f finding
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("not a JSONL finding: %q: %v", line, err)
		}
		out = append(out, f)
	}
	return out
}

// checkShards runs one audit per shard and the same audit unsharded, and
// checks that the shards' URLs are disjoint and that the concatenated
// parts hold exactly the findings of the single run.
func checkShards(t *testing.T, n int, shard func(i int) (env, args []string), whole []string) {
	t.Helper()
	out, errOut, code := run(t, nil, corskit, whole...)
	if code != 0 && code != 1 {
		t.Fatalf("unsharded audit: exit %d: %s", code, errOut)
	}
	want := findings(t, out)
	if len(want) == 0 {
		t.Fatal("the unsharded audit found nothing: the test's targets are wrong")
	}
	var merged []finding
	owner := map[string]int{}
	for i := range n {
		env, args := shard(i)
		out, errOut, code := run(t, env, corskit, args...)
		if code != 0 && code != 1 {
			t.Fatalf("shard %d (%q %q): exit %d: %s", i, env, args, code, errOut)
		}
		for _, f := range findings(t, out) {
			if o, ok := owner[f.URL]; ok && o != i {
				t.Errorf("%s audited by shards %d and %d", f.URL, o, i)
			}
			owner[f.URL] = i
			merged = append(merged, f)
		}
	}
	cmp := func(a, b finding) int { return strings.Compare(a.URL+a.ID+a.Origin, b.URL+b.ID+b.Origin) }
	slices.SortFunc(want, cmp)
	slices.SortFunc(merged, cmp)
	if !slices.Equal(want, merged) {
		t.Errorf("the %d shards found %d findings, the single run %d; they must be the same", n, len(merged), len(want))
	}
}

// The sharded workflow's matrix lists shards 1..N and each job audits
// --shard K/N: run those commands, shard by shard.
func TestWorkflowShards(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "examples", "ci", "cors-audit-sharded.yml"))
	if err != nil {
		t.Fatal(err)
	}
	var wf struct {
		Jobs map[string]struct {
			Strategy struct {
				Matrix struct {
					Shard []int `yaml:"shard"`
				} `yaml:"matrix"`
			} `yaml:"strategy"`
			Steps []struct {
				Run string `yaml:"run"`
			} `yaml:"steps"`
		} `yaml:"jobs"`
	}
	if err := yaml.Unmarshal(data, &wf); err != nil {
		t.Fatalf("workflow: %v", err)
	}
	job := wf.Jobs["shard"]
	var line string
	for _, s := range job.Steps {
		if m := regexp.MustCompile(`(?m)^\s*(corskit audit .*)$`).FindStringSubmatch(s.Run); m != nil {
			line = m[1]
		}
	}
	m := regexp.MustCompile(`--shard \$\{\{ matrix\.shard \}\}/(\d+)`).FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("the shard job runs %q, want corskit audit ... --shard ${{ matrix.shard }}/N", line)
	}
	n, _ := strconv.Atoi(m[1])
	if want := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}[:n]; !slices.Equal(job.Strategy.Matrix.Shard, want) {
		t.Fatalf("matrix.shard %v, want %v for --shard K/%d", job.Strategy.Matrix.Shard, want, n)
	}
	dir := t.TempDir()
	file, _ := targets(t, dir, 40)
	base := []string{"audit", "--targets", file, "--format", "jsonl", "--rate", "0"}
	checkShards(t, n, func(i int) ([]string, []string) {
		return nil, append(slices.Clone(base), "--shard", strconv.Itoa(i+1)+"/"+strconv.Itoa(n))
	}, base)
}

// The Indexed Job runs N pods whose JOB_COMPLETION_INDEX is 0..N-1, each
// with the manifest's args (--shard auto) and CORSKIT_SHARDS=N: run those,
// pod by pod, with the targets path pointed at a local file.
func TestIndexedJobShards(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(root, "examples", "k8s", "audit-job.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var job struct {
		Spec struct {
			CompletionMode string `yaml:"completionMode"`
			Completions    int    `yaml:"completions"`
			Parallelism    int    `yaml:"parallelism"`
			Template       struct {
				Spec struct {
					Containers []struct {
						Args []string `yaml:"args"`
						Env  []struct {
							Name, Value string
						} `yaml:"env"`
						VolumeMounts []struct {
							MountPath string `yaml:"mountPath"`
						} `yaml:"volumeMounts"`
					} `yaml:"containers"`
				} `yaml:"spec"`
			} `yaml:"template"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(data, &job); err != nil {
		t.Fatalf("job: %v", err)
	}
	s := job.Spec
	if s.CompletionMode != "Indexed" || len(s.Template.Spec.Containers) != 1 {
		t.Fatalf("job: completionMode %q with %d containers, want Indexed with one", s.CompletionMode, len(s.Template.Spec.Containers))
	}
	c := s.Template.Spec.Containers[0]
	shards := ""
	for _, e := range c.Env {
		if e.Name == "CORSKIT_SHARDS" {
			shards = e.Value
		}
	}
	if shards != strconv.Itoa(s.Completions) || s.Parallelism > s.Completions {
		t.Fatalf("CORSKIT_SHARDS %q, completions %d, parallelism %d: CORSKIT_SHARDS must equal completions", shards, s.Completions, s.Parallelism)
	}
	if i := slices.Index(c.Args, "--shard"); i < 0 || i+1 >= len(c.Args) || c.Args[i+1] != "auto" {
		t.Fatalf("args %q: want --shard auto", c.Args)
	}
	ti := slices.Index(c.Args, "--targets")
	if ti < 0 || len(c.VolumeMounts) == 0 || !strings.HasPrefix(c.Args[ti+1], c.VolumeMounts[0].MountPath+"/") {
		t.Fatalf("args %q: --targets must name a file under the mounted ConfigMap", c.Args)
	}
	dir := t.TempDir()
	file, _ := targets(t, dir, 40)
	args := slices.Clone(c.Args)
	args[ti+1] = file
	if ri := slices.Index(args, "--rate"); ri >= 0 {
		args[ri+1] = "0" // loopback targets: no need to be gentle
	}
	whole := slices.Clone(args)
	si := slices.Index(whole, "--shard")
	whole = slices.Delete(whole, si, si+2)
	checkShards(t, s.Completions, func(i int) ([]string, []string) {
		return []string{"JOB_COMPLETION_INDEX=" + strconv.Itoa(i), "CORSKIT_SHARDS=" + shards}, args
	}, whole)
}
