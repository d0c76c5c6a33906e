"""Views of a finished run folder: an HTML report and a terminal table.

Both read ``manifest.json`` and the per-document JSON files under ``docs/``
and never change them; ``write_report`` is registered in
``pipeline.registry.REPORTS`` and runs after the manifest is written.
"""
