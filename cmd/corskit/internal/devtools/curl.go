package devtools

import (
	"encoding/base64"
	"fmt"
	"net/url"
	"strings"
	"unicode/utf8"
)

// word is one argument of a command line, decoded, with the byte offset
// where it starts in the input.
type word struct {
	s   string
	off int
}

// ParseCurl reads a "Copy as cURL" command, in the bash or the Windows
// cmd flavour (told apart by their quoting: cmd copies quote with ^").
func ParseCurl(text string) (*Call, error) {
	if len(text) > MaxInputSize {
		return nil, &TooLargeError{Size: len(text)}
	}
	f := CurlBash
	if isCmd(text) {
		f = CurlCmd
	}
	var words []word
	var err error
	if f == CurlCmd {
		words, err = cmdWords(text)
	} else {
		words, err = bashWords(text)
	}
	if err != nil {
		return nil, err
	}
	return curlCall(f, text, words)
}

// isCmd tells the cmd flavour from bash by the quoting of the first
// argument: DevTools' cmd copies quote it with ^" (Chromium before 2023
// used plain " for values without a line break, and joined lines with a
// caret), bash copies with ' or $'. Firefox runs curl.exe on Windows.
func isCmd(text string) bool {
	t := strings.TrimLeft(text, " \t\r\n\ufeff")
	if strings.HasPrefix(t, "curl.exe") {
		return true
	}
	rest := strings.TrimLeft(strings.TrimPrefix(t, "curl"), " \t")
	if r, ok := strings.CutPrefix(rest, "--url"); ok {
		rest = strings.TrimLeft(r, " \t")
	}
	switch {
	case strings.HasPrefix(rest, `^"`):
		return true
	case strings.HasPrefix(rest, "'"), strings.HasPrefix(rest, "$'"):
		return false
	}
	return strings.Contains(t, " ^\n") || strings.Contains(t, " ^\r\n")
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' }

// newlineAt returns the length of the line break at in[i] (LF or CRLF,
// as a pasted clipboard may carry), or 0.
func newlineAt(in string, i int) int {
	switch {
	case i < len(in) && in[i] == '\n':
		return 1
	case i+1 < len(in) && in[i] == '\r' && in[i+1] == '\n':
		return 2
	}
	return 0
}

// restIsBlank reports whether in[i:] holds only white space and
// comments, and otherwise where the next thing starts.
func restIsBlank(in string, i int, comments bool) (int, bool) {
	for i < len(in) {
		switch c := in[i]; {
		case isSpace(c) || c == '\r' || c == '\n':
			i++
		case comments && c == '#':
			for i < len(in) && in[i] != '\n' {
				i++
			}
		default:
			return i, false
		}
	}
	return i, true
}

// bashWords splits a bash command line into words as bash would, for the
// quoting DevTools writes: 'single', $'ANSI-C', "double" (without
// expansions), backslash escapes and backslash-newline continuations.
// Anything that would make bash run more than one simple command, or
// expand a variable, is refused.
func bashWords(in string) ([]word, error) {
	var (
		words  []word
		cur    strings.Builder
		inWord bool
		start  int
	)
	fail := func(off int, msg string) error { return position(CurlBash, in, off, msg) }
	begin := func(i int) {
		if !inWord {
			inWord, start = true, i
		}
	}
	end := func() {
		if inWord {
			words = append(words, word{cur.String(), start})
			cur.Reset()
			inWord = false
		}
	}
	i := 0
	for i < len(in) {
		c := in[i]
		switch {
		case isSpace(c):
			end()
			i++
		case c == '\\' && newlineAt(in, i+1) > 0:
			i += 1 + newlineAt(in, i+1) // a continuation joins the lines
		case newlineAt(in, i) > 0:
			end()
			if j, ok := restIsBlank(in, i, true); !ok {
				if len(words) == 0 {
					i = j
					continue
				}
				return nil, fail(j, "more than one command: copy one request (Copy as cURL), not all of them")
			}
			i = len(in)
		case c == '#' && !inWord:
			for i < len(in) && in[i] != '\n' {
				i++
			}
		case c == '\'':
			begin(i)
			j := strings.IndexByte(in[i+1:], '\'')
			if j < 0 {
				return nil, fail(i, "unterminated '...' string")
			}
			cur.WriteString(in[i+1 : i+1+j])
			i += j + 2
		case c == '$' && i+1 < len(in) && in[i+1] == '\'':
			begin(i)
			n, err := ansiC(in, i+2, &cur)
			if err != nil {
				return nil, err
			}
			i = n
		case c == '"':
			begin(i)
			j := i + 1
			for {
				if j >= len(in) {
					return nil, fail(i, `unterminated "..." string`)
				}
				d := in[j]
				if d == '"' {
					break
				}
				if d == '\\' && j+1 < len(in) {
					if n := newlineAt(in, j+1); n > 0 {
						j += 1 + n
						continue
					}
					if strings.IndexByte("$`\"\\", in[j+1]) >= 0 {
						cur.WriteByte(in[j+1])
						j += 2
						continue
					}
				}
				if d == '`' || d == '$' && j+1 < len(in) && isExpansionStart(in[j+1]) {
					return nil, fail(j, "shell expansion ($, `) is not supported: quote the value with '...'")
				}
				cur.WriteByte(d)
				j++
			}
			i = j + 1
		case c == '\\':
			begin(i)
			if i+1 >= len(in) {
				return nil, fail(i, "a backslash ends the command")
			}
			_, size := utf8.DecodeRuneInString(in[i+1:])
			cur.WriteString(in[i+1 : i+1+size])
			i += 1 + size
		case c == '$' && i+1 < len(in) && isExpansionStart(in[i+1]), c == '`':
			return nil, fail(i, "shell expansion ($, `) is not supported: quote the value with '...'")
		case strings.IndexByte(";&|<>()", c) >= 0:
			if c == ';' {
				if _, ok := restIsBlank(in, i+1, true); ok {
					i++ // a lone trailing ; ends the one command
					continue
				}
			}
			if c == ';' {
				return nil, fail(i, "more than one command: copy one request (Copy as cURL), not all of them")
			}
			return nil, fail(i, fmt.Sprintf("%q outside quotes: not a single curl command (copy one request)", c))
		default:
			begin(i)
			cur.WriteByte(c)
			i++
		}
	}
	end()
	return words, nil
}

func isExpansionStart(c byte) bool {
	return c == '{' || c == '(' || c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' ||
		'0' <= c && c <= '9' || strings.IndexByte("@*#?$!-", c) >= 0
}

// ansiC decodes the body of a $'...' string starting at in[i] into out,
// and returns the offset after its closing quote. Escapes decode to the
// characters DevTools escaped: \xHH and \ooo are code points (Firefox
// writes é as \xe9), \uHHHH pairs of surrogates join into one code point
// (Firefox writes an emoji as two), and NUL stays a NUL byte.
func ansiC(in string, i int, out *strings.Builder) (int, error) {
	open := i - 2
	j := joiner{out: out, high: -1}
	flush, emit := j.flush, j.emit
	for {
		if i >= len(in) {
			return 0, position(CurlBash, in, open, "unterminated $'...' string")
		}
		c := in[i]
		if c == '\'' {
			flush()
			return i + 1, nil
		}
		if c != '\\' {
			flush()
			out.WriteByte(c)
			i++
			continue
		}
		if i+1 >= len(in) {
			return 0, position(CurlBash, in, open, "unterminated $'...' string")
		}
		e := in[i+1]
		i += 2
		switch e {
		case 'a':
			emit(7)
		case 'b':
			emit(8)
		case 'e', 'E':
			emit(0x1b)
		case 'f':
			emit('\f')
		case 'n':
			emit('\n')
		case 'r':
			emit('\r')
		case 't':
			emit('\t')
		case 'v':
			emit('\v')
		case '\\', '\'', '"', '?':
			emit(rune(e))
		case 'c':
			if i < len(in) {
				emit(rune(in[i] & 0x1f))
				i++
			}
		case '0', '1', '2', '3', '4', '5', '6', '7':
			v := rune(e - '0')
			for k := 0; k < 2 && i < len(in) && '0' <= in[i] && in[i] <= '7'; k++ {
				v = v*8 + rune(in[i]-'0')
				i++
			}
			emit(v & 0xff)
		case 'x', 'u', 'U':
			maxDigits := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			v, n := hexPrefix(in[i:], maxDigits)
			if n == 0 {
				flush()
				out.WriteByte('\\')
				out.WriteByte(e)
				continue
			}
			i += n
			if v > utf8.MaxRune {
				v = utf8.RuneError
			}
			emit(v)
		default:
			flush()
			out.WriteByte('\\')
			out.WriteByte(e)
		}
	}
}

// hexPrefix reads up to max hex digits at the start of s.
func hexPrefix(s string, max int) (rune, int) {
	var v rune
	n := 0
	for n < max && n < len(s) {
		d := unhex(s[n])
		if d < 0 {
			break
		}
		v = v*16 + rune(d)
		n++
	}
	return v, n
}

func unhex(c byte) int {
	switch {
	case '0' <= c && c <= '9':
		return int(c - '0')
	case 'a' <= c && c <= 'f':
		return int(c-'a') + 10
	case 'A' <= c && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

// cmdWords splits a Windows command line as cmd.exe and then the MS C
// runtime would: cmd removes ^ escapes (a ^ before a line break joins the
// lines and escapes the next character, so DevTools writes a newline in a
// value as ^ and two line breaks) and refuses & | < > outside quotes;
// the C runtime splits on blanks outside "quotes", where \" is a quote
// and "" inside quotes is one. A run of backslashes not before a quote is
// halved, undoing DevTools' doubling of every backslash, and \$ and \`
// lose their backslash (Firefox adds it).
func cmdWords(in string) ([]word, error) {
	fail := func(off int, msg string) error { return position(CurlCmd, in, off, msg) }
	// Phase 1: cmd.exe.
	var line []byte
	var offs []int
	quoted := false
	i := 0
	for i < len(in) {
		c := in[i]
		if n := newlineAt(in, i); n > 0 {
			if len(line) == 0 || strings.TrimSpace(string(line)) == "" {
				line, offs = line[:0], offs[:0]
				i += n
				continue
			}
			if j, ok := restIsBlank(in, i, false); !ok {
				return nil, fail(j, "more than one command: copy one request (Copy as cURL), not all of them")
			}
			break
		}
		if c == '^' && !quoted {
			i++
			if n := newlineAt(in, i); n > 0 {
				i += n // the line break goes; the next character is escaped
				if n := newlineAt(in, i); n > 0 {
					line, offs = append(line, '\n'), append(offs, i)
					i += n
					continue
				}
			}
			if i < len(in) {
				line, offs = append(line, in[i]), append(offs, i)
				i++
			}
			continue
		}
		if c == '"' {
			quoted = !quoted
		} else if !quoted && strings.IndexByte("&|<>", c) >= 0 {
			return nil, fail(i, fmt.Sprintf("%q outside quotes: not a single curl command (copy one request)", c))
		}
		line, offs = append(line, c), append(offs, i)
		i++
	}
	// Phase 2: the C runtime's argument splitting.
	var (
		words  []word
		cur    strings.Builder
		inWord bool
		start  int
		q      bool
	)
	for j := 0; j < len(line); {
		c := line[j]
		if !inWord && !(isSpace(c) && !q) {
			inWord, start = true, offs[j]
		}
		switch {
		case c == '\\':
			n := 0
			for j+n < len(line) && line[j+n] == '\\' {
				n++
			}
			next := byte(0)
			if j+n < len(line) {
				next = line[j+n]
			}
			switch {
			case next == '"':
				cur.WriteString(strings.Repeat(`\`, n/2))
				j += n
				if n%2 == 1 {
					cur.WriteByte('"')
					j++
				}
			case (next == '$' || next == '`') && n%2 == 1:
				cur.WriteString(strings.Repeat(`\`, n/2))
				cur.WriteByte(next)
				j += n + 1
			default:
				cur.WriteString(strings.Repeat(`\`, (n+1)/2))
				j += n
			}
		case c == '"':
			if q && j+1 < len(line) && line[j+1] == '"' {
				cur.WriteByte('"')
				j += 2
				continue
			}
			q = !q
			j++
		case isSpace(c) && !q:
			if inWord {
				words = append(words, word{cur.String(), start})
				cur.Reset()
				inWord = false
			}
			j++
		default:
			cur.WriteByte(c)
			j++
		}
	}
	if q {
		return nil, fail(start, `unterminated "..." string`)
	}
	if inWord {
		words = append(words, word{cur.String(), start})
	}
	return words, nil
}

// curl's options, by how many arguments they take. Options not listed are
// refused, so that nothing a copy says is silently dropped.
var (
	curlNoArg = map[string]bool{
		"-s": true, "--silent": true, "-S": true, "--show-error": true, "-v": true, "--verbose": true,
		"-i": true, "--include": true, "-L": true, "--location": true, "--compressed": true,
		"-k": true, "--insecure": true, "-g": true, "--globoff": true, "--http1.0": true,
		"--http1.1": true, "--http2": true, "--http2-prior-knowledge": true, "--http3": true,
		"-f": true, "--fail": true, "--fail-with-body": true, "-N": true, "--no-buffer": true,
		"-I": true, "--head": true, "--raw": true, "-4": true, "-6": true,
		"--no-progress-meter": true, "-#": true, "--progress-bar": true, "--path-as-is": true,
	}
	curlArg = map[string]bool{
		"-X": true, "--request": true, "-H": true, "--header": true, "-b": true, "--cookie": true,
		"-d": true, "--data": true, "--data-raw": true, "--data-binary": true, "--data-ascii": true,
		"--data-urlencode": true, "--url": true, "-A": true, "--user-agent": true, "-e": true,
		"--referer": true, "-u": true, "--user": true, "-r": true, "--range": true,
		// Transfer settings that do not change the request a browser made.
		"-o": true, "--output": true, "-m": true, "--max-time": true, "--connect-timeout": true,
		"-x": true, "--proxy": true, "--resolve": true, "-w": true, "--write-out": true,
		"--cacert": true, "-E": true, "--cert": true, "--key": true, "-c": true, "--cookie-jar": true,
		"-D": true, "--dump-header": true, "--retry": true, "--max-redirs": true,
	}
)

// curlCall reads curl's arguments into a call.
func curlCall(f Format, in string, words []word) (*Call, error) {
	if len(words) == 0 {
		return nil, position(f, in, 0, "empty command")
	}
	prog := words[0].s
	if base := prog[strings.LastIndexAny(prog, `/\`)+1:]; base != "curl" && base != "curl.exe" {
		return nil, position(f, in, words[0].off, fmt.Sprintf("the command is %q, not curl", clip(prog)))
	}
	b := &builder{}
	b.call.Format = f
	var (
		rawURL, method string
		data           []string
		head, globoff  bool
		options        = true
	)
	argErr := func(opt, val, reason string) error {
		return &ArgError{Format: f, Arg: opt, Value: val, Reason: reason}
	}
	for k := 1; k < len(words); k++ {
		w := words[k]
		opt, val, hasVal := w.s, "", false
		if !options || !strings.HasPrefix(opt, "-") || opt == "-" {
			if rawURL != "" {
				return nil, position(f, in, w.off, fmt.Sprintf("a second URL %q: copy one request", clip(w.s)))
			}
			rawURL = w.s
			continue
		}
		if opt == "--" {
			options = false
			continue
		}
		// Short options may carry their value (-XPOST) or be grouped (-sSL).
		if len(opt) > 2 && opt[1] != '-' {
			if curlArg[opt[:2]] {
				opt, val, hasVal = opt[:2], opt[2:], true
			} else {
				for _, c := range opt[1:] {
					if !curlNoArg["-"+string(c)] {
						return nil, argErr(w.s, "", "unknown curl option")
					}
					switch c {
					case 'I':
						head = true
					case 'k':
						b.call.Insecure = true
					case 'g':
						globoff = true
					}
				}
				continue
			}
		}
		switch {
		case curlNoArg[opt]:
			switch opt {
			case "-I", "--head":
				head = true
			case "-k", "--insecure":
				b.call.Insecure = true
			case "--compressed":
				b.call.Compressed = true
			case "-g", "--globoff":
				globoff = true
			}
			continue
		case !curlArg[opt]:
			if opt == "-F" || opt == "--form" || opt == "-T" || opt == "--upload-file" || opt == "-G" || opt == "--get" {
				return nil, argErr(opt, "", "not supported: DevTools never writes it (paste the copy as DevTools gave it)")
			}
			return nil, argErr(opt, "", "unknown curl option")
		}
		if !hasVal {
			if k+1 >= len(words) {
				return nil, argErr(opt, "", "needs a value")
			}
			k++
			val = words[k].s
		}
		switch opt {
		case "-X", "--request":
			method = val
		case "--url":
			if rawURL != "" {
				return nil, argErr(opt, val, "a second URL: copy one request")
			}
			rawURL = val
		case "-H", "--header":
			if strings.HasPrefix(val, "@") {
				return nil, argErr(opt, val, "headers from a file are not read")
			}
			name, value, ok := strings.Cut(val, ":")
			if !ok {
				// "Name;" is how curl sends a header with an empty value.
				if n, rest, semi := strings.Cut(val, ";"); semi && strings.TrimSpace(rest) == "" {
					name, value, ok = n, "", true
				}
			} else if strings.TrimSpace(value) == "" {
				continue // "Name:" tells curl not to send the header
			}
			name = strings.TrimSpace(name)
			if !ok || name == "" || strings.ContainsAny(name, " \t") {
				return nil, argErr(opt, val, "want 'Name: value'")
			}
			b.header(name, strings.TrimLeft(value, " \t"), false)
		case "-b", "--cookie":
			if !strings.Contains(val, "=") {
				b.call.Notes = append(b.call.Notes, fmt.Sprintf("%s %q names a cookie file, which is not read", opt, clip(val)))
				continue
			}
			b.header("Cookie", val, false)
		case "-d", "--data", "--data-ascii", "--data-binary":
			if strings.HasPrefix(val, "@") {
				return nil, argErr(opt, val, "data from a file is not read (use --data-raw for a literal @)")
			}
			data = append(data, val)
		case "--data-raw":
			data = append(data, val)
		case "--data-urlencode":
			v, err := dataURLEncode(val)
			if err != nil {
				return nil, argErr(opt, val, err.Error())
			}
			data = append(data, v)
		case "-A", "--user-agent":
			b.header("User-Agent", val, false)
		case "-e", "--referer":
			b.header("Referer", strings.TrimSuffix(val, ";auto"), false)
		case "-u", "--user":
			b.header("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(val)), false)
		case "-r", "--range":
			b.header("Range", "bytes="+val, false)
		}
	}
	if rawURL == "" {
		return nil, position(f, in, len(in), "no URL")
	}
	if !globoff {
		rawURL = unglob(rawURL)
	}
	u, err := url.Parse(rawURL)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &ArgError{Format: f, Arg: "URL", Value: rawURL, Reason: "want an absolute http or https URL"}
	}
	req := &b.call.Request
	req.URL = rawURL
	if len(data) > 0 {
		req.Body = strings.Join(data, "&")
	}
	switch {
	case method != "":
		req.Method = method
	case head:
		req.Method = "HEAD"
	case len(data) > 0:
		req.Method = "POST"
	default:
		req.Method = "GET"
	}
	return b.finish(), nil
}

// unglob undoes the backslashes DevTools puts before [ ] { } in a URL so
// that curl does not take them for its URL globbing.
func unglob(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var out strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("[]{}", s[i+1]) >= 0 {
			i++
		}
		out.WriteByte(s[i])
	}
	return out.String()
}

// dataURLEncode applies curl's --data-urlencode forms: "content",
// "=content" and "name=content" (a file, "@f" or "name@f", is not read).
func dataURLEncode(v string) (string, error) {
	name, content, eq := strings.Cut(v, "=")
	if !eq {
		if strings.Contains(v, "@") {
			return "", fmt.Errorf("data from a file is not read")
		}
		return curlEscape(v), nil
	}
	if name == "" {
		return curlEscape(content), nil
	}
	if strings.Contains(name, "@") {
		return "", fmt.Errorf("data from a file is not read")
	}
	return name + "=" + curlEscape(content), nil
}

// curlEscape percent-encodes all but RFC 3986's unreserved characters, as
// curl_easy_escape does.
func curlEscape(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}
