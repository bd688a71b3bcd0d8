"""deploy/kubernetes: each file validates against Kubernetes' schemas (kubernetes-validate,
offline) and KEDA's ScaledObject against its CRD's schema; the overlay renders with
`kubectl kustomize` (skipped where kubectl is missing) and keeps the operational promises."""

from __future__ import annotations

import copy
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

yaml = pytest.importorskip("yaml")
kubernetes_validate = pytest.importorskip("kubernetes_validate")
jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "deploy/kubernetes/base"
OVERLAY = ROOT / "deploy/kubernetes/overlays/example"
KEDA = json.loads((ROOT / "tests/data/kubernetes/keda-scaledobject.schema.json").read_text())
VERSION = "1.32.0"


def documents(*paths: Path) -> list[dict[str, Any]]:
    return [doc for path in paths for doc in yaml.safe_load_all(path.read_text()) if doc]


def resources(directory: Path) -> list[Path]:
    listed = yaml.safe_load((directory / "kustomization.yaml").read_text())["resources"]
    return [directory / name for name in listed if not name.startswith("..")]


def validate(doc: dict[str, Any]) -> None:
    if doc["kind"] == "ScaledObject":
        jsonschema.validate(doc, KEDA)
    else:
        kubernetes_validate.validate(doc, VERSION, strict=True)


def by_kind(docs: list[dict[str, Any]], kind: str) -> dict[str, dict[str, Any]]:
    return {doc["metadata"]["name"]: doc for doc in docs if doc["kind"] == kind}


@pytest.mark.parametrize("path", resources(BASE), ids=lambda path: path.name)
def test_each_base_file_validates_alone(path: Path) -> None:
    for doc in documents(path):
        validate(doc)


def test_a_wrong_field_is_caught() -> None:
    deployment = copy.deepcopy(by_kind(documents(BASE / "server.yaml"), "Deployment")
                               ["aurelius-server"])
    deployment["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"][
        "pathh"] = "/readyz"
    with pytest.raises(kubernetes_validate.ValidationError):
        validate(deployment)
    scaled = copy.deepcopy(by_kind(documents(BASE / "worker.yaml"), "ScaledObject")
                           ["aurelius-worker"])
    scaled["spec"]["minReplicas"] = 2
    with pytest.raises(jsonschema.ValidationError):
        validate(scaled)


def test_the_processes_keep_the_operational_promises() -> None:
    docs = documents(*resources(BASE))
    deployments = by_kind(docs, "Deployment")
    assert set(deployments) == {"aurelius-server", "aurelius-worker", "aurelius-scheduler"}
    assert deployments["aurelius-scheduler"]["spec"]["replicas"] == 2
    for name, deployment in deployments.items():
        pod = deployment["spec"]["template"]["spec"]
        assert pod["securityContext"]["runAsNonRoot"] is True, name
        (container,) = pod["containers"]
        assert container["securityContext"]["readOnlyRootFilesystem"] is True, name
        assert {"requests", "limits"} <= set(container["resources"]), name
        assert {"secretRef": {"name": "aurelius"}} in container["envFrom"], name
        assert name in by_kind(docs, "PodDisruptionBudget"), name
    server = deployments["aurelius-server"]["spec"]["template"]["spec"]["containers"][0]
    assert server["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert server["livenessProbe"]["httpGet"]["path"] == "/healthz"
    hpa = by_kind(docs, "HorizontalPodAutoscaler")["aurelius-server"]["spec"]
    assert hpa["metrics"][0]["resource"]["name"] == "cpu"
    trigger = by_kind(docs, "ScaledObject")["aurelius-worker"]["spec"]["triggers"][0]
    assert trigger["metadata"]["listName"] == "rq:queue:aurelius"  # RQ's list for our queue
    job = by_kind(docs, "Job")["aurelius-migrate"]["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["db", "upgrade"]
    cron = by_kind(docs, "CronJob")["aurelius-backup"]["spec"]
    assert "aurelius backup" in " ".join(cron["jobTemplate"]["spec"]["template"]["spec"]
                                         ["containers"][0]["command"])


def test_the_rq_queue_name_is_the_one_keda_watches() -> None:
    from aurelius.adapters.rq_queue import QUEUE

    trigger = by_kind(documents(BASE / "worker.yaml"), "ScaledObject")["aurelius-worker"]
    assert trigger["spec"]["triggers"][0]["metadata"]["listName"] == f"rq:queue:{QUEUE}"


def test_the_overlay_renders_and_validates() -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the overlay is not rendered here")
    rendered = subprocess.run([kubectl, "kustomize", str(OVERLAY)], capture_output=True,
                              text=True, check=True, timeout=60).stdout
    docs = [doc for doc in yaml.safe_load_all(rendered) if doc]
    for doc in docs:
        validate(doc)
    assert {doc["metadata"].get("namespace") for doc in docs if doc["kind"] != "Namespace"} \
        == {"aurelius"}
    images = {c["image"] for d in by_kind(docs, "Deployment").values()
              for c in d["spec"]["template"]["spec"]["containers"]}
    assert images == {"registry.example.com/aurelius:0.1.0"}
    assert by_kind(docs, "HorizontalPodAutoscaler")["aurelius-server"]["spec"]["minReplicas"] == 3
    assert "aurelius" in by_kind(docs, "Secret")
