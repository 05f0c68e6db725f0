package explain

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
)

// NetError names a transport failure as Chromium's network stack names it
// in the DevTools console ("net::ERR_CONNECTION_REFUSED"), so that the
// developer recognises the line they saw. The mapping follows
// net/base/net_error_list.h; a failure it does not recognise is
// net::ERR_FAILED, Chromium's own catch-all.
func NetError(err error) string {
	if err == nil {
		return ""
	}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var certErr *tls.CertificateVerificationError
	var recErr tls.RecordHeaderError
	var alert tls.AlertError
	switch {
	case errors.As(err, &dnsErr):
		return "net::ERR_NAME_NOT_RESOLVED"
	case errors.As(err, &unknownCA):
		return "net::ERR_CERT_AUTHORITY_INVALID"
	case errors.As(err, &hostErr):
		return "net::ERR_CERT_COMMON_NAME_INVALID"
	case errors.As(err, &invalid):
		if invalid.Reason == x509.Expired {
			return "net::ERR_CERT_DATE_INVALID"
		}
		return "net::ERR_CERT_INVALID"
	case errors.As(err, &certErr):
		return "net::ERR_CERT_INVALID"
	case errors.As(err, &recErr), errors.As(err, &alert):
		return "net::ERR_SSL_PROTOCOL_ERROR"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "net::ERR_CONNECTION_REFUSED"
	case errors.Is(err, syscall.ECONNRESET):
		return "net::ERR_CONNECTION_RESET"
	case errors.Is(err, syscall.ECONNABORTED):
		return "net::ERR_CONNECTION_ABORTED"
	case errors.Is(err, syscall.ENETUNREACH), errors.Is(err, syscall.EHOSTUNREACH):
		return "net::ERR_ADDRESS_UNREACHABLE"
	case errors.Is(err, context.DeadlineExceeded), errors.Is(err, os.ErrDeadlineExceeded), isTimeout(err):
		if isDial(err) {
			return "net::ERR_CONNECTION_TIMED_OUT"
		}
		return "net::ERR_TIMED_OUT"
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), strings.Contains(err.Error(), "server closed"):
		return "net::ERR_EMPTY_RESPONSE"
	case strings.Contains(err.Error(), "malformed HTTP"):
		return "net::ERR_INVALID_HTTP_RESPONSE"
	}
	return "net::ERR_FAILED"
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func isDial(err error) bool {
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
