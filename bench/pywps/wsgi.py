"""WSGI entry point: the PyWPS service at ``/wps`` and its stored outputs and status documents at ``/outputs``.

PyWPS does not serve its ``outputpath`` itself (geopython/pywps#137); this app does, so ``statusLocation`` and
output references work with nothing but gunicorn. The configuration file comes from ``$PYWPS_CFG`` (``serve.sh``
writes it from ``pywps.cfg.in``).
"""

import mimetypes
import os

from pywps import Service
from pywps import configuration

from processes import processes

_service = Service(processes=processes, cfgfiles=[os.environ["PYWPS_CFG"]] if "PYWPS_CFG" in os.environ else None)
_outputs = os.path.realpath(configuration.get_config_value("server", "outputpath"))


def _not_found(start_response):
    body = b"not found\n"
    start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def _serve_output(relative, start_response):
    path = os.path.realpath(os.path.join(_outputs, relative))
    # Stay inside the outputs directory, whatever the URL says (`..`, symlinks).
    if not path.startswith(_outputs + os.sep) or not os.path.isfile(path):
        return _not_found(start_response)
    with open(path, "rb") as f:
        body = f.read()
    ctype = mimetypes.guess_type(path)[0] or "application/octet-stream"
    if path.endswith(".xml"):
        ctype = "text/xml; charset=utf-8"
    start_response("200 OK", [("Content-Type", ctype), ("Content-Length", str(len(body))),
                              ("X-Content-Type-Options", "nosniff")])
    return [body]


def application(environ, start_response):
    """Route ``/wps`` to PyWPS and ``/outputs/<file>`` to the stored outputs."""
    path = environ.get("PATH_INFO", "")
    if path.startswith("/outputs/"):
        return _serve_output(path[len("/outputs/"):], start_response)
    if path in ("/wps", "/wps/"):
        return _service(environ, start_response)
    return _not_found(start_response)
