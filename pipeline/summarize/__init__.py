"""Summarize methods: one strategy per ``summarize.method``, listed in ``pipeline.registry``."""
