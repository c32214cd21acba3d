"""budgetdq: a data-quality monitor for published government department budgets."""

__version__ = "0.1.0"
