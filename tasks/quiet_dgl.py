"""Import DGL without its start-up banner and warnings; import ``dgl`` from here.

Only the import itself is quieted: for its duration ``DGLBACKEND`` is "pytorch" (without
it DGL prints "backend not selected" and writes ``~/.dgl/config.json``), the "dgl" logger
is at ERROR, warnings are ignored and stdout/stderr are captured. Afterwards the
environment, the logger level and the warning filters are as they were.
"""
from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings
from typing import Iterator


@contextlib.contextmanager
def quiet_import() -> Iterator[None]:
    """A scope in which importing DGL prints nothing; restores every setting it changes."""
    logger = logging.getLogger("dgl")
    level = logger.level
    backend = os.environ.get("DGLBACKEND")
    os.environ["DGLBACKEND"] = "pytorch"
    logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()), \
                contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        logger.setLevel(level)
        if backend is None:
            del os.environ["DGLBACKEND"]
        else:
            os.environ["DGLBACKEND"] = backend


with quiet_import():
    import dgl  # noqa: E402

__all__ = ["dgl", "quiet_import"]
