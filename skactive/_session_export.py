"""The answers of a labeling session as a table: a DataFrame, or a new CSV."""

import os

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ._files import write_new_file


class _Exporting:
    """The export methods of :class:`~skactive.LabelingSession`."""

    def labeled_frame(self, target="answer"):
        """The pool as a DataFrame with every stored answer in a ``target`` column.

        Parameters
        ----------
        target : str, default="answer"
            Name of the added column; it must not be a column of ``X_pool``.

        Returns
        -------
        frame : DataFrame of shape (n_pool, n_features + 1)
            ``X_pool``'s columns (``x0``, ``x1``... for an array) and index,
            then ``target``: the answer, or NaN where none is stored.
        """
        X = self.X_pool
        if isinstance(X, pd.DataFrame):
            frame = X.copy()
        elif sp.issparse(X):
            frame = pd.DataFrame.sparse.from_spmatrix(X)
            frame.columns = [f"x{j}" for j in range(X.shape[1])]
        else:
            X = np.asarray(X)
            X = X.reshape(len(X), -1)
            frame = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
        if target in frame.columns:
            raise ValueError(
                f"target={target!r} is already a column of X_pool; pass another name."
            )
        values = np.full(self.n_pool_, np.nan)
        answers = self.answers_
        values[answers.index.to_numpy(dtype=np.intp)] = answers.to_numpy()
        frame[target] = values
        return frame

    def write_labeled(self, path, target="answer", *, overwrite=False):
        """Write :meth:`labeled_frame` to a new CSV file.

        Parameters
        ----------
        path : str or path-like
        target : str, default="answer"
        overwrite : bool, default=False
            Replace an existing file; never the session file or its lock.

        Returns
        -------
        path : str

        Raises
        ------
        FileExistsError
            If ``path`` exists and ``overwrite`` is False (it is left untouched).
        """
        text = self.labeled_frame(target).to_csv(index=False)
        write_new_file(
            path,
            text,
            overwrite=overwrite,
            protected=[
                (self.path, "the session file"),
                (self._store.lock_path, "the session's lock file"),
            ],
        )
        return os.fspath(path)
