"""Learning-curve display: test error against labels, one line per strategy."""

import numpy as np

__all__ = ["ActiveLearningCurveDisplay"]

_METRICS = {"rmse": "Test RMSE", "mae": "Test MAE"}


def _import_pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError(
            "Plotting learning curves needs matplotlib; install it with: "
            'pip install "skactive[plot]"'
        ) from exc
    return plt


class ActiveLearningCurveDisplay:
    """Learning curves of active-learning strategies: error against labels.

    One line per strategy (the mean over repeats) with a band for the spread
    over repeats, and optionally a horizontal line for the same model trained
    on the whole pool. Build it with :meth:`from_simulation` (or
    :meth:`skactive.SimulationResult.plot`); data goes in ``__init__``,
    drawing in :meth:`plot`, as in scikit-learn's displays.

    Parameters
    ----------
    n_labels : ndarray of shape (n_points,)
        Number of labels at each point of the curves.
    scores : dict of str to ndarray of shape (n_repeats, n_points)
        Test error per strategy, one row per repeat.
    score_name : str, default="Test RMSE"
        Label of the y axis.
    full_pool_score : float, default=None
        Mean error of the same model trained on the whole pool; drawn as a
        dotted horizontal line when given.

    Attributes
    ----------
    ax_ : matplotlib Axes
        Axes with the curves.
    figure_ : matplotlib Figure
        Figure containing the curves.
    lines_ : dict of str to matplotlib Line2D
        The mean curve of each strategy.
    fill_between_ : dict of str to matplotlib PolyCollection
        The spread band of each strategy (empty with ``spread=None``).

    See Also
    --------
    skactive.simulate : Runs the simulation whose curves this draws.

    Examples
    --------
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from sklearn.datasets import make_friedman1
    >>> from sklearn.ensemble import RandomForestRegressor
    >>> from skactive import ActiveLearningCurveDisplay, ActiveLearningRegressor, simulate
    >>> X, y = make_friedman1(n_samples=300, random_state=0)
    >>> learner = ActiveLearningRegressor(RandomForestRegressor(n_estimators=10))
    >>> result = simulate(learner, X, y, budget=30, initial_size=10,
    ...                   batch_size=10, n_repeats=2, random_state=0)
    >>> display = ActiveLearningCurveDisplay.from_simulation(result)
    >>> sorted(display.lines_)
    ['random', 'uncertainty']
    """

    def __init__(
        self, *, n_labels, scores, score_name="Test RMSE", full_pool_score=None
    ):
        self.n_labels = n_labels
        self.scores = scores
        self.score_name = score_name
        self.full_pool_score = full_pool_score

    def plot(
        self,
        ax=None,
        *,
        spread="std",
        line_kw=None,
        fill_between_kw=None,
        title=None,
    ):
        """Draw the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to draw on; None creates a figure.
        spread : {"std", "minmax"} or None, default="std"
            The band around each mean curve: one standard deviation over
            repeats, the range over repeats, or no band.
        line_kw : dict, default=None
            Passed to ``ax.plot`` for every mean curve.
        fill_between_kw : dict, default=None
            Passed to ``ax.fill_between`` for every band.
        title : str, default=None

        Returns
        -------
        display : ActiveLearningCurveDisplay
            Itself, with ``ax_``, ``figure_``, ``lines_`` and
            ``fill_between_`` set.
        """
        if spread not in ("std", "minmax", None):
            raise ValueError(
                f"spread={spread!r} is not supported; use 'std', 'minmax' or None."
            )
        plt = _import_pyplot()
        if ax is None:
            _, ax = plt.subplots()
        n_labels = np.asarray(self.n_labels)
        line_kw = {"marker": "o", "markersize": 3, **(line_kw or {})}
        fill_between_kw = {"alpha": 0.2, **(fill_between_kw or {})}
        self.lines_, self.fill_between_ = {}, {}
        others = [name for name in self.scores if name != "random"]
        cmap = plt.get_cmap("tab10" if len(others) <= 10 else "tab20")
        colors = {name: cmap(k % cmap.N) for k, name in enumerate(others)}
        for name, values in self.scores.items():
            values = np.atleast_2d(np.asarray(values, dtype=float))
            if values.shape[1] != n_labels.shape[0]:
                raise ValueError(
                    f"scores[{name!r}] has {values.shape[1]} points but n_labels "
                    f"has {n_labels.shape[0]}; pass one score per point."
                )
            mean = values.mean(axis=0)
            kw = dict(line_kw)
            if name == "random":
                kw.setdefault("color", "black")
                kw.setdefault("linestyle", "--")
            else:
                kw.setdefault("color", colors[name])
            (line,) = ax.plot(n_labels, mean, label=name, **kw)
            self.lines_[name] = line
            if spread is not None and values.shape[0] > 1:
                if spread == "std":
                    sd = values.std(axis=0)
                    low, high = mean - sd, mean + sd
                else:
                    low, high = values.min(axis=0), values.max(axis=0)
                self.fill_between_[name] = ax.fill_between(
                    n_labels, low, high, color=line.get_color(), **fill_between_kw
                )
        if self.full_pool_score is not None:
            ax.axhline(
                self.full_pool_score,
                color="grey",
                linestyle=":",
                label="whole pool (headroom)",
            )
        ax.set_xlabel("Number of labels")
        ax.set_ylabel(self.score_name)
        if title is not None:
            ax.set_title(title)
        ax.legend()
        self.ax_ = ax
        self.figure_ = ax.figure
        return self

    @classmethod
    def from_simulation(cls, result, *, metric="rmse", ax=None, **kwargs):
        """Build the display from a :class:`~skactive.SimulationResult` and plot it.

        Parameters
        ----------
        result : SimulationResult
            What :func:`skactive.simulate` returned.
        metric : {"rmse", "mae"}, default="rmse"
        ax : matplotlib Axes, default=None
        **kwargs
            Passed to :meth:`plot`.

        Returns
        -------
        display : ActiveLearningCurveDisplay
        """
        if metric not in _METRICS:
            raise ValueError(
                f"metric={metric!r} is not available; use one of {sorted(_METRICS)}."
            )
        curves = result.curves
        table = curves.pivot_table(
            index=["strategy", "repeat"], columns="n_labels", values=metric
        )
        n_labels = table.columns.to_numpy()
        strategies = list(dict.fromkeys(curves["strategy"]))
        scores = {name: table.loc[name].to_numpy() for name in strategies}
        full = getattr(result, "full_pool", None)
        full_score = None if full is None else float(full[metric].mean())
        display = cls(
            n_labels=n_labels,
            scores=scores,
            score_name=_METRICS[metric],
            full_pool_score=full_score,
        )
        return display.plot(ax=ax, **kwargs)
