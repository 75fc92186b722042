// Live training curves, run comparison and plots, fed by the server's event stream.
'use strict';

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
const state = { runs: [], rows: {}, plots: {}, selected: null };
let elboChart;
let termsChart;

// rightTitle: a second y axis on the right, for datasets with yAxisID 'right' (KL is a few nats
// beside a reconstruction term of hundreds: on one axis it would be a flat line).
function lineChart(canvas, yTitle, rightTitle) {
  const scales = { x: { type: 'linear', title: { display: true, text: 'epoch' } },
                   y: { title: { display: true, text: yTitle } } };
  if (rightTitle) {
    scales.right = { position: 'right', title: { display: true, text: rightTitle }, grid: { drawOnChartArea: false } };
  }
  return new Chart(canvas, {
    type: 'line',
    data: { datasets: [] },
    options: { animation: false, maintainAspectRatio: false, parsing: false, scales },
  });
}

function series(rows, column) {
  const points = [];
  for (const row of rows) {
    const v = row[column];
    if (typeof v === 'number' && Number.isFinite(v)) {
      points.push({ x: row.epoch, y: v });
    }
  }
  return points;
}

function dataset(label, data, colour, dashed) {
  return { label, data, borderColor: colour, backgroundColor: colour, pointRadius: 2,
           borderWidth: 2, borderDash: dashed ? [6, 4] : [] };
}

function redrawCurves() {
  const several = state.runs.length > 1;
  const elbo = [];
  const terms = [];
  let points = 0;
  state.runs.forEach((run, i) => {
    const rows = state.rows[run.id] || [];
    const colour = COLOURS[i % COLOURS.length];
    const prefix = several ? run.name + ': ' : '';
    const train = series(rows, 'elbo');
    points += train.length;
    elbo.push(dataset(prefix + 'train ELBO', train, colour, false));
    // One run: a second colour tells validation from training (and KL from reconstruction);
    // several: the colour is the run's, and the dashes tell the series apart.
    elbo.push(dataset(prefix + 'validation ELBO', series(rows, 'valid_elbo'), several ? colour : COLOURS[1], true));
    terms.push(dataset(prefix + 'reconstruction (left axis)', series(rows, 'recon'), colour, false));
    const kl = dataset(prefix + 'KL (right axis)', series(rows, 'kl'), several ? colour : COLOURS[1], true);
    kl.yAxisID = 'right';
    terms.push(kl);
  });
  elboChart.data.datasets = elbo;
  termsChart.data.datasets = terms;
  elboChart.update('none');
  termsChart.update('none');
  // Training-ELBO points over all runs: what a test or a script can watch grow.
  document.getElementById('elbo-chart').dataset.points = String(points);
}

function fmt(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v.toFixed(2) : '–';
}

function redrawTable() {
  const body = document.querySelector('#runs-table tbody');
  body.replaceChildren();
  for (const run of state.runs) {
    const rows = state.rows[run.id] || [];
    const last = rows.length ? rows[rows.length - 1] : {};
    const valid = rows.map(r => r.valid_elbo).filter(v => typeof v === 'number' && Number.isFinite(v));
    const model = run.config.model || {};
    const training = run.config.training || {};
    const cells = [run.name, run.config.data || '',
      (model.hidden ? model.hidden.join('-') : '?') + ', latent ' + (model.latent ?? '?') + ', ' + (model.likelihood || ''),
      rows.length + (training.epochs ? ' / ' + training.epochs : ''),
      fmt(last.elbo), fmt(last.valid_elbo), valid.length ? fmt(Math.max(...valid)) : '–', fmt(last.samples_per_s)];
    const tr = document.createElement('tr');
    tr.dataset.run = run.id;
    for (const text of cells) {
      const td = document.createElement('td');
      td.textContent = String(text);
      tr.appendChild(td);
    }
    body.appendChild(tr);
  }
}

// Samples and reconstructions first: they are what one looks at during training.
const PLOT_ORDER = ['samples.png', 'reconstructions.png', 'curves.png', 'interpolation.png', 'latent.png',
                    'kl-per-dimension.png', 'anomaly-scores.png'];

function redrawPlots() {
  const gallery = document.getElementById('plots');
  const plots = (state.plots[state.selected] || []).slice();
  plots.sort((a, b) => {
    const ia = PLOT_ORDER.indexOf(a.name) < 0 ? 99 : PLOT_ORDER.indexOf(a.name);
    const ib = PLOT_ORDER.indexOf(b.name) < 0 ? 99 : PLOT_ORDER.indexOf(b.name);
    return ia - ib || a.name.localeCompare(b.name);
  });
  gallery.replaceChildren();
  if (!plots.length) {
    gallery.textContent = 'No plots yet: train writes them into RUN/plots/.';
  }
  for (const plot of plots) {
    const figure = document.createElement('figure');
    const img = document.createElement('img');
    img.className = 'plot';
    img.alt = plot.name;
    img.src = '/runs/' + encodeURIComponent(state.selected) + '/plots/' + encodeURIComponent(plot.name)
      + '?v=' + plot.version;
    const caption = document.createElement('figcaption');
    caption.textContent = plot.name;
    figure.append(img, caption);
    gallery.appendChild(figure);
  }
}

async function loadRuns() {
  const response = await fetch('/api/runs');
  state.runs = await response.json();
  const select = document.getElementById('run-select');
  select.replaceChildren();
  for (const run of state.runs) {
    const option = document.createElement('option');
    option.value = run.id;
    option.textContent = run.name;
    select.appendChild(option);
  }
  if (!state.selected || !state.runs.some(r => r.id === state.selected)) {
    state.selected = state.runs.length ? state.runs[0].id : null;
  }
  select.value = state.selected;
  redrawCurves();
  redrawTable();
  redrawPlots();
}

function connect() {
  const status = document.getElementById('connection');
  const events = new EventSource('/api/events');
  events.onopen = () => { status.textContent = 'live'; status.classList.add('live'); };
  events.onerror = () => { status.textContent = 'reconnecting…'; status.classList.remove('live'); };
  events.addEventListener('reset', e => {
    const data = JSON.parse(e.data);
    state.rows[data.run] = data.rows;
    redrawCurves();
    redrawTable();
  });
  events.addEventListener('metrics', e => {
    const data = JSON.parse(e.data);
    state.rows[data.run] = (state.rows[data.run] || []).concat(data.rows);
    redrawCurves();
    redrawTable();
  });
  events.addEventListener('plots', e => {
    const data = JSON.parse(e.data);
    state.plots[data.run] = data.plots;
    if (data.run === state.selected) {
      redrawPlots();
    }
  });
  events.addEventListener('runs', () => loadRuns());
}

document.addEventListener('DOMContentLoaded', async () => {
  setupExplorer();
  elboChart = lineChart(document.getElementById('elbo-chart'), 'ELBO (nats per example)');
  termsChart = lineChart(document.getElementById('terms-chart'), 'reconstruction (nats per example)',
    'KL (nats per example)');
  document.getElementById('run-select').addEventListener('change', e => {
    state.selected = e.target.value;
    redrawPlots();
  });
  await loadRuns();
  connect();
});
