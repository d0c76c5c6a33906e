"""The Vietnamese text front end: decoding, normalization, residue and segmentation.

Every function here is pure (text in, text or spans out) so the stages that use
them stay easy to test; only ``benchmarks/segmentation.py`` reads files.
"""
