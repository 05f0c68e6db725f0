package lint

import (
	"strings"
	"testing"
)

func TestExpressUnanchoredRegexAndDynamicOrigin(t *testing.T) {
	src := `import express from 'express';
import cors from 'cors';
const app = express();
app.use(cors({
  origin: [/https:\/\/app\.example\.com/],
  credentials: true,
}));
app.use('/x', cors({ origin: (origin, cb) => cb(null, origin) }));
`
	fs := lintString(t, readExpress, "server.js", src)
	f, ok := ids(fs)["prefix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 5 {
		t.Fatalf("want prefix-match high at line 5 (RegExp.test finds the pattern anywhere), got %+v", fs)
	}
	d, ok := ids(fs)[NotEvaluated]
	if !ok || d.Line != 8 || !strings.Contains(d.Explanation, "dynamic") || !strings.Contains(d.Explanation, "audit it live") {
		t.Fatalf("want the function-valued origin at line 8 reported as dynamic, got %+v", d)
	}
}

func TestStarletteRegexIsFullMatched(t *testing.T) {
	// Starlette fullmatch-es allow_origin_regex: the same pattern that is a
	// hole under re.match (Django) is tight here.
	src := `from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
app = FastAPI()
app.add_middleware(
    CORSMiddleware,
    allow_origin_regex=r"https://app\.example\.com",
    allow_credentials=True,
    allow_methods=["*"],
    allow_headers=["*"],
)
`
	fs := lintString(t, readStarlette, "main.py", src)
	for _, f := range fs {
		if f.Severity.String() == "high" {
			t.Fatalf("fullmatch leaves no hole, got %+v", f)
		}
	}
	// allow_methods=["*"] is Starlette's fixed list of seven methods, so a
	// preflight for any other method fails (400): not permissive.
	if _, ok := ids(fs)["permissive-preflight"]; ok {
		t.Fatalf("want no permissive-preflight, got %v", fs)
	}
}

func TestFlaskRegexLookingOriginIsMatchedAtStart(t *testing.T) {
	src := `from flask import Flask
from flask_cors import CORS
app = Flask(__name__)
CORS(app, origins=["https://app.example.com",
                   "https://*.example.com"], supports_credentials=True)
`
	fs := lintString(t, readFlask, "app.py", src)
	// "https://*.example.com" is a regex to Flask-CORS, re.match-ed:
	// "https:/", any number of "/", any character, "example", any
	// character, "com", and then anything.
	f, ok := ids(fs)["prefix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 5 || f.Origin != "https://example.com.corskit-attacker.example" {
		t.Fatalf("want prefix-match high at line 5, got %+v", fs)
	}
}

func TestFastifyDiffersFromExpress(t *testing.T) {
	// The same options: Express's cors would reflect with a stateful /g
	// RegExp (not evaluated), @fastify/cors resets lastIndex and sends the
	// credentials header on every answer.
	src := `import Fastify from 'fastify'
import cors from '@fastify/cors'
const app = Fastify()
await app.register(cors, {
  origin: [/^https:\/\/.*example\.com$/g],
  credentials: true,
})
`
	fs := lintString(t, readFastify, "server.mjs", src)
	// ".*example\.com$" accepts any host ending in example.com.
	f, ok := ids(fs)["suffix-match"]
	if !ok || f.Severity.String() != "high" || f.Line != 5 || f.Origin != "https://corskitexample.com" {
		t.Fatalf("want suffix-match high at line 5, got %+v", fs)
	}
}

func TestApacheNullWhenTheOriginDoesNotMatch(t *testing.T) {
	src := `<VirtualHost *:80>
    SetEnvIf Origin "^https://app\.example\.com$" CORS_ORIGIN=$0
    Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e"
    Header always set Access-Control-Allow-Credentials "true"
    ProxyPass / http://127.0.0.1:3000/
</VirtualHost>
`
	// Without env=CORS_ORIGIN, every other origin gets the literal
	// "(null)", which browsers refuse: a functional bug, not a hole.
	fs := lintString(t, readApache, "cors.conf", src)
	m := ids(fs)
	if f, ok := m["invalid-acao"]; !ok || !strings.Contains(f.Explanation, "(null)") {
		t.Fatalf("want invalid-acao naming (null), got %+v", fs)
	}
	for _, f := range fs {
		if f.Severity.String() == "high" || f.Severity.String() == "medium" {
			t.Fatalf("an exact, anchored regex: want no hole, got %+v", f)
		}
	}
}

func TestApacheUnanchoredSetEnvIf(t *testing.T) {
	src := `<VirtualHost *:80>
    SetEnvIfNoCase Origin "https://app.example.com" CORS_OK
    Header set Access-Control-Allow-Origin "expr=%{req:Origin}" env=CORS_OK
    Header set Access-Control-Allow-Credentials "true" env=CORS_OK
    ProxyPass / http://127.0.0.1:3000/
</VirtualHost>
`
	m := ids(lintString(t, readApache, "cors.conf", src))
	if f, ok := m["prefix-match"]; !ok || f.Severity.String() != "high" || f.Line != 2 {
		t.Fatalf("want prefix-match high at the SetEnvIf (line 2), got %+v", m)
	}
	if f, ok := m[AddHeaderWithoutAlways]; !ok || f.Line != 3 {
		t.Fatalf("want %s at line 3, got %+v", AddHeaderWithoutAlways, f)
	}
}
