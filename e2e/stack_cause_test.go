package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/corskit/corskit/explain"
	"github.com/corskit/corskit/fetch"
	"github.com/corskit/corskit/origin"
	"github.com/corskit/corskit/stacks"

	"github.com/corskit/corskit/e2e/realserver"
)

// diagnoseReal runs req against url in the Chromium model and applies
// the detected stack (or the one named).
func diagnoseReal(t *testing.T, req fetch.Request, stack string) (explain.Diagnosis, explain.StackDetection) {
	t.Helper()
	res, err := (&fetch.Browser{Profile: fetch.Chromium}).Fetch(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	d := explain.Explain(res)
	s, sd := explain.DetectStack(res)
	if stack != "" {
		s, _ = stacks.Lookup(stack)
	}
	explain.ApplyStack(res, &d, s)
	return d, sd
}

// TestStackCauseFirstRealServers is issue 18 §4 on the real servers where
// it was seen: the diagnosis names the cause in the user's words.
func TestStackCauseFirstRealServers(t *testing.T) {
	// Flask-CORS with an origin written with a trailing slash answers no
	// Allow-Origin at all: the fix says how an origin is written.
	t.Run("flask trailing slash", func(t *testing.T) {
		t.Parallel()
		srv := realserver.PythonProgram(t, "flask", "python3-flask-cors", `from flask import Flask
from flask_cors import CORS

app = Flask(__name__)
CORS(app, origins=["http://localhost:3000/"])


@app.route("/api/items")
def items():
    return "ok\n"


app.run(host="127.0.0.1", port=`+realserver.PortPlaceholder+`)
`)
		d, _ := diagnoseReal(t, fetch.Request{Origin: origin.MustParse("http://localhost:3000"), Method: "GET", URL: srv.URL + "/api/items"}, "")
		if len(d.Fixes) == 0 || !strings.Contains(d.Fixes[0].Text, "An origin is exactly scheme://host[:port]: no trailing slash, path or wildcard.") {
			t.Errorf("fixes %+v\n%s", d.Fixes, srv.Log())
		}
	})
	// Express with the authentication before cors answers the preflight
	// 401: the Express words are to move app.use(cors(...)) up.
	t.Run("express auth before cors", func(t *testing.T) {
		t.Parallel()
		srv := realserver.NodeProgram(t, "express", `const express = require('express');
const cors = require('cors');
const app = express();
app.use((req, res, next) => req.get('Authorization') ? next() : res.status(401).send('login\n'));
app.use(cors({ origin: ["https://app.example.com"], methods: ["GET", "PUT"] }));
app.use((req, res) => res.send('ok\n'));
app.listen(`+realserver.PortPlaceholder+`, '127.0.0.1');
`)
		d, sd := diagnoseReal(t, fetch.Request{Origin: origin.MustParse(fixOriginA), Method: "PUT", URL: srv.URL + "/api/items",
			Headers: []fetch.Header{{Name: "Authorization", Value: "Bearer t"}}}, "")
		if sd.Name != "express" || len(d.Fixes) == 0 || d.Fixes[0].Stack == nil ||
			!strings.Contains(d.Fixes[0].Stack.Text, "move app.use(cors(...)) above the auth middleware") {
			t.Errorf("stack %s, fixes %+v\n%s", sd.Name, d.Fixes, srv.Log())
		}
	})
}
