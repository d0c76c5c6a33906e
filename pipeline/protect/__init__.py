"""Protected spans: text the model must carry unchanged (numbers, names, glossary terms)."""
