package stacks

import "strings"

// This file writes a cookie's attributes where each stack sets them: a
// cookie that a credentialed cross-site call must carry needs
// SameSite=None and Secure (and Partitioned where the browser blocks or
// partitions third-party cookies), set by the API's own Set-Cookie.

// CookieAttrs are the attributes a fix asks the API's Set-Cookie for.
type CookieAttrs struct {
	SameSiteNone bool // SameSite=None
	Secure       bool
	Partitioned  bool // CHIPS
}

// Header is the attributes as they follow "name=value" in Set-Cookie.
func (a CookieAttrs) Header() string {
	var parts []string
	if a.SameSiteNone {
		parts = append(parts, "SameSite=None")
	}
	if a.Secure {
		parts = append(parts, "Secure")
	}
	if a.Partitioned {
		parts = append(parts, "Partitioned")
	}
	return strings.Join(parts, "; ")
}

// CookieSetting is the line that sets cookie name with attrs in stack s
// (nil: the Set-Cookie header line itself). Django's own session and
// CSRF cookies are set by settings, any other cookie by set_cookie.
func CookieSetting(s *Stack, name string, a CookieAttrs) string {
	lit := literal(name)
	if s == nil {
		return setCookieLine(name, a)
	}
	switch {
	case s.Family == FamilyGo:
		return "http.SetCookie(w, &http.Cookie{Name: " + lit + ", Value: value" + goAttrs(a) + "})"
	case s.Name == "express":
		return "res.cookie(" + lit + ", value, {" + jsAttrs(a) + "})"
	case s.Name == "fastify":
		return "reply.setCookie(" + lit + ", value, {" + jsAttrs(a) + "}) // @fastify/cookie"
	case s.Name == "django" && (name == "sessionid" || name == "csrftoken") && !a.Partitioned:
		prefix := "SESSION_COOKIE_"
		if name == "csrftoken" {
			prefix = "CSRF_COOKIE_"
		}
		return djangoSettings(prefix, a)
	case s.Name == "django" && a.Partitioned:
		return "response.set_cookie(" + lit + ", value" + pyAttrs(a, false) + ")  # Django writes no Partitioned: append \"; Partitioned\" to the Set-Cookie header"
	case s.Family == FamilyPython:
		return "response.set_cookie(" + lit + ", value" + pyAttrs(a, true) + ")"
	case s.Name == "nginx" && !a.Partitioned:
		return "proxy_cookie_flags " + name + nginxFlags(a) + ";"
	}
	return setCookieLine(name, a)
}

func setCookieLine(name string, a CookieAttrs) string {
	return "Set-Cookie: " + name + "=...; " + a.Header()
}

func goAttrs(a CookieAttrs) string {
	var b strings.Builder
	if a.SameSiteNone {
		b.WriteString(", SameSite: http.SameSiteNoneMode")
	}
	if a.Secure {
		b.WriteString(", Secure: true")
	}
	if a.Partitioned {
		b.WriteString(", Partitioned: true") // Go 1.23+
	}
	return b.String()
}

func jsAttrs(a CookieAttrs) string {
	var parts []string
	if a.SameSiteNone {
		parts = append(parts, `sameSite: "none"`)
	}
	if a.Secure {
		parts = append(parts, "secure: true")
	}
	if a.Partitioned {
		parts = append(parts, "partitioned: true")
	}
	return " " + strings.Join(parts, ", ") + " "
}

// pyAttrs are set_cookie's arguments; partitioned=True only where the
// framework has it (Flask's Werkzeug 3 and Starlette do, Django does not).
func pyAttrs(a CookieAttrs, partitioned bool) string {
	var b strings.Builder
	if a.SameSiteNone {
		b.WriteString(`, samesite="None"`)
	}
	if a.Secure {
		b.WriteString(", secure=True")
	}
	if a.Partitioned && partitioned {
		b.WriteString(", partitioned=True")
	}
	return b.String()
}

func djangoSettings(prefix string, a CookieAttrs) string {
	var lines []string
	if a.SameSiteNone {
		lines = append(lines, prefix+`SAMESITE = "None"`)
	}
	if a.Secure {
		lines = append(lines, prefix+"SECURE = True")
	}
	return strings.Join(lines, "\n")
}

func nginxFlags(a CookieAttrs) string {
	var b strings.Builder
	if a.SameSiteNone {
		b.WriteString(" samesite=none")
	}
	if a.Secure {
		b.WriteString(" secure")
	}
	return b.String()
}
