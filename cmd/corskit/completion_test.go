package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/corskit/corskit/stacks"
)

// The completion tests load each script into the real shell and ask that
// shell's completion machinery for the candidates of a partial command
// line: bash through the function its 'complete' registration names,
// zsh through compinit in a pseudo-terminal (a TAB typed after the line),
// fish through 'complete -C'. scripts/ensure-deps.sh installs the shells.

// completionCase is a partial command line and candidates it must offer.
type completionCase struct {
	line string   // what the user typed, before TAB
	want []string // all must be offered
	only bool     // and nothing else
}

func completionCases(t *testing.T) []completionCase {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "targets.txt"), []byte("https://api.example.com/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return []completionCase{
		{"corskit au", []string{"audit"}, true},
		{"corskit comp", []string{"completion"}, true},
		{"corskit --ver", []string{"--version"}, true},
		{"corskit check --or", []string{"--origin"}, true},
		{"corskit check https://api.example.com/ --credentials in", []string{"include"}, true},
		{"corskit audit --format s", []string{"sarif"}, true},
		{"corskit check --profile ", []string{"all", "chromium", "firefox", "webkit", "spec"}, true},
		{"corskit check --browser w", []string{"webkit"}, true},
		{"corskit check https://api.example.com/ --stack ng", []string{"nginx"}, true},
		{"corskit check --stack exp", []string{"express"}, true},
		{"corskit completion f", []string{"fish"}, true},
		{"corskit audit --targets " + dir + "/tar", []string{dir + "/targets.txt"}, true},
	}
}

// helpFlags lists the flags 'corskit CMD -h' documents, as the binary
// prints them: the completions must offer every one.
func helpFlags(t *testing.T, cmd string) []string {
	stdout, _, code := cli(t, cmd, "-h")
	if code != 0 {
		t.Fatalf("%s -h: exit %d", cmd, code)
	}
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  (--?[A-Za-z][\w-]*)`).FindAllStringSubmatch(stdout, -1) {
		names = append(names, m[1])
	}
	return names
}

// flagCases: for each command, "corskit CMD -" offers every documented
// flag (long ones as --name, one-letter ones as -X).
func flagCases(t *testing.T, prefix string) []completionCase {
	var cases []completionCase
	for _, c := range commands {
		if c.name == "help" {
			continue
		}
		var want []string
		for _, f := range helpFlags(t, c.name) {
			if strings.HasPrefix(f, prefix) {
				want = append(want, f)
			}
		}
		if len(want) > 0 {
			cases = append(cases, completionCase{line: "corskit " + c.name + " " + prefix, want: want})
		}
	}
	if len(cases) < 4 {
		t.Fatalf("only %d commands document flags; the help parser is broken", len(cases))
	}
	return cases
}

func needShell(t *testing.T, shell string) string {
	t.Helper()
	p, err := exec.LookPath(shell)
	if err != nil {
		t.Fatalf("%s is not installed: the completion test runs the real shell (scripts/ensure-deps.sh installs it; apt-get install %s)", shell, shell)
	}
	return p
}

func completionScript(t *testing.T, shell string) string {
	t.Helper()
	stdout, stderr, code := cli(t, "completion", shell)
	if code != 0 {
		t.Fatalf("completion %s: exit %d: %s", shell, code, stderr)
	}
	f := filepath.Join(t.TempDir(), "corskit."+shell)
	if err := os.WriteFile(f, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	return f
}

func checkCandidates(t *testing.T, shell string, tc completionCase, got []string) {
	t.Helper()
	for _, w := range tc.want {
		if !slices.Contains(got, w) {
			t.Errorf("%s: %q<TAB> offered %q, missing %q", shell, tc.line, got, w)
		}
	}
	if tc.only && len(got) != len(tc.want) {
		t.Errorf("%s: %q<TAB> offered %q, want exactly %q", shell, tc.line, got, tc.want)
	}
}

func TestCompletionBash(t *testing.T) {
	bash := needShell(t, "bash")
	script := completionScript(t, "bash")
	cases := append(completionCases(t), flagCases(t, "-")...)
	// The --flag=value forms, which bash splits at "=" (COMP_WORDBREAKS).
	cases = append(cases,
		completionCase{"corskit check https://api.example.com/ --credentials=in", []string{"include"}, true},
		completionCase{"corskit check --stack=ng", []string{"nginx"}, true},
		completionCase{"corskit check --stack=", append([]string{"auto"}, stacks.Names()...), true},
		completionCase{"corskit audit --format=", []string{"text", "json", "jsonl", "sarif"}, true},
	)
	// One bash runs every case: set COMP_* as readline does for the line,
	// call the function that 'complete -p corskit' names, print COMPREPLY.
	var sb strings.Builder
	fmt.Fprintf(&sb, "source %s\nfn=$(complete -p corskit | sed -n 's/.*-F \\([^ ]*\\).*/\\1/p')\n[ -n \"$fn\" ] || { echo 'no completion registered for corskit' >&2; exit 1; }\n", shQuote(script))
	for _, tc := range cases {
		// bash splits words at blanks and at "=", which is in its
		// default COMP_WORDBREAKS: --stack=ng is --stack, =, ng.
		fmt.Fprintf(&sb, "COMP_LINE=%s; COMP_POINT=${#COMP_LINE}; read -ra COMP_WORDS <<<\"${COMP_LINE//=/ = }\"\n", shQuote(tc.line))
		if strings.HasSuffix(tc.line, " ") {
			sb.WriteString("COMP_WORDS+=('')\n")
		}
		sb.WriteString("COMP_CWORD=$((${#COMP_WORDS[@]}-1)); COMPREPLY=(); \"$fn\" corskit \"${COMP_WORDS[COMP_CWORD]}\" \"${COMP_WORDS[COMP_CWORD-1]}\"\nprintf '%s\\n' \"${COMPREPLY[@]}\"; echo '<END>'\n")
	}
	out, err := exec.Command(bash, "--norc", "--noprofile", "-c", sb.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("bash: %v\n%s", err, out)
	}
	results := strings.Split(string(out), "<END>\n")
	if len(results) != len(cases)+1 {
		t.Fatalf("bash printed %d results for %d cases:\n%s", len(results)-1, len(cases), out)
	}
	for i, tc := range cases {
		checkCandidates(t, "bash", tc, strings.Fields(results[i]))
	}
}

func TestCompletionFish(t *testing.T) {
	fish := needShell(t, "fish")
	script := completionScript(t, "fish")
	cases := append(completionCases(t), flagCases(t, "-")...)
	var sb strings.Builder
	fmt.Fprintf(&sb, "source %s\n", fishQuote(script))
	for _, tc := range cases {
		fmt.Fprintf(&sb, "complete -C %s; echo '<END>'\n", fishQuote(tc.line))
	}
	cmd := exec.Command(fish, "--no-config", "-c", sb.String())
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "XDG_CONFIG_HOME="+t.TempDir(), "XDG_DATA_HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("fish: %v\n%s", err, out)
	}
	results := strings.Split(string(out), "<END>\n")
	if len(results) != len(cases)+1 {
		t.Fatalf("fish printed %d results for %d cases:\n%s", len(results)-1, len(cases), out)
	}
	for i, tc := range cases {
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(results[i]), "\n") {
			if cand, _, _ := strings.Cut(line, "\t"); cand != "" { // "candidate\tdescription"
				got = append(got, cand)
			}
		}
		checkCandidates(t, "fish", tc, got)
	}
}

// zshCapture types a line and TAB into an interactive zsh running compinit,
// with compadd wrapped to print what the completion functions add.
const zshCapture = `zmodload zsh/zpty || exit 3
zpty z zsh -f -i
zpty -w z "PROMPT= ; RPROMPT= ; autoload -Uz compinit ; compinit -u -D"
zpty -w z "source ${(q)1}"
zpty -w z 'compadd () {
  if [[ ${@[1,(i)(-|--)]} == *-(O|A|D)\ * ]]; then builtin compadd "$@"; return $?; fi
  typeset -a __hits
  builtin compadd -A __hits "$@"
  local r=$? h
  for h in $__hits; do print -r -- "<CAND>$h</CAND>"; done
  return r
}'
zpty -w z "zstyle ':completion:*' list-grouped false"
zpty -w z "bindkey '^I' complete-word ; zle -N _done ; _done() { print -r -- '<END>' } ; bindkey '^X' _done"
zpty -w z "print -r -- '<READY>'"
local out
while zpty -r z out; do [[ $out == *'<READY>'* && $out != *print* ]] && break; done
zpty -w -n z "$2"$'\t'
zpty -w -n z $'\C-x'
while zpty -r z out; do
  [[ $out == *'<END>'* ]] && break
  [[ $out == *'<CAND>'* ]] && { out=${out#*<CAND>}; print -r -- ${out%%</CAND>*} }
done
zpty -d z
`

func TestCompletionZsh(t *testing.T) {
	zsh := needShell(t, "zsh")
	script := completionScript(t, "zsh")
	capture := filepath.Join(t.TempDir(), "capture.zsh")
	if err := os.WriteFile(capture, []byte(zshCapture), 0o644); err != nil {
		t.Fatal(err)
	}
	// zsh offers one-letter flags only after "-" and long ones after "--".
	cases := append(completionCases(t), flagCases(t, "--")...)
	for _, tc := range cases {
		for i, w := range tc.want {
			// _files adds the name and passes the directory as a prefix.
			tc.want[i] = filepath.Base(w)
		}
		cmd := exec.Command(zsh, "-f", capture, script, tc.line)
		cmd.Env = append(os.Environ(), "HOME="+t.TempDir(), "ZDOTDIR="+t.TempDir())
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("zsh %q: %v\n%s", tc.line, err, out)
		}
		checkCandidates(t, "zsh", tc, strings.Fields(string(out)))
	}
}

// The scripts are generated from the flag sets: a command's every flag is
// in its bash script, and an unknown shell is a usage error.
func TestCompletionUsage(t *testing.T) {
	for _, args := range [][]string{{"completion"}, {"completion", "tcsh"}, {"completion", "bash", "zsh"}} {
		_, stderr, code := cli(t, args...)
		if code != 2 || strings.Count(stderr, "\n") != 1 {
			t.Errorf("%q: exit %d, stderr %q; want 2 and one line", args, code, stderr)
		}
	}
}
