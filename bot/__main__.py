"""`python -m bot` is the `etiket` command."""

from bot.cli import main

main()
