"""Import DGL without its start-up banner and warnings; import ``dgl`` from here."""
from __future__ import annotations

import contextlib
import io
import logging
import os
import warnings

os.environ.setdefault("DGLBACKEND", "pytorch")
logging.getLogger("dgl").setLevel(logging.ERROR)
with warnings.catch_warnings(), contextlib.redirect_stdout(io.StringIO()):
    warnings.simplefilter("ignore")
    import dgl  # noqa: E402

__all__ = ["dgl"]
