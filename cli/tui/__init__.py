"""The terminal UI (`aurelius tui`): a Textual app over the same services as the CLI.

Imported only by the `tui` command, so other commands never pay for Textual.
"""

from cli.tui.app import AureliusApp, create_app

__all__ = ["AureliusApp", "create_app"]
