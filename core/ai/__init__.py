"""The AI layer: the gateway (route, cache, quota, provider, meter) and the assistant loop.

Vendor SDKs never appear here; adapters in `aurelius.adapters` implement `core.ai.ports`.
"""
