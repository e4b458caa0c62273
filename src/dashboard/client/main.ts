/**
 * main.js: loads the views, renders every panel, follows the log over server-sent events and
 * drives the time slider. It only ever reads: nothing on the page changes the log.
 */
export default String.raw`
import { h, replace } from './dom.js';
import { dateTime } from './format.js';
import { renderTasks, leaseText } from './tasks.js';
import { renderRoles } from './roles.js';
import { renderMessages } from './messages.js';
import { renderQuestions } from './questions.js';
import { renderFindings } from './findings.js';
import { renderHealth } from './health.js';
import { renderOther } from './other.js';

const KNOWN = ['tasks', 'activity', 'inbox', 'questions', 'findings', 'convergence', 'health'];
const SERIES_POINTS = 12;
const SERIES_EVERY_MS = 5000;

const $ = (id) => document.getElementById(id);
const state = { live: true, at: 0, head: 0, data: null, series: null, skewMs: 0, seq: 0, seriesLoadedAt: 0, seriesLoading: false, timer: 0, loading: null };

// ---- the read token: asked for once when the server wants one, kept for this tab's session ----

const TOKEN_KEY = 'cairn.readToken';
const token = () => sessionStorage.getItem(TOKEN_KEY);

function withToken(headers) {
  const t = token();
  return t ? { ...headers, Authorization: 'Bearer ' + t } : headers;
}

class TokenNeeded extends Error {}

/** The server refused for want of a (valid) token: ask for one, and stop until it is given. */
function askForToken(message) {
  if (token()) sessionStorage.removeItem(TOKEN_KEY);
  $('token-form').hidden = false;
  replace($('token-error'), message || '');
  replace($('mode'), 'token needed');
  return new TokenNeeded(message);
}

function refusedForToken(response, body) {
  const code = body && body.error && body.error.code;
  return response.status === 401 && (code === 'token_required' || code === 'invalid_token');
}

const NOT_VALID = 'that token is not valid here';

async function getJson(url, signal) {
  const sent = token();
  const response = await fetch(url, { headers: withToken({ Accept: 'application/json' }), signal });
  const body = await response.json();
  if (refusedForToken(response, body)) throw askForToken(sent ? NOT_VALID : '');
  if (!response.ok) throw new Error((body && body.error && body.error.message) || ('HTTP ' + response.status));
  return body;
}

/** The moment the page shows: the server's now (live, corrected for clock skew) or the replayed moment. */
function nowMs() {
  if (state.live || !state.data) return Date.now() + state.skewMs;
  return Date.parse(state.data.now);
}

// The board's lists arrive first and convergence and health follow, so a long log never keeps
// the board blank: live, the lists are indexed tables; at a past moment, the lists' own tables
// fold several times faster than the clusters and causality those two read.
const FIRST = 'tasks,activity,inbox,questions,findings';
const THEN = 'convergence,health';

async function load() {
  const seq = ++state.seq;
  // A newer load replaces the one on its way, which is cancelled: a month in, a past moment
  // takes the server a minute or two to fold, and it stops folding for a page that moved on.
  if (state.loading) state.loading.abort();
  state.loading = new AbortController();
  const signal = state.loading.signal;
  try {
    const at = state.live ? '' : 'at=' + state.at + '&';
    if (!state.live) {
      // Until it arrives the panels still show another moment: say so.
      document.body.dataset.loading = 'true';
      replace($('mode'), 'loading');
      replace($('point'), 'folding the log as it stood at position ' + state.at + '…');
    }
    const first = await getJson('/api/views?' + at + 'view=' + FIRST, signal);
    if (seq !== state.seq) return; // a newer request is on its way
    // Live, the last convergence and health stay until theirs arrive; a past moment shows none of another's.
    const folded = state.live && state.data && state.data.views ? { convergence: state.data.views.convergence, health: state.data.views.health } : {};
    show({ ...first, views: { ...folded, ...first.views } });
    const then = await getJson('/api/views?' + at + 'view=' + THEN, signal);
    if (seq !== state.seq) return;
    show({ ...first, views: { ...first.views, ...then.views } });
  } catch (error) {
    if (seq !== state.seq || error.name === 'AbortError' || error instanceof TokenNeeded) return;
    delete document.body.dataset.loading;
    replace($('mode'), 'error: ' + error.message);
  }
}

function show(data) {
  delete document.body.dataset.loading;
  state.data = data;
  if (state.live) state.skewMs = Date.parse(data.now) - Date.now();
  setHead(Number(data.head));
  render();
  loadSeries();
}

function scheduleLoad(delay) {
  clearTimeout(state.timer);
  state.timer = setTimeout(load, delay === undefined ? 150 : delay);
}

// The chart's history, from the first event to now. A past moment shows the part of it up to
// then, ending at the moment itself: folding the log once more for a chart of its own would
// double what each position of the slider costs the server. One request at a time, never
// cancelled: a month in, the server's first fold for it takes a minute, which it shares, and
// later ones fold only what was appended since.
async function loadSeries() {
  const views = state.data && state.data.views;
  if (!views || !views.health || state.seriesLoading) return;
  if (Date.now() - state.seriesLoadedAt < SERIES_EVERY_MS) return;
  state.seriesLoading = true;
  try {
    state.series = (await getJson('/api/series?view=health&points=' + SERIES_POINTS)).points;
    panel('health', () => renderHealth(state.data.views.health, shownSeries()));
  } catch (error) {
    state.series = null;
  } finally {
    state.seriesLoading = false;
    state.seriesLoadedAt = Date.now();
  }
}

function shownSeries() {
  if (state.live || !state.series) return state.series;
  const then = Number(state.data.position);
  return state.series.filter((point) => Number(point.position) <= then).concat([{ view: state.data.views.health }]);
}

function panel(id, build) {
  const body = $(id).querySelector('.body');
  try {
    replace(body, build());
  } catch (error) {
    // One view of an unexpected shape must not blank the others.
    replace(body, h('p', { class: 'empty' }, 'Cannot show this view: ' + error.message));
  }
}

function render() {
  const data = state.data;
  const v = data.views || {};
  const ctx = { nowMs: nowMs(), live: state.live };
  panel('tasks', () => renderTasks(v.tasks, ctx));
  panel('roles', () => renderRoles(v.activity, ctx));
  panel('findings', () => renderFindings(v.findings, v.convergence, ctx));
  panel('messages', () => renderMessages(v.inbox, ctx));
  panel('questions', () => renderQuestions(v.questions));
  panel('health', () => renderHealth(v.health, shownSeries()));
  const other = renderOther(v, KNOWN);
  $('other').hidden = !other;
  panel('other', () => other);
  document.body.dataset.mode = state.live ? 'live' : 'replay';
  document.body.dataset.position = String(data.position);
  replace($('mode'), state.live ? 'live' : 'replay');
  $('mode').className = 'mode ' + (state.live ? 'mode-live' : 'mode-replay');
  replace($('point'), 'position ' + data.position + ' · ' + (state.live ? 'now ' : 'as of ') + dateTime(data.now));
}

function setHead(head) {
  if (Number.isFinite(head) && head > state.head) state.head = head;
  const slider = $('slider');
  slider.max = String(state.head);
  if (state.live) slider.value = String(state.head);
  replace($('slider-label'), (state.live ? state.head : slider.value) + ' / ' + state.head);
}

function connected(on) {
  replace($('connection'), on ? '● connected' : '○ reconnecting');
  $('connection').className = 'connection ' + (on ? 'on' : 'off');
}

/**
 * Follows the log's server-sent events. Read with fetch rather than EventSource, which cannot
 * send a token; like EventSource it resumes after the last id it saw, with no gap and no repeat.
 */
async function follow() {
  let lastId = '';
  for (;;) {
    try {
      // No position at first: only events after the current head.
      const sent = token();
      const response = await fetch('/api/events' + (lastId ? '?after=' + lastId : ''), { headers: withToken({ Accept: 'text/event-stream' }) });
      if (!response.ok) {
        const body = await response.json().catch(() => null);
        if (refusedForToken(response, body)) throw askForToken(sent ? NOT_VALID : '');
        throw new Error('HTTP ' + response.status);
      }
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const fields = {};
          for (const line of block.split('\n')) {
            const colon = line.indexOf(':');
            if (colon > 0) fields[line.slice(0, colon)] = line.slice(colon + 1).replace(/^ /, '');
          }
          if (fields.event === 'ready') {
            connected(true);
            if (state.live && state.data) scheduleLoad(); // catch up on anything written while disconnected
          } else if (fields.id !== undefined && fields.event === undefined) {
            lastId = fields.id;
            setHead(Number(fields.id));
            if (state.live) scheduleLoad();
          }
        }
      }
    } catch (error) {
      if (error instanceof TokenNeeded) return; // follow() starts again once a token is given
    }
    connected(false);
    await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Lease countdowns tick in the browser between updates; an expiry reloads the board. */
function tick() {
  if (!state.live || !state.data) return;
  const now = nowMs();
  let expired = false;
  for (const el of document.querySelectorAll('[data-lease-until]')) {
    const remaining = Date.parse(el.getAttribute('data-lease-until')) - now;
    if (remaining <= 0 && el.textContent !== 'expired') expired = true;
    el.textContent = leaseText(remaining);
  }
  if (expired) scheduleLoad(0);
}

function wire() {
  const slider = $('slider');
  slider.addEventListener('input', () => {
    state.live = false;
    $('live').checked = false;
    state.at = Number(slider.value);
    replace($('slider-label'), slider.value + ' / ' + state.head);
    scheduleLoad(120);
  });
  $('live').addEventListener('change', () => {
    state.live = $('live').checked;
    if (!state.live) state.at = state.head;
    scheduleLoad(0);
  });
  setInterval(tick, 1000);
}

$('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  sessionStorage.setItem(TOKEN_KEY, $('token').value.trim());
  $('token').value = '';
  $('token-form').hidden = true;
  replace($('token-error'), '');
  start();
});

function start() {
  follow();
  load();
}

wire();
start();
`;
