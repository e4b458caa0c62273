/** The dashboard's styles. */
export default String.raw`
:root {
  --bg: #f5f6f8; --panel: #fff; --line: #e2e5ea; --ink: #1d2330; --muted: #687083; --accent: #2f6fde;
  --good: #2e8b57; --watch: #c98a12; --warning: #c8423b; --chip: #eef1f5;
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg);
}
* { box-sizing: border-box; }
body { margin: 0; }
h1 { font-size: 20px; margin: 0; letter-spacing: .02em; }
h2 { font-size: 13px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 0 0 10px; }
h3 { font-size: 13px; margin: 12px 0 6px; display: flex; gap: 6px; align-items: center; }
h3:first-child { margin-top: 0; }
ul, ol { list-style: none; margin: 0; padding: 0; }

.top { display: flex; justify-content: space-between; align-items: center; padding: 12px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
.brand { display: flex; align-items: baseline; gap: 12px; }
.tagline { color: var(--muted); font-size: 12px; }
.where { display: flex; gap: 14px; align-items: center; font-size: 13px; }
.mode { font-weight: 600; padding: 2px 10px; border-radius: 999px; background: var(--chip); }
.mode-live { background: #e3f3e9; color: var(--good); }
.mode-replay { background: #fdf1dc; color: var(--watch); }
/* A past moment on its way: the panels still show another one. */
body[data-loading] main { opacity: 0.45; transition: opacity 0.2s; }
.point { color: var(--muted); }
.connection.on { color: var(--good); }
.connection.off { color: var(--warning); }
.token-form { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 12px 24px; padding: 12px; border-radius: 8px; background: var(--chip); }
.token-form[hidden] { display: none; }
.token-form input { flex: 1; min-width: 16em; font: inherit; padding: 4px 8px; }
.token-error { color: var(--warning); }

.timeline { display: flex; align-items: center; gap: 14px; padding: 10px 20px; background: var(--panel); border-bottom: 1px solid var(--line); }
.timeline input[type=range] { flex: 1; accent-color: var(--accent); }
.live-toggle { font-weight: 600; display: flex; gap: 6px; align-items: center; }
.slider-label { font-variant-numeric: tabular-nums; color: var(--muted); min-width: 90px; text-align: right; }

.grid { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 16px; padding: 16px 20px; }
.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 10px; padding: 14px 16px; min-width: 0; }
.panel.wide { grid-column: span 2; }
.panel.full { grid-column: 1 / -1; }
.panel.tall { grid-row: span 2; }
@media (max-width: 1000px) { .grid { grid-template-columns: minmax(0, 1fr); } .panel.wide, .panel.full { grid-column: auto; } .panel.tall { grid-row: auto; } }
.empty, .more { color: var(--muted); font-style: italic; margin: 4px 0; }
.count { background: var(--chip); color: var(--muted); border-radius: 999px; padding: 0 8px; font-size: 11px; font-weight: 600; }

.text { white-space: pre-wrap; overflow-wrap: anywhere; }
.meta { color: var(--muted); font-size: 12px; display: flex; flex-wrap: wrap; gap: 6px; align-items: center; margin-top: 3px; }
.id { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 11px; }
.tag { background: var(--chip); border-radius: 4px; padding: 0 6px; font-size: 11px; color: var(--ink); }
.who { font-weight: 600; color: var(--ink); }
.seen { color: var(--muted); font-size: 12px; margin-left: auto; }
.role-chip { font-size: 11px; color: var(--accent); margin-left: 4px; }
.topic { font-style: italic; }
.badge { background: #e3f3e9; color: var(--good); border-radius: 4px; padding: 0 6px; font-size: 11px; font-weight: 600; }
.why { color: var(--muted); font-size: 12px; margin-top: 4px; }

.columns { display: grid; grid-template-columns: repeat(3, minmax(0, 1fr)); gap: 12px; }
.column h3 { margin-top: 0; }
.card { border: 1px solid var(--line); border-left: 3px solid var(--line); border-radius: 6px; padding: 8px 10px; margin-bottom: 8px; background: #fcfcfd; }
.card-title { font-weight: 600; overflow-wrap: anywhere; }
.task-claimed { border-left-color: var(--accent); }
.task-stale { border-left-color: var(--watch); }
.count-stale { color: var(--watch); margin-left: 4px; }
.task-completed { border-left-color: var(--good); opacity: .85; }
.task-abandoned { border-left-color: var(--muted); opacity: .7; }
.owner, .outcome { font-size: 12px; margin-top: 6px; display: flex; flex-wrap: wrap; gap: 6px; align-items: baseline; }
.outcome .text { flex-basis: 100%; color: var(--muted); }
.lease { font-variant-numeric: tabular-nums; background: #e8effc; color: var(--accent); border-radius: 4px; padding: 0 6px; margin-left: auto; }
.owner.stale { color: var(--watch); }

.role { border-bottom: 1px solid var(--line); padding: 8px 0; }
.role:last-child { border-bottom: 0; }
.role-head { display: flex; align-items: baseline; }
.role-name { font-weight: 700; text-transform: capitalize; }
.stats { font-size: 12px; }
.members li { font-size: 12px; display: flex; flex-wrap: wrap; gap: 4px; align-items: baseline; }
.members li.left { opacity: .6; }
.holds { color: var(--accent); }

.messages .message { border-bottom: 1px solid var(--line); padding: 7px 0; }
.messages .message:last-child { border-bottom: 0; }
.to { color: var(--accent); }

.convergence { background: #f3faf6; border: 1px solid #d3ecdd; border-radius: 8px; padding: 10px 12px; margin-bottom: 12px; }
.cluster { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 6px 0; }
.cluster-head { font-weight: 600; font-size: 12px; margin-bottom: 4px; }
.cluster li { margin: 3px 0; }
.cluster-echo { opacity: .75; }
.links { list-style: none; padding: 0; margin: 6px 0 0; }
.link { margin: 4px 0; }
.path { display: flex; flex-wrap: wrap; align-items: center; gap: 4px; font-size: 12px; }
.path .node { border: 1px solid var(--line); border-radius: 4px; padding: 1px 6px; font-weight: 600; }
.path .hop { border: 1px dashed var(--line); border-radius: 4px; padding: 1px 6px; }
.path .arrow { opacity: .7; }
.path .arrow.none { font-style: italic; }
.judgment, .contrast { border-radius: 8px; padding: 0 6px; font-size: 11px; border: 1px solid var(--line); }
.judgment-confirmed { border-color: var(--good); }
.judgment-rejected { text-decoration: line-through; }
.warn { font-size: 12px; color: var(--warning); }
.echoes summary { cursor: pointer; color: var(--muted); font-size: 12px; margin-top: 6px; }
.finding-list .finding { border-bottom: 1px solid var(--line); padding: 7px 0; }
.finding-list .finding:last-child { border-bottom: 0; }
.finding.converged { border-left: 3px solid var(--good); padding-left: 8px; }
.synthesis { border-left: 3px solid var(--accent); padding: 4px 0 4px 8px; margin-bottom: 8px; }

.health .overall { font-weight: 600; margin-bottom: 8px; }
.health .window { color: var(--muted); font-weight: 400; font-size: 12px; }
.signals { display: grid; grid-template-columns: repeat(auto-fill, minmax(230px, 1fr)); gap: 10px; }
.signal { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; border-top: 3px solid var(--good); }
.signal-head { display: flex; justify-content: space-between; align-items: flex-start; gap: 8px; }
.signal-head .chip { flex-shrink: 0; white-space: nowrap; }
.signal-name { font-weight: 600; text-transform: capitalize; }
.signal-body { display: flex; align-items: center; gap: 10px; margin-top: 4px; }
.value { font-size: 20px; font-weight: 700; font-variant-numeric: tabular-nums; min-width: 48px; }
.chip { font-size: 11px; border-radius: 999px; padding: 0 8px; background: var(--chip); }
.status-good { border-top-color: var(--good); } .status-good .chip, .overall.status-good { color: var(--good); }
.status-watch { border-top-color: var(--watch); } .status-watch .chip, .overall.status-watch { color: var(--watch); }
.status-warning { border-top-color: var(--warning); } .status-warning .chip, .overall.status-warning { color: var(--warning); }
.status-unjudged { border-top-color: var(--line); }
.spark { overflow: visible; }
.spark .line { fill: none; stroke: var(--accent); stroke-width: 1.6; }
.spark .base { stroke: var(--line); stroke-width: 1; }
.spark .dot { fill: var(--accent); }

.questions .question { padding: 6px 0; border-bottom: 1px solid var(--line); }
.questions .question:last-child { border-bottom: 0; }
.question-closed { opacity: .7; }
.resolution { font-size: 12px; color: var(--good); }

.other details { margin: 4px 0; }
.json { font-size: 11px; background: #f7f8fa; padding: 8px; border-radius: 6px; max-height: 300px; overflow: auto; white-space: pre-wrap; }
.foot { color: var(--muted); font-size: 12px; padding: 0 20px 20px; }
`;
