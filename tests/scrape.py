"""Reading Prometheus text the way a scraper does (prometheus_client's own parser)."""

from __future__ import annotations


def sample(text: str, name: str, **labels: str) -> float:
    """The value of the sample `name` whose labels include `labels`; 0 when absent (a counter
    that has not moved yet is not exported)."""
    from prometheus_client.parser import text_string_to_metric_families

    total = 0.0
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and labels.items() <= found.labels.items():
                total += found.value
    return total


def local() -> str:
    """This process's figures, as `/metrics` would show them."""
    from aurelius.adapters.prometheus_metrics import exposition

    return exposition()[0].decode()
