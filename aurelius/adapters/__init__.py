"""Vendor and system glue implementing the ports of `core.ports`."""
