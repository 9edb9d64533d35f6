"""Rasa's prediction graph run node after node in this thread, without dask's scheduler.

Rasa 3.6 runs its NLU and policy graphs through `DaskGraphRunner`, which hands the graph to
`dask.get` (a synchronous scheduler that still builds task queues, dependency maps and callbacks
on every call): 2.1 of the 26 ms of CPU a role-play turn took (bench/turn_profile.py, "graph runner"
rows), for graphs of 10-15 nodes. `SequentialGraphRunner` computes the same targets from the same
nodes (each node once, after the nodes it needs; inputs as dask would pass them), so the results are
the same; tests/test_graph_runner.py compares both on the trained model. `install()` makes Rasa's
message processor load its graph with it; rasa_addons.launcher installs it before Rasa starts
(training keeps Rasa's own runner).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text, Tuple

from rasa.engine.exceptions import GraphRunError
from rasa.engine.graph import GraphSchema
from rasa.engine.runner.dask import DaskGraphRunner


class SequentialGraphRunner(DaskGraphRunner):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._schemas: Dict[Tuple[Text, ...], GraphSchema] = {}

    def _minimal_schema(self, targets: List[Text]) -> GraphSchema:
        key = tuple(targets)
        if key not in self._schemas:
            self._schemas[key] = self._graph_schema.minimal_graph_schema(targets)
        return self._schemas[key]

    def run(self, inputs: Optional[Dict[Text, Any]] = None, targets: Optional[List[Text]] = None) -> Dict[Text, Any]:
        run_targets = targets if targets else self._graph_schema.target_names
        schema = self._minimal_schema(run_targets)
        done: Dict[Text, Any] = {}
        for name, value in (inputs or {}).items():
            if isinstance(value, str) and value in schema.nodes:
                raise GraphRunError(
                    f"Input value '{value}' clashes with a node name. Make sure that none of the input names "
                    f"passed to the `run` method are the same as node names in the graph schema."
                )
            done[name] = (name, value)  # what dask hands a node for a literal input

        def result(name: Text) -> Any:
            if name not in done and name not in schema.nodes:
                return name  # dask passes an unknown key through as the string (GraphNode then says so)
            if name not in done:
                needs = schema.nodes[name].needs.values()
                done[name] = self._instantiated_nodes[name](*(result(need) for need in needs))
            return done[name]

        try:
            return dict(result(target) for target in run_targets)
        except RuntimeError as e:
            raise GraphRunError("Error running runner.") from e


def install() -> None:
    import rasa.core.processor

    rasa.core.processor.DaskGraphRunner = SequentialGraphRunner  # type: ignore[misc]
