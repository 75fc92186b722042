#!/usr/bin/python3
"""PyTorch reference of elbo4j's MLP VAE (tanh, Bernoulli decoder) with the N(0, I) prior or the
VampPrior (Tomczak & Welling 2018, pseudo-inputs clamped to [0, 1]), used to diagnose the VampPrior's
posterior collapse (BENCHMARKS.md, "Objectives and priors on binarized MNIST").

  /usr/bin/python3 elbo4j-bench/scripts/vamp-reference.py \
      --data ../shared/data/binarized-mnist/train-images-idx3-ubyte.gz --prior vamp --n 500 --epochs 2 --trace 50
  ... --normalepochs 1     # the first epoch's KL against N(0, I): the fix elbo4j adopted

--data is an IDX image file (.gz or not) of binary images. Prints per-epoch ELBO, reconstruction,
Monte Carlo KL and active units (posterior-mean variance > 0.01 over 2,000 training records); with
--trace N also every N steps the mean encoder log-variance at x and at the pseudo-inputs and the
spread (standard deviation over the batch) of the posterior means. Other options: --init data |
tomczak (N(0.05, 0.01)) | noise (U(0, 1)) for the pseudo-inputs; --warmup N, a linear KL warm-up
over N epochs; --he 1 (He normal) or 2 (Xavier uniform) weights instead of PyTorch's default;
--lvclamp 1, log-variance through hardtanh(-6, 2) as in Tomczak & Welling's code; --maxsteps N.
"""
import argparse, gzip, math, time

import numpy as np
import torch
p = argparse.ArgumentParser()
p.add_argument('--data'); p.add_argument('--prior', default='vamp'); p.add_argument('--n', type=int, default=100)
p.add_argument('--epochs', type=int, default=3); p.add_argument('--hidden', default='200,200'); p.add_argument('--latent', type=int, default=50)
p.add_argument('--lr', type=float, default=1e-3); p.add_argument('--batch', type=int, default=100); p.add_argument('--init', default='data')
p.add_argument('--rows', type=int, default=0); p.add_argument('--warmup', type=int, default=0); p.add_argument('--seed', type=int, default=1)
p.add_argument('--exactkl', type=int, default=0); p.add_argument('--trace', type=int, default=0); p.add_argument('--maxsteps', type=int, default=0); p.add_argument('--he', type=int, default=0); p.add_argument('--lvclamp', type=int, default=0); p.add_argument('--warmsteps', type=int, default=0); p.add_argument('--normalepochs', type=int, default=0)
a = p.parse_args()
torch.set_num_threads(1); torch.manual_seed(a.seed); np.random.seed(a.seed)
raw = (gzip.open if a.data.endswith('.gz') else open)(a.data, 'rb').read()
X = np.frombuffer(raw, dtype=np.uint8, offset=16).astype(np.float32).reshape(-1, 784)
if a.rows: X = X[:a.rows]
X = torch.tensor(X)
hid = [int(h) for h in a.hidden.split(',')]
def mlp(sizes):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i+1]))
        if i < len(sizes) - 2: layers.append(torch.nn.Tanh())
    return layers
class VAE(torch.nn.Module):
    def __init__(s):
        super().__init__()
        s.body = torch.nn.Sequential(*[l for l in mlp([784] + hid)], torch.nn.Tanh())
        s.loc = torch.nn.Linear(hid[-1], a.latent); s.lv = torch.nn.Linear(hid[-1], a.latent)
        s.dec = torch.nn.Sequential(*mlp([a.latent] + hid[::-1] + [784]))
        if a.prior == 'vamp':
            if a.init == 'data': u = X[torch.randperm(len(X))[:a.n]].clone()
            elif a.init == 'tomczak': u = 0.05 + 0.01 * torch.randn(a.n, 784)
            else: u = torch.rand(a.n, 784)
            s.u = torch.nn.Parameter(u)
    def enc(s, x):
        h = s.body(x); lv = s.lv(h)
        if a.lvclamp: lv = torch.nn.functional.hardtanh(lv, -6., 2.)
        return s.loc(h), lv
    def logprior(s, z):
        if a.prior == 'normal': return (-0.5 * (z ** 2 + math.log(2 * math.pi))).sum(-1)
        pm, plv = s.enc(torch.nn.functional.hardtanh(s.u, 0., 1.))
        lp = (-0.5 * ((z.unsqueeze(-2) - pm) ** 2 / plv.exp() + plv + math.log(2 * math.pi))).sum(-1)
        return torch.logsumexp(lp, -1) - math.log(a.n)
    def forward(s, x, ep=99):
        mu, lv = s.enc(x)
        z = mu + (0.5 * lv).exp() * torch.randn_like(mu)
        recon = -torch.nn.functional.binary_cross_entropy_with_logits(s.dec(z), x, reduction='none').sum(-1)
        logq = (-0.5 * ((z - mu) ** 2 / lv.exp() + lv + math.log(2 * math.pi))).sum(-1)
        if ep <= a.normalepochs: kl = 0.5 * (mu ** 2 + lv.exp() - lv - 1).sum(-1)
        elif a.prior == 'normal' and a.exactkl: kl = 0.5 * (mu ** 2 + lv.exp() - lv - 1).sum(-1)
        else: kl = logq - s.logprior(z)
        return recon, kl, mu
m = VAE()
if a.he:
    for mod in m.modules():
        if isinstance(mod, torch.nn.Linear):
            if a.he == 1: torch.nn.init.kaiming_normal_(mod.weight)
            else: torch.nn.init.xavier_uniform_(mod.weight)
opt = torch.optim.Adam(m.parameters(), lr=a.lr)
step = 0; steps = (len(X) + a.batch - 1) // a.batch
for ep in range(1, a.epochs + 1):
    perm = torch.randperm(len(X)); R = K = 0.; t = time.time()
    for i in range(steps):
        xb = X[perm[i*a.batch:(i+1)*a.batch]]
        recon, kl, mu = m(xb, ep)
        w = min(1.0, step / (a.warmup * steps)) if a.warmup else (min(1.0, step / a.warmsteps) if a.warmsteps else 1.0)
        if a.maxsteps and step >= a.maxsteps: break
        loss = -(recon - w * kl).mean()
        opt.zero_grad(); loss.backward(); opt.step(); step += 1
        R += recon.sum().item(); K += kl.sum().item()
        if a.trace and step % a.trace == 0:
            with torch.no_grad():
                mu2, lv2 = m.enc(xb); s = f"step {step} recon {recon.mean().item():.1f} kl {kl.mean().item():.3f} w {w:.3f} lv(x) {lv2.mean().item():.2f} musd {mu2.std(0).mean().item():.3f}"
                if a.prior == "vamp":
                    pm, plv = m.enc(torch.nn.functional.hardtanh(m.u, 0., 1.)); s += f" lv(u) {plv.mean().item():.2f} pmusd {pm.std(0).mean().item():.3f}"
                print(s, flush=True)
    with torch.no_grad():
        mu, lv = m.enc(X[:2000]); au = int((mu.var(0) > 0.01).sum())
    print(f'epoch {ep} elbo {(R-K)/len(X):.2f} recon {R/len(X):.2f} kl {K/len(X):.3f} active {au} ({time.time()-t:.0f}s)', flush=True)
