"""Pipeline stages: pure transforms over documents (see ``base.Stage``)."""
