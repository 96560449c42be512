"""Reading a whole response file for a test: its info and all its chunks in one frame."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from learnervoice.survey.readers import FileInfo, open_response_file


def read_all(path: Path, **kwargs: Any) -> tuple[FileInfo, pd.DataFrame]:
    opened = open_response_file(path, **kwargs)
    chunks = list(opened.chunks())
    frame = pd.concat(chunks) if chunks else pd.DataFrame(columns=opened.info.columns)
    assert list(frame.index) == list(range(len(frame))), "chunks count data records from 0"
    assert list(frame.columns) == opened.info.columns
    return opened.info, frame
