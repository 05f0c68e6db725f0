# A one-file Django project, started by github.com/corskit/corskit/e2e/realserver
# (realserver.Django): the settings are cors_settings.py (the snippet under
# test) plus what the harness needs; every path answers 200 "ok". Served by
# the standard library's threaded WSGI server, as `manage.py runserver` does.
#
# Usage: server.py PORT
import os
import signal
import sys
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
try:
    import django
    from django.conf import settings
    from django.http import HttpResponse
    from django.urls import re_path
except ImportError as e:
    sys.exit("realserver: %s (%s): install Debian's python3-django-cors-headers" % (e, sys.executable))

import cors_settings

conf = {k: v for k, v in vars(cors_settings).items() if k.isupper()}
conf["INSTALLED_APPS"] = [a for a in conf.get("INSTALLED_APPS", []) if a != "..."]
conf["MIDDLEWARE"] = [m for m in conf.get("MIDDLEWARE", []) if m != "..."]
conf.setdefault("DEBUG", False)
conf.update(ALLOWED_HOSTS=["127.0.0.1", "localhost"], ROOT_URLCONF=__name__, SECRET_KEY="realserver")
settings.configure(**conf)
django.setup()


def ok(request, path=""):
    return HttpResponse("ok\n", content_type="text/plain")


urlpatterns = [re_path(r"^(?P<path>.*)$", ok)]

from django.core.wsgi import get_wsgi_application


class Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class Quiet(WSGIRequestHandler):
    def log_message(self, *args):
        pass


server = make_server("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), server_class=Server, handler_class=Quiet)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
print("DJANGO=%s" % django.get_version(), flush=True)
print("PORT=%s" % sys.argv[1], flush=True)
server.serve_forever()
