"""Readers turn input files into ``Document``s, one format per module."""
