// Which engine is this browser? corskit models three (Chromium, Firefox,
// WebKit) and each page compares what this browser did with the prediction
// for its own engine. Shared by the demo and the playground.
"use strict";

// visitorEngine names the engine of a User-Agent string: "firefox",
// "chromium", "webkit", or "" when it is none of them. The order matters:
// Chromium's UA also says "AppleWebKit" (and "Safari"), and Safari's says
// "AppleWebKit" without "Chrome/"; Firefox on iOS ("FxiOS/") and Chrome on
// iOS ("CriOS/") are WebKit underneath and say so with "AppleWebKit".
function visitorEngine(ua) {
  if (ua.includes("Firefox/")) return "firefox";
  if (/(?:Chrome|Chromium|Edg)\//.test(ua)) return "chromium";
  if (ua.includes("AppleWebKit")) return "webkit";
  return "";
}

const engineTitles = { chromium: "Chromium", firefox: "Firefox", webkit: "WebKit", spec: "Fetch Standard" };
const engineLabels = { chromium: "Chromium (Blink)", firefox: "Firefox (Gecko)", webkit: "WebKit (Safari)" };

// visitor is this browser's engine; an unknown one is compared with
// Chromium's prediction, and the page says so.
const visitor = (() => {
  const name = visitorEngine(navigator.userAgent);
  return { name: name || "chromium", known: name !== "",
    label: name ? engineLabels[name] : "not recognised (compared with Chromium)" };
})();
