"""The model server (serving/server.py) and its plumbing (utils/serving.py): a real server on a free 127.0.0.1
port answers valid requests, gives a 4xx naming the problem for each kind of bad one, and keeps serving."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from serving.server import MAX_BATCH, MAX_BYTES, BadRequest, parse_instances
from utils import serving as plumbing
from utils.config import ROOT

httpx = pytest.importorskip("httpx")
SHAPE, RANGE = (28, 28), (0, 255)
IMAGES = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28))
AS_JSON = {"content-type": "application/json"}
ONE_TRUE = [[[True] + IMAGES[0, 0, 1:].tolist()] + IMAGES[0, 1:].tolist()]  # one true among 784 numbers


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    import keras

    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(SHAPE), keras.layers.Rescaling(1 / 255), keras.layers.Flatten(),
                              keras.layers.Dense(10, activation="softmax")])
    folder = tmp_path_factory.mktemp("export") / "model"
    model.export(folder, verbose=False)
    (folder / "metadata.json").write_text(json.dumps({"class_names": [f"class {i}" for i in range(10)]}))
    return folder, model.predict(IMAGES.astype("float32"), verbose=0)


@pytest.fixture(scope="module")
def server(exported, tmp_path_factory):
    port = plumbing.free_port()
    log = tmp_path_factory.mktemp("log") / "server.log"
    env = {**os.environ, "MODEL_DIR": str(exported[0]), "TF_CPP_MIN_LOG_LEVEL": "3"}
    with open(log, "w") as out:
        process = subprocess.Popen([sys.executable, "-m", "uvicorn", "serving.server:app", "--app-dir", str(ROOT),
                                    "--host", "127.0.0.1", "--port", str(port), "--limit-concurrency", "16"],
                                   env=env, stdout=out, stderr=out)
    try:
        plumbing.wait_until_ready(f"http://127.0.0.1:{port}/health", process, timeout=120, log=log)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        assert plumbing.stop(process) is not None


def test_health_and_a_valid_request(server, exported):
    assert server.get("/health").json()["image_shape"] == [28, 28]
    answer = server.post("/predict", json={"instances": IMAGES.tolist()})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    np.testing.assert_allclose(body["probabilities"], exported[1], atol=1e-6)
    assert body["classes"] == exported[1].argmax(axis=1).tolist()
    assert body["labels"] == [f"class {c}" for c in body["classes"]]


BAD = {
    "not JSON": (dict(content=b"{pixels", headers={"content-type": "application/json"}), 400, "not valid JSON"),
    "not JSON content type": (dict(content=b"1,2,3", headers={"content-type": "text/plain"}), 415, "Content-Type"),
    "no instances key": (dict(json={"images": IMAGES.tolist()}), 422, '{"instances"'),
    "instances not a list": (dict(json={"instances": "cat.png"}), 422, "must be a list"),
    "empty batch": (dict(json={"instances": []}), 422, "empty batch"),
    "strings": (dict(json={"instances": [[["0"] * 28] * 28]}), 422, "wrong type"),
    "booleans": (dict(json={"instances": [[[True] * 28] * 28]}), 422, "wrong type"),
    "nulls": (dict(json={"instances": [[[None] * 28] * 28]}), 422, "wrong type"),
    "true among numbers": (dict(json={"instances": ONE_TRUE}), 422, "(got JSON true/false)"),
    "nested 100,000 deep": (dict(content=b"[" * 100_000 + b"]" * 100_000, headers=AS_JSON), 400, "nested too deeply"),
    "a 5,000-digit number": (dict(content=b'{"instances": [[[' + b"9" * 5000 + b"]]]}", headers=AS_JSON), 400,
                             "too many digits"),
    "nested 70 deep": (dict(content=b'{"instances": ' + b"[" * 70 + b"0" + b"]" * 70 + b"}", headers=AS_JSON), 422,
                       "nested too deeply"),
    "beyond 64 bits": (dict(json={"instances": [[[2**64] * 28] * 28]}), 422, "out of range"),
    "wrong shape": (dict(json={"instances": np.zeros((2, 32, 32)).tolist()}), 422,
                    "expected (n, 28, 28), got (2, 32, 32)"),
    "unbatched image": (dict(json={"instances": IMAGES[0].tolist()}), 422, "wrap a single image"),
    "ragged rows": (dict(json={"instances": [[[0] * 28] * 27 + [[0] * 5]]}), 422, "different length"),
    "out of range": (dict(json={"instances": (IMAGES[:1] * 2.0).tolist()}), 422, "out of range"),
    "negative": (dict(json={"instances": (IMAGES[:1] - 300).tolist()}), 422, "out of range"),
    "too many images": (dict(json={"instances": np.zeros((MAX_BATCH + 1, 1, 1), int).tolist()}), 413, "over the limit"),
    "oversized payload": (dict(content=b" " * (MAX_BYTES + 1), headers={"content-type": "application/json"}), 413,
                          "over the limit"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_requests_get_a_4xx_naming_the_problem_and_the_server_keeps_serving(server, name):
    kwargs, status, fragment = BAD[name]
    answer = server.post("/predict", **kwargs)
    assert answer.status_code == status, answer.text
    assert fragment in answer.json()["detail"], answer.json()["detail"]
    assert server.post("/predict", json={"instances": IMAGES[:1].tolist()}).status_code == 200


def test_a_body_without_content_length_is_capped(server):
    def chunks():
        for _ in range(MAX_BYTES // 10_000 + 2):
            yield b" " * 10_000

    answer = server.post("/predict", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413 and "over the limit" in answer.json()["detail"]


def test_parse_instances_returns_float32_and_names_problems():
    batch = parse_instances(json.dumps({"instances": IMAGES.tolist()}).encode(), SHAPE, RANGE)
    assert batch.dtype == np.float32 and batch.shape == (3, 28, 28)
    with pytest.raises(BadRequest, match="NaN or infinity") as problem:
        parse_instances(b'{"instances": [[[NaN]]]}', (1, 1), RANGE)
    assert problem.value.status == 422
    with pytest.raises(BadRequest, match="out of range.*too large for 64 bits"):
        parse_instances(b'{"instances": [[[1, 18446744073709551616]]]}', (1, 2), RANGE)
    with pytest.raises(BadRequest, match="true/false"):
        parse_instances(b'{"instances": [[[1, false]]]}', (1, 2), RANGE)
    assert parse_instances(b'{"instances": [[[1, 2]]], "note": "true"}', (1, 2), RANGE).shape == (1, 1, 2)
    with pytest.raises(BadRequest, match="over the limit of 2"):
        parse_instances(json.dumps({"instances": [[[0]]] * 3}).encode(), (1, 1), RANGE, max_batch=2)


def test_plumbing_free_port_wait_and_stop(tmp_path):
    port = plumbing.free_port()
    assert 1024 < port < 65536
    log = tmp_path / "log.txt"
    log.write_text("boom: no model\n")
    dead = subprocess.Popen([sys.executable, "-c", "raise SystemExit(3)"])
    dead.wait(timeout=30)
    with pytest.raises(RuntimeError, match="exited with code 3:\nboom"):
        plumbing.wait_until_ready(f"http://127.0.0.1:{port}/health", dead, timeout=5, log=log)
    with pytest.raises(RuntimeError, match="did not answer"):
        plumbing.wait_until_ready(f"http://127.0.0.1:{port}/health", timeout=0.5)
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    assert plumbing.stop(sleeper) is not None and sleeper.poll() is not None
    assert plumbing.stop(None) is None


def test_nothing_is_installed_outside_colab(monkeypatch):
    monkeypatch.delitem(sys.modules, "google.colab", raising=False)
    assert plumbing.install_missing({"surely_not_a_module_xyz": "surely-not-a-package-xyz"}) == []
    assert plumbing.missing_packages({"json": "json", "surely_not_a_module_xyz": "x"}) == ["x"]


def test_a_body_that_arrives_too_slowly_gets_a_408(monkeypatch):
    import asyncio

    from serving import server as module

    class SlowRequest:
        headers: dict = {}

        async def stream(self):
            yield b'{"instances": '
            await asyncio.sleep(5)

    monkeypatch.setattr(module, "BODY_TIMEOUT", 0.2)
    with pytest.raises(BadRequest, match="longer than 0.2 s") as problem:
        asyncio.run(module._read_body(SlowRequest()))
    assert problem.value.status == 408
