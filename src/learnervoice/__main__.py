"""`python -m learnervoice`: the same as the `learnervoice` command."""

from .cli import main

main()
