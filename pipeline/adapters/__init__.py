"""Model-family adapters behind one interface (see ``base.Seq2SeqAdapter``)."""
