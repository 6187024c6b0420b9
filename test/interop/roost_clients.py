#!/usr/bin/python3
"""Send Roost, for each Emu demo process, the requests real WPS clients send, and report what they read back.

Usage: roost_clients.py <wps-endpoint-url> <file-base-url>

Three clients, all through Debian's python3-owslib (the library birdy drives):

* ``owslib``: OWSLib used directly, as scripts do (``WebProcessingService.execute``).
* ``birdy_api``: birdy 0.9.1's Python ``WPSClient``, reproduced from its source (birdy/client/base.py and
  birdy/client/utils.py, not installable here): every input the generated method has a default for is sent, the
  default converted to a Python value (``from_owslib``) and back to text with ``str()`` — so booleans go out as
  ``True``/``False`` and dateTimes as ``2016-09-02 12:00:00+00:00``; complex values are embedded with
  ``encoding="utf-8"`` (text) or base64; every output is requested, complex ones by reference; ``progress=True``
  runs asynchronously and polls like ``_console_monitor``, which reads ``statusMessage[:50]``; results are read
  like ``WPSResult.get()`` (``output.data`` converted with ``from_owslib``, else ``output.reference``).
* ``birdy_cli``: birdy's command line (birdy/templates/cmd.py.j2): values from click's types sent with
  ``"{}".format(value)``, falsy values dropped, complex inputs as references, no ResponseForm unless
  ``--output_formats``, then ``monitor()``.

Prints one JSON document: for each case the request OWSLib sent, the status it parsed, the status message, the
exceptions, the outputs (identifier, data, reference, mimeType), what birdy's ``get()`` returns, the monitor's log
lines, and any Python exception — the vitest suite (clients.test.ts) asserts on it. A failing case never stops the
others.
"""

import base64
import contextlib
import datetime as dt
import json
import keyword
import os
import re
import sys
import tempfile
import time
import traceback
import urllib.parse

import dateutil.parser
from owslib.wps import ASYNC, SYNC, BoundingBoxDataInput, ComplexData, ComplexDataInput, WebProcessingService

POLL_SECONDS = 0.05
DEADLINE_SECONDS = 30


# --- birdy 0.9.1 behaviour, rewritten from its source ---------------------------------------------------------


def sanitize(name):
    """birdy.utils.sanitize: the Python name of a process or input."""
    new = re.sub(r"\W|^(?=\d)", "_", name.lower())
    return new + "_" if keyword.iskeyword(new) else new


def from_owslib(value, data_type):
    """birdy.client.utils.from_owslib: a described default (or a literal output) as a Python value."""
    if value is None:
        return None
    if "string" in data_type:
        return value
    if "integer" in data_type:
        return int(value)
    if "float" in data_type:
        return float(value)
    if "boolean" in data_type:
        return bool(value)
    if "dateTime" in data_type:
        return dateutil.parser.parse(value)
    if "time" in data_type:
        return dateutil.parser.parse(value).time()
    if "date" in data_type:
        return dateutil.parser.parse(value).date()
    if "angle" in data_type:
        return float(value)
    return value


BINARY_MIMETYPES = {"application/x-netcdf", "application/zip", "application/octet-stream", "image/tiff; subtype=geotiff"}


def birdy_complex(value, supported, default, service_url):
    """How birdy's _build_inputs turns a value for a complex input into an OWSLib input: a URL by reference; a local
    file embedded — or, for a service on localhost, sent as a file:// reference (is_embedded_in_request); any other
    string embedded as it is."""
    if re.match(r"^(https?|file)://", value):
        return ComplexDataInput(value, mimeType=supported[0])
    if os.path.isfile(value):
        if "localhost" in urllib.parse.urlparse(service_url).netloc:
            return ComplexDataInput("file://" + os.path.abspath(value), mimeType=supported[0])
        with open(value, encoding="utf-8") as f:
            value = f.read()
    mimetype = supported[0]
    encoding = default.encoding if isinstance(default, ComplexData) else None
    if mimetype in BINARY_MIMETYPES:
        return ComplexDataInput(base64.b64encode(value.encode()), encoding="base64", mimeType=mimetype)
    return ComplexDataInput(value, encoding=encoding or "utf-8", mimeType=mimetype)


class BirdyLikeClient:
    """birdy.WPSClient's request building, monitoring and result reading, on Debian's OWSLib."""

    def __init__(self, url, progress=False, language=None):
        self.wps = WebProcessingService(url, version="1.0.0", skip_caps=True, language=language)
        self.wps.getcapabilities()
        # One DescribeProcess identifier=all, as birdy does first.
        self.processes = {p.identifier: p for p in self.wps.describeprocess("all")}
        self.progress = progress
        self.log = []

    def defaults(self, pid):
        """The generated method's defaults: inputs with minOccurs 0 or a default (complex ones: None)."""
        out = {}
        for i in self.processes[pid].dataInputs:
            if i.minOccurs == 0 or i.defaultValue is not None:
                default = i.defaultValue if i.dataType != "ComplexData" else None
                out[sanitize(i.identifier)] = from_owslib(default, i.dataType)
        return out

    def call(self, pid, **kwargs):
        p = self.processes[pid]
        args = self.defaults(pid)
        args.update(kwargs)
        inputs = []
        for i in p.dataInputs:
            arg = args.get(sanitize(i.identifier))
            if arg is None:
                continue
            for value in arg if isinstance(arg, (list, tuple)) else [arg]:
                if isinstance(i.defaultValue, ComplexData):
                    supported = [v.mimeType for v in i.supportedValues]
                    inputs.append((i.identifier, birdy_complex(value, supported, i.defaultValue, self.wps.url)))
                elif i.dataType == "BoundingBoxData":
                    inputs.append((i.identifier, value))  # to_owslib passes bounding boxes through
                else:
                    inputs.append((i.identifier, str(value)))
        outputs = [(o.identifier, "ComplexData" in o.dataType) for o in p.processOutputs]
        mode = ASYNC if self.progress and p.storeSupported else SYNC
        ex = self.wps.execute(pid, inputs=inputs, output=outputs, mode=mode, lineage=False)
        if self.progress and p.statusSupported:
            deadline = time.time() + DEADLINE_SECONDS
            while not ex.isComplete():
                if time.time() > deadline:
                    raise RuntimeError("job did not finish")
                ex.checkStatus(sleepSecs=POLL_SECONDS)
                # _console_monitor: the line birdy logs after every poll (it crashed on a ProcessFailed without text).
                self.log.append("%s [%s/100] - %s " % (ex.process.identifier, ex.percentCompleted, ex.statusMessage[:50]))
        return ex

    def get(self, pid, ex):
        """WPSResult.get(): the outputs as birdy returns them, or its ProcessFailed."""
        if not ex.isComplete():
            return {"raised": "ProcessIsNotComplete"}
        if not ex.isSucceded():
            return {"raised": "ProcessFailed"}
        described = {o.identifier: o for o in self.processes[pid].processOutputs}
        result = {}
        for o in ex.processOutputs:
            if o.data:
                data_type = o.dataType or described[o.identifier].dataType
                values = [jsonable(from_owslib(d, data_type)) for d in o.data]
                result[o.identifier] = values[0] if len(values) == 1 else values
            else:
                result[o.identifier] = o.reference
        return {"outputs": result}


def birdy_cli(url, pid, options, output_formats=None, sync=False):
    """A birdy command line: `birdy <pid> --<option> <value> ...` with click's conversions already applied."""
    wps = WebProcessingService(url, skip_caps=True)
    inputs = []
    for opt, value in options.items():
        if not value:
            continue  # the template skips falsy values: `--boolean False`, `--int 0` are never sent
        inputs.append((opt, value if isinstance(value, ComplexDataInput) else "{}".format(value)))
    ex = wps.execute(pid, inputs=inputs, output=output_formats, mode=SYNC if sync else ASYNC)
    deadline = time.time() + DEADLINE_SECONDS
    while not ex.isComplete():
        if time.time() > deadline:
            raise RuntimeError("job did not finish")
        ex.checkStatus(sleepSecs=POLL_SECONDS)
    # monitor(): "Output:" and one line per output, else "Process execution failed."
    if ex.isSucceded():
        printed = ["%s=%s" % (o.identifier, o.data or o.reference) for o in ex.processOutputs]
    else:
        printed = ["Process execution failed."]
    return ex, printed


# --- reporting -------------------------------------------------------------------------------------------------


def jsonable(v):
    if isinstance(v, (dt.datetime, dt.date, dt.time)):
        return v.isoformat()
    if hasattr(v, "minx") and hasattr(v, "maxy"):  # owslib.ows.BoundingBox
        return {"crs": str(v.crs) if v.crs else None, "corners": [v.minx, v.miny, v.maxx, v.maxy]}
    if isinstance(v, bytes):
        return v.decode("utf-8", "replace")
    return v


def summary(ex):
    req = ex.request.decode("utf-8") if isinstance(ex.request, bytes) else ex.request
    return {
        "request": req,
        "status": ex.status,
        "statusMessage": ex.statusMessage,
        "percent": ex.percentCompleted,
        "errors": [{"code": e.code, "locator": e.locator, "text": e.text} for e in ex.errors],
        "outputs": [
            {
                "identifier": o.identifier,
                "data": [jsonable(d) for d in o.data],
                "reference": o.reference,
                "mimeType": o.mimeType,
                "dataType": o.dataType,
            }
            for o in ex.processOutputs
        ],
    }


def main(url, files):
    report = {}

    def case(name, fn):
        try:
            report[name] = fn()
        except Exception as e:  # recorded, the other cases still run
            report[name] = {
                "exception": "%s: %s" % (type(e).__name__, str(e)[:3000]),
                "trace": traceback.format_exc().strip().splitlines()[-4:],
            }

    # --- birdy's Python API, synchronous (progress=False, its default) --------------------------------------
    api = BirdyLikeClient(url)

    def api_case(pid, retrieve=None, **kwargs):
        def run():
            ex = api.call(pid, **kwargs)
            out = {**summary(ex), "birdy": api.get(pid, ex)}
            if retrieve is not None:
                # What get(asobj=True) downloads: the reference, through OWSLib.
                o = next(o for o in ex.processOutputs if o.identifier == retrieve)
                out["retrieved"] = o.retrieveData().decode("utf-8")
            return out

        return run

    case("api.hello", api_case("hello", name="Birdy"))
    case("api.sleep", api_case("sleep", delay=0.05))
    case("api.nap", api_case("nap", delay=0.05))
    case("api.ultimate_question", api_case("ultimate_question"))
    case("api.inout", api_case("inout"))
    case("api.inout.explicit", api_case("inout", boolean=False, datetime=dt.datetime(2020, 1, 2, 3, 4, 5, 678000), float=[1.5, 2.5]))
    case("api.wordcounter", api_case("wordcounter", retrieve="output", text="the birds sang, the birds flew"))
    case("api.show_error", api_case("show_error", message="birdy sees this"))
    case("api.show_error.not_nice", api_case("show_error", nice=False))
    case("api.bbox", api_case("bbox", bbox=BoundingBoxDataInput([0, 1, 10, 11], crs="epsg:4326")))
    case("api.bbox.string", api_case("bbox", bbox="0,1,10,11"))
    case("api.chomsky", api_case("chomsky", retrieve="output", times=2))
    case("api.output_formats", api_case("output_formats"))
    case("api.multiple_outputs", api_case("multiple_outputs", count=2))
    case("api.show_defaults", api_case("show_defaults"))
    case("api.non.py-id", api_case("non.py-id", input_2='{"a": 1}'))
    case("api.binaryoperatorfornumbers", api_case("binaryoperatorfornumbers", operator="multiply"))
    case("api.simple_dry_run", api_case("simple_dry_run", count=2))
    case("api.dummyprocess", api_case("dummyprocess"))

    def localhost_file():
        # The same server as http://localhost:<port>/wps: birdy then sends a local file as a file:// reference.
        local = BirdyLikeClient(url.replace("127.0.0.1", "localhost"))
        with tempfile.NamedTemporaryFile("w", suffix=".txt") as f:
            f.write("words from a local file")
            f.flush()
            ex = local.call("wordcounter", text=f.name)
        return summary(ex)

    case("api.wordcounter.localhost_file", localhost_file)

    de = BirdyLikeClient(url, language="de-DE")
    case("api.translation.de", lambda: {**summary(de.call("translation")), "title": de.processes["translation"].title})

    # --- birdy's Python API with progress=True: asynchronous, polled like _console_monitor --------------------
    def progress_case(pid, **kwargs):
        def run():
            client = BirdyLikeClient(url, progress=True)
            ex = client.call(pid, **kwargs)
            return {**summary(ex), "birdy": client.get(pid, ex), "log": client.log}

        return run

    case("progress.sleep", progress_case("sleep", delay=0.05))
    case("progress.show_error", progress_case("show_error", message="async failure for birdy"))
    case("progress.simple_dry_run", progress_case("simple_dry_run", count=3))
    case("progress.nap", progress_case("nap", delay=0.05))

    # --- birdy's command line ---------------------------------------------------------------------------------
    def cli_case(pid, options, **kw):
        def run():
            ex, printed = birdy_cli(url, pid, options, **kw)
            return {**summary(ex), "printed": printed}

        return run

    case("cli.hello", cli_case("hello", {"name": "Birdy"}))
    case("cli.sleep", cli_case("sleep", {"delay": 0.05}))
    case("cli.nap", cli_case("nap", {"delay": 0.05}))
    case("cli.inout", cli_case("inout", {"boolean": True, "int": 5, "float": None, "datetime": None}))
    case("cli.inout.false", cli_case("inout", {"boolean": False, "int": 0}))
    case("cli.inout.repeated", cli_case("inout", {"float": (1.5, 2.5)}))  # click's tuple of a repeated option
    case("cli.wordcounter", cli_case("wordcounter", {"text": ComplexDataInput(files + "/words.txt")}))
    case("cli.show_error", cli_case("show_error", {"message": "cli failure", "nice": True}))
    case("cli.bbox", cli_case("bbox", {"bbox": "0,1,10,11"}))
    case("cli.chomsky", cli_case("chomsky", {"times": 2}))
    case("cli.output_formats", cli_case("output_formats", {}))
    case("cli.output_formats.json_ref", cli_case("output_formats", {}, output_formats=[("json", True, None)]))
    case("cli.multiple_outputs", cli_case("multiple_outputs", {"count": 1}))
    case("cli.show_defaults", cli_case("show_defaults", {}))
    case("cli.non.py-id", cli_case("non.py-id", {"input_1": 5, "input_2": ComplexDataInput(files + "/a.json")}))
    case("cli.binaryoperatorfornumbers", cli_case("binaryoperatorfornumbers", {"inputa": 4.0, "inputb": 0.5, "operator": "divide"}))
    case("cli.simple_dry_run", cli_case("simple_dry_run", {"dry_run": True, "count": 1}))
    case("cli.dummyprocess", cli_case("dummyprocess", {"input1": 1, "input2": 2}))
    case("cli.translation", cli_case("translation", {"input1": 1}))
    case("cli.ultimate_question", cli_case("ultimate_question", {}))

    # --- OWSLib directly --------------------------------------------------------------------------------------
    wps = WebProcessingService(url, version="1.0.0", skip_caps=True)

    def owslib_case(pid, inputs, output=None, mode=SYNC):
        def run():
            ex = wps.execute(pid, inputs, output=output, mode=mode)
            deadline = time.time() + DEADLINE_SECONDS
            while not ex.isComplete():
                if time.time() > deadline:
                    raise RuntimeError("job did not finish")
                ex.checkStatus(sleepSecs=POLL_SECONDS)
            return summary(ex)

        return run

    case("owslib.inout.all", owslib_case("inout", [
        ("boolean", "FALSE"), ("datetime", "2016-09-02 12:00:00.5+00:00"), ("time", "23:59:59"), ("date", "2024-02-29"),
        ("float", "1.25"), ("float", "2"), ("angle", "359.5"), ("int_range", "110"), ("string_multiple_choice", "sitting duck"),
        ("string_multiple_choice", "flying goose"), ("text", ComplexDataInput("plain words", mimeType="text/plain")),
    ]))
    case("owslib.inout.garbage", owslib_case("inout", [("boolean", "yes"), ("datetime", "2016-09-02 noon")]))
    case("owslib.bbox", owslib_case("bbox", [("bbox", BoundingBoxDataInput([51.9, 7.0, 53.0, 8.0], crs="epsg:4326"))], output=[("bbox", False)]))
    case("owslib.wordcounter.ref", owslib_case("wordcounter", [("text", ComplexDataInput(files + "/words.txt", mimeType="text/plain"))], output=[("output", True)]))
    case("owslib.show_error.async", owslib_case("show_error", [("message", "async owslib")], output=[("output", False)], mode=ASYNC))
    return report


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        sys.exit(2)
    with contextlib.redirect_stdout(sys.stderr):  # OWSLib prints failures on stdout; stdout is the report's
        result = main(sys.argv[1], sys.argv[2])
    json.dump(result, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")
