"""`python -m learnervoice.cli`: the same as the `learnervoice` command."""

from . import main

main()
