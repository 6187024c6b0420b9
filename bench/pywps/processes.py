"""Emu-compatible demo processes for PyWPS 4.5 (Debian ``python3-pywps``).

Same identifiers, inputs, outputs and behaviour as the birdhouse Emu processes ``hello``, ``sleep``, ``inout``,
``wordcounter`` and ``show_error`` (see ``shared/docs/demo-processes.md``), written for Roost's client tests and
benchmarks: they need nothing but PyWPS itself.
"""

import json
import re
import time
from collections import Counter

from pywps import (
    FORMATS,
    BoundingBoxOutput,
    ComplexInput,
    ComplexOutput,
    Format,
    LiteralInput,
    LiteralOutput,
    Process,
)
from pywps.app.Common import Metadata
from pywps.app.exceptions import ProcessError
from pywps.inout.literaltypes import AllowedValue, AnyValue, ValuesReference
from pywps.validator.mode import MODE


class Hello(Process):
    """``hello``: returns ``Hello <name>``."""

    def __init__(self):
        super().__init__(
            self._handler,
            identifier="hello",
            title="Say Hello",
            abstract="Just says a friendly Hello. Returns a literal string output with Hello plus the inputted name.",
            version="1.5",
            keywords=["hello", "demo"],
            metadata=[Metadata("Emu: PyWPS examples", "https://emu.readthedocs.io/en/latest/")],
            inputs=[
                LiteralInput(
                    "name", "Your name", abstract="Please enter your name.", keywords=["name", "firstname"],
                    data_type="string",
                )
            ],
            outputs=[LiteralOutput("output", "Output response", abstract="A friendly Hello from us.", data_type="string")],
            store_supported=True,
            status_supported=True,
        )

    @staticmethod
    def _handler(request, response):
        response.outputs["output"].data = "Hello {}".format(request.inputs["name"][0].data)
        return response


class Sleep(Process):
    """``sleep``: five naps of ``delay`` seconds, reporting 0/20/40/60/80 %, then ``done sleeping``."""

    def __init__(self):
        super().__init__(
            self._handler,
            identifier="sleep",
            title="Sleep Process",
            abstract="Testing a long running process, in the sleep. "
            "This process will sleep for a given delay or 10 seconds if not a valid value.",
            version="1.0",
            inputs=[LiteralInput("delay", "Delay between every update", default="2", data_type="float")],
            outputs=[LiteralOutput("sleep_output", "Sleep Output", data_type="string")],
            store_supported=True,
            status_supported=True,
        )

    @staticmethod
    def _handler(request, response):
        delay = request.inputs["delay"][0].data if "delay" in request.inputs else 2
        for percent in (0, 20, 40, 60, 80):
            response.update_status("PyWPS Process started. Waiting...", percent)
            time.sleep(delay)
        response.outputs["sleep_output"].data = "done sleeping"
        response.update_status("PyWPS Process completed.", 100)
        return response


class InOut(Process):
    """``inout``: every literal type, allowed values, ranges, repeated inputs, optional complex in/out, bbox out."""

    def __init__(self):
        inputs = [
            LiteralInput("string", "String", data_type="string", abstract="Enter a simple string.",
                         default="This is just a string", mode=MODE.SIMPLE),
            LiteralInput("int", "Integer", data_type="integer", abstract="Choose an integer number from allowed values.",
                         default="7", allowed_values=[1, 2, 3, 5, 7, 11]),
            LiteralInput("float", "Float", data_type="float", abstract="Enter a float number.", default="3.14",
                         min_occurs=0, max_occurs=5),
            LiteralInput("boolean", "Boolean", data_type="boolean", abstract="Make your choice :)", default="1"),
            LiteralInput("angle", "Angle", data_type="angle", abstract="Enter an angle [0, 360] :)", default="90"),
            LiteralInput("time", "Time", data_type="time", abstract="Enter a time like 12:00:00", default="12:00:00"),
            LiteralInput("date", "Date", data_type="date", abstract="Enter a date like 2012-05-01", default="2012-05-01"),
            LiteralInput("datetime", "Datetime", data_type="dateTime",
                         abstract="Enter a datetime like 2016-09-02T12:00:00Z", default="2016-09-02T12:00:00Z"),
            LiteralInput("string_choice", "String Choice", data_type="string", abstract="Choose one item form list.",
                         allowed_values=["rock", "paper", "scissor"], default="scissor"),
            LiteralInput("string_multiple_choice", "String Multiple Choice", data_type="string",
                         abstract="Choose one or two items from list.",
                         allowed_values=["sitting duck", "flying goose", "happy pinguin", "gentle albatros"],
                         min_occurs=0, max_occurs=2, default="gentle albatros"),
            LiteralInput("int_range", "Integer Range", data_type="integer",
                         abstract="Choose number from range: 1-10 (step 1), 100-200 (step 10)", default="1",
                         allowed_values=[AllowedValue(minval=1, maxval=10),
                                         AllowedValue(minval=100, maxval=200, spacing=10)],
                         mode=MODE.SIMPLE),
            LiteralInput("any_value", "Any Value", abstract="Enter any value.", allowed_values=AnyValue(),
                         default="any value", mode=MODE.SIMPLE),
            LiteralInput("ref_value", "Referenced Value", data_type="string", abstract="Choose a referenced value",
                         allowed_values=ValuesReference(
                             reference="https://en.wikipedia.org/w/api.php?action=opensearch&search=scotland&format=json"),
                         default="Scotland", mode=MODE.SIMPLE),
            ComplexInput("text", "Text", abstract="Enter a URL pointing to a text document (optional)", min_occurs=0,
                         supported_formats=[Format("text/plain")]),
            ComplexInput("dataset", "Dataset", abstract="Enter a URL pointing to a NetCDF file (optional)",
                         min_occurs=0, supported_formats=[FORMATS.NETCDF]),
        ]
        outputs = [
            LiteralOutput("string", "String", data_type="string"),
            LiteralOutput("int", "Integer", data_type="integer"),
            LiteralOutput("float", "Float", data_type="float"),
            LiteralOutput("boolean", "Boolean", data_type="boolean"),
            LiteralOutput("angle", "Angle", data_type="angle"),
            LiteralOutput("time", "Time", data_type="time"),
            LiteralOutput("date", "Date", data_type="date"),
            LiteralOutput("datetime", "DateTime", data_type="dateTime"),
            LiteralOutput("string_choice", "String Choice", data_type="string"),
            LiteralOutput("string_multiple_choice", "String Multiple Choice", data_type="string"),
            LiteralOutput("int_range", "Integer Range", data_type="integer"),
            LiteralOutput("any_value", "Any Value", data_type="string"),
            LiteralOutput("ref_value", "Referenced Value", data_type="string"),
            ComplexOutput("text", "Text", abstract="Copy of input text file.", as_reference=False,
                          supported_formats=[FORMATS.TEXT]),
            ComplexOutput("dataset", "Dataset", abstract="Copy of input netcdf file.", as_reference=True,
                          supported_formats=[FORMATS.NETCDF, FORMATS.TEXT]),
            BoundingBoxOutput("bbox", "Bounding Box", crss=["epsg:4326"]),
        ]
        super().__init__(
            self._handler,
            identifier="inout",
            title="In and Out",
            abstract="Testing all WPS input and output parameters.",
            version="1.0",
            inputs=inputs,
            outputs=outputs,
            store_supported=True,
            status_supported=True,
        )

    @staticmethod
    def _handler(request, response):
        response.update_status("PyWPS Process started.", 0)
        first = {name: request.inputs[name][0].data for name in (
            "string", "int", "boolean", "angle", "time", "date", "datetime", "string_choice", "int_range",
            "any_value", "ref_value")}
        for name, value in first.items():
            response.outputs[name].data = value
        response.outputs["float"].data = sum(f.data for f in request.inputs.get("float", []))
        choices = [c.data for c in request.inputs.get("string_multiple_choice", [])]
        response.outputs["string_multiple_choice"].data = ", ".join(choices) if choices else "no value"
        response.outputs["text"].data_format = FORMATS.TEXT
        if "text" in request.inputs:
            response.outputs["text"].file = request.inputs["text"][0].file
        else:
            response.outputs["text"].data = "request didn't have a text file."
        if "dataset" in request.inputs:
            response.outputs["dataset"].data_format = FORMATS.NETCDF
            response.outputs["dataset"].file = request.inputs["dataset"][0].file
        else:
            response.outputs["dataset"].data_format = FORMATS.TEXT
            response.outputs["dataset"].data = "request didn't have a netcdf file."
        response.outputs["bbox"].data = [0, 0, 10, 10]
        response.update_status("PyWPS Process completed.", 100)
        return response


class WordCounter(Process):
    """``wordcounter``: counts the words of a text; the sorted ``[[count, word], …]`` JSON comes back by reference."""

    def __init__(self):
        super().__init__(
            self._handler,
            identifier="wordcounter",
            title="Word Counter",
            abstract="Counts words in a given text.",
            version="1.0",
            inputs=[
                ComplexInput("text", "Text document",
                             abstract="URL pointing to a text document, for example \"Alice in Wonderland\"",
                             supported_formats=[FORMATS.TEXT]),
            ],
            outputs=[ComplexOutput("output", "Word counter result", as_reference=True, supported_formats=[FORMATS.JSON])],
            store_supported=True,
            status_supported=True,
        )

    @staticmethod
    def _handler(request, response):
        response.update_status("PyWPS Process started.", 0)
        word = re.compile(r"\w+")
        counts = Counter()
        for line in request.inputs["text"][0].stream:
            counts.update(word.findall(line.decode("utf-8") if isinstance(line, bytes) else line))
        response.outputs["output"].data = json.dumps(sorted(((n, w) for w, n in counts.items()), reverse=True))
        response.update_status("PyWPS Process completed.", 100)
        return response


class ShowError(Process):
    """``show_error``: always fails; ``nice`` decides between a ProcessError message and a generic failure."""

    def __init__(self):
        super().__init__(
            self._handler,
            identifier="show_error",
            title="Show a WPS Error",
            abstract="This process will fail intentionally with a friendly WPS error message.",
            version="1.0",
            inputs=[
                LiteralInput("message", "Error Message", data_type="string",
                             abstract="Enter an error message that will be returned.",
                             default="This process failed intentionally.", min_occurs=1),
                LiteralInput("nice", "Be nice and show a friendly error message. Default: true", data_type="boolean",
                             default=True),
            ],
            store_supported=True,
            status_supported=True,
        )

    @staticmethod
    def _handler(request, response):
        response.update_status("PyWPS Process started.", 0)
        if request.inputs["nice"][0].data is True:
            raise ProcessError(request.inputs["message"][0].data)
        raise Exception("Sorry, we have no explanation for this error.")


#: Every process of the app, in the order GetCapabilities lists them.
processes = [Hello(), Sleep(), InOut(), WordCounter(), ShowError()]
