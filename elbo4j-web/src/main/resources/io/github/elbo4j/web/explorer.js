// The ELBO explorer: closed forms for the 1-D model z ~ N(0, 1), x | z ~ N(z, sx²) with
// q(z) = N(mu, s²). Everything is computed here, in the page, in double precision.
'use strict';

const LOG_2PI = Math.log(2 * Math.PI);

/** log N(x; mean, variance). */
function logNormal(x, mean, variance) {
  return -0.5 * (LOG_2PI + Math.log(variance)) - (x - mean) * (x - mean) / (2 * variance);
}

/**
 * The terms of the ELBO and of the identity log p(x) = ELBO + KL(q || p(z|x)).
 * recon = E_q[log N(x; z, sx²)] = log N(x; mu, sx²) - s²/(2 sx²);
 * kl = KL(N(mu, s²) || N(0, 1)) = (mu² + s² - log s² - 1)/2;
 * logpx = log N(x; 0, 1 + sx²); posterior N(x/(1+sx²), sx²/(1+sx²));
 * gap = KL(N(mu, s²) || N(m, v)) = (log(v/s²) + (s² + (mu - m)²)/v - 1)/2.
 */
function explorerTerms(mu, sigma, x, sigmaX) {
  const s2 = sigma * sigma;
  const sx2 = sigmaX * sigmaX;
  const recon = logNormal(x, mu, sx2) - s2 / (2 * sx2);
  const kl = 0.5 * (mu * mu + s2 - Math.log(s2) - 1);
  const elbo = recon - kl;
  const logpx = logNormal(x, 0, 1 + sx2);
  const postMean = x / (1 + sx2);
  const postVar = sx2 / (1 + sx2);
  const gap = 0.5 * (Math.log(postVar / s2) + (s2 + (mu - postMean) * (mu - postMean)) / postVar - 1);
  return { recon, kl, elbo, logpx, gap, postMean, postVar };
}

function densityCurve(mean, variance, from, to, n) {
  const points = [];
  for (let i = 0; i <= n; i++) {
    const z = from + (to - from) * i / n;
    points.push({ x: z, y: Math.exp(logNormal(z, mean, variance)) });
  }
  return points;
}

function setupExplorer() {
  const ids = ['mu', 'sigma', 'x', 'sigma-x'];
  const inputs = Object.fromEntries(ids.map(id => [id, document.getElementById(id)]));
  const chart = new Chart(document.getElementById('explorer-chart'), {
    type: 'line',
    data: { datasets: [
      { label: 'q(z) = N(μ, σ²)', data: [], borderColor: '#1f77b4', pointRadius: 0, borderWidth: 2 },
      { label: 'prior p(z) = N(0, 1)', data: [], borderColor: '#999', pointRadius: 0, borderDash: [6, 4] },
      { label: 'exact posterior p(z|x)', data: [], borderColor: '#d62728', pointRadius: 0, borderWidth: 2 },
    ] },
    options: { animation: false, maintainAspectRatio: false, parsing: false,
      scales: { x: { type: 'linear', min: -4, max: 4, title: { display: true, text: 'z' } },
                y: { beginAtZero: true, title: { display: true, text: 'density' } } } },
  });
  function show(id, value) {
    const el = document.getElementById(id);
    el.dataset.value = String(value);   // full precision, for tests and copy-paste
    el.textContent = value.toFixed(4);
  }
  function update() {
    const mu = Number(inputs.mu.value);
    const sigma = Number(inputs.sigma.value);
    const x = Number(inputs.x.value);
    const sigmaX = Number(inputs['sigma-x'].value);
    for (const id of ids) {
      document.getElementById(id + '-value').textContent = Number(inputs[id].value).toFixed(2);
    }
    const t = explorerTerms(mu, sigma, x, sigmaX);
    show('recon', t.recon);
    show('kl', t.kl);
    show('elbo', t.elbo);
    show('logpx', t.logpx);
    show('gap', t.gap);
    // Written with its standard deviation, as the σ slider of q is: N(mean, sd²).
    document.getElementById('posterior').textContent =
      'N(' + t.postMean.toFixed(3) + ', ' + Math.sqrt(t.postVar).toFixed(3) + '²)';
    chart.data.datasets[0].data = densityCurve(mu, sigma * sigma, -4, 4, 240);
    chart.data.datasets[1].data = densityCurve(0, 1, -4, 4, 240);
    chart.data.datasets[2].data = densityCurve(t.postMean, t.postVar, -4, 4, 240);
    chart.update('none');
  }
  for (const id of ids) {
    inputs[id].addEventListener('input', update);
  }
  update();
}
