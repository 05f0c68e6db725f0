// Adds the "CORS" panel to DevTools (Chromium and Firefox alike).
chrome.devtools.panels.create("CORS", "", "panel.html");
