#!/usr/bin/python3
"""Drive a running Roost server with OWSLib (Debian python3-owslib) as birdhouse clients do.

Usage: roost_owslib.py <wps-endpoint-url>

Runs GetCapabilities, DescribeProcess, a synchronous Execute, an asynchronous Execute polled until it
succeeds, an output by reference downloaded through OWSLib, and a failing process, then prints one JSON
document on stdout that the vitest suite (test/owslib/owslib.test.ts) asserts on. Each step is recorded
separately: an exception in one step is reported under "errors" and the other steps still run, so a
failure names the step and OWSLib's message instead of a bare traceback.
"""

import contextlib
import json
import os
import sys
import tempfile
import time
import traceback

import owslib
from lxml import etree
from owslib.util import ServiceException
from owslib.wps import SYNC, ComplexDataInput, WebProcessingService

# A status poll interval short enough for a 1 s job (OWSLib's monitorExecution defaults to 3 s).
POLL_SECONDS = 0.05
POLL_DEADLINE_SECONDS = 30


def describe_io(items):
    """Inputs or outputs of a described process as plain data."""
    out = []
    for i in items:
        out.append(
            {
                "identifier": i.identifier,
                "title": getattr(i, "title", None),
                "dataType": i.dataType,
                "minOccurs": getattr(i, "minOccurs", None),
                "maxOccurs": getattr(i, "maxOccurs", None),
                "allowedValues": [str(v) for v in i.allowedValues],
                "anyValue": i.anyValue,
                # Complex inputs carry a ComplexData object here, not a value.
                "defaultValue": i.defaultValue if isinstance(i.defaultValue, (str, int, float)) else None,
            }
        )
    return out


def outputs_of(execution):
    """Process outputs of an execution: identifier, literal/inline data, reference, mime type."""
    return [
        {
            "identifier": o.identifier,
            "data": [d if isinstance(d, str) else d.decode("utf-8") if isinstance(d, bytes) else str(d) for d in o.data],
            "reference": o.reference,
            "mimeType": o.mimeType,
            "dataType": o.dataType,
        }
        for o in execution.processOutputs
    ]


def errors_of(execution):
    return [{"code": e.code, "locator": e.locator, "text": e.text} for e in execution.errors]


def status_element(execution):
    """Local name of the wps:Status child in the last response OWSLib read (OWSLib itself turns ProcessFailed
    into the pseudo-status "Exception")."""
    resp = execution.response
    root = etree.fromstring(resp) if isinstance(resp, (bytes, str)) else resp
    st = root.find("{http://www.opengis.net/wps/1.0.0}Status")
    if st is None or len(st) == 0:
        return None
    return etree.QName(st[0]).localname


def poll(execution):
    """monitorExecution with a short interval, recording every (status, percentCompleted) OWSLib saw."""
    seen = [(execution.status, execution.percentCompleted)]
    deadline = time.time() + POLL_DEADLINE_SECONDS
    while not execution.isComplete():
        if time.time() > deadline:
            raise RuntimeError("job did not finish in %d s (last status %s)" % (POLL_DEADLINE_SECONDS, execution.status))
        execution.checkStatus(sleepSecs=POLL_SECONDS)
        seen.append((execution.status, execution.percentCompleted))
    return seen


def main(url):
    summary = {"owslib": owslib.__version__, "errors": {}}

    def step(name, fn):
        try:
            summary[name] = fn()
        except Exception as e:  # recorded, so the other steps still run
            summary["errors"][name] = "%s: %s | %s" % (
                type(e).__name__,
                str(e)[:500],
                traceback.format_exc().strip().splitlines()[-3:],
            )

    wps = WebProcessingService(url, version="1.0.0")

    def capabilities():
        wps.getcapabilities()
        return {
            "version": wps.version,
            "title": wps.identification.title,
            "type": wps.identification.type,
            "processes": [p.identifier for p in wps.processes],
            "operations": sorted(op.name for op in wps.operations),
            "defaultLanguage": wps.languages.default if wps.languages else None,
            "languages": list(wps.languages.supported) if wps.languages else [],
        }

    step("capabilities", capabilities)

    def describe(identifier):
        p = wps.describeprocess(identifier)
        return {
            "identifier": p.identifier,
            "title": p.title,
            "version": p.processVersion,
            "storeSupported": p.storeSupported,
            "statusSupported": p.statusSupported,
            "inputs": describe_io(p.dataInputs),
            "outputs": describe_io(p.processOutputs),
        }

    step("describe", lambda: {pid: describe(pid) for pid in ["hello", "inout", "non.py-id", "nap"]})

    def describe_de():
        de = WebProcessingService(url, version="1.0.0", language="de-DE", skip_caps=True)
        return de.describeprocess("translation").title

    step("describe_translation_de", describe_de)

    def describe_unknown():
        try:
            wps.describeprocess("no_such_process")
        except ServiceException as e:
            return {"raised": "ServiceException", "message": str(e)[:500]}
        return {"raised": None}

    step("describe_unknown", describe_unknown)

    def sync_hello():
        ex = wps.execute("hello", [("name", "OWSLib")], mode=SYNC)
        return {
            "status": ex.status,
            "statusLocation": ex.statusLocation,
            "creationTime": ex.creationTime,
            "serviceInstance": ex.serviceInstance,
            "outputs": outputs_of(ex),
        }

    step("sync_hello", sync_hello)

    def sync_nonpy():
        payload = json.dumps({"markup": "<b>&</b>", "n": 1})
        ex = wps.execute(
            "non.py-id",
            [("input 1", "41"), ("input-2", ComplexDataInput(payload, mimeType="application/json"))],
            output=[("output.1", False), ("output 2", False)],
            mode=SYNC,
        )
        return {"status": ex.status, "outputs": outputs_of(ex), "sent": payload}

    step("sync_nonpy", sync_nonpy)

    def async_sleep():
        # OWSLib only runs asynchronously when outputs are given: storeExecuteResponse and status are then true.
        started = time.time()
        ex = wps.execute("sleep", [("delay", "0.2")], output=[("sleep_output", False)])
        first = {"status": ex.status, "statusLocation": ex.statusLocation, "seconds": time.time() - started}
        seen = poll(ex)
        return {
            "first": first,
            "seen": seen,
            "final": ex.status,
            "succeeded": ex.isSucceeded(),
            "outputs": outputs_of(ex),
        }

    step("async_sleep", async_sleep)

    def by_reference():
        ex = wps.execute("chomsky", [("times", "3")], output=[("output", True)], mode=SYNC)
        out = ex.processOutputs[0]
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "chomsky.txt")
            ex.getOutput(filepath=path, identifier="output")
            with open(path, encoding="utf-8") as f:
                downloaded = f.read()
        return {
            "status": ex.status,
            "reference": out.reference,
            "mimeType": out.mimeType,
            "fileName": out.fileName,
            "content": downloaded,
            "retrieved": out.retrieveData().decode("utf-8"),
        }

    step("by_reference", by_reference)

    def failing_sync():
        ex = wps.execute("show_error", [("message", "OWSLib sees this failure")], mode=SYNC)
        return {"status": ex.status, "statusElement": status_element(ex), "errors": errors_of(ex)}

    step("failing_sync", failing_sync)

    def failing_async():
        ex = wps.execute("show_error", [("message", "async failure for OWSLib")], output=[("output", False)])
        seen = poll(ex)
        return {"seen": seen, "status": ex.status, "statusElement": status_element(ex), "errors": errors_of(ex)}

    step("failing_async", failing_async)

    return summary


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        sys.exit(2)
    # OWSLib prints exceptions of failed executions on stdout (owslib.util.dump); stdout is the JSON summary's.
    with contextlib.redirect_stdout(sys.stderr):
        result = main(sys.argv[1])
    json.dump(result, sys.stdout, indent=1)
    sys.stdout.write("\n")
