"""Training commands for the project's bundled offline models.

``train_translation`` (vi->en MarianMT) and ``train_summarization``
(Vietnamese abstractive summaries) each read a YAML config, train from
scratch and save a directory that ``AutoModelForSeq2SeqLM`` loads offline.
They are imported from their modules so that importing this package stays
free of torch and transformers.
"""
