package har

import (
	"net"
	"net/url"
	"strings"

	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
)

// pageCOEP is the Cross-Origin-Embedder-Policy a document's header lines
// give it: "require-corp" or "credentialless" (a structured-field token,
// its parameters such as report-to ignored), "" for none, unsafe-none, or
// a value the browsers ignore (several lines, an unknown token).
func pageCOEP(lines []string) string {
	if len(lines) != 1 {
		return ""
	}
	tok, _, _ := strings.Cut(lines[0], ";")
	switch v := strings.Trim(tok, " \t"); v {
	case fetch.COEPRequireCORP, fetch.COEPCredentialless:
		return v
	}
	return ""
}

// addressSpaces holds what a HAR's serverIPAddress fields say of where
// pages and APIs are served, for Local Network Access: a page's space is
// its document's server address's, an API's its entry's. Without the
// field (Firefox writes it too, other tools may not) the model falls back
// on the host in the URL.
type addressSpaces map[origin.Origin]fetch.AddressSpace

// page records the space of the document e of origin o.
func (a addressSpaces) page(o origin.Origin, e Entry) {
	if s := serverSpace(e); s != fetch.SpaceUnknown {
		a[o] = s
	} else {
		delete(a, o)
	}
}

// apply gives each browser the page's space and the space of the entry's
// server, keyed by the URL's host and port, before the call of entry e.
func (a addressSpaces) apply(bs []*fetch.Browser, page origin.Origin, e Entry) {
	target := serverSpace(e)
	u, err := url.Parse(e.Request.URL)
	for _, b := range bs {
		b.PageAddressSpace = a[page]
		if target == fetch.SpaceUnknown || err != nil {
			continue
		}
		if b.AddressSpaceOverrides == nil {
			b.AddressSpaceOverrides = map[string]fetch.AddressSpace{}
		}
		port := u.Port()
		if port == "" {
			port = map[string]string{"http": "80", "https": "443"}[u.Scheme]
		}
		b.AddressSpaceOverrides[net.JoinHostPort(u.Hostname(), port)] = target
	}
}

// serverSpace is the address space of e's serverIPAddress.
func serverSpace(e Entry) fetch.AddressSpace {
	ip := strings.Trim(e.ServerIPAddress, "[]")
	if net.ParseIP(ip) == nil {
		return fetch.SpaceUnknown
	}
	return fetch.HostAddressSpace(ip)
}
