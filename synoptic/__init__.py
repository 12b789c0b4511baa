"""Synoptux core: configuration, domain rules, store, services, ingestion (no Qt)."""
__version__ = "3.0.0.dev0"
