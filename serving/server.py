"""A small HTTP server for an exported Keras model (a TensorFlow SavedModel), used by notebook 10.

Start it with the model's folder in ``MODEL_DIR``, bound to this machine only::

    MODEL_DIR=build/scratch/10_deployment/export python -m uvicorn serving.server:app --host 127.0.0.1 --port 8000 \
        --limit-concurrency 16

``GET /health`` says whether the model is loaded; ``POST /predict`` takes ``{"instances": [image, ...]}`` (each
image a nested list of raw pixel values, e.g. 28 x 28 numbers in 0..255) and answers
``{"classes": [...], "labels": [...], "probabilities": [[...], ...]}``. Bad input gets a 4xx answer whose
``detail`` names the problem (not JSON, wrong type, wrong shape, empty batch, out of range, too large, too slow
to arrive); the server keeps serving. ``--limit-concurrency`` makes uvicorn answer 503 instead of queueing
without end when too many requests arrive at once. Only TensorFlow is needed to run the model, not Keras or the
code that built it.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
from pathlib import Path

import numpy as np
from fastapi import FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

MAX_BYTES = 1_000_000  # a batch of 256 images of 28 x 28 pixels written as "255," is about 0.8 MB
MAX_BATCH = 256
BODY_TIMEOUT = 10.0  # seconds a client may take to send its body; a slow sender must not hold a worker forever


class BadRequest(ValueError):
    """An input problem the client can fix: carries the HTTP status and a message naming the problem."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def parse_instances(body: bytes, image_shape: tuple[int, ...], value_range: tuple[float, float],
                    max_batch: int = MAX_BATCH) -> np.ndarray:
    """Turn a request body into a float32 batch of shape ``(n, *image_shape)``, or raise :class:`BadRequest`."""
    try:
        payload = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:  # both are ValueErrors: caught first
        raise BadRequest(400, f"the body is not valid JSON ({exc})") from None
    except (ValueError, RecursionError):  # Python's limit on digits in an integer, or on nesting depth
        raise BadRequest(400, "the body is JSON this server will not read: a number has too many digits or the "
                              "JSON is nested too deeply") from None
    if not isinstance(payload, dict) or "instances" not in payload:
        raise BadRequest(422, 'expected a JSON object {"instances": [image, ...]}')
    instances = payload["instances"]
    if not isinstance(instances, list):
        raise BadRequest(422, f'"instances" must be a list of images, got {type(instances).__name__}')
    if not instances:
        raise BadRequest(422, "empty batch: send at least one image")
    if len(instances) > max_batch:
        raise BadRequest(413, f"batch of {len(instances)} images is over the limit of {max_batch}")
    try:
        array = np.asarray(instances)
    except (ValueError, RecursionError) as exc:  # ragged rows, or lists nested deeper than NumPy allows
        if "maximum number of dimension" in str(exc) or isinstance(exc, RecursionError):
            raise BadRequest(422, f"wrong shape: expected (n, {_shape(image_shape, ', ')}), got lists nested "
                                  "too deeply") from None
        raise BadRequest(422, f"wrong shape: every image must be {_shape(image_shape)} numbers; "
                              "some rows have a different length") from None
    if array.dtype.kind == "O" and all(type(v) is int for v in array.ravel()):  # integers beyond 64 bits
        raise BadRequest(422, f"values out of range: pixels must be in [{value_range[0]:g}, {value_range[1]:g}], "
                              "got integers too large for 64 bits")
    if array.dtype.kind not in "iuf":
        raise BadRequest(422, f"wrong type: pixel values must be numbers (got JSON {_kind(array)})")
    if (b"true" in body or b"false" in body) and _has_bool(instances):  # NumPy would read true as 1
        raise BadRequest(422, "wrong type: pixel values must be numbers (got JSON true/false)")
    if array.shape[1:] != tuple(image_shape):
        extra = " (wrap a single image in a list)" if array.shape == tuple(image_shape) else ""
        raise BadRequest(422, f"wrong shape: expected (n, {_shape(image_shape, ', ')}), got "
                              f"{tuple(array.shape)}{extra}")
    low, high = value_range
    if not np.all(np.isfinite(array)):
        raise BadRequest(422, f"values out of range: NaN or infinity is not a pixel value (use [{low:g}, {high:g}])")
    if array.min() < low or array.max() > high:
        raise BadRequest(422, f"values out of range: pixels must be in [{low:g}, {high:g}], got "
                              f"[{array.min():g}, {array.max():g}]")
    return array.astype("float32")


def _shape(shape, sep=" x "):
    return sep.join(str(s) for s in shape)


def _has_bool(instances) -> bool:
    return any(type(v) is bool for v in np.asarray(instances, dtype=object).ravel())


def _kind(array):
    return {"b": "true/false", "U": "strings", "O": "null or mixed values"}.get(array.dtype.kind, str(array.dtype))


state: dict = {}


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI):
    import tensorflow as tf

    folder = Path(os.environ["MODEL_DIR"])
    model = tf.saved_model.load(str(folder))
    spec = model.serve.input_signature[0] if model.serve.input_signature else None
    meta_file = folder / "metadata.json"
    meta = json.loads(meta_file.read_text()) if meta_file.exists() else {}
    state.update(model=model, image_shape=tuple(meta.get("image_shape") or spec.shape[1:]),
                 value_range=tuple(meta.get("value_range", (0, 255))), labels=meta.get("class_names"))
    yield
    state.clear()


app = FastAPI(title="Fashion-MNIST classifier", lifespan=lifespan)


@app.get("/health")
def health():
    return {"status": "ok", "image_shape": list(state["image_shape"]), "value_range": list(state["value_range"]),
            "max_batch": MAX_BATCH, "max_bytes": MAX_BYTES}


async def _read_body(request: Request) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BYTES:
        raise BadRequest(413, f"payload of {int(declared):,} bytes is over the limit of {MAX_BYTES:,}")
    try:
        return await asyncio.wait_for(_collect_body(request), timeout=BODY_TIMEOUT)
    except TimeoutError:
        raise BadRequest(408, f"the body took longer than {BODY_TIMEOUT:g} s to arrive") from None


async def _collect_body(request: Request) -> bytes:
    body = bytearray()
    async for chunk in request.stream():  # also caps bodies sent without a Content-Length
        body += chunk
        if len(body) > MAX_BYTES:
            raise BadRequest(413, f"payload is over the limit of {MAX_BYTES:,} bytes")
    return bytes(body)


@app.post("/predict")
async def predict(request: Request):
    try:
        if "json" not in request.headers.get("content-type", ""):
            raise BadRequest(415, "send JSON with the header Content-Type: application/json")
        batch = parse_instances(await _read_body(request), state["image_shape"], state["value_range"])
    except BadRequest as problem:
        raise HTTPException(status_code=problem.status, detail=str(problem)) from None
    probabilities = (await run_in_threadpool(state["model"].serve, batch)).numpy()
    classes = probabilities.argmax(axis=1).tolist()
    labels = [state["labels"][c] for c in classes] if state["labels"] else [str(c) for c in classes]
    return {"classes": classes, "labels": labels, "probabilities": probabilities.tolist()}
