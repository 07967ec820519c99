"""The ceiling: what Django, DRF and the stock admin serve over the same rows,
beside the project, for bench/ceiling.py. Never in the product's URLconf."""
