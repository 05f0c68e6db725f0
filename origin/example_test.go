package origin_test

import (
	"fmt"

	"github.com/corskit/corskit/origin"
)

func ExampleParse() {
	o, err := origin.Parse("https://app.example.com:8443")
	if err != nil {
		panic(err)
	}
	fmt.Println(o.Scheme(), o.Host(), o.Port())

	_, err = origin.Parse("https://app.example.com/")
	fmt.Println(err)
	_, err = origin.Parse("https://app.example.com:443")
	fmt.Println(err)
	// Output:
	// https app.example.com 8443
	// origin: invalid origin "https://app.example.com/": has a path: remove the trailing slash
	// origin: invalid origin "https://app.example.com:443": default port :443 must be omitted: browsers never send it
}

func ExampleOrigin_SameSite() {
	a := origin.MustParse("https://shop.example.co.uk")
	b := origin.MustParse("https://api.example.co.uk")
	c := origin.MustParse("https://alice.github.io")
	d := origin.MustParse("https://mallory.github.io")
	e := origin.MustParse("http://api.example.co.uk")
	fmt.Println(a.SameOrigin(b), a.SameSite(b)) // one registrable domain
	fmt.Println(c.SameSite(d))                  // github.io is a public suffix
	fmt.Println(a.SameSite(e))                  // schemeful: http is another site
	// Output:
	// false true
	// false
	// false
}

func ExampleParsePattern() {
	for _, s := range []string{
		"https://*.Example.com",
		"https://bücher.example",
		"http://localhost:*",
		"https://*example.com",
		"https://*.github.io",
	} {
		p, err := origin.ParsePattern(s)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Println(p, "public suffix:", p.CoversPublicSuffix())
	}
	// Output:
	// https://*.example.com public suffix: false
	// https://xn--bcher-kva.example public suffix: false
	// http://localhost:* public suffix: false
	// origin: invalid origin "https://*example.com": "*" may only be the whole leftmost label ("https://*.example.com") or the whole port
	// https://*.github.io public suffix: true
}

func ExampleSet_MatchString() {
	set := origin.NewSet(
		must(origin.ParsePattern("https://app.example.com")),
		must(origin.ParsePattern("https://*.example.org")),
		must(origin.ParsePattern("http://localhost:*")),
	)
	for _, raw := range []string{
		"https://app.example.com",
		"https://a.b.example.org",
		"https://example.org",         // the apex is not a subdomain
		"https://attackerexample.org", // nor is this
		"http://localhost:5173",
		"https://APP.example.com", // browsers never send this
	} {
		fmt.Println(raw, set.MatchString(raw))
	}
	// Output:
	// https://app.example.com true
	// https://a.b.example.org true
	// https://example.org false
	// https://attackerexample.org false
	// http://localhost:5173 true
	// https://APP.example.com false
}

func must(p origin.Pattern, err error) origin.Pattern {
	if err != nil {
		panic(err)
	}
	return p
}
