"""SPSS and Stata files: every row pyreadstat reads, cells as text, and a clear error for every damaged copy."""

from __future__ import annotations

import random
from pathlib import Path

import pyreadstat
import pytest

from learnervoice.errors import UnreadableFileError
from learnervoice.survey.readers import open_response_file

from ...conftest import ROOT
from .helpers import read_all

DATA = ROOT / "tests" / "data" / "surveys"
REAL = ["pyreadstat_sample.sav", "pyreadstat_sample.zsav", "pyreadstat_sample.dta", "pyreadstat_missing_test.dta",
        "haven_iris.sav", "haven_types.dta"]


def _pyreadstat_rows(path: Path) -> int:
    reader = pyreadstat.read_dta if path.suffix == ".dta" else pyreadstat.read_sav
    frame, _ = reader(str(path))
    return len(frame)


@pytest.mark.parametrize("name", REAL)
def test_row_count_equals_pyreadstat(name: str) -> None:
    info, frame = read_all(DATA / name)
    assert len(frame) == _pyreadstat_rows(DATA / name) > 0
    assert info.format == ("dta" if name.endswith(".dta") else "sav")


@pytest.mark.parametrize("name", ["spss_simple_alltypes_mrsets.sav", "spss_hebrews.sav"])
def test_row_count_equals_pyreadstat_on_shared_samples(samples: Path, name: str) -> None:
    _, frame = read_all(samples / name)
    assert len(frame) == _pyreadstat_rows(samples / name)


def test_cells_labels_and_dates(samples: Path) -> None:
    info, frame = read_all(DATA / "pyreadstat_sample.sav")
    assert info.column_labels["mynum"] == "numeric"
    assert info.value_labels["mylabl"] == {"1": "Male", "2": "Female"}
    assert frame.loc[0].tolist() == ["a", "1.1", "2018-05-06", "2018-05-06 10:10:10", "1", "1", "10:10:10"]
    assert frame.loc[4, "mydate"] == "" and frame.loc[2, "mynum"] == "-1000.3"
    zinfo, zframe = read_all(DATA / "pyreadstat_sample.zsav")
    assert zframe.equals(frame) and zinfo.columns == info.columns
    _, stata = read_all(DATA / "pyreadstat_sample.dta")
    assert stata["mychar"].tolist() == frame["mychar"].tolist()
    mr = read_all(samples / "spss_simple_alltypes_mrsets.sav")[0].mr_sets
    assert {(m.name, m.counted_value) for m in mr} == {("categorical_array", None), ("mymrset", "1")}


def test_skip_and_header_rows_leave_out_first_records() -> None:
    info, frame = read_all(DATA / "haven_iris.sav", skip_rows=2, header_rows=2)
    assert len(frame) == 150 - 3 and info.row_number(0) == 5


@pytest.mark.parametrize("name", ["pyreadstat_sample.sav", "pyreadstat_sample.zsav", "pyreadstat_sample.dta", "haven_types.dta"])
def test_every_truncation_is_refused_or_complete(tmp_path: Path, name: str) -> None:
    data = (DATA / name).read_bytes()
    full = len(read_all(DATA / name)[1])
    cut = tmp_path / f"cut{Path(name).suffix}"
    for length in range(1, len(data), 2):
        cut.write_bytes(data[:length])
        try:
            _, frame = read_all(cut)
        except UnreadableFileError as exc:
            assert cut.name in str(exc) and "internal" not in str(exc)
        else:
            assert len(frame) == full, length  # never silently short


@pytest.mark.parametrize("name", ["pyreadstat_sample.sav", "pyreadstat_sample.zsav", "pyreadstat_sample.dta", "haven_types.dta"])
def test_flipped_bytes_are_refused_clearly(tmp_path: Path, name: str) -> None:
    """Random damage (seeded): rows or UnreadableFileError; never another exception, a crash or a huge allocation."""
    data = (DATA / name).read_bytes()
    rnd = random.Random(13)
    bad = tmp_path / f"bad{Path(name).suffix}"
    for _ in range(400):
        damaged = bytearray(data)
        for _ in range(rnd.randint(1, 4)):
            damaged[rnd.randrange(len(damaged))] = rnd.randrange(256)
        bad.write_bytes(bytes(damaged))
        try:
            read_all(bad)
        except UnreadableFileError as exc:
            assert bad.name in str(exc)


def test_header_declaring_impossible_rows(tmp_path: Path) -> None:
    """A flipped byte in the case count made pyreadstat allocate 5 GB; the count is checked against the file size."""
    data = bytearray((DATA / "pyreadstat_sample.sav").read_bytes())
    data[83] = 40  # ncases (offset 80, little-endian int32): 5 -> 671,088,645
    path = tmp_path / "huge.sav"
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError, match="declares 671,088,645 rows"):
        open_response_file(path)


def test_text_file_named_sav(tmp_path: Path) -> None:
    path = tmp_path / "r.sav"
    path.write_text("id,q1\n1,a\n", encoding="utf-8")
    with pytest.raises(UnreadableFileError, match="not a readable SPSS file"):
        read_all(path)


def test_spss_string_user_missing_values_are_kept() -> None:
    """missing_char.sav (pyreadstat): 'Z' declared missing in a string variable is in user_missing_text."""
    info, frame = read_all(DATA / "pyreadstat_missing_char.sav")
    assert info.user_missing_text == {"mychar": ["Z"]} and info.user_missing == {}
    assert list(frame["mychar"]) == ["Z", "a"]  # the cell stays as it is: the mapping decides


def test_iris_with_random_bytes_changed_gives_clear_errors(tmp_path: Path) -> None:
    """haven's iris.sav with 8 random bytes changed (seeds 0–39; seed 1 names a variable None): every reader
    and ``init --from`` end in a LearnervoiceError or read the file. (Seed 39 makes ReadStat's C code crash the
    process that reads it: the file is read first in a helper process, and refused when the helper dies.)"""
    from learnervoice.errors import LearnervoiceError
    from learnervoice.survey.instrument import init_from

    source = (DATA / "haven_iris.sav").read_bytes()
    for seed in range(40):
        rng = random.Random(seed)
        data = bytearray(source)
        for _ in range(8):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path = tmp_path / f"iris{seed}.sav"
        path.write_bytes(bytes(data))
        try:
            init_from(tmp_path / f"s{seed}", [path])
        except LearnervoiceError:
            pass


@pytest.mark.parametrize(("at", "value"), [(1017, 0x89), (1016, 0x75)])
def test_a_file_that_crashes_the_reader_is_refused_and_the_command_carries_on(
        samples: Path, tmp_path: Path, at: int, value: int) -> None:
    """One changed byte in the variable records of spss_simple_alltypes_mrsets.sav (found by fuzzing) makes
    pyreadstat's C code crash the process (SIGSEGV). Run as a user would, in a process of its own: exit 2, a clear
    message naming the file, no study.yaml written, no core dump's worth of silence."""
    import subprocess
    import sys

    data = bytearray((samples / "spss_simple_alltypes_mrsets.sav").read_bytes())
    data[at] = value
    bad = tmp_path / "export.sav"
    bad.write_bytes(bytes(data))
    done = subprocess.run([sys.executable, "-m", "learnervoice", "init", str(tmp_path / "s"), "--from", str(bad)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 2, done.stderr
    assert "export.sav" in done.stderr + done.stdout and "crashed on it" in done.stderr + done.stdout
    assert "Traceback" not in done.stderr and not (tmp_path / "s" / "study.yaml").exists()
    with pytest.raises(UnreadableFileError, match="crashed on it"):  # and in this process, which lives on
        read_all(bad)
