"""The event that links the flows: `watch` announces a stored version, a trigger processes it.

    budgetdq.disclosure.discovered   resource budgetdq.disclosure.<sha256>
                                     payload {"source": ..., "url": ..., "title": ...}

`discovered_trigger()` runs the `process-disclosure` deployment once per such event, with the
sha256 taken from the resource id. `deploy/prefect.yaml` states the same trigger (a test checks
that they agree).
"""

from __future__ import annotations

from prefect.events import DeploymentEventTrigger

__all__ = [
    "DISCOVERED",
    "RESOURCE_PREFIX",
    "SHA256_FROM_EVENT",
    "discovered_trigger",
    "resource_id",
]

DISCOVERED = "budgetdq.disclosure.discovered"
RESOURCE_PREFIX = "budgetdq.disclosure."
SHA256_FROM_EVENT = "{{ event.resource.id | replace('" + RESOURCE_PREFIX + "', '') }}"
"""The trigger's Jinja template (rendered by the Prefect server) for the `sha256` parameter."""


def resource_id(sha256: str) -> str:
    """The event resource of a stored version: `budgetdq.disclosure.<sha256>`."""
    return f"{RESOURCE_PREFIX}{sha256}"


def discovered_trigger() -> DeploymentEventTrigger:
    """Run the deployment once for each discovery event, with `sha256` from the event."""
    return DeploymentEventTrigger(
        name="process each discovered disclosure",
        expect={DISCOVERED},
        match={"prefect.resource.id": f"{RESOURCE_PREFIX}*"},
        for_each={"prefect.resource.id"},
        parameters={"sha256": SHA256_FROM_EVENT},
    )
