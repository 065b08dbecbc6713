'use strict';
// Pincel Studio's page: plain JavaScript, no libraries, nothing fetched from elsewhere.
(function () {
  // The studio's token is in an HttpOnly cookie (set when the printed address was opened): the
  // page never sees it, and every request of this page carries it.
  const $ = (id) => document.getElementById(id);
  document.documentElement.dataset.script = 'ran';

  const state = {
    examples: [], uploads: [], content: null, styles: new Map(), // ref -> weight
    jobs: [], running: null, points: [], lastIteration: 0, frames: 0,
    detailJob: null,
  };

  // ---- messages -------------------------------------------------------------------------
  let messageTimer = null;
  function say(text, info) {
    const m = $('message');
    m.textContent = text;
    m.className = info ? 'info' : '';
    m.hidden = false;
    clearTimeout(messageTimer);
    messageTimer = setTimeout(() => { m.hidden = true; }, info ? 4000 : 12000);
  }

  async function api(path, options) {
    const opts = Object.assign({ credentials: 'same-origin' }, options || {});
    opts.headers = Object.assign({}, opts.headers || {});
    if (opts.method && opts.method !== 'GET' && !opts.headers['Content-Type']) opts.headers['Content-Type'] = 'application/json';
    let response;
    try { response = await fetch(path, opts); } catch (e) { throw new Error('the studio is not reachable'); }
    let body = null;
    const type = response.headers.get('Content-Type') || '';
    if (type.includes('json')) body = await response.json();
    if (!response.ok) throw new Error((body && body.error) || ('the studio answered ' + response.status));
    return body;
  }

  // ---- images: examples and uploads -------------------------------------------------------
  function allImages() { return state.uploads.concat(state.examples); }

  function renderChoices() {
    const content = $('content-choices'), styles = $('style-choices');
    content.textContent = ''; styles.textContent = '';
    for (const img of allImages()) {
      content.appendChild(choice(img, state.content === img.ref, false));
      styles.appendChild(choice(img, state.styles.has(img.ref), true));
    }
    schedulePreview();
  }

  function choice(img, selected, isStyle) {
    const div = document.createElement('div');
    div.className = 'choice' + (selected ? ' selected' : '');
    div.dataset.ref = img.ref;
    div.title = img.name;
    const pic = document.createElement('img');
    pic.src = (img.url); pic.alt = img.name; pic.loading = 'lazy';
    const name = document.createElement('span');
    const uploaded = img.ref.startsWith('upload:');
    name.className = 'name'; name.textContent = (uploaded ? '↑ ' : '') + img.name;
    if (uploaded) { div.classList.add('uploaded'); div.title = img.name + ' (your upload)'; }
    div.append(pic, name);
    if (uploaded && !isStyle) {
      const del = document.createElement('button');
      del.className = 'delete'; del.textContent = '×'; del.title = 'delete this upload';
      del.addEventListener('click', (e) => { e.stopPropagation(); deleteUpload(img); });
      div.appendChild(del);
    }
    if (isStyle && selected) {
      const w = document.createElement('input');
      w.type = 'number'; w.className = 'weight'; w.min = '0'; w.step = 'any';
      w.value = state.styles.get(img.ref); w.title = 'blend weight';
      w.addEventListener('click', (e) => e.stopPropagation());
      w.addEventListener('input', () => { state.styles.set(img.ref, w.value); schedulePreview(); });
      div.appendChild(w);
    }
    div.addEventListener('click', () => {
      if (isStyle) {
        if (state.styles.has(img.ref)) state.styles.delete(img.ref); else state.styles.set(img.ref, '1');
      } else {
        state.content = img.ref;
      }
      renderChoices();
    });
    return div;
  }

  async function loadImages() {
    const [examples, uploads] = await Promise.all([api('/api/examples'), api('/api/uploads')]);
    state.examples = examples; state.uploads = uploads;
    if (!state.content) {
      const photo = examples.find((e) => /astronaut|chelsea/.test(e.name)) || examples[0];
      if (photo) state.content = photo.ref;
    }
    if (state.styles.size === 0) {
      const painting = examples.find((e) => /starry|scream|wave/.test(e.name));
      if (painting) state.styles.set(painting.ref, '1');
    }
    renderChoices();
  }

  async function upload(file, asStyle) {
    try {
      const entry = await api('/api/uploads?name=' + encodeURIComponent(file.name),
        { method: 'POST', body: file, headers: { 'Content-Type': 'application/octet-stream' } });
      state.uploads.unshift(entry);
      if (asStyle) state.styles.set(entry.ref, '1'); else state.content = entry.ref;
      renderChoices();
      say('Uploaded ' + entry.name + ' (' + entry.width + '×' + entry.height + ')', true);
    } catch (e) {
      say('Upload of ' + file.name + ' refused: ' + e.message);
    }
  }

  async function deleteUpload(img) {
    if (!confirm('Delete ' + img.name + ' from the studio?')) return;
    try {
      await api('/api/uploads/' + img.ref.slice(7), { method: 'DELETE' });
      state.uploads = state.uploads.filter((u) => u.ref !== img.ref);
      if (state.content === img.ref) state.content = null;
      state.styles.delete(img.ref);
      renderChoices();
      say('Deleted ' + img.name + '.', true);
    } catch (e) {
      say('Not deleted: ' + e.message);
    }
  }

  function wireDrop(zoneId, inputId, asStyle) {
    const zone = $(zoneId), input = $(inputId);
    input.addEventListener('change', async () => {
      for (const f of Array.from(input.files)) await upload(f, asStyle);
      input.value = '';
    });
    zone.addEventListener('dragover', (e) => { e.preventDefault(); zone.classList.add('over'); });
    zone.addEventListener('dragleave', () => zone.classList.remove('over'));
    zone.addEventListener('drop', async (e) => {
      e.preventDefault(); zone.classList.remove('over');
      const files = Array.from(e.dataTransfer.files);
      for (const f of (asStyle ? files : files.slice(0, 1))) await upload(f, asStyle);
    });
  }

  // ---- the instant picture of the selection ---------------------------------------------
  // Shown as soon as a photo and a painting are chosen (POST /api/instant, a PNG). Changes are
  // debounced; a newer selection aborts the older request (the studio drops a waiting one).
  const instant = { available: null, reason: '', seq: 0, timer: null, controller: null, key: '', since: 0, url: null, startChosen: false };
  const PREVIEW_DEBOUNCE_MS = 150;

  function instantNote(text) {
    $('instant-note').textContent = text; $('instant-note').title = text;
  }

  async function checkInstant() {
    try {
      const a = await api('/api/instant');
      instant.available = !!a.available; instant.reason = a.reason || '';
    } catch (e) {
      instant.available = false; instant.reason = e.message;
    }
    const option = $('initial').querySelector('option[value="instant"]');
    option.disabled = !instant.available;
    if (instant.available && !instant.startChosen) $('initial').value = 'instant';
    if (!instant.available && $('initial').value === 'instant') $('initial').value = 'noise';
    $('instant-box').dataset.available = String(instant.available);
    if (!instant.available) { instantNote('No instant picture: ' + instant.reason); $('instant').hidden = true; return; }
    schedulePreview();
  }

  function previewParameters() {
    const styles = Array.from(state.styles.keys());
    if (!state.content || styles.length === 0) return null;
    return {
      content: state.content, styles: styles,
      blend: styles.length > 1 ? styles.map((r) => Number(state.styles.get(r))) : null,
      size: Math.min(512, Math.max(32, Math.round(Number($('size').value)) || 256)), colors: $('colors').value,
    };
  }

  function schedulePreview() {
    if (!instant.available) return;
    const p = previewParameters();
    const key = p ? JSON.stringify(p) : '';
    if (key === instant.key) return;
    instant.key = key; instant.since = performance.now();
    clearTimeout(instant.timer);
    if (instant.controller) { instant.controller.abort(); instant.controller = null; }
    if (!p) {
      $('instant').hidden = true; $('instant-time').textContent = '';
      instantNote('Choose a photo and a painting: their instant picture appears here.');
      return;
    }
    $('instant-box').classList.add('busy');
    instant.timer = setTimeout(() => fetchPreview(p), PREVIEW_DEBOUNCE_MS);
  }

  async function fetchPreview(p) {
    const seq = ++instant.seq, since = instant.since;
    const controller = new AbortController();
    instant.controller = controller;
    try {
      const response = await fetch('/api/instant', { method: 'POST', credentials: 'same-origin', signal: controller.signal,
        headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(p) });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        if (seq !== instant.seq) return;  // superseded by a newer selection
        throw new Error((body && body.error) || ('the studio answered ' + response.status));
      }
      const seconds = Number(response.headers.get('X-Pincel-Seconds'));
      const blob = await response.blob();
      if (seq !== instant.seq) return;
      const old = instant.url, img = $('instant');
      instant.url = URL.createObjectURL(blob);
      img.onload = () => {
        if (seq !== instant.seq) return;
        const shown = performance.now() - since;
        img.dataset.shownMs = String(Math.round(shown)); img.dataset.seq = String(seq);
        $('instant-time').textContent = '(' + (seconds > 0 ? seconds.toFixed(2) + ' s' : '') + ')';
        instantNote($('initial').value === 'instant' ? 'A run starts from this picture and refines it.' : 'The network’s picture in one pass.');
        $('instant-box').classList.remove('busy');
        if (old) URL.revokeObjectURL(old);
      };
      img.src = instant.url; img.hidden = false;
    } catch (e) {
      if (e.name === 'AbortError' || seq !== instant.seq) return;
      instant.key = '';
      $('instant-box').classList.remove('busy');
      instantNote('No instant picture: ' + e.message);
    }
  }

  // ---- options: the photo <-> painting slider ------------------------------------------
  // The slider sets the style weight with the content weight kept: ratio 10^-1 … 10^5.
  function balanceFromWeights() {
    const c = parseFloat($('content-weight').value), s = parseFloat($('style-weight').value);
    if (!(c > 0) || !(s > 0)) return;
    const t = (Math.log10(s / c) + 1) / 6 * 100;
    $('balance').value = String(Math.max(0, Math.min(100, t)));
  }
  function weightsFromBalance() {
    const c = parseFloat($('content-weight').value) || 5;
    const ratio = Math.pow(10, -1 + 6 * Number($('balance').value) / 100);
    $('style-weight').value = String(Number((c * ratio).toPrecision(3)));
  }

  function readParameters() {
    const styles = Array.from(state.styles.keys());
    const p = {
      content: state.content, styles: styles,
      blend: styles.length > 1 ? styles.map((r) => Number(state.styles.get(r))) : null,
      size: Number($('size').value), iterations: Number($('iterations').value),
      contentWeight: Number($('content-weight').value), styleWeight: Number($('style-weight').value),
      colors: $('colors').value, initial: $('initial').value,
      seed: $('seed').value.trim() || null,
    };
    return p;
  }

  function fillForm(p) {
    state.content = p.content;
    state.styles = new Map(p.styles.map((r, i) => [r, String(p.blend ? p.blend[i] : 1)]));
    $('size').value = p.size; $('iterations').value = p.iterations;
    $('content-weight').value = p.contentWeight; $('style-weight').value = p.styleWeight;
    $('colors').value = p.colors; $('initial').value = p.initial; $('seed').value = p.seed || '';
    instant.startChosen = true;
    balanceFromWeights();
    renderChoices();
  }

  async function start() {
    const p = readParameters();
    if (!p.content) { say('Choose a photo first.'); return; }
    if (p.styles.length === 0) { say('Choose at least one painting.'); return; }
    $('start').disabled = true;
    try {
      const job = await api('/api/jobs', { method: 'POST', body: JSON.stringify(p), headers: { 'Content-Type': 'application/json' } });
      say('Job ' + job.number + ' ' + (job.state === 'queued' ? 'queued' : job.state) + '.', true);
    } catch (e) {
      say('Not started: ' + e.message);
    } finally {
      $('start').disabled = false;
    }
  }

  async function cancel(id) {
    try { await api('/api/jobs/' + id + '/cancel', { method: 'POST' }); } catch (e) { say(e.message); }
  }

  // ---- live ----------------------------------------------------------------------------
  function fmtTime(s) {
    if (s == null || !isFinite(s)) return '';
    s = Math.round(s);
    return s >= 60 ? Math.floor(s / 60) + ' min ' + (s % 60) + ' s' : s + ' s';
  }

  function onJobs(jobs) {
    state.jobs = jobs;
    const running = jobs.find((j) => j.state === 'running') || null;
    if (!running || !state.running || running.id !== state.running.id) {
      state.points = []; state.lastIteration = 0;
      $('preview').removeAttribute('src');
    }
    state.running = running;
    $('live').hidden = !running; $('live-empty').hidden = !!running;
    $('now').classList.toggle('running', !!running);
    if (running) {
      $('live-title').textContent = 'Job ' + running.number + ': ' + describe(running.parameters);
      $('iteration').textContent = running.iterations + ' / ' + running.planned;
    }
    drawPlot($('plot'), state.points);
    renderQueue(); renderGallery();
  }

  function onTick(t) {
    if (!state.running || t.job !== state.running.id) return;
    for (const p of t.points) if (p[0] > state.lastIteration) { state.points.push(p); state.lastIteration = p[0]; }
    $('iteration').textContent = t.iteration + ' / ' + t.total;
    $('eta').textContent = t.eta != null ? 'about ' + fmtTime(t.eta) + ' left' : '';
    if (t.frame) { $('preview').src = t.frame; state.frames += 1; $('preview').dataset.frames = String(state.frames); $('preview').dataset.iteration = String(t.iteration); }
    drawPlot($('plot'), state.points);
    $('plot').dataset.points = String(state.points.length);
  }

  function connect() {
    const scheme = location.protocol === 'https:' ? 'wss://' : 'ws://';
    const ws = new WebSocket((scheme + location.host + '/api/live'));
    ws.onopen = () => { $('connection').textContent = 'live'; $('connection').className = 'pill ok'; };
    ws.onmessage = (e) => {
      let m; try { m = JSON.parse(e.data); } catch (_) { return; }
      if (m.type === 'jobs') onJobs(m.jobs); else if (m.type === 'tick') onTick(m);
    };
    ws.onclose = async () => {
      $('connection').textContent = 'reconnecting…'; $('connection').className = 'pill bad';
      // A studio restarted with a new token refuses this page's cookie: say so, and stop trying.
      try {
        const health = await fetch('/api/health', { credentials: 'same-origin' });
        if (health.status === 401) {
          $('connection').textContent = 'locked out';
          say('The studio no longer knows this page (it was restarted with a new token): open the address `pincel studio` printed.');
          return;
        }
      } catch (_) { /* not reachable yet */ }
      setTimeout(connect, 1500);
    };
  }

  // ---- plot: log10 of the loss terms against the iteration, drawn on a canvas ------------
  const series = [['total', '#222', (p) => p[1] + p[2] + p[3]], ['content', '#2a6fb5', (p) => p[1]],
    ['style', '#b5452a', (p) => p[2]], ['tv', '#6b9a2f', (p) => p[3]]];
  function drawPlot(canvas, points) {
    const g = canvas.getContext('2d'), W = canvas.width, H = canvas.height;
    const L = 46, R = 8, T = 8, B = 22;
    g.clearRect(0, 0, W, H);
    g.font = '11px system-ui, sans-serif'; g.fillStyle = '#777'; g.strokeStyle = '#ddd';
    if (points.length === 0) { g.fillText('the loss curve appears here', L, H / 2); return; }
    let lo = Infinity, hi = -Infinity;
    for (const p of points) for (const s of series) { const v = s[2](p); if (v > 0) { const l = Math.log10(v); lo = Math.min(lo, l); hi = Math.max(hi, l); } }
    if (!isFinite(lo)) return;
    if (hi - lo < 1e-6) { hi += 0.5; lo -= 0.5; }
    lo = Math.floor(lo); hi = Math.ceil(hi);
    const maxIt = Math.max(points[points.length - 1][0], 2), minIt = points[0][0];
    const x = (it) => L + (W - L - R) * (it - minIt) / Math.max(1, maxIt - minIt);
    const y = (l) => T + (H - T - B) * (hi - l) / (hi - lo);
    g.beginPath();
    for (let e = lo; e <= hi; e++) { g.moveTo(L, y(e)); g.lineTo(W - R, y(e)); g.fillText('1e' + e, 4, y(e) + 4); }
    g.stroke();
    g.fillText(String(minIt), L, H - 6); g.fillText(String(maxIt), W - R - 30, H - 6);
    g.fillText('iteration', (W - L) / 2, H - 6);
    for (const s of series) {
      g.strokeStyle = s[1]; g.lineWidth = s[0] === 'total' ? 2 : 1.2; g.beginPath();
      let started = false;
      for (const p of points) {
        const v = s[2](p); if (!(v > 0)) continue;
        if (!started) { g.moveTo(x(p[0]), y(Math.log10(v))); started = true; } else g.lineTo(x(p[0]), y(Math.log10(v)));
      }
      g.stroke();
    }
    g.lineWidth = 1;
  }

  // ---- queue and gallery ----------------------------------------------------------------
  function describe(p) {
    const name = (ref) => { const i = allImages().find((x) => x.ref === ref); return i ? i.name : ref.replace(/^upload:(.{8}).*/, 'upload $1'); };
    return name(p.content) + ' × ' + p.styles.map(name).join(' + ') + ', ' + p.size + ' px';
  }

  function renderQueue() {
    const list = $('queue'); list.textContent = '';
    const queued = state.jobs.filter((j) => j.state === 'queued').sort((a, b) => a.number - b.number);
    if (queued.length === 0) { const li = document.createElement('li'); li.className = 'muted'; li.textContent = 'empty'; list.appendChild(li); return; }
    for (const j of queued) {
      const li = document.createElement('li');
      li.dataset.job = j.id;
      li.textContent = 'Job ' + j.number + ': ' + describe(j.parameters) + ', ' + j.planned + ' iterations';
      const b = document.createElement('button'); b.textContent = 'Cancel'; b.className = 'cancel';
      b.addEventListener('click', () => cancel(j.id));
      li.appendChild(b); list.appendChild(li);
    }
  }

  function renderGallery() {
    const box = $('gallery'); box.textContent = '';
    for (const j of state.jobs.filter((x) => x.state !== 'queued' && x.state !== 'running')) {
      const div = document.createElement('div');
      div.className = 'gallery-item'; div.dataset.job = j.id; div.dataset.state = j.state;
      const img = document.createElement(j.hasImage ? 'img' : 'div');
      if (j.hasImage) { img.src = ('/api/jobs/' + j.id + '/image?v=' + (j.finished || 0)); img.alt = 'job ' + j.number; }
      else img.className = 'no-image';
      const cap = document.createElement('div');
      const st = document.createElement('span'); st.className = 'state state-' + j.state; st.textContent = j.state;
      cap.append('#' + j.number + ' ', st, ' · ' + j.iterations + ' it');
      div.append(img, cap);
      div.addEventListener('click', () => openDetail(j.id));
      box.appendChild(div);
    }
    if (!box.firstChild) { const p = document.createElement('p'); p.className = 'muted'; p.textContent = 'Finished pictures are kept here.'; box.appendChild(p); }
  }

  function imageURL(ref) {
    const i = allImages().find((x) => x.ref === ref);
    if (i) return (i.url);
    if (ref.startsWith('upload:')) return ('/api/uploads/' + ref.slice(7));
    return ('/api/examples/' + encodeURIComponent(ref.replace(/^example:/, '')));
  }

  async function openDetail(id) {
    let job;
    try { job = await api('/api/jobs/' + id); } catch (e) { say(e.message); return; }
    state.detailJob = job;
    $('detail-title').textContent = 'Job ' + job.number + ' · ' + job.state;
    const p = job.parameters;
    $('detail-info').textContent = describe(p) + ' · ' + job.iterations + ' of ' + job.planned + ' iterations' +
      (job.seconds ? ' in ' + fmtTime(job.seconds) : '') + ' · seed ' + (job.seed || 'n/a') +
      ' · weights ' + p.contentWeight + ' / ' + p.styleWeight + ' · colours ' + p.colors + ' · from ' + p.initial +
      (job.message ? ' · ' + job.message : '');
    $('compare-photo').src = imageURL(p.content);
    const result = ('/api/jobs/' + job.id + '/image?v=' + (job.finished || 0));
    $('compare-result').src = job.hasImage ? result : '';
    $('download').href = ('/api/jobs/' + job.id + '/image?download=1');
    $('download').hidden = !job.hasImage;
    $('compare-slider').value = '50'; layoutCompare();
    $('detail').showModal();
    drawPlot($('detail-plot'), job.losses.map((l) => [l.iteration, l.content, l.style, l.tv]));
  }

  function layoutCompare() {
    const w = $('compare-photo').clientWidth;
    $('compare-result').style.width = w + 'px';
    $('compare-clip').style.width = $('compare-slider').value + '%';
  }

  // ---- wiring --------------------------------------------------------------------------
  wireDrop('content-drop', 'content-file', false);
  wireDrop('style-drop', 'style-file', true);
  $('balance').addEventListener('input', weightsFromBalance);
  $('content-weight').addEventListener('input', balanceFromWeights);
  $('style-weight').addEventListener('input', balanceFromWeights);
  $('start').addEventListener('click', start);
  $('initial').addEventListener('change', () => { instant.startChosen = true; });
  $('colors').addEventListener('change', schedulePreview);
  $('size').addEventListener('change', schedulePreview);
  $('stop').addEventListener('click', () => { if (state.running) cancel(state.running.id); });
  $('detail-close').addEventListener('click', () => $('detail').close());
  $('compare-slider').addEventListener('input', layoutCompare);
  $('compare-photo').addEventListener('load', layoutCompare);
  window.addEventListener('resize', layoutCompare);
  $('delete-job').addEventListener('click', async () => {
    const job = state.detailJob;
    if (!job || !confirm('Delete job ' + job.number + ' and its picture?')) return;
    try {
      await api('/api/jobs/' + job.id, { method: 'DELETE' });
      $('detail').close();
      say('Deleted job ' + job.number + '.', true);
    } catch (e) {
      say('Not deleted: ' + e.message);
    }
  });
  $('rerun').addEventListener('click', () => {
    if (!state.detailJob) return;
    fillForm(Object.assign({}, state.detailJob.parameters, { seed: state.detailJob.seed }));
    $('detail').close();
    say('The form holds job ' + state.detailJob.number + '’s options and seed: change what you like, then Start.', true);
  });
  balanceFromWeights();
  loadImages().catch((e) => say(e.message));
  checkInstant();
  connect();
})();
