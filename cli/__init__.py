"""The command line (Typer) and, later, the terminal UI."""
