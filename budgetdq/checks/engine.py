"""Great Expectations, run on pandas batches read from the lake.

GX 1.24 cannot use DuckDB as a SQL data source (GX #10738), so each batch is a DataFrame read from a
lake view (Arrow-backed, so amounts stay exact decimals). Table and cross-table rules are
`UnexpectedRowsExpectation` SQL: GX only implements its metrics for SQL engines, so this module
registers pandas implementations that run the query in DuckDB with the batch registered as the view
`{batch}` — the query can join every other view of the lake.

Importing GX costs seconds: it is imported once, on first use.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    import pandas as pd
    from great_expectations.core.expectation_validation_result import (
        ExpectationSuiteValidationResult,
    )

__all__ = ["GxEngine", "SuiteLoadError"]

MAX_UNEXPECTED_ROWS = 10_000
_BATCH_VIEW = "gx_batch"
_local = threading.local()
_registered = False


class SuiteLoadError(RuntimeError):
    """GX dropped expectations of a suite (it only logs a misspelled expectation type)."""


class _Validation:
    """The DuckDB side of one validation: the batch registered once, each rule's SQL run once.

    GX asks for two metrics per rule (its rows and their count); both are answered from one run.
    The rules run on the caller's connection itself, not a cursor of it: a cursor is another
    connection, which would not see the caller's temporary tables (`Lake.scoped`) and would read
    the whole lake instead.
    """

    def __init__(self, connection: duckdb.DuckDBPyConnection):
        self.db = connection
        self.frame: pd.DataFrame | None = None
        self.rows: dict[str, list[dict[str, Any]]] = {}

    def unexpected_rows(self, execution_engine: Any, domain: dict, query: str) -> list[dict]:
        from great_expectations.core.metric_domain_types import MetricDomainTypes

        frame, _, _ = execution_engine.get_compute_domain(
            domain, domain_type=MetricDomainTypes.TABLE
        )
        if frame is not self.frame:
            self.db.register(_BATCH_VIEW, frame)
            self.frame, self.rows = frame, {}
        if query not in self.rows:
            result = self.db.execute(self._sql(query))
            columns = [column[0] for column in result.description]
            fetched = result.fetchmany(MAX_UNEXPECTED_ROWS + 1)
            self.rows[query] = [dict(zip(columns, row, strict=True)) for row in fetched]
        return self.rows[query]

    def close(self) -> None:
        if self.frame is not None:
            self.db.unregister(_BATCH_VIEW)

    def count(self, execution_engine: Any, domain: dict, query: str) -> int:
        rows = self.unexpected_rows(execution_engine, domain, query)
        if len(rows) <= MAX_UNEXPECTED_ROWS:
            return len(rows)
        counted = f"SELECT count(*) FROM ({query.strip().rstrip(';')})"
        (count,) = self.db.execute(self._sql(counted)).fetchall()[0]
        return int(count)

    @staticmethod
    def _sql(query: str) -> str:
        return query.replace("{batch}", _BATCH_VIEW)


def _register_pandas_query_metrics() -> None:
    """Give `unexpected_rows_query.table` and `.row_count` a pandas implementation (once)."""
    global _registered
    if _registered:
        return
    from great_expectations.execution_engine import PandasExecutionEngine
    from great_expectations.expectations.metrics.metric_provider import metric_value
    from great_expectations.expectations.metrics.query_metric_provider import (
        QueryMetricProvider,
    )

    # Defining the classes registers them (GX's metaclass); keep the SQL providers' domain keys.
    class UnexpectedRowsTable(QueryMetricProvider):
        metric_name = "unexpected_rows_query.table"
        value_keys = ("unexpected_rows_query",)

        @metric_value(engine=PandasExecutionEngine)
        def _pandas(
            cls,
            execution_engine: Any,
            metric_domain_kwargs: dict,
            metric_value_kwargs: dict,
            metrics: dict,
            runtime_configuration: dict,
        ) -> list[dict[str, Any]]:
            query = metric_value_kwargs["unexpected_rows_query"]
            rows = _local.validation.unexpected_rows(execution_engine, metric_domain_kwargs, query)
            return rows[:MAX_UNEXPECTED_ROWS]

    class UnexpectedRowsCount(QueryMetricProvider):
        metric_name = "unexpected_rows_query.row_count"
        value_keys = ("unexpected_rows_query",)

        @metric_value(engine=PandasExecutionEngine)
        def _pandas(
            cls,
            execution_engine: Any,
            metric_domain_kwargs: dict,
            metric_value_kwargs: dict,
            metrics: dict,
            runtime_configuration: dict,
        ) -> int:
            query = metric_value_kwargs["unexpected_rows_query"]
            return _local.validation.count(execution_engine, metric_domain_kwargs, query)

    _registered = True


class GxEngine:
    """An ephemeral GX context with one pandas data source; validates DataFrames against suites."""

    def __init__(self) -> None:
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig

        # One GX module sets its own logger to INFO ("Created temporary directory …"): noise here.
        logging.getLogger("great_expectations.data_context.types.base").setLevel(logging.WARNING)

        _register_pandas_query_metrics()
        self._gx = gx
        self.context = gx.get_context(mode="ephemeral")
        self.context.variables.progress_bars = ProgressBarsConfig(globally=False)
        self._source = self.context.data_sources.add_pandas("lake")
        self._batches: dict[str, Any] = {}

    def suite(self, name: str, expectations: list[dict[str, Any]]) -> Any:
        """Build a GX suite, failing loudly when GX drops an expectation it could not read."""
        suite = self._gx.ExpectationSuite(name=name, expectations=expectations)
        if len(suite.expectations) != len(expectations):
            loaded = {(e.meta or {}).get("check") for e in suite.expectations}
            dropped = [e["meta"]["check"] for e in expectations if e["meta"]["check"] not in loaded]
            raise SuiteLoadError(f"suite {name}: GX could not load {', '.join(dropped)}")
        return suite

    def validate(
        self, kind: str, frame: pd.DataFrame, suite: Any, connection: duckdb.DuckDBPyConnection
    ) -> ExpectationSuiteValidationResult:
        """Validate one batch (all rows of a table kind for the documents being checked).

        SQL rules run on `connection`, where `{batch}` is the frame and every lake view is visible.
        """
        if kind not in self._batches:
            asset = self._source.add_dataframe_asset(kind)
            self._batches[kind] = asset.add_batch_definition_whole_dataframe("all")
        batch = self._batches[kind].get_batch(batch_parameters={"dataframe": frame})
        _local.validation = _Validation(connection)
        try:
            return batch.validate(
                suite,
                result_format={
                    "result_format": "COMPLETE",
                    "unexpected_index_column_names": ["doc_id", "seq"],
                },
            )
        finally:
            _local.validation.close()
            _local.validation = None
