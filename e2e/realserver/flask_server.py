# Flask with Flask-CORS, started by github.com/corskit/corskit/e2e/realserver
# (realserver.Flask). Configured through the environment:
#
#   REALSERVER_CORS  keyword arguments of CORS(app, ...), as Python source.
#   REALSERVER_CODE  Python run with app, request and Response in scope.
#
# Listens on a free port of 127.0.0.1 and prints PORT=<n> once it does.
import os
import signal
import sys

try:
    from flask import Flask, Response, request
    from flask_cors import CORS
except ImportError as e:
    sys.exit("realserver: %s (%s): install Debian's python3-flask-cors" % (e, sys.executable))
from werkzeug.serving import make_server

app = Flask("realserver")
kwargs = eval("dict(%s)" % os.environ.get("REALSERVER_CORS", ""))
CORS(app, **kwargs)
exec(os.environ.get("REALSERVER_CODE", ""), {"app": app, "request": request, "Response": Response})


@app.route("/", defaults={"path": ""}, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
@app.route("/<path:path>", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])
def realserver_ok(path):
    return Response("ok\n", mimetype="text/plain")


server = make_server("127.0.0.1", 0, app, threaded=True)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
print("PORT=%d" % server.server_port, flush=True)
server.serve_forever()
