"""The one place where what a command raises becomes what the user sees: a message and an exit code.

Every command runs inside the root group's :meth:`ReportingGroup.invoke`, so commands raise and never
catch. A library error (:class:`~learnervoice.errors.LearnervoiceError`) is the user's to fix:
``error: …`` on standard error, exit code 2. An interrupt is exit code 130. Anything else is a bug of
ours: one line asking to report it, exit code 1 (``--debug`` anywhere on the command line shows the
traceback instead). What typer raises to stop, show help or report a usage error passes through.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any, NoReturn

import typer
from typer.core import TyperGroup

from ..errors import LearnervoiceError

if TYPE_CHECKING:
    from typer._click import Context  # the type TyperGroup.invoke declares (typer vendors click)

PASSED_ON = (typer.Exit, typer.Abort, typer.TyperException)  # help, --help, usage errors, prompts given up


class ReportingGroup(TyperGroup):
    """The root command group: runs the command asked for and maps what it raises to a message and an exit code."""

    def invoke(self, ctx: Context) -> Any:
        try:
            return super().invoke(ctx)
        except LearnervoiceError as exc:
            fail(f"error: {exc}", 2)
        except KeyboardInterrupt:
            fail("interrupted; nothing was changed", 130)
        except BrokenPipeError:  # `learnervoice tables … | head`: the reader has what it wanted
            _quiet_stdout()
            raise typer.Exit(0) from None
        except PASSED_ON:
            raise
        except Exception as exc:  # a bug of ours: say so plainly, keep the traceback for --debug
            if "--debug" in sys.argv:
                raise
            fail(f"internal error ({type(exc).__name__}: {exc}); please report it with the command you ran", 1)


def _quiet_stdout() -> None:
    """Point standard output at /dev/null, so Python's flush at exit does not fail on the closed pipe again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def fail(message: str, code: int) -> NoReturn:
    """Say why on standard error and stop with this exit code."""
    typer.echo(message, err=True)
    raise typer.Exit(code) from None
