// letterpod review page: plain browser JavaScript, no framework, nothing loaded from elsewhere.
// The server (src/review/server.ts) serves this file, the page shells and the data; every
// write carries the per-run token from the page's address.
'use strict';
(function () {
  const body = document.body;
  const app = document.getElementById('app');
  const params = new URLSearchParams(location.search);
  const token = params.get('token') || sessionStorage.getItem('letterpod-token') || '';
  if (params.get('token')) sessionStorage.setItem('letterpod-token', token);
  const withToken = (path) => (token ? `${path}?token=${encodeURIComponent(token)}` : path);

  /** Build an element: h('div', {class: 'x', onclick: f}, child, 'text', …) */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === undefined || v === null || v === false) continue;
      if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k === 'value') el.value = v;
      else el.setAttribute(k, v === true ? '' : String(v));
    }
    for (const c of children.flat()) if (c !== undefined && c !== null && c !== false) el.append(c instanceof Node ? c : String(c));
    return el;
  }

  function hms(t) {
    const s = Math.max(0, t);
    const hh = Math.floor(s / 3600);
    const mm = Math.floor((s % 3600) / 60);
    const ss = (s % 60).toFixed(1).padStart(4, '0');
    return (hh ? `${hh}:${String(mm).padStart(2, '0')}` : String(mm)) + ':' + ss;
  }
  const r3 = (x) => Math.round(x * 1000) / 1000;
  const stateClass = (s) => 'state state-' + s.replace(/\s+/g, '-');

  async function api(path, opts) {
    const res = await fetch(path, { cache: 'no-store', ...(opts || {}) });
    let data;
    try {
      data = await res.json();
    } catch {
      data = { error: `${res.status} ${res.statusText}` };
    }
    if (!res.ok) throw new Error(data.error || `${res.status} ${res.statusText}`);
    return data;
  }
  const post = (path, value) => api(path, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Letterpod-Token': token }, body: JSON.stringify(value) });

  // ---------------------------------------------------------------- index
  async function showIndex() {
    document.title = 'letterpod review';
    let list;
    try {
      list = (await api('/api/episodes')).episodes;
    } catch (e) {
      app.replaceChildren(h('p', { class: 'error' }, e.message));
      return;
    }
    const rows = list.map((e) =>
      h('tr', { dataset: { number: e.number, state: e.state } },
        h('td', {}, `#${e.number}`),
        h('td', {}, h('a', { href: withToken(`/episodes/${e.number}`) }, e.title)),
        h('td', {}, h('span', { class: stateClass(e.state) }, e.state), e.why ? h('span', { class: 'reason' }, e.why) : null),
        h('td', {}, String(e.chapterCount)),
        h('td', {}, String(e.warningCount)),
      ),
    );
    app.replaceChildren(
      h('h1', {}, 'Episodes'),
      list.length
        ? h('table', { id: 'episodes' }, h('thead', {}, h('tr', {}, ...['issue', 'title', 'state', 'chapters', 'warnings'].map((t) => h('th', {}, t)))), h('tbody', {}, rows))
        : h('p', {}, 'No built episodes yet: put recordings in recordings/ and run letterpod review again.'),
    );
  }

  // ---------------------------------------------------------------- episode
  const number = Number(body.dataset.episode);
  let view; // the server's EpisodeView
  let marks = []; // {id, title, start, confidence, corrected}
  let edits = {}; // the corrections file's sections, as the producer changes them
  let dirty = false;
  let selected = -1; // index into marks
  let placing = null; // id of a not-read summary waiting for its pause
  let stopAt = null; // play-around-the-mark end
  let audio, wave, waveWrap, marksLayer, playhead, statusEl, chaptersBody, cueList, notReadList, notesFrame;
  const notesDoc = () => `<!doctype html><meta charset="utf-8"><base target="_blank"><body style="font:14px/1.45 system-ui,sans-serif;margin:10px">${view.notesHtml}</body>`;

  function setStatus(text, error) {
    statusEl.textContent = text;
    statusEl.className = error ? 'error' : '';
  }

  function marksFromView() {
    marks = view.chapters.map((c) => ({ id: c.id, title: c.title, start: c.startSeconds, confidence: c.confidence, corrected: !!c.corrected }));
  }

  function sectionTitle(id) {
    const s = view.sections.find((x) => x.id === id);
    return s ? s.title : id;
  }

  /** The automatic start of a chapter (before any correction), when the aligner gave it one. */
  function automaticChapter(id) {
    return view.automatic.some((c) => c.id === id);
  }

  function edit(id, change) {
    const current = edits[id];
    const base = current && typeof current === 'object' ? { ...current } : {};
    edits[id] = { ...base, ...change };
    dirty = true;
    setStatus('unsaved corrections: Save (Ctrl+S) applies them to the episode');
  }

  function sortMarks() {
    const id = marks[selected] && marks[selected].id;
    marks.sort((a, b) => a.start - b.start);
    selected = marks.findIndex((m) => m.id === id);
  }

  function moveMark(i, to) {
    const m = marks[i];
    if (!m) return;
    if (i === 0) {
      setStatus('the first chapter starts at 0:00', true);
      return;
    }
    const t = r3(Math.min(Math.max(0.5, to), view.analysis.episodeSeconds - 0.5));
    m.start = t;
    m.corrected = true;
    m.confidence = 1;
    edit(m.id, { startSeconds: t });
    sortMarks();
    render();
  }

  function nearestPause(t) {
    let best = null;
    let bestD = Infinity;
    for (const [a, b] of view.analysis.pauses) {
      const d = t < a ? a - t : t > b ? t - b : 0;
      if (d < bestD) {
        bestD = d;
        best = [a, b];
      }
    }
    return best;
  }
  /** Where a mark goes in a pause: just before the speech after it (0.1 s before its end, inside it). */
  const pausePoint = (p) => r3(Math.max(p[0], p[1] - 0.1));

  function snapMark(i) {
    const m = marks[i];
    if (!m) return;
    const p = nearestPause(m.start);
    if (!p) return setStatus('no pause in this episode to snap to', true);
    moveMark(i, pausePoint(p));
  }

  function removeMark(i) {
    const m = marks[i];
    if (!m) return;
    if (i === 0) return setStatus('the first chapter cannot be removed', true);
    marks.splice(i, 1);
    if (automaticChapter(m.id)) edits[m.id] = 'no-chapter';
    else delete edits[m.id]; // a chapter the producer gave a not-read summary: back to not read
    dirty = true;
    selected = Math.min(i, marks.length - 1);
    setStatus(`removed "${m.title}": unsaved`);
    render();
  }

  function giveChapter(id, t) {
    const p = nearestPause(t);
    const at = p ? pausePoint(p) : r3(t);
    placing = null;
    marks.push({ id, title: sectionTitle(id), start: at, confidence: 1, corrected: true });
    edit(id, { startSeconds: at });
    sortMarks();
    selected = marks.findIndex((m) => m.id === id);
    render();
  }

  function playFrom(t, until) {
    audio.currentTime = Math.max(0, t);
    stopAt = until === undefined ? null : until;
    const played = audio.play();
    if (played && played.catch) played.catch(() => {});
  }
  const playMark = (m) => playFrom(m.start - 2);
  const playAround = (m) => playFrom(m.start - 2, m.start + 2);

  function select(i, seek) {
    if (!marks.length) return;
    selected = (i + marks.length) % marks.length;
    if (seek) audio.currentTime = Math.max(0, marks[selected].start - 2);
    render();
  }

  async function save() {
    setStatus('saving…');
    try {
      view = await post(`/api/episodes/${number}/corrections`, { sections: edits });
    } catch (e) {
      setStatus(`not saved: ${e.message}`, true);
      return false;
    }
    adopt();
    setStatus(view.corrections.applied.length ? `saved: ${view.corrections.applied.join('; ')}` : 'saved: no corrections (the automatic chapters)');
    return true;
  }

  async function approve() {
    if (dirty && !(await save())) return;
    setStatus('approving…');
    try {
      const r = await post(`/api/episodes/${number}/approve`, {});
      view = r.view;
    } catch (e) {
      setStatus(`not approved: ${e.message}`, true);
      return;
    }
    adopt();
    setStatus(`approved at ${new Date().toLocaleTimeString()}: letterpod publish publishes it`);
  }

  /** Take the server's view as the page's state (after load, save, approve). */
  function adopt() {
    const id = marks[selected] && marks[selected].id;
    marksFromView();
    edits = JSON.parse(JSON.stringify(view.corrections.sections || {}));
    dirty = false;
    selected = Math.max(0, marks.findIndex((m) => m.id === id));
    currentCue = -1;
    drawCues();
    // the show notes as they will appear now (their timestamps follow the corrections)
    if (notesFrame && notesFrame.srcdoc !== notesDoc()) notesFrame.srcdoc = notesDoc();
    const src = `/audio/${number}.mp3?v=${view.audio.sha256.slice(0, 12)}`;
    if (audio && audio.getAttribute('src') !== src) {
      const t = audio.currentTime;
      const playing = !audio.paused;
      audio.src = src;
      audio.addEventListener('loadedmetadata', () => {
        audio.currentTime = t;
        if (playing) audio.play().catch(() => {});
      }, { once: true });
    }
    render();
  }

  // -------------------------------------------------------------- drawing
  function drawWave() {
    const dpr = window.devicePixelRatio || 1;
    const w = Math.max(1, Math.round(wave.clientWidth * dpr));
    const hgt = Math.max(1, Math.round(wave.clientHeight * dpr));
    if (wave.width !== w || wave.height !== hgt) {
      wave.width = w;
      wave.height = hgt;
    }
    const g = wave.getContext('2d');
    g.clearRect(0, 0, w, hgt);
    const a = view.analysis;
    const dur = a.episodeSeconds;
    const mid = hgt / 2;
    // pauses: bands along the bottom
    g.fillStyle = getComputedStyle(body).getPropertyValue('--pause') || '#c7d2fe';
    for (const [p0, p1] of a.pauses) g.fillRect((p0 / dur) * w, hgt - 6 * dpr, Math.max(1, ((p1 - p0) / dur) * w), 6 * dpr);
    // waveform: the highest peak of each column, mirrored
    g.fillStyle = '#7d8ea3';
    const n = a.peaks.length;
    for (let x = 0; x < w; x++) {
      const i0 = Math.floor((x / w) * n);
      const i1 = Math.max(i0 + 1, Math.floor(((x + 1) / w) * n));
      let v = 0;
      for (let i = i0; i < i1 && i < n; i++) if (a.peaks[i] > v) v = a.peaks[i];
      const half = (v / 255) * (mid - 8 * dpr);
      if (half > 0) g.fillRect(x, mid - half, 1, 2 * half);
    }
    // short-term loudness and the target: -50 LUFS at the bottom, -5 at the top
    const y = (lufs) => hgt - ((Math.min(-5, Math.max(-50, lufs)) + 50) / 45) * hgt;
    const L = a.loudness;
    g.strokeStyle = '#0f766e';
    g.setLineDash([6 * dpr, 4 * dpr]);
    g.lineWidth = dpr;
    g.beginPath();
    g.moveTo(0, y(L.targetLufs));
    g.lineTo(w, y(L.targetLufs));
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = '#0f766e';
    g.font = `${11 * dpr}px system-ui, sans-serif`;
    g.fillText(`target ${L.targetLufs} LUFS`, 4 * dpr, y(L.targetLufs) - 3 * dpr);
    g.strokeStyle = '#c2410c';
    g.lineWidth = 1.5 * dpr;
    g.beginPath();
    let pen = false;
    L.shortTermLufs.forEach((v, i) => {
      if (v === null) {
        pen = false;
        return;
      }
      const px = (i / L.perSecond / dur) * w;
      if (pen) g.lineTo(px, y(v));
      else g.moveTo(px, y(v));
      pen = true;
    });
    g.stroke();
  }

  function confClass(m) {
    if (m.corrected) return 'corrected';
    return m.confidence >= 0.8 ? 'conf-high' : m.confidence >= 0.5 ? 'conf-mid' : 'conf-low';
  }

  function drawMarks() {
    const dur = view.analysis.episodeSeconds;
    marksLayer.replaceChildren(
      ...marks.map((m, i) => {
        const b = h('button', {
          class: `mark ${confClass(m)}${i === selected ? ' selected' : ''}`,
          title: `${m.title} — ${hms(m.start)} (confidence ${m.confidence.toFixed(2)}${m.corrected ? ', corrected' : ''})`,
          'aria-label': `chapter mark ${m.title} at ${hms(m.start)}`,
          dataset: { id: m.id, start: String(m.start), label: m.title },
          onclick: (ev) => {
            ev.stopPropagation();
            selected = i;
            playMark(m);
            render();
          },
        });
        b.style.left = `${(m.start / dur) * 100}%`;
        return b;
      }),
    );
  }

  function drawChapters() {
    chaptersBody.replaceChildren(
      ...marks.map((m, i) =>
        h('tr', { class: i === selected ? 'selected' : '', dataset: { id: m.id } },
          h('td', { class: 'time' }, h('a', { href: '#', onclick: (ev) => { ev.preventDefault(); selected = i; playFrom(m.start); render(); } }, hms(m.start))),
          h('td', {},
            h('input', {
              class: 'title',
              value: m.title,
              'aria-label': `title of the chapter at ${hms(m.start)}`,
              maxlength: '200',
              onchange: (ev) => {
                const t = ev.target.value.trim();
                if (!t) {
                  ev.target.value = m.title;
                  return;
                }
                m.title = t;
                edit(m.id, { title: t });
                render();
              },
            }),
          ),
          h('td', { class: 'conf' }, m.corrected ? 'corrected' : m.confidence.toFixed(2)),
          h('td', {}, i === 0 ? '' : h('button', { class: 'remove', onclick: () => removeMark(i) }, 'Remove')),
        ),
      ),
    );
  }

  function drawNotRead() {
    const have = new Set(marks.map((m) => m.id));
    const items = view.notRead
      .filter((s) => !have.has(s.id))
      .map((s) =>
        h('li', { dataset: { id: s.id } },
          h('strong', {}, s.title),
          ' ',
          h('button', { class: 'give', onclick: () => startPlacing(s.id) }, placing === s.id ? 'Click a pause on the waveform (Enter: nearest the playhead)' : 'Give it a chapter'),
          h('span', { class: 'reason' }, s.reason),
        ),
      );
    const others = view.warnings.filter((w) => !view.notRead.some((s) => w.includes(`"${s.title}"`)));
    // a warning about a section the producer has since given a chapter or moved says so
    const corrected = (w) => marks.find((m) => m.corrected && w.includes(`"${sectionTitle(m.id)}"`));
    notReadList.replaceChildren(
      ...items,
      ...others.map((w) => {
        const m = corrected(w);
        return h('li', { class: m ? 'warning corrected' : 'warning' }, w, m ? h('span', { class: 'reason' }, `corrected: its chapter starts at ${hms(m.start)}`) : null);
      }),
      ...(view.corrections.problem ? [h('li', { class: 'warning' }, view.corrections.problem)] : []),
    );
    if (!notReadList.children.length) notReadList.append(h('li', {}, 'Nothing: every section was found in the recording.'));
  }

  function startPlacing(id) {
    placing = placing === id ? null : id;
    setStatus(placing ? `placing "${sectionTitle(id)}": click a pause on the waveform, or press Enter for the pause nearest the playhead (Esc cancels)` : '');
    render();
  }

  function drawCues() {
    cueList.replaceChildren(
      ...view.cues.map((c) =>
        h('li', { dataset: { start: String(c.startSeconds), end: String(c.endSeconds), section: c.sectionId }, onclick: () => playFrom(c.startSeconds) }, h('span', { class: 't' }, hms(c.startSeconds)), c.text),
      ),
    );
    highlightCue();
  }

  let currentCue = -1;
  function highlightCue() {
    const t = audio.currentTime;
    const i = view.cues.findIndex((c) => t >= c.startSeconds && t < c.endSeconds);
    if (i === currentCue) return;
    const items = cueList.children;
    if (items[currentCue]) items[currentCue].classList.remove('current');
    currentCue = i;
    if (items[i]) {
      items[i].classList.add('current');
      const top = items[i].offsetTop - cueList.offsetTop;
      if (top < cueList.scrollTop || top > cueList.scrollTop + cueList.clientHeight - 30) cueList.scrollTop = top - 40;
    }
  }

  function render() {
    document.getElementById('state').className = stateClass(view.state);
    document.getElementById('state').textContent = view.state;
    waveWrap.classList.toggle('placing', placing !== null);
    drawWave();
    drawMarks();
    drawChapters();
    drawNotRead();
    document.getElementById('save').disabled = !dirty;
  }

  function onKey(ev) {
    const tag = (ev.target && ev.target.tagName) || '';
    if (tag === 'INPUT' || tag === 'TEXTAREA') {
      if (ev.key === 'Escape') ev.target.blur();
      return;
    }
    if ((ev.ctrlKey || ev.metaKey) && ev.key.toLowerCase() === 's') {
      ev.preventDefault();
      save();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    const m = marks[selected];
    const step = ev.shiftKey ? 1 : 0.1;
    switch (ev.key) {
      case 'n':
      case 'j':
        select(selected + 1, true);
        break;
      case 'p':
      case 'k':
        select(selected - 1, true);
        break;
      case 'ArrowRight':
        moveMark(selected, m.start + step);
        break;
      case 'ArrowLeft':
        moveMark(selected, m.start - step);
        break;
      case 's':
        snapMark(selected);
        break;
      case ' ':
        if (m) playAround(m);
        break;
      case 'Delete':
      case 'Backspace':
        removeMark(selected);
        break;
      case 't': {
        const input = chaptersBody.querySelectorAll('input.title')[selected];
        if (input) input.focus();
        break;
      }
      case 'Enter':
        if (placing) giveChapter(placing, audio.currentTime);
        else return;
        break;
      case 'Escape':
        if (placing) startPlacing(placing);
        break;
      default:
        return;
    }
    ev.preventDefault();
  }

  async function showEpisode() {
    try {
      view = await api(`/api/episodes/${number}`);
    } catch (e) {
      app.replaceChildren(h('p', { class: 'error' }, e.message), h('p', {}, h('a', { href: withToken('/') }, 'All episodes')));
      return;
    }
    document.title = `#${view.number} — letterpod review`;
    statusEl = h('div', { id: 'status', role: 'status' });
    wave = h('canvas', { id: 'wave' });
    marksLayer = h('div', { id: 'marks' });
    playhead = h('div', { id: 'playhead' });
    waveWrap = h('div', {
      class: 'wave-wrap',
      onclick: (ev) => {
        const box = waveWrap.getBoundingClientRect();
        const t = ((ev.clientX - box.left) / box.width) * view.analysis.episodeSeconds;
        if (placing) giveChapter(placing, t);
        else playFrom(t);
      },
    }, wave, marksLayer, playhead);
    audio = h('audio', { id: 'player', controls: true, preload: 'metadata', src: `/audio/${number}.mp3?v=${view.audio.sha256.slice(0, 12)}` });
    audio.addEventListener('timeupdate', () => {
      if (stopAt !== null && audio.currentTime >= stopAt) {
        audio.pause();
        stopAt = null;
      }
      playhead.style.left = `${(audio.currentTime / view.analysis.episodeSeconds) * 100}%`;
      highlightCue();
    });
    chaptersBody = h('tbody', {});
    cueList = h('ul', { id: 'cues', class: 'plain' });
    notReadList = h('ul', { id: 'not-read', class: 'plain' });
    const notes = h('iframe', { class: 'notes', title: 'show notes', sandbox: 'allow-popups allow-popups-to-escape-sandbox' });
    notes.srcdoc = notesDoc();
    notesFrame = notes;
    app.replaceChildren(
      h('p', {}, h('a', { href: withToken('/') }, '← All episodes')),
      h('header', { class: 'episode' },
        h('div', {}, h('h1', {}, `#${view.number} ${view.title}`), h('span', { id: 'state' }), ' ', h('span', { class: 'reason', id: 'why' }, view.why || '')),
        h('div', { class: 'actions' },
          h('button', { id: 'save', onclick: () => save() }, 'Save corrections'),
          h('button', { id: 'approve', class: 'primary', onclick: () => approve() }, 'Approve'),
        ),
      ),
      statusEl,
      waveWrap,
      h('div', { class: 'legend' },
        h('span', {}, h('i', { style: 'background:#7d8ea3' }), 'waveform'),
        h('span', {}, h('i', { style: 'background:#c2410c' }), 'short-term loudness'),
        h('span', {}, h('i', { style: 'background:#0f766e' }), 'target'),
        h('span', {}, h('i', { style: 'background:#c7d2fe' }), 'pauses'),
        h('span', {}, 'marks: ', h('i', { style: 'background:#15803d' }), 'sure ', h('i', { style: 'background:#d97706' }), 'unsure ', h('i', { style: 'background:#dc2626' }), 'doubtful ', h('i', { style: 'background:#2563eb' }), 'corrected'),
      ),
      audio,
      h('div', { class: 'grid' },
        h('section', {},
          h('h2', {}, 'Chapters'),
          h('table', { id: 'chapters' }, h('thead', {}, h('tr', {}, ...['start', 'title for players', 'confidence', ''].map((t) => h('th', {}, t)))), chaptersBody),
          h('h2', {}, 'Not read, and notes'),
          notReadList,
          h('h2', {}, 'Speech cleanup'),
          h('ul', { id: 'cleanup', class: 'plain' }, ...(view.cleanup || []).map((line) => h('li', {}, line))),
        ),
        h('section', {}, h('h2', {}, 'Transcript'), cueList),
      ),
      h('h2', {}, 'Show notes'),
      notes,
      h('p', { class: 'keys' },
        h('kbd', {}, 'n'), '/', h('kbd', {}, 'p'), ' next/previous mark · ',
        h('kbd', {}, '←'), h('kbd', {}, '→'), ' nudge 0.1 s (', h('kbd', {}, 'Shift'), ' 1 s) · ',
        h('kbd', {}, 's'), ' snap to the nearest pause · ',
        h('kbd', {}, 'Space'), ' play around the mark · ',
        h('kbd', {}, 'Del'), ' remove · ',
        h('kbd', {}, 't'), ' edit title · ',
        h('kbd', {}, 'Ctrl'), '+', h('kbd', {}, 'S'), ' save'),
    );
    marksFromView();
    edits = JSON.parse(JSON.stringify(view.corrections.sections || {}));
    selected = 0;
    drawCues();
    render();
    if (view.corrections.problem) setStatus(view.corrections.problem, true);
    document.addEventListener('keydown', onKey);
    window.addEventListener('resize', () => drawWave());
    window.letterpodReview = { get view() { return view; }, get marks() { return marks; }, get edits() { return edits; }, get selected() { return selected; } };
  }

  if (body.dataset.page === 'episode') showEpisode();
  else showIndex();
})();
