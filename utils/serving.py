"""Plumbing for notebook 10 (deployment): installing what Colab lacks, free ports, waiting for a server, stopping it.

The lesson itself (saving, exporting, converting, starting the server, measuring) stays in the notebook.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from .config import _quiet_native_stderr as quiet_native_stderr  # noqa: F401 - one implementation, re-exported
from .config import scratch_dir

#: Packages notebook 10 needs beyond Colab's preinstalled ones: import name -> pip name.
DEPLOYMENT_PACKAGES = {"fastapi": "fastapi", "uvicorn": "uvicorn", "httpx": "httpx", "tensorboard": "tensorboard",
                       "ai_edge_litert": "ai-edge-litert", "onnxruntime": "onnxruntime", "tf2onnx": "tf2onnx"}
#: Installed packages that an install must never change (pip gets them as constraints at their current versions).
KEEP = ("tensorflow", "keras", "numpy", "protobuf", "ml-dtypes", "h5py")


def missing_packages(packages: dict[str, str] = DEPLOYMENT_PACKAGES) -> list[str]:
    """The pip names of ``packages`` whose import name cannot be found."""
    return [pip_name for module, pip_name in packages.items() if importlib.util.find_spec(module) is None]


def install_missing(packages: dict[str, str] = DEPLOYMENT_PACKAGES, only_on_colab: bool = True) -> list[str]:
    """Install what is missing (on Colab only, by default), never changing TensorFlow, Keras or NumPy.

    The installed versions of :data:`KEEP` are passed to pip as constraints, so pip picks versions of the
    new packages that work with them instead of upgrading them. Returns the pip names it installed.
    """
    missing = missing_packages(packages)
    if not missing or (only_on_colab and "google.colab" not in sys.modules):
        return []
    pins = []
    for name in KEEP:
        try:
            pins.append(f"{name}=={importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            continue
    constraints = scratch_dir() / "constraints-keep.txt"  # after utils.setup(...)
    constraints.write_text("\n".join(pins) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "install", "-q", *missing, "-c", str(constraints)], check=True)
    importlib.invalidate_caches()
    return missing


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the operating system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]


def wait_until_ready(url: str, process: subprocess.Popen | None = None, timeout: float = 90.0,
                     log: Path | None = None) -> float:
    """Poll ``url`` until it answers 200, for at most ``timeout`` seconds; return the seconds it took.

    Raises ``RuntimeError`` (with the end of ``log``) if ``process`` exits first or time runs out.
    """
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode}{_tail(log)}")
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                if answer.status == 200:
                    return time.perf_counter() - start
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s{_tail(log)}")


def stop(process: subprocess.Popen | None, timeout: float = 10.0) -> int | None:
    """Stop a server started with ``subprocess.Popen``: terminate, wait, kill if needed. Returns its exit code."""
    if process is None:
        return None
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=timeout)
    return process.returncode


def _tail(log: Path | None, lines: int = 15) -> str:
    if log is None or not Path(log).exists():
        return ""
    text = Path(log).read_text(errors="replace").splitlines()[-lines:]
    return ":\n" + "\n".join(text)


