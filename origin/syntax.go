package origin

import (
	"net/netip"
	"strconv"
	"strings"

	"golang.org/x/net/idna"
)

// parts is an origin split into its serialized components; the strings
// point into the input, so splitting allocates nothing.
type parts struct {
	scheme           string
	host             string
	port             uint16
	hasPort, anyPort bool // ":port" present; ":*" (patterns only)
}

// split cuts s into scheme, host and port and checks everything but the
// host's characters. It returns a non-empty reason on failure. It is the
// one parser behind Parse, ParsePattern and Set.MatchString.
func split(s string) (p parts, reason string) {
	if s == "" {
		return p, "empty"
	}
	if len(s) > maxLen {
		return p, "longer than any origin (" + strconv.Itoa(maxLen) + " bytes)"
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return p, `missing "://" after the scheme`
	}
	p.scheme = s[:i]
	if reason := checkScheme(p.scheme); reason != "" {
		return p, reason
	}
	rest := s[i+3:]
	for j := 0; j < len(rest); j++ {
		switch c := rest[j]; {
		case c == '/':
			if j == len(rest)-1 {
				return p, "has a path: remove the trailing slash"
			}
			return p, "has a path: an origin is only scheme://host[:port]"
		case c == '?':
			return p, "has a query"
		case c == '#':
			return p, "has a fragment"
		case c == '@':
			return p, "has userinfo (user@)"
		case c <= ' ' || c >= 0x7f:
			return p, "contains whitespace, a control byte or a non-ASCII byte"
		}
	}
	host, port := rest, ""
	hasPort := false
	if strings.HasPrefix(rest, "[") {
		j := strings.IndexByte(rest, ']')
		if j < 0 {
			return p, `IPv6 address without its closing "]"`
		}
		host, port = rest[:j+1], rest[j+1:]
		if port != "" {
			if port[0] != ':' {
				return p, `unexpected text after "]"`
			}
			port, hasPort = port[1:], true
		}
	} else if j := strings.LastIndexByte(rest, ':'); j >= 0 {
		host, port, hasPort = rest[:j], rest[j+1:], true
	}
	if host == "" {
		return p, "empty host"
	}
	p.host, p.hasPort = host, hasPort
	if !hasPort {
		return p, ""
	}
	switch {
	case port == "":
		return p, `empty port after ":"`
	case port == "*":
		p.anyPort = true
		return p, ""
	case len(port) > 5 || !allDigits(port):
		return p, "port is not a number from 1 to 65535"
	case port[0] == '0':
		return p, "port has a leading zero (or is 0)"
	}
	n, _ := strconv.Atoi(port)
	if n > 65535 {
		return p, "port is not a number from 1 to 65535"
	}
	if d := defaultPort(p.scheme); d != 0 && n == d {
		return p, "default port :" + port + " must be omitted: browsers never send it"
	}
	p.port = uint16(n)
	return p, ""
}

func checkScheme(s string) string {
	if s == "" {
		return "empty scheme"
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			return "scheme must be lowercase"
		case i > 0 && ('0' <= c && c <= '9' || c == '+' || c == '-' || c == '.'):
		default:
			return "scheme is not letters, digits, \"+\", \"-\" or \".\" after a first letter"
		}
	}
	return ""
}

func defaultPort(scheme string) int {
	switch scheme {
	case "http", "ws":
		return 80
	case "https", "wss":
		return 443
	case "ftp":
		return 21
	}
	return 0
}

// checkHost checks a host as a browser serializes it: lowercase ASCII
// domain labels that the URL Standard's domain-to-ASCII gives back unchanged,
// a canonical dotted-decimal IPv4 address, or a canonical bracketed IPv6
// address.
func checkHost(h string, wildcardDomain bool) string {
	if h[0] == '[' {
		if wildcardDomain {
			return "a subdomain wildcard needs a domain, not an IP address"
		}
		a, err := netip.ParseAddr(h[1 : len(h)-1])
		if err != nil || !a.Is6() || a.Zone() != "" {
			return "not a valid IPv6 address"
		}
		if c := "[" + ipv6String(a) + "]"; c != h {
			return "IPv6 address not in canonical form (browsers send " + c + ")"
		}
		return ""
	}
	if len(h) > 254 || len(h) == 254 && h[253] != '.' {
		return "host longer than 253 bytes"
	}
	d := h
	if d[len(d)-1] == '.' {
		d = d[:len(d)-1] // a fully qualified name keeps its dot
	}
	// One pass over the labels; no allocation, as Set.MatchString calls it.
	start, punycode := 0, false
	for i := 0; i <= len(d); i++ {
		if i == len(d) || d[i] == '.' {
			switch n := i - start; {
			case n == 0:
				return "host has an empty label"
			case n > 63:
				return "host label longer than 63 bytes"
			}
			punycode = punycode || strings.HasPrefix(d[start:i], "xn--")
			if i < len(d) {
				start = i + 1
			}
			continue
		}
		switch c := d[i]; {
		case '0' <= c && c <= '9', 'a' <= c && c <= 'z', c == '-', c == '_':
		case 'A' <= c && c <= 'Z':
			return "host must be lowercase"
		default:
			return "host contains " + strconv.QuoteRune(rune(c)) + ", not allowed in a domain"
		}
	}
	if endsInNumber(d[start:]) {
		// URL Standard: a host whose last label is a number is an IPv4
		// address; the IPv4 parser fails on anything else, and browsers
		// serialize what it accepts in dotted decimal.
		if wildcardDomain {
			return "a subdomain wildcard needs a domain, not an IP address"
		}
		if a, err := netip.ParseAddr(h); err != nil || !a.Is4() || a.String() != h {
			return "ends in a number but is not a canonical IPv4 address"
		}
		return ""
	}
	if punycode {
		// Only xn-- labels can fail or change in domain-to-ASCII once the
		// characters above are checked (no uppercase to map, no STD3 or
		// hyphen rules in the URL Standard), so the common case skips it.
		if !validPunycode(d) {
			return "has an xn-- label that is not valid punycode of a valid name (browsers refuse the host)"
		}
	}
	return ""
}

// validPunycode reports whether domain-to-ASCII keeps d, a lowercase
// domain with xn-- labels, as it is. An xn-- label whose Punycode decodes
// to ASCII alone ("xn--example-", "example" with an empty extension) is
// kept as written by Chromium and Node, where the idna package would give
// back the decoded label: such a label only needs to decode, to something
// not empty.
func validPunycode(d string) bool {
	if a, err := domainToASCII.ToASCII(d); err == nil && a == d {
		return true
	}
	for label := range strings.SplitSeq(d, ".") {
		if !strings.HasPrefix(label, "xn--") {
			continue // checked byte by byte already
		}
		if asciiOnlyPunycode(label) {
			continue
		}
		u, err := domainToASCII.ToUnicode(label)
		if err != nil || u == "" {
			return false
		}
		if a, err := domainToASCII.ToASCII(label); err != nil || a != label {
			return false
		}
	}
	return true
}

// asciiOnlyPunycode reports whether the xn-- label decodes, as Punycode, to
// a non-empty label of ASCII alone. UTS 46 since revision 15.1 (and x/net's
// idna since v0.60) calls such a label invalid; Chromium and Node keep it.
// The Punycode profile gives back the decoded label beside that error, and
// the label unchanged when it does not decode at all.
func asciiOnlyPunycode(label string) bool {
	u, _ := idna.Punycode.ToUnicode(label)
	return u != label && u != "" && isASCII(u)
}

// domainToASCII is UTS 46 ToASCII as the URL Standard's "domain to ASCII"
// runs it (beStrict false): non-transitional, CheckBidi and CheckJoiners on,
// CheckHyphens, UseSTD3ASCIIRules and VerifyDnsLength off. The idna
// package's Lookup profile differs in the last three, which would refuse
// names browsers accept (under_score.example, a--b.example).
var domainToASCII = idna.New(
	idna.MapForLookup(),
	idna.BidiRule(),
	idna.CheckJoiners(true),
	idna.CheckHyphens(false),
	idna.StrictDomainName(false),
	idna.Transitional(false),
	idna.VerifyDNSLength(false),
)

// endsInNumber reports whether label, a host's last label, makes the URL
// Standard parse the host as IPv4: all decimal digits, or "0x" followed by
// hex digits or nothing (the host is lowercase by now).
func endsInNumber(label string) bool {
	if hex, ok := strings.CutPrefix(label, "0x"); ok {
		for i := 0; i < len(hex); i++ {
			if c := hex[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
		return true
	}
	return allDigits(label)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ipv6String serializes a as the URL Standard does: lowercase hex pieces
// without leading zeros, the first longest run of two or more zero pieces
// compressed to "::", and never a dotted IPv4 tail (unlike RFC 5952).
func ipv6String(a netip.Addr) string {
	b := a.As16()
	var pieces [8]uint16
	for i := range pieces {
		pieces[i] = uint16(b[2*i])<<8 | uint16(b[2*i+1])
	}
	bestStart, bestLen := -1, 1
	for i := 0; i < 8; {
		if pieces[i] != 0 {
			i++
			continue
		}
		j := i
		for j < 8 && pieces[j] == 0 {
			j++
		}
		if j-i > bestLen {
			bestStart, bestLen = i, j-i
		}
		i = j
	}
	var sb strings.Builder
	for i := 0; i < 8; i++ {
		if i == bestStart {
			sb.WriteString("::")
			i += bestLen - 1
			continue
		}
		if sb.Len() > 0 && !strings.HasSuffix(sb.String(), ":") {
			sb.WriteByte(':')
		}
		sb.WriteString(strconv.FormatUint(uint64(pieces[i]), 16))
	}
	return sb.String()
}
