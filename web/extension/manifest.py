"""Writes the DevTools panel's manifest for one browser (`make web`).

One source tree serves both: Chromium and Firefox read the same Manifest V3
keys, and Firefox needs an add-on id besides. No permission is asked for:
a DevTools page reads the inspected page's network log without any, and
the panel sends nothing anywhere.
"""
import json
import sys

browser = sys.argv[1]
manifest = {
    "manifest_version": 3,
    "name": "corskit: CORS panel",
    "short_name": "corskit",
    "version": "0.1.0",
    "description": "Why a cross-origin call is blocked in Chromium, Firefox and WebKit, and the server-side fix, beside the request. Nothing leaves the browser.",
    "devtools_page": "devtools.html",
    "content_security_policy": {
        # 'wasm-unsafe-eval' compiles the model; connect-src 'self' lets it
        # load its own corskit.wasm and nothing else.
        "extension_pages": "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; img-src 'self'",
    },
}
if browser == "firefox":
    manifest["browser_specific_settings"] = {
        "gecko": {
            "id": "devtools-panel@corskit.dev",
            "strict_min_version": "142.0",
            # Nothing is collected: the panel sends nothing anywhere.
            "data_collection_permissions": {"required": ["none"]},
        }
    }
elif browser != "chromium":
    sys.exit("manifest.py: want chromium or firefox, got " + browser)
json.dump(manifest, sys.stdout, indent=2)
sys.stdout.write("\n")
