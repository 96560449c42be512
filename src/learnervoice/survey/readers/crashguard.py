"""Read an SPSS or Stata file once in a separate process first, so that a file that crashes the reader is refused.

Some damaged files make ReadStat, the C library under pyreadstat, crash the whole process (one changed
byte in the header of a real .sav does). Before this process reads a file, a helper process reads it
whole; if the helper dies, the file is refused with a clear error and this process — a command, or the
workbench serving an upload — carries on. The helper is started once and reused (its imports take most
of a second), started again after a crash, and each file is read in it once per size, time of change and
encoding.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path

from ...errors import UnreadableFileError

NAMES = {"sav": "SPSS", "dta": "Stata"}
PROBE_SECONDS = 900
_HELPER = """
import json, sys, pyreadstat
for line in sys.stdin:
    job = json.loads(line)
    read = pyreadstat.read_sav if job["fmt"] == "sav" else pyreadstat.read_dta
    kwargs = {"user_missing": True} if job["fmt"] == "sav" else {}
    if job["encoding"]:
        kwargs["encoding"] = job["encoding"]
    try:
        read(job["path"], metadataonly=True, **kwargs)
        for _ in pyreadstat.read_file_in_chunks(read, job["path"], chunksize=100000, **kwargs):
            pass
    except BaseException:
        pass  # what the reader raises is said by the reading itself, in the asking process
    sys.stdout.write("read\\n")
    sys.stdout.flush()
"""


class _Helper:
    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.lock = threading.Lock()
        self.survived: set[tuple[str, int, int, str, str | None]] = set()

    def read(self, path: Path, fmt: str, encoding: str | None) -> bool:
        """Whether the helper read the file and lived."""
        stat = path.stat()
        key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns, fmt, encoding)
        with self.lock:
            if key in self.survived:
                return True
            lived = self._ask(json.dumps({"path": str(path), "fmt": fmt, "encoding": encoding or ""}))
            if lived:
                self.survived.add(key)
            return lived

    def _ask(self, job: str) -> bool:
        process = self._process()
        assert process.stdin is not None and process.stdout is not None
        answer: list[str] = []
        reader = threading.Thread(target=lambda: answer.append(process.stdout.readline() if process.stdout else ""))
        try:
            process.stdin.write(job + "\n")
            process.stdin.flush()
        except OSError:
            answer.append("")
        else:
            reader.start()
            reader.join(PROBE_SECONDS)
        if not answer or answer[0].strip() != "read":
            self._stop(process)
            if not answer:
                raise TimeoutError
            return False
        return True

    def _process(self) -> subprocess.Popen[str]:
        if self.process is None or self.process.poll() is not None:
            self.process = subprocess.Popen([sys.executable, "-I", "-c", _HELPER], stdin=subprocess.PIPE,
                                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        return self.process

    def _stop(self, process: subprocess.Popen[str]) -> None:
        process.kill()
        process.wait()
        self.process = None


_helper = _Helper()


def survives_reading(path: Path, fmt: str, encoding: str | None) -> None:
    """Refuse, with a clear error, a file that makes the reader crash (or not finish) in the helper process."""
    try:
        lived = _helper.read(path, fmt, encoding)
    except TimeoutError:
        raise UnreadableFileError(path.name, f"not a readable {NAMES[fmt]} file: reading it did not finish in "
                                  f"{PROBE_SECONDS // 60} minutes") from None
    if not lived:
        raise UnreadableFileError(path.name, f"not a readable {NAMES[fmt]} file: the {NAMES[fmt]} reader crashed on it, "
                                  f"so it is damaged or not {NAMES[fmt]}; save it again from {NAMES[fmt]} or PSPP")
