"""Active learning for regression, as a scikit-learn meta-estimator."""

from ._cold_start import cold_start
from ._pipeline import query, teach
from ._regressor import ActiveLearningRegressor
from .simulation import SimulationResult, simulate

__version__ = "0.1.0.dev0"

__all__ = [
    "ActiveLearningRegressor",
    "SimulationResult",
    "cold_start",
    "query",
    "simulate",
    "teach",
]
