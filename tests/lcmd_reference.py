"""The plain-loop LCMD reference, shared by the geometry and batch-rule tests.

Largest-cluster maximum-distance picks (Holzmüller et al. 2023) written the
obvious way, with full distance matrices in float64, so that the blocked,
vectorised implementations in ``skactive/_geometry.py`` can be compared
with it exactly.
"""

import numpy as np


def reference_lcmd(F, C, n, weight, tol=0.0):
    """``n`` LCMD picks of rows of ``F`` with the rows of ``C`` as first centres.

    A row's mass is ``weight * squared distance to its nearest centre`` (0
    within ``tol`` of a centre, and for rows already picked); the pick is the
    row of largest mass within the cluster of largest total mass (ties: the
    lowest position). With no mass left, the row farthest from the picks.
    With no centre at all, the row of largest weighted distance to the mean.
    """
    F = np.asarray(F, dtype=np.float64)
    centres = [np.asarray(row, dtype=np.float64) for row in C]
    picked = []
    for _ in range(n):
        if not centres:
            mean = F.mean(axis=0)
            mass = [weight[i] * np.sum((F[i] - mean) ** 2) for i in range(len(F))]
            pick = int(np.argmax(mass))
        else:
            D = np.array([[np.sum((f - c) ** 2) for c in centres] for f in F])
            owner, dist = D.argmin(axis=1), D.min(axis=1)
            mass = np.where(dist > tol**2, weight * dist, 0.0)
            mass[picked] = 0.0
            totals = np.zeros(len(centres))
            for row in range(len(F)):
                totals[owner[row]] += mass[row]
            if totals.max() > 0:
                cluster = int(np.argmax(totals))
                best, pick = -1.0, None
                for row in range(len(F)):
                    if owner[row] == cluster and mass[row] > best:
                        best, pick = mass[row], row
            else:
                batch = [
                    min((np.sum((F[i] - F[j]) ** 2) for j in picked), default=np.inf)
                    for i in range(len(F))
                ]
                pick = max(
                    (i for i in range(len(F)) if i not in picked),
                    key=lambda i: (batch[i], -i),
                )
        picked.append(pick)
        centres.append(F[pick])
    return np.array(picked)
