package corscase

// COEPCases returns the COEP/CORP cases: a page with or without
// Cross-Origin-Embedder-Policy loading a cross-origin image (an <img>,
// or a fetch() in no-cors mode) served with or without
// Cross-Origin-Resource-Policy. {api} is cross-site to the page, {peer}
// same-site (127.0.0.1 on another port).
func COEPCases() []GateCase {
	img := func(name, about, coep, corp, target, co, want string) GateCase {
		return GateCase{Name: name, About: about, COEP: coep, CORP: corp, Target: target, As: AsImg, CrossOrigin: co, Want: want}
	}
	nc := func(name, about, coep, corp, target, want string) GateCase {
		return GateCase{Name: name, About: about, COEP: coep, CORP: corp, Target: target, As: AsNoCORS, Want: want}
	}
	const peer = "{peer}/g/{case}/0"
	// Chromium: two ports of 127.0.0.1 are not same-site for CORP (see
	// fetch's corpIPSameSite).
	chromiumBlocks := map[string]string{"chromium": blocked}
	return []GateCase{
		img("coep-img-no-corp", "require-corp: a cross-origin <img> without CORP is blocked", "require-corp", "", "", "", blocked),
		img("coep-img-corp-cross-origin", "require-corp: CORP cross-origin lets the <img> load", "require-corp", "cross-origin", "", "", allowed),
		img("coep-img-corp-same-site-cross-site", "require-corp: CORP same-site does not let a cross-site <img> load", "require-corp", "same-site", "", "", blocked),
		withEngines(img("coep-img-corp-same-site", "require-corp: CORP same-site lets a same-site <img> load (not in Chromium, on an IP address)", "require-corp", "same-site", peer, "", allowed), chromiumBlocks),
		img("coep-img-corp-same-origin", "require-corp: CORP same-origin blocks a cross-origin <img>", "require-corp", "same-origin", "", "", blocked),
		img("coep-img-same-origin", "require-corp: the page's own origin needs no CORP", "require-corp", "", samePage, "", allowed),
		img("coep-img-crossorigin", "require-corp: an <img crossorigin> is CORS, CORP is not needed", "require-corp", "", "", "anonymous", allowed),
		img("coep-img-use-credentials", "require-corp: an <img crossorigin=use-credentials> is CORS too", "require-corp", "", "", "use-credentials", allowed),
		img("coep-credentialless-img", "credentialless: a cross-origin <img> without CORP loads, without credentials", "credentialless", "", "", "", allowed),
		img("coep-credentialless-corp-same-origin", "credentialless: CORP same-origin still blocks", "credentialless", "same-origin", "", "", blocked),
		nc("coep-nocors-no-corp", "require-corp: a no-cors fetch() without CORP is blocked", "require-corp", "", "", blocked),
		nc("coep-nocors-corp-cross-origin", "require-corp: a no-cors fetch() with CORP cross-origin is opaque", "require-corp", "cross-origin", "", allowed),
		nc("coep-credentialless-nocors", "credentialless: a no-cors fetch() without CORP is opaque", "credentialless", "", "", allowed),
		{Name: "coep-cors-fetch", About: "require-corp: a fetch() in cors mode is CORS, CORP is not needed", COEP: "require-corp", Want: allowed},
		img("corp-same-origin-no-coep", "without COEP, CORP same-origin blocks a cross-origin <img>", "", "same-origin", "", "", blocked),
		img("corp-same-site-no-coep", "without COEP, CORP same-site blocks a cross-site <img>", "", "same-site", "", "", blocked),
		withEngines(img("corp-same-site-peer-no-coep", "without COEP, CORP same-site lets a same-site <img> load (not in Chromium, on an IP address)", "", "same-site", peer, "", allowed), chromiumBlocks),
		nc("corp-same-origin-nocors", "without COEP, CORP same-origin blocks a no-cors fetch()", "", "same-origin", "", blocked),
		img("coep-credentialless-same-site-no-cookie", "credentialless: a same-site, cross-origin <img> loads without CORP, and without the page's cookie (WebKitGTK sends it: it does not know credentialless)", "credentialless", "", peer, "", allowed),
		img("coep-require-corp-same-site-cookie", "require-corp: a same-site <img> with CORP cross-origin carries the page's cookie", "require-corp", "cross-origin", peer, "", allowed),
		img("coep-credentialless-use-credentials", "credentialless: <img crossorigin=use-credentials> is CORS, and carries the cookie", "credentialless", "", peer, "use-credentials", allowed),
		img("coep-credentialless-same-origin-cookie", "credentialless: the page's own origin gets its cookie", "credentialless", "", samePage, "", allowed),
		{Name: "coep-img-crossorigin-no-acao", About: "require-corp: an <img crossorigin> is CORS: without Access-Control-Allow-Origin it fails, CORP or not",
			COEP: "require-corp", CORP: "cross-origin", As: AsImg, CrossOrigin: "anonymous", NoACAO: true, Want: blocked},
		{Name: "img-crossorigin-no-acao", About: "an <img crossorigin> without Access-Control-Allow-Origin fails CORS, with no COEP",
			As: AsImg, CrossOrigin: "anonymous", NoACAO: true, Want: blocked},
		img("no-coep-no-corp", "neither COEP nor CORP: the <img> loads", "", "", "", "", allowed),
	}
}

func withEngines(c GateCase, e map[string]string) GateCase {
	c.Engines = e
	return c
}
