"""The README's Python examples run (and the package docstring's doctest)."""

from __future__ import annotations

import doctest
import io
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import tessera

README = Path(__file__).resolve().parents[1] / "README.md"


def blocks() -> List[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def fake_open(path: str, *args: Any, **kwargs: Any) -> io.StringIO:
    assert path == "private.pem"
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    return io.StringIO(pem.decode())


@pytest.mark.parametrize("index", range(len(blocks())))
def test_readme_example_runs(index: int) -> None:
    code = blocks()[index]
    env: Dict[str, Any] = {"open": fake_open, "SECRET": b"0123456789abcdef0123456789abcdef",
                           "exp": 4102444800}
    exec(compile(code, f"README.md block {index}", "exec"), env)


def test_readme_has_examples() -> None:
    assert len(blocks()) >= 4


def test_package_doctest() -> None:
    failures, tried = doctest.testmod(tessera, verbose=False)
    assert tried > 0 and failures == 0
