"""`python -m aurelius` runs the command line."""

from cli.main import run

run()
