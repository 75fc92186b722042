#!/usr/bin/env python3
"""Writes examples/logistic.csv and examples/poisson.csv: simulated data for `elbo4j vi logistic`
and `elbo4j vi poisson`, with known coefficients so that a fit can be checked against them.

    python3 examples/make-glm-examples.py

Standard library only, seeded: the same Python gives the same files.
"""
import math
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
ROWS = 300


def poisson(rng, rate):
    """Knuth's method: fine for the small rates used here."""
    limit, k, p = math.exp(-rate), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def write(name, header, rows):
    with open(os.path.join(HERE, name), "w", newline="\n") as out:
        out.write(",".join(header) + "\n")
        for row in rows:
            out.write(",".join(row) + "\n")


def main():
    rng = random.Random(20261206)
    logistic = []
    for _ in range(ROWS):
        x1, x2 = rng.gauss(0, 1), rng.gauss(0, 1)
        eta = -0.5 + 1.5 * x1 - 1.0 * x2  # true intercept -0.5, x1 1.5, x2 -1.0
        y = 1 if rng.random() < 1 / (1 + math.exp(-eta)) else 0
        logistic.append([str(y), f"{x1:.5f}", f"{x2:.5f}"])
    write("logistic.csv", ["y", "x1", "x2"], logistic)

    counts = []
    for _ in range(ROWS):
        x1, x2 = rng.gauss(0, 1), rng.gauss(0, 1)
        rate = math.exp(0.5 + 0.8 * x1 - 0.4 * x2)  # true intercept 0.5, x1 0.8, x2 -0.4
        counts.append([str(poisson(rng, rate)), f"{x1:.5f}", f"{x2:.5f}"])
    write("poisson.csv", ["count", "x1", "x2"], counts)


if __name__ == "__main__":
    main()
