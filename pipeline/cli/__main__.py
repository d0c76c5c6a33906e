"""``python -m pipeline.cli``: the ``vien`` command."""

from pipeline.cli import app

app()
