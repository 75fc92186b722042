#!/usr/bin/python3
"""PyTorch reference VAE for elbo4j: the side-by-side baseline for benchmarks and correctness checks.

What it is
----------
A small, dependency-light (standard library + numpy + torch) implementation of the one-stochastic-
layer Bernoulli VAE of Burda, Grosse & Salakhutdinov (2015, "Importance Weighted Autoencoders"),
written so that every number it prints means exactly what the matching elbo4j command prints
(see ``DESIGN.md`` sections 1, 4 and 6 of the elbo4j repository):

* model: MLP encoder ``D-200-200`` (``--hidden``, ``--activation``) with two linear heads,
  ``loc`` (μ) and ``log_var`` (log σ², *not* log σ); MLP decoder ``50-200-200-D`` whose output
  layer gives Bernoulli logits;
* objective: loss = −ELBO, with one reparameterised sample z = μ + σ ⊙ ε, the analytic Gaussian
  KL ½ Σ (μ² + σ² − log σ² − 1) and the Bernoulli log-likelihood summed over pixels, averaged
  over the batch; Adam (lr 1e-3), batch 100, reshuffled every epoch;
* ``bench`` also builds elbo4j's other MLP families (``FamilyVae``): conditional (``--condition``),
  a learned σ (``--likelihood gaussian-learned|gaussian-per-feature``) and tabular CSV records
  (``--likelihood tabular``), for training-throughput comparisons only;
* reporting: every ELBO / log-likelihood is in nats per example (summed over pixels and latent
  dimensions, averaged over examples), higher is better; the estimator and K are always named.

How elbo4j uses it
------------------
* ``train`` / ``eval`` / ``bench`` / ``bench-eval`` mirror the elbo4j CLI verbs of the same names
  and print one JSON object with the same snake_case keys, so a benchmark harness can run both
  tools on the same data with the same settings and compare ``samples_per_s``, ``elbo`` and
  ``loglik`` directly.
* Weights are exchanged through safetensors (or ``.npz``) files using the parameter names of
  DESIGN §4 (``encoder.hidden.{i}.weight|bias``, ``encoder.loc.*``, ``encoder.log_var.*``,
  ``decoder.hidden.{i}.*``, ``decoder.out.*``; weights ``[out, in]`` like ``nn.Linear``).
  A model trained by elbo4j can therefore be evaluated here (``eval --weights``) and vice versa,
  which checks the evaluation code of each tool against the other on identical parameters.

The safetensors codec is written by hand (json + numpy) so that nothing beyond numpy/torch is
needed: an 8-byte little-endian unsigned header length N, N bytes of UTF-8 JSON
``{name: {"dtype": "F32", "shape": [...], "data_offsets": [begin, end]}, "__metadata__": {...}}``
(space-padded so the data starts on an 8-byte boundary), then the raw little-endian tensor bytes,
row-major, with offsets relative to the start of the data section.

Examples
--------
::

    D=../shared/data/binarized-mnist
    python3 reference_vae.py train --data $D --epochs 1 --seed 1 --threads 2 --out /tmp/vae.safetensors
    python3 reference_vae.py eval  --data $D --weights /tmp/vae.safetensors --k 5000 --split test --json
    python3 reference_vae.py bench --data $D --steps 300 --threads 1 --json
    python3 reference_vae.py bench --data DIR --condition labels --json   # DIR: images and labels IDX
    python3 reference_vae.py bench --data $D --likelihood gaussian-per-feature --json
    python3 reference_vae.py bench --data table.csv --likelihood tabular --condition region --json
    python3 reference_vae.py bench-eval --data $D --k 5000 --limit 20 --threads 2 --json
    python3 reference_vae.py selftest --json     # KL table, weights round trips, IWAE >= ELBO

``--threads T`` pins torch's intra-op pool, OpenMP and OpenBLAS to T threads (and inter-op to 1)
before torch is loaded; every JSON object reports the pool sizes actually in effect.

Exit codes follow the elbo4j CLI: 0 success, 1 runtime failure, 2 bad usage or bad input (with a
one-line message naming the file and the problem; ``--verbose`` adds the stack trace).
"""

import os
import sys


def _pin_threads_from_argv(argv):
    """Set the thread-count environment variables from ``--threads T`` before torch is imported.

    Why this must happen before ``import torch``: Debian's torch is linked against OpenBLAS
    (pthread build), which owns a thread pool separate from torch's OpenMP pool.  OpenBLAS sizes
    that pool once, when the shared library is loaded, from ``OPENBLAS_NUM_THREADS`` (falling back
    to ``OMP_NUM_THREADS`` and then the number of cores), and ``torch.set_num_threads`` does not
    touch it (it only reaches OpenMP and MKL).  Without these variables a "1-thread" torch run
    still does every matrix product on all cores, which makes single-thread comparisons against
    elbo4j meaningless (on the 2-core development machine torch reports 1 thread by default
    while OpenBLAS starts 2).  ``MKL_NUM_THREADS`` is set too for torch builds linked against MKL.
    """
    def option(name):
        value = None
        for i, arg in enumerate(argv):
            if arg == name and i + 1 < len(argv):
                value = argv[i + 1]
            elif arg.startswith(name + "="):
                value = arg.split("=", 1)[1]
        try:
            return int(value) if value is not None and int(value) >= 1 else None
        except ValueError:
            return None  # argparse reports the bad value later, with exit code 2

    threads = option("--threads")
    if threads is None:
        return
    blas = option("--blas-threads") or threads
    os.environ["OMP_NUM_THREADS"] = str(threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(blas)
    os.environ["MKL_NUM_THREADS"] = str(blas)
    if threads > 1 and blas > 1:
        # The two pools take turns (OpenMP for element-wise kernels, OpenBLAS for the matrix
        # products), but libgomp's default wait policy keeps its idle workers spinning after
        # every parallel region, so with T = cores there are 2T busy threads on T cores and the
        # OpenBLAS workers are starved.  Measured with T = 2 on a 2-core machine: 2-7k training
        # samples/s with spinning workers versus 22-24k with passive waiting (1 thread: 21-23k).
        # An explicit OMP_WAIT_POLICY from the caller is respected.
        os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


if __name__ == "__main__":
    _pin_threads_from_argv(sys.argv[1:])

# Imported only now: see _pin_threads_from_argv.  (When this file is imported as a module the
# caller is responsible for the environment.)
import argparse  # noqa: E402
import csv  # noqa: E402
import ctypes  # noqa: E402
import gzip  # noqa: E402
import json  # noqa: E402
import math  # noqa: E402
import struct  # noqa: E402
import time  # noqa: E402
import traceback  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from torch import nn  # noqa: E402

LOG_2PI = math.log(2.0 * math.pi)


class UsageError(Exception):
    """Bad input (missing file, wrong format, mismatched weights): exit code 2."""


# --------------------------------------------------------------------------------------------
# Threads
# --------------------------------------------------------------------------------------------

def _openblas():
    """The OpenBLAS library torch is using, if any (ctypes handle), else None.

    The process already has it loaded through libtorch, so ``CDLL`` returns that same instance.
    """
    for name in ("libopenblas.so.0", "libopenblas.so", "libopenblasp-r0.so"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_num_threads.restype = ctypes.c_int
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib
        except (OSError, AttributeError):
            continue
    return None


def configure_threads(threads, blas_threads=None):
    """Pin every thread pool to ``threads`` (the env vars were already set before import).

    ``blas_threads`` (default ``threads``) overrides the OpenBLAS/MKL pool alone; it exists for
    finding PyTorch's best configuration on a given machine, not for routine comparisons.
    """
    if threads is None:
        return
    blas_threads = blas_threads or threads
    torch.set_num_threads(threads)
    try:
        # Inter-op parallelism would only add contention to a single sequential training loop.
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already fixed once parallel work has started; harmless when re-configuring
    lib = _openblas()
    if lib is not None and lib.openblas_get_num_threads() != blas_threads:
        # Reached only when the module was imported without the environment being set first.
        lib.openblas_set_num_threads(ctypes.c_int(blas_threads))


def blas_info():
    """What BLAS torch uses: torch.__config__'s BLAS_INFO plus the OpenBLAS build actually loaded."""
    config = torch.__config__.show()
    info = "unknown"
    for token in config.replace(",", " ").split():
        if token.startswith("BLAS_INFO="):
            info = token.split("=", 1)[1]
    if "MKL not found" not in torch.__config__.parallel_info() and torch.backends.mkl.is_available():
        info += " (MKL)"
    lib = _openblas()
    if lib is not None:
        info += "; " + lib.openblas_get_config().decode()
    return info


def thread_report():
    lib = _openblas()
    return {
        "threads": torch.get_num_threads(),
        "interop_threads": torch.get_num_interop_threads(),
        "openblas_threads": lib.openblas_get_num_threads() if lib is not None else None,
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "default"),
    }


# --------------------------------------------------------------------------------------------
# Model
# --------------------------------------------------------------------------------------------

ACTIVATIONS = {"tanh": nn.Tanh, "relu": nn.ReLU, "softplus": nn.Softplus}


class Encoder(nn.Module):
    """x -> (loc, log_var) of q(z|x) = N(loc, diag exp(log_var))."""

    def __init__(self, input_dim, hidden, latent, activation):
        super().__init__()
        dims = [input_dim] + list(hidden)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.loc = nn.Linear(dims[-1], latent)
        self.log_var = nn.Linear(dims[-1], latent)
        self.act = ACTIVATIONS[activation]()

    def forward(self, x):
        h = x
        for layer in self.hidden:
            h = self.act(layer(h))
        return self.loc(h), self.log_var(h)


class Decoder(nn.Module):
    """z -> Bernoulli logits of p(x|z)."""

    def __init__(self, output_dim, hidden, latent, activation):
        super().__init__()
        dims = [latent] + list(hidden)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.out = nn.Linear(dims[-1], output_dim)
        self.act = ACTIVATIONS[activation]()

    def forward(self, z):
        h = z
        for layer in self.hidden:
            h = self.act(layer(h))
        return self.out(h)


class Vae(nn.Module):
    """Bernoulli VAE; state_dict keys are exactly the elbo4j weight names (DESIGN §4).

    The decoder mirrors the encoder's hidden sizes in reverse (784-200-200 / 50-200-200-784).
    Parameters use PyTorch's default ``nn.Linear`` initialisation. With ``pseudo_inputs`` N > 0 the
    prior is elbo4j's VampPrior: the mixture (1/N) Σ_n q(z|u_n) of the encoder at N learned
    pseudo-inputs ``prior.pseudo_inputs`` (uniform on [0, 1] at first), clamped to [0, 1].
    """

    def __init__(self, input_dim=784, hidden=(200, 200), latent=50, activation="tanh", pseudo_inputs=0):
        super().__init__()
        self.input_dim, self.hidden_sizes = input_dim, tuple(hidden)
        self.latent, self.activation = latent, activation
        self.encoder = Encoder(input_dim, hidden, latent, activation)
        self.decoder = Decoder(input_dim, tuple(reversed(hidden)), latent, activation)
        if pseudo_inputs:
            self.prior = nn.Module()
            self.prior.pseudo_inputs = nn.Parameter(torch.rand(pseudo_inputs, input_dim))

    def vamp(self):
        return hasattr(self, "prior")

    def architecture(self):
        prior = f"vamp({self.prior.pseudo_inputs.shape[0]})" if self.vamp() else "normal"
        return {"input_dim": self.input_dim, "hidden": list(self.hidden_sizes),
                "latent": self.latent, "activation": self.activation,
                "likelihood": "bernoulli", "encoder_scale": "log_var", "prior": prior}

    def log_prior(self, z):
        """log p(z) under the VampPrior for z of shape [B, D]: each component's quadratic form
        expanded into matrix products, as elbo4j's VampPrior.logProb does, so that the work grows
        with B·N rather than B·N·D."""
        loc, log_var = self.encoder(self.prior.pseudo_inputs.clamp(0.0, 1.0))  # [N, D]
        precision = torch.exp(-log_var)
        scaled_loc = loc * precision
        quadratic = (z * z) @ precision.T - 2.0 * (z @ scaled_loc.T) + (loc * scaled_loc).sum(-1)
        per_component = -0.5 * (quadratic + log_var.sum(-1) + z.shape[-1] * LOG_2PI)
        return torch.logsumexp(per_component, -1) - math.log(per_component.shape[-1])

    def elbo_terms(self, x, generator=None):
        """Per-example (elbo, recon, kl) with one reparameterised sample and analytic KL (the
        VampPrior's: Monte Carlo, log q(z|x) − log p(z) at the same sample)."""
        loc, log_var = self.encoder(x)
        eps = torch.randn(loc.shape, generator=generator, dtype=loc.dtype)
        z = loc + torch.exp(0.5 * log_var) * eps
        logits = self.decoder(z)
        recon = -F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(-1)
        if self.vamp():
            log_q = -0.5 * (LOG_2PI + log_var + eps.pow(2)).sum(-1)
            kl = log_q - self.log_prior(z)
        else:
            kl = 0.5 * (loc.pow(2) + log_var.exp() - log_var - 1.0).sum(-1)
        return recon - kl, recon, kl

    def iwae_log_weights(self, x, loc, log_var, num_particles, generator=None):
        """log p(x, z_k) − log q(z_k|x) for ``num_particles`` samples per image: shape [B, K].

        All three densities are complete (2π constants included), so exp(log w) is a proper
        importance weight: the mean of the K weights is an unbiased estimate of p(x), and its
        log (logsumexp − log K) a stochastic lower bound on log p(x) that tightens as K grows.
        """
        b, d = loc.shape
        eps = torch.randn((b, num_particles, d), generator=generator, dtype=loc.dtype)
        scale = torch.exp(0.5 * log_var).unsqueeze(1)
        z = loc.unsqueeze(1) + scale * eps
        # log q(z|x) = Σ −½ (log 2π + log σ² + ε²), using ε = (z − μ)/σ exactly.
        log_q = -0.5 * (LOG_2PI + log_var.unsqueeze(1) + eps.pow(2)).sum(-1)
        log_pz = -0.5 * (LOG_2PI + z.pow(2)).sum(-1)
        logits = self.decoder(z)
        # Bernoulli log-likelihood Σ_d [x_d l_d − softplus(l_d)], the same quantity as
        # −binary_cross_entropy_with_logits(l, x).sum(-1) (agreement ~1e-5 relative in float32),
        # written as one batched matrix-vector product plus one fused softplus: at K = 5000 this
        # term dominates and the BCE kernel (several element-wise passes) is 3x slower.
        log_px = torch.bmm(logits, x.unsqueeze(-1)).squeeze(-1) - F.softplus(logits).sum(-1)
        return log_px + log_pz - log_q


class ConvEncoder(nn.Module):
    """Square single-channel images [B, side²] -> (loc, log_var), as elbo4j's ``--architecture conv``.

    Stride-2 convolutions with 4×4 kernels and padding 1 (``conv.{i}``, one per ``--channels``
    entry, each halving the size), the activation after each, the feature maps flattened in
    [C, H, W] order, then the ``hidden`` layers and the two heads.
    """

    def __init__(self, side, channels, hidden, latent, activation):
        super().__init__()
        self.side = side
        ins = [1] + list(channels)
        self.conv = nn.ModuleList(nn.Conv2d(a, b, 4, stride=2, padding=1) for a, b in zip(ins[:-1], ins[1:]))
        flat = channels[-1] * conv_sizes(side, len(channels))[-1] ** 2
        dims = [flat] + list(hidden)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.loc = nn.Linear(dims[-1], latent)
        self.log_var = nn.Linear(dims[-1], latent)
        self.act = ACTIVATIONS[activation]()

    def forward(self, x):
        h = x.reshape(-1, 1, self.side, self.side)
        for layer in self.conv:
            h = self.act(layer(h))
        h = h.flatten(1)
        for layer in self.hidden:
            h = self.act(layer(h))
        return self.loc(h), self.log_var(h)


class ConvDecoder(nn.Module):
    """z [..., latent] -> Bernoulli logits [..., side²]: the mirror of ``ConvEncoder``.

    The ``hidden`` layers, ``project`` to the last feature maps (with the activation), then
    transposed convolutions (``deconv.{j}``, then ``out`` to the image) with 4×4 kernels, stride 2,
    padding 1 and the output padding that restores odd sizes, the activation after all but ``out``.
    """

    def __init__(self, side, channels, hidden, latent, activation):
        super().__init__()
        self.sizes = conv_sizes(side, len(channels))
        self.channels = list(channels)
        dims = [latent] + list(hidden)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(dims[:-1], dims[1:]))
        self.project = nn.Linear(dims[-1], channels[-1] * self.sizes[-1] ** 2)
        layers = len(channels)
        self.deconv = nn.ModuleList(
            nn.ConvTranspose2d(channels[i], channels[i - 1], 4, stride=2, padding=1,
                               output_padding=self.sizes[i - 1] - 2 * self.sizes[i])
            for i in range(layers - 1, 0, -1))
        self.out = nn.ConvTranspose2d(channels[0], 1, 4, stride=2, padding=1,
                                      output_padding=self.sizes[0] - 2 * self.sizes[1])
        self.act = ACTIVATIONS[activation]()

    def forward(self, z):
        h = z.reshape(-1, z.shape[-1])
        for layer in self.hidden:
            h = self.act(layer(h))
        h = self.act(self.project(h)).reshape(-1, self.channels[-1], self.sizes[-1], self.sizes[-1])
        for layer in self.deconv:
            h = self.act(layer(h))
        return self.out(h).reshape(*z.shape[:-1], self.sizes[0] ** 2)


def conv_sizes(side, layers):
    """[side, s_1, ..., s_layers]: the size after each stride-2 convolution, ⌊(n + 2 − 4)/2⌋ + 1."""
    sizes = [side]
    for _ in range(layers):
        sizes.append((sizes[-1] - 2) // 2 + 1)
    if sizes[-1] < 1:
        raise UsageError(f"{layers} convolutions shrink {side}×{side} images below 1 pixel")
    return sizes


class ConvVae(Vae):
    """elbo4j's convolutional VAE (square single-channel images); state_dict keys are its weight names."""

    def __init__(self, input_dim, channels, hidden, latent, activation):
        nn.Module.__init__(self)
        side = math.isqrt(input_dim)
        if side * side != input_dim:
            raise UsageError(f"--architecture conv needs square single-channel images, got {input_dim} values")
        self.input_dim, self.hidden_sizes, self.channels = input_dim, tuple(hidden), tuple(channels)
        self.latent, self.activation = latent, activation
        self.encoder = ConvEncoder(side, channels, hidden, latent, activation)
        self.decoder = ConvDecoder(side, channels, tuple(reversed(hidden)), latent, activation)

    def architecture(self):
        return {**super().architecture(), "architecture": "conv", "channels": list(self.channels)}


class FamilyVae(nn.Module):
    """The VAE of elbo4j's other model families, for ``bench``: conditional, learned σ, tabular.

    A conditional model (``conditions`` > 0) reads the one-hot condition c after x in the encoder
    and after z in the decoder, as elbo4j's network does. The likelihood is Bernoulli, a Gaussian
    with one learned log σ (``gaussian-learned``) or one per feature (``gaussian-per-feature``), or
    ``tabular`` with ``layout`` = (numeric, binary, [categories per group]): a Gaussian with a
    learned σ per numeric column, a Bernoulli per binary column and a softmax per one-hot group.
    A learned log σ starts at log ``scale`` and is floored at log 0.001 (torch.maximum, as elbo4j).
    ``elbo_terms`` takes rows [x | c].
    """

    def __init__(self, input_dim, hidden, latent, activation, conditions=0, likelihood="bernoulli",
                 layout=None, scale=0.1):
        super().__init__()
        self.input_dim, self.hidden_sizes = input_dim, tuple(hidden)
        self.latent, self.activation = latent, activation
        self.conditions, self.likelihood = conditions, likelihood
        self.layout = layout if likelihood == "tabular" else None
        self.encoder = Encoder(input_dim + conditions, hidden, latent, activation)
        self.decoder = Decoder(input_dim, tuple(reversed(hidden)), latent + conditions, activation)
        scales = {"gaussian-learned": 1, "gaussian-per-feature": input_dim,
                  "tabular": layout[0] if layout else 0}.get(likelihood, 0)
        self.log_scale = nn.Parameter(torch.full((scales,), math.log(scale))) if scales else None
        self.register_buffer("floor", torch.tensor(math.log(1e-3)))

    def architecture(self):
        return {"input_dim": self.input_dim, "hidden": list(self.hidden_sizes),
                "latent": self.latent, "activation": self.activation,
                "likelihood": self.likelihood, "conditions": self.conditions,
                "layout": self.layout, "encoder_scale": "log_var"}

    def elbo_terms(self, rows, generator=None):
        """Per-example (elbo, recon, kl) with one reparameterised sample and analytic KL."""
        x, c = rows[:, :self.input_dim], rows[:, self.input_dim:]
        loc, log_var = self.encoder(rows)
        eps = torch.randn(loc.shape, generator=generator, dtype=loc.dtype)
        z = loc + torch.exp(0.5 * log_var) * eps
        out = self.decoder(torch.cat([z, c], dim=-1) if self.conditions else z)
        recon = self.log_likelihood(out, x)
        kl = 0.5 * (loc.pow(2) + log_var.exp() - log_var - 1.0).sum(-1)
        return recon - kl, recon, kl

    def log_likelihood(self, out, x):
        if self.likelihood == "bernoulli":
            return -F.binary_cross_entropy_with_logits(out, x, reduction="none").sum(-1)
        numeric, binary, categories = self.layout or (self.input_dim, 0, [])
        total = 0.0
        if numeric:
            log_scale = torch.maximum(self.log_scale, self.floor)
            std = (x[:, :numeric] - out[:, :numeric]) * torch.exp(-log_scale)
            total = (-0.5 * std.pow(2) - log_scale).sum(-1) - 0.5 * LOG_2PI * numeric
        if binary:
            part = slice(numeric, numeric + binary)
            total = total - F.binary_cross_entropy_with_logits(
                out[:, part], x[:, part], reduction="none").sum(-1)
        start = numeric + binary
        for k in categories:
            group = slice(start, start + k)
            total = total + (x[:, group] * F.log_softmax(out[:, group], dim=-1)).sum(-1)
            start += k
        return total


def load_labels(data_dir, split):
    """The labels of ``split`` ({split}-labels-idx1-ubyte[.gz]) as an int64 numpy array."""
    candidates = [os.path.join(data_dir, f"{split}-labels-idx1-ubyte{ext}") for ext in (".gz", "")]
    path = next((p for p in candidates if os.path.isfile(p)), None)
    if path is None:
        raise UsageError(f"{data_dir}: no {split}-labels-idx1-ubyte(.gz) file for --condition labels")
    return read_idx(path).astype(np.int64)


def one_hot(labels):
    """Rows e_y for labels y in 0..C−1 with C = 1 + the largest label, as elbo4j counts classes."""
    return torch.from_numpy(np.eye(int(labels.max()) + 1, dtype=np.float32)[labels])


def load_table(path, condition):
    """A CSV table encoded as elbo4j encodes it, and its layout (numeric, binary, categories).

    Column types are inferred as elbo4j infers them: exactly two distinct values is binary (the
    second sorted value is 1), numbers otherwise are numeric (standardized), any other text is a
    categorical one-hot group (categories in sorted order). Numeric columns come first, then the
    binary ones, then the groups; ``condition`` names the column taken as a one-hot condition
    (appended last), or is None.
    """
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    if len(rows) < 2:
        raise UsageError(f"{path}: no data rows")
    header, body = rows[0], rows[1:]
    columns = {name: [r[i] for r in body] for i, name in enumerate(header)}
    if condition is not None and condition not in columns:
        raise UsageError(f"{path}: no column {condition!r} for --condition")
    numeric, binary, categorical = [], [], []
    for name, values in columns.items():
        if name == condition:
            continue
        distinct = sorted(set(values))
        if len(distinct) == 2:
            binary.append((np.array(values) == distinct[1]).astype(np.float32))
            continue
        try:
            v = np.array(values, dtype=np.float64)
            numeric.append(((v - v.mean()) / (v.std() or 1.0)).astype(np.float32))
        except ValueError:
            index = {c: i for i, c in enumerate(distinct)}
            categorical.append(np.eye(len(distinct), dtype=np.float32)[[index[v] for v in values]])
    parts = [np.stack(numeric, 1)] if numeric else []
    parts += [np.stack(binary, 1)] if binary else []
    parts += categorical
    x = np.concatenate(parts, 1)
    layout = (len(numeric), len(binary), [g.shape[1] for g in categorical])
    if condition is not None:
        classes = sorted(set(columns[condition]))
        index = {c: i for i, c in enumerate(classes)}
        x = np.concatenate([x, np.eye(len(classes), dtype=np.float32)[
            [index[v] for v in columns[condition]]]], 1)
        return torch.from_numpy(x), layout, len(classes)
    return torch.from_numpy(x), layout, 0


def bench_model_and_data(args):
    """The model and training rows of ``bench``: the standard Vae on images, or a FamilyVae whose
    rows are [x | one-hot c] when --condition or another --likelihood is asked for."""
    if args.condition is None and args.likelihood == "bernoulli" and not args.data.endswith(".csv"):
        train = load_split(args.data, "train")
        return build_model(args, train.shape[1]), train
    if args.data.endswith(".csv"):
        if args.likelihood != "tabular":
            raise UsageError(f"{args.data}: a CSV table needs --likelihood tabular")
        rows, layout, conditions = load_table(args.data, args.condition)
        input_dim = rows.shape[1] - conditions
    else:
        if args.likelihood == "tabular":
            raise UsageError("--likelihood tabular needs a CSV table as --data")
        if args.condition not in (None, "labels"):
            raise UsageError(f"--condition {args.condition}: images are conditioned on their labels")
        rows, layout, conditions = load_split(args.data, "train"), None, 0
        input_dim = rows.shape[1]
        if args.condition == "labels":
            c = one_hot(load_labels(args.data, "train"))
            conditions = c.shape[1]
            rows = torch.cat([rows, c], dim=1)
    scale = args.gaussian_scale if args.gaussian_scale is not None else (
        1.0 if args.likelihood == "tabular" else 0.1)
    model = FamilyVae(input_dim, args.hidden, args.latent, args.activation, conditions,
                      args.likelihood, layout, scale)
    return model, rows


# --------------------------------------------------------------------------------------------
# Data (IDX, gzip or raw)
# --------------------------------------------------------------------------------------------

_IDX_TYPES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def read_idx(path):
    """Read an IDX file (gzip detected from its magic bytes) into a numpy array."""
    with open(path, "rb") as f:
        raw = f.read()
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise UsageError(f"{path}: corrupt gzip stream ({e})")
    if len(raw) < 4 or raw[0] != 0 or raw[1] != 0 or raw[2] not in _IDX_TYPES:
        raise UsageError(f"{path}: not an IDX file (bad magic {raw[:4].hex()})")
    ndim = raw[3]
    header = 4 + 4 * ndim
    dims = struct.unpack(">" + "I" * ndim, raw[4:header])
    dtype = np.dtype(_IDX_TYPES[raw[2]])
    expected = header + int(np.prod(dims)) * dtype.itemsize
    if len(raw) != expected:
        raise UsageError(f"{path}: {len(raw)} bytes but the header {list(dims)} implies {expected}")
    return np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)


def load_split(data_dir, split):
    """Images of ``split`` as a float32 tensor [N, D] with values in [0, 1]."""
    candidates = [os.path.join(data_dir, f"{split}-images-idx3-ubyte{ext}") for ext in (".gz", "")]
    path = next((p for p in candidates if os.path.isfile(p)), None)
    if path is None:
        raise UsageError(f"{data_dir}: no {split}-images-idx3-ubyte(.gz) file")
    images = read_idx(path)
    x = images.reshape(images.shape[0], -1).astype(np.float32)
    if x.size and x.max() > 1.0:
        x /= 255.0  # grey-level IDX (e.g. plain MNIST): scale to [0, 1]
    return torch.from_numpy(x)


# --------------------------------------------------------------------------------------------
# Weights I/O: safetensors (by hand) and .npz
# --------------------------------------------------------------------------------------------

MAX_HEADER_BYTES = 100 << 20  # the cap of the reference implementation (and of elbo4j)
_ST_DTYPES = {"F64": "<f8", "F32": "<f4", "F16": "<f2", "I64": "<i8", "I32": "<i4",
              "I16": "<i2", "I8": "i1", "U8": "u1"}


def write_safetensors(path, tensors, metadata=None):
    """Write {name: array} as safetensors, F32, little-endian, names sorted.

    The JSON header is padded with spaces to a multiple of 8 bytes so the data section (and,
    since all tensors are F32, every tensor) starts 8-byte aligned, like the reference writer.
    """
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        arr = np.ascontiguousarray(np.asarray(tensors[name], dtype="<f4"))
        data = arr.tobytes(order="C")
        header[name] = {"dtype": "F32", "shape": list(arr.shape),
                        "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for blob in blobs:
            f.write(blob)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_safetensors(path):
    """Read a safetensors file into ({name: float32 array}, metadata dict)."""
    with open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 8:
        raise UsageError(f"{path}: too short for a safetensors file")
    (n,) = struct.unpack("<Q", raw[:8])
    if n > MAX_HEADER_BYTES:
        raise UsageError(f"{path}: header length {n} exceeds the {MAX_HEADER_BYTES}-byte limit")
    if n > len(raw) - 8:
        raise UsageError(f"{path}: header length {n} exceeds the file size {len(raw)}")
    try:
        header = json.loads(raw[8:8 + n].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as e:
        raise UsageError(f"{path}: safetensors header is not valid JSON ({e})")
    metadata = header.pop("__metadata__", None) or {}
    data = raw[8 + n:]
    tensors = {}
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        if dtype == "BF16":
            np_dtype = np.dtype("<u2")
        elif dtype in _ST_DTYPES:
            np_dtype = np.dtype(_ST_DTYPES[dtype])
        else:
            raise UsageError(f"{path}: tensor {name}: unsupported dtype {dtype}")
        count = int(np.prod(shape)) if shape else 1
        if not 0 <= begin <= end <= len(data) or end - begin != count * np_dtype.itemsize:
            raise UsageError(f"{path}: tensor {name}: data_offsets [{begin}, {end}] do not match "
                             f"dtype {dtype} shape {shape} within {len(data)} data bytes")
        arr = np.frombuffer(data, dtype=np_dtype, count=count, offset=begin)
        if dtype == "BF16":
            arr = (arr.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = arr.astype(np.float32).reshape(shape)
    return tensors, metadata


def write_weights(path, model):
    tensors = {k: v.detach().cpu().numpy() for k, v in model.state_dict().items()}
    if path.endswith(".npz"):
        np.savez(path, **tensors)
    else:
        meta = {"format": "pt", "producer": "elbo4j-bench reference_vae.py",
                "architecture": json.dumps(model.architecture())}
        write_safetensors(path, tensors, meta)


def read_weights(path):
    """({name: float32 array}, metadata) from ``.safetensors`` or ``.npz``."""
    if not os.path.isfile(path):
        raise UsageError(f"{path}: no such weights file")
    if path.endswith(".npz"):
        with np.load(path, allow_pickle=False) as z:
            return {k: z[k].astype(np.float32) for k in z.files}, {}
    return read_safetensors(path)


def infer_architecture(tensors, path):
    """(input_dim, hidden, latent) from the weight shapes, checking they form a valid VAE."""
    def get(name):
        if name not in tensors:
            raise UsageError(f"{path}: missing tensor {name}")
        return tensors[name]

    hidden, i = [], 0
    while f"encoder.hidden.{i}.weight" in tensors:
        hidden.append(tensors[f"encoder.hidden.{i}.weight"].shape[0])
        i += 1
    if not hidden:
        raise UsageError(f"{path}: missing tensor encoder.hidden.0.weight")
    input_dim = get("encoder.hidden.0.weight").shape[1]
    latent = get("encoder.loc.weight").shape[0]
    return input_dim, hidden, latent


def load_into(model, tensors, path):
    """Copy weights into ``model``, failing with one clear message on any name/shape mismatch."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(tensors))
    unexpected = sorted(set(tensors) - set(expected))
    wrong = [f"{k} {list(tensors[k].shape)} (expected {list(expected[k].shape)})"
             for k in sorted(expected) if k in tensors
             and tuple(tensors[k].shape) != tuple(expected[k].shape)]
    problems = []
    if missing:
        problems.append("missing " + ", ".join(missing))
    if unexpected:
        problems.append("unexpected " + ", ".join(unexpected))
    if wrong:
        problems.append("wrong shape " + ", ".join(wrong))
    if problems:
        raise UsageError(f"{path}: weights do not fit the model: " + "; ".join(problems))
    model.load_state_dict({k: torch.from_numpy(np.array(v)) for k, v in tensors.items()})


# --------------------------------------------------------------------------------------------
# Training and evaluation
# --------------------------------------------------------------------------------------------

@torch.no_grad()
def evaluate_elbo(model, x, seed, batch_size=1000):
    """Single-sample analytic-KL ELBO averaged over ``x``: (elbo, recon, kl, active_units)."""
    model.eval()
    g = torch.Generator().manual_seed(seed)
    sums = torch.zeros(3, dtype=torch.float64)
    mu_sum = torch.zeros(model.latent, dtype=torch.float64)
    mu_sq = torch.zeros(model.latent, dtype=torch.float64)
    for start in range(0, x.shape[0], batch_size):
        xb = x[start:start + batch_size]
        elbo, recon, kl = model.elbo_terms(xb, g)
        sums += torch.stack([elbo.sum(), recon.sum(), kl.sum()]).double()
        loc = model.encoder(xb)[0].double()
        mu_sum += loc.sum(0)
        mu_sq += loc.pow(2).sum(0)
    n = x.shape[0]
    # Active units (Burda et al. 2015): dimensions with Cov_x(E_q[z_j]) > 0.01.
    var_mu = mu_sq / n - (mu_sum / n).pow(2)
    active = int((var_mu > 0.01).sum())
    elbo, recon, kl = (sums / n).tolist()
    return elbo, recon, kl, active


@torch.no_grad()
def evaluate_iwae(model, x, k, seed, particle_budget=50_000):
    """Per-image IWAE-K estimate log (1/K) Σ_k p(x, z_k)/q(z_k|x), as a float64 tensor [N].

    Work is chunked so that at most ``particle_budget`` (image, particle) pairs go through the
    decoder at once (about 160 MB of logits for D = 784), whatever K and N are: several images
    × K particles per pass when K is small, a slice of one image's particles when K is large.
    The K log-weights of each image are gathered in float64 before the log-sum-exp.
    """
    model.eval()
    g = torch.Generator().manual_seed(seed)
    images_per_pass = max(1, particle_budget // k)
    particles_per_pass = min(k, max(1, particle_budget // images_per_pass))
    out = torch.empty(x.shape[0], dtype=torch.float64)
    for start in range(0, x.shape[0], images_per_pass):
        xb = x[start:start + images_per_pass]
        loc, log_var = model.encoder(xb)
        log_w = torch.cat([
            model.iwae_log_weights(xb, loc, log_var, min(particles_per_pass, k - p), g).double()
            for p in range(0, k, particles_per_pass)], dim=1)
        out[start:start + xb.shape[0]] = torch.logsumexp(log_w, dim=1) - math.log(k)
    return out


def train_epoch(model, optimizer, x, batch_size, generator):
    """One shuffled pass; returns (mean train elbo, recon, kl, seconds, samples)."""
    model.train()
    perm = torch.randperm(x.shape[0], generator=generator)
    sums = torch.zeros(3, dtype=torch.float64)
    t0 = time.perf_counter()
    for start in range(0, x.shape[0], batch_size):
        xb = x[perm[start:start + batch_size]]
        elbo, recon, kl = model.elbo_terms(xb, generator)
        loss = -elbo.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            sums += torch.stack([elbo.sum(), recon.sum(), kl.sum()]).double()
    seconds = time.perf_counter() - t0
    n = x.shape[0]
    return (*(sums / n).tolist(), seconds, n)


def build_model(args, input_dim):
    if getattr(args, "architecture", "mlp") == "conv":
        return ConvVae(input_dim, args.channels, args.hidden, args.latent, args.activation)
    pseudo_inputs = args.pseudo_inputs if getattr(args, "prior", "normal") == "vamp" else 0
    return Vae(input_dim, args.hidden, args.latent, args.activation, pseudo_inputs)


def model_from_weights(args, path):
    """A model shaped after the weights file, checked against any --hidden/--latent given."""
    tensors, metadata = read_weights(path)
    if "encoder.conv.0.weight" in tensors or getattr(args, "architecture", "mlp") == "conv":
        raise UsageError(f"{path}: convolutional weights are supported by train and bench only")
    input_dim, hidden, latent = infer_architecture(tensors, path)
    if args.hidden is not None and list(args.hidden) != hidden:
        raise UsageError(f"{path}: weights have hidden sizes {hidden}, not --hidden "
                         f"{','.join(map(str, args.hidden))}")
    if args.latent is not None and args.latent != latent:
        raise UsageError(f"{path}: weights have latent size {latent}, not --latent {args.latent}")
    activation = args.activation
    if activation is None:
        arch = {}
        try:
            arch = json.loads(metadata.get("architecture", "{}"))
        except json.JSONDecodeError:
            pass
        activation = arch.get("activation") or metadata.get("activation") or "tanh"
    if activation not in ACTIVATIONS:
        raise UsageError(f"{path}: unknown activation {activation!r}; pass --activation")
    model = Vae(input_dim, hidden, latent, activation)
    load_into(model, tensors, path)
    return model


def subset(x, limit, seed):
    """A random subset (the binarized-MNIST test file is ordered by class: never take the head)."""
    if limit is None or limit >= x.shape[0]:
        return x
    g = torch.Generator().manual_seed(seed + 7919)
    return x[torch.randperm(x.shape[0], generator=g)[:limit]]


def emit(args, obj, human=None):
    """Print the JSON object (always the last stdout line); human text to stdout or stderr."""
    if human:
        print(human, file=sys.stderr if args.json else sys.stdout, flush=True)
    print(json.dumps(obj), flush=True)


def log(args, text):
    print(text, file=sys.stderr if args.json else sys.stdout, flush=True)


# --------------------------------------------------------------------------------------------
# Subcommands
# --------------------------------------------------------------------------------------------

def cmd_train(args):
    t_start = time.perf_counter()
    torch.manual_seed(args.seed)
    train = load_split(args.data, "train")
    valid = load_split(args.data, "valid")
    model = build_model(args, train.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    train_seconds, train_samples = 0.0, 0
    history = []
    for epoch in range(1, args.epochs + 1):
        elbo, recon, kl, secs, n = train_epoch(model, optimizer, train, args.batch_size, g)
        train_seconds += secs
        train_samples += n
        v_elbo, _, _, _ = evaluate_elbo(model, valid, args.seed + epoch)
        row = {"epoch": epoch, "elbo": elbo, "recon": recon, "kl": kl, "valid_elbo": v_elbo,
               "seconds": secs, "samples_per_s": n / secs}
        history.append(row)
        log(args, f"epoch {epoch:3d}  train elbo {elbo:9.3f} (recon {recon:9.3f}, kl {kl:7.3f})  "
                  f"valid elbo {v_elbo:9.3f}  {secs:6.2f} s  {n / secs:8.0f} samples/s")
    write_weights(args.out, model)
    last = history[-1]
    emit(args, {
        "run": args.out, "epochs": args.epochs, "elbo": last["elbo"], "recon": last["recon"],
        "kl": last["kl"], "valid_elbo": last["valid_elbo"],
        "estimator": "analytic_kl_elbo", "k": 1,
        "samples_per_s": train_samples / train_seconds, "train_seconds": train_seconds,
        "seconds": time.perf_counter() - t_start, "seed": args.seed,
        "architecture": model.architecture(), "batch_size": args.batch_size, "lr": args.lr,
        **thread_report(), "torch_version": torch.__version__,
    }, human=f"wrote {args.out}")


def cmd_eval(args):
    t0 = time.perf_counter()
    model = model_from_weights(args, args.weights)
    x = subset(load_split(args.data, args.split), args.limit, args.seed)
    if x.shape[1] != model.input_dim:
        raise UsageError(f"{args.data}: images have {x.shape[1]} values, the model expects "
                         f"{model.input_dim}")
    elbo, recon, kl, active = evaluate_elbo(model, x, args.seed)
    ll = evaluate_iwae(model, x, args.k, args.seed + 1)
    n = x.shape[0]
    se = float(ll.std(unbiased=True) / math.sqrt(n)) if n > 1 else float("nan")
    emit(args, {
        "n": n, "split": args.split, "elbo": elbo, "recon": recon, "kl": kl,
        "loglik": float(ll.mean()), "loglik_se": se, "nll": -float(ll.mean()), "k": args.k,
        "estimators": {"elbo": "analytic_kl_elbo (1 sample)", "loglik": f"iwae (K={args.k})"},
        "active_units": active, "seconds": time.perf_counter() - t0, "seed": args.seed,
        **thread_report(),
    })


def _bench_batches(x, batch_size, steps, seed):
    g = torch.Generator().manual_seed(seed)
    perm = torch.randperm(x.shape[0], generator=g)
    per_epoch = x.shape[0] // batch_size
    for s in range(steps):
        if s and s % per_epoch == 0:
            perm = torch.randperm(x.shape[0], generator=g)
        i = (s % per_epoch) * batch_size
        yield x[perm[i:i + batch_size]]


def cmd_bench(args):
    """Training throughput: ``--warmup`` untimed steps, then ``--repeats`` timed runs of ``--steps``.

    The median over repeats is reported (``samples_per_s``); every run is listed too, so noise
    from other processes on a shared machine is visible rather than silently averaged in.
    """
    torch.manual_seed(args.seed)
    model, train = bench_model_and_data(args)
    optimizer = torch.optim.Adam(model.parameters(), lr=args.lr)
    g = torch.Generator().manual_seed(args.seed)
    model.train()

    def step(xb):
        elbo, _, _ = model.elbo_terms(xb, g)
        loss = -elbo.mean()
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        return elbo

    batches = _bench_batches(train, args.batch_size, args.warmup + args.repeats * args.steps,
                             args.seed)
    for _ in range(args.warmup):
        step(next(batches))
    rates, total = [], 0.0
    for _ in range(args.repeats):
        t0 = time.perf_counter()
        for _ in range(args.steps):
            elbo = step(next(batches))
        seconds = time.perf_counter() - t0
        total += seconds
        rates.append(args.steps * args.batch_size / seconds)
    emit(args, {
        "benchmark": "train_step", "samples_per_s": float(np.median(rates)),
        "samples_per_s_runs": rates, "steps": args.steps, "repeats": args.repeats,
        "warmup_steps": args.warmup, "batch_size": args.batch_size, "seconds": total,
        "final_batch_elbo": float(elbo.mean()), "architecture": model.architecture(),
        **thread_report(), "torch_version": torch.__version__, "blas": blas_info(),
    })


def cmd_bench_eval(args):
    torch.manual_seed(args.seed)
    x = subset(load_split(args.data, args.split), args.limit, args.seed)
    if args.weights:
        model = model_from_weights(args, args.weights)
    else:
        args.hidden = args.hidden or [200, 200]
        args.latent = args.latent or 50
        args.activation = args.activation or "tanh"
        model = build_model(args, x.shape[1])
    evaluate_iwae(model, x[:1], min(args.k, 100), args.seed)  # warm-up, not timed
    t0 = time.perf_counter()
    ll = evaluate_iwae(model, x, args.k, args.seed)
    seconds = time.perf_counter() - t0
    emit(args, {
        "benchmark": "iwae_eval", "images_per_s": x.shape[0] / seconds,
        "particles_per_s": x.shape[0] * args.k / seconds, "n": x.shape[0], "k": args.k,
        "seconds": seconds, "loglik": float(ll.mean()), **thread_report(),
        "torch_version": torch.__version__, "blas": blas_info(),
    })


def cmd_selftest(args):
    """Fast checks of the pieces elbo4j is compared on (no data needed); exit 1 on failure."""
    import tempfile
    checks = []

    def check(name, ok, detail=""):
        checks.append({"check": name, "ok": bool(ok), "detail": detail})

    # DESIGN §1 closed-form KL values, through the same expression the loss uses.
    def kl(mu, var):
        mu, var = torch.tensor(mu, dtype=torch.float64), torch.tensor(var, dtype=torch.float64)
        return float(0.5 * (mu.pow(2) + var - var.log() - 1.0).sum())
    for mu, var, want in [([1.0], [1.0], 0.5), ([1.0, 0.0], [0.5, 2.0], 0.75),
                          ([2.0, 0.0], [0.25, 4.0], 3.125)]:
        got = kl(mu, var)
        check(f"kl mu={mu} var={var}", abs(got - want) < 1e-12, f"{got} vs {want}")

    torch.manual_seed(args.seed)
    model = Vae(784, [20, 10], 5, "tanh")
    with tempfile.TemporaryDirectory() as d:
        for ext in ("safetensors", "npz"):
            path = os.path.join(d, "m." + ext)
            write_weights(path, model)
            tensors, _ = read_weights(path)
            same = all(np.array_equal(tensors[k], v.numpy()) for k, v in model.state_dict().items())
            check(f"{ext} round trip bit-identical", same and set(tensors) == set(model.state_dict()))
        # A writer with another layout (metadata first, unpadded header, other tensor order)
        # must read the same: only the offsets matter.
        sd = {k: v.numpy() for k, v in model.state_dict().items()}
        names = list(reversed(list(sd)))
        header, blobs, off = {"__metadata__": {"producer": "other"}}, [], 0
        for k in names:
            b = sd[k].astype("<f4").tobytes()
            header[k] = {"dtype": "F32", "shape": list(sd[k].shape), "data_offsets": [off, off + len(b)]}
            blobs.append(b)
            off += len(b)
        text = json.dumps(header).encode()
        path = os.path.join(d, "other.safetensors")
        with open(path, "wb") as f:
            f.write(struct.pack("<Q", len(text)) + text + b"".join(blobs))
        tensors, meta = read_safetensors(path)
        check("foreign layout reads identically",
              all(np.array_equal(tensors[k], sd[k]) for k in sd) and meta == {"producer": "other"})
        other = Vae(784, [20, 10], 6, "tanh")
        try:
            load_into(other, tensors, path)
            check("shape mismatch rejected", False)
        except UsageError as e:
            check("shape mismatch rejected", "encoder.loc.weight [5, 10] (expected [6, 10])" in str(e),
                  str(e))

    # IWAE: K = 1 has the ELBO's expectation; a larger K bound is higher on average (Jensen).
    x = (torch.rand(64, 784, generator=torch.Generator().manual_seed(1)) < 0.2).float()
    elbo = evaluate_elbo(model, x, args.seed)[0]
    iw = float(evaluate_iwae(model, x, 200, args.seed).mean())
    check("iwae K=200 >= elbo", iw >= elbo, f"{iw:.3f} vs {elbo:.3f}")
    ok = all(c["ok"] for c in checks)
    emit(args, {"ok": ok, "checks": checks})
    if not ok:
        raise RuntimeError("self-test failed: " + ", ".join(c["check"] for c in checks if not c["ok"]))


# --------------------------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------------------------

def _int_list(text):
    try:
        sizes = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError(f"expected positive sizes, got {text!r}")
    return sizes


def _positive(text):
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    if v < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}")
    return v


def parser():
    p = argparse.ArgumentParser(
        prog="reference_vae.py",
        description="PyTorch reference Bernoulli VAE (Burda et al. 2015) for elbo4j comparisons.")
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp, model_defaults=True):
        sp.add_argument("--data", required=True,
                        help="folder with {train,valid,test}-images-idx3-ubyte[.gz]")
        sp.add_argument("--seed", type=int, default=0)
        sp.add_argument("--threads", type=_positive, default=None,
                        help="pin torch, OpenMP and OpenBLAS pools to T threads")
        sp.add_argument("--blas-threads", type=_positive, default=None,
                        help="expert: OpenBLAS/MKL pool size if not T (needs --threads)")
        sp.add_argument("--json", action="store_true",
                        help="only the JSON object on stdout (progress goes to stderr)")
        sp.add_argument("--verbose", action="store_true", help="stack traces on errors")
        d = model_defaults
        sp.add_argument("--hidden", type=_int_list, default=[200, 200] if d else None,
                        help="encoder hidden sizes, e.g. 200,200 (decoder mirrors them)")
        sp.add_argument("--latent", type=_positive, default=50 if d else None)
        sp.add_argument("--activation", choices=sorted(ACTIVATIONS),
                        default="tanh" if d else None)
        sp.add_argument("--architecture", choices=["mlp", "conv"], default="mlp",
                        help="conv: elbo4j's convolutional VAE (square single-channel images)")
        sp.add_argument("--channels", type=_int_list, default=[32, 64],
                        help="channels of the convolutions of --architecture conv")

    t = sub.add_parser("train", help="train on the train split, report train/valid ELBO")
    common(t)
    t.add_argument("--epochs", type=_positive, default=1)
    t.add_argument("--batch-size", type=_positive, default=100)
    t.add_argument("--lr", type=float, default=1e-3)
    t.add_argument("--out", required=True, help="weights file (.safetensors or .npz)")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="single-sample ELBO and IWAE-K log-likelihood")
    common(e, model_defaults=False)
    e.add_argument("--weights", required=True, help=".safetensors or .npz (elbo4j names)")
    e.add_argument("--k", type=_positive, default=5000)
    e.add_argument("--split", default="test", choices=["train", "valid", "test"])
    e.add_argument("--limit", type=_positive, default=None, help="random subset of N images")
    e.set_defaults(func=cmd_eval)

    b = sub.add_parser("bench", help="training throughput (samples/s), warm-up excluded")
    common(b)
    b.add_argument("--steps", type=_positive, default=300)
    b.add_argument("--warmup", type=int, default=20, help="untimed steps first")
    b.add_argument("--repeats", type=_positive, default=1, help="timed runs; the median is reported")
    b.add_argument("--batch-size", type=_positive, default=100)
    b.add_argument("--lr", type=float, default=1e-3)
    b.add_argument("--prior", choices=["normal", "vamp"], default="normal",
                   help="p(z): N(0, I) or the VampPrior")
    b.add_argument("--pseudo-inputs", type=_positive, default=500, help="N of --prior vamp")
    b.add_argument("--likelihood", default="bernoulli",
                   choices=["bernoulli", "gaussian-learned", "gaussian-per-feature", "tabular"],
                   help="tabular: --data is a CSV table, types inferred as elbo4j does")
    b.add_argument("--gaussian-scale", type=float, default=None,
                   help="initial σ of a learned scale (default 0.1; 1 for tabular)")
    b.add_argument("--condition", default=None,
                   help="conditional VAE: 'labels' ({split}-labels-idx1-ubyte) or a CSV column")
    b.set_defaults(func=cmd_bench)

    be = sub.add_parser("bench-eval", help="IWAE evaluation throughput (images/s)")
    common(be, model_defaults=False)
    be.add_argument("--weights", default=None, help="optional; random initial weights otherwise")
    be.add_argument("--k", type=_positive, default=5000)
    be.add_argument("--limit", type=_positive, default=20, help="random subset of N images")
    be.add_argument("--split", default="test", choices=["train", "valid", "test"])
    be.set_defaults(func=cmd_bench_eval)
    st = sub.add_parser("selftest", help="KL values, weights round trips, IWAE >= ELBO")
    st.add_argument("--seed", type=int, default=0)
    st.add_argument("--threads", type=_positive, default=None)
    st.add_argument("--blas-threads", type=_positive, default=None)
    st.add_argument("--json", action="store_true")
    st.add_argument("--verbose", action="store_true")
    st.set_defaults(func=cmd_selftest)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    if args.blas_threads is not None and args.threads is None:
        parser().error("--blas-threads needs --threads")
    configure_threads(args.threads, args.blas_threads)
    try:
        args.func(args)
    except UsageError as e:
        if args.verbose:
            traceback.print_exc()
        print(f"error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - one-line message, trace only with --verbose
        if args.verbose:
            traceback.print_exc()
        print(f"error: {type(e).__name__}: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
