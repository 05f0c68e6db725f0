// Package conformance runs the conformance table (internal/corscase) in
// real browsers and compares what each shows with the fetch model's
// profile for that engine: headless Chromium over the DevTools protocol,
// Firefox ESR over WebDriver BiDi (Firefox), and WebKitGTK's MiniBrowser on
// an Xvfb display, driven by the page itself through a Queue (WebKit).
// The drivers are small on purpose: just enough protocol to load a page,
// run script and collect the console, with throwaway profiles and no
// network access beyond loopback. CONFORMANCE.md has the results.
//
// TestDemoInFirefox and TestDemoInWebKit hold `corskit demo`'s page to the
// same engines: what each scenario did there, which engine the page says
// the visitor uses, and the console lines it predicts for that engine.
package conformance
