"""``vien eval``: run the real pipeline over a test set and score what it wrote.

Modules, one concern each: ``testsets`` (loaders), ``hypotheses`` (running the
pipeline), ``alignment`` (matching its segments to reference sentences),
``metrics`` (BLEU, chrF++, ROUGE, degenerate outputs), ``scoring`` (per
document and corpus numbers) and ``report`` (``evaluate``, files, comparison).
"""
