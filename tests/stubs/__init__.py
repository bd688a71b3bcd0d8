"""Loopback servers speaking real vendor wire formats, for the official SDKs in tests."""
