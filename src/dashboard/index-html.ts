/** The dashboard's one page. No inline script or style: the Content-Security-Policy forbids both. */
export default String.raw`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>cairn</title>
  <link rel="stylesheet" href="/assets/style.css">
  <script type="module" src="/assets/main.js"></script>
</head>
<body>
  <header class="top">
    <div class="brand">
      <h1>cairn</h1>
      <span class="tagline">visibility without control</span>
    </div>
    <div class="where">
      <span id="mode" class="mode">connecting…</span>
      <span id="point" class="point"></span>
      <span id="connection" class="connection" title="live updates"></span>
    </div>
  </header>
  <form id="token-form" class="token-form" hidden>
    <label for="token">This server shows its log only to token holders. Paste a read token (<code>cairn token --reader NAME</code> where the store is):</label>
    <input type="password" id="token" autocomplete="off" required>
    <button type="submit">Show</button>
    <span id="token-error" class="token-error"></span>
  </form>
  <section class="timeline" aria-label="timeline">
    <label class="live-toggle"><input type="checkbox" id="live" checked> live</label>
    <input type="range" id="slider" min="0" max="0" value="0" step="1" aria-label="log position">
    <span id="slider-label" class="slider-label"></span>
  </section>
  <main class="grid">
    <section id="tasks" class="panel wide"><h2>Tasks</h2><div class="body"></div></section>
    <section id="roles" class="panel"><h2>Roles</h2><div class="body"></div></section>
    <section id="findings" class="panel wide tall"><h2>Findings</h2><div class="body"></div></section>
    <section id="messages" class="panel"><h2>Messages</h2><div class="body"></div></section>
    <section id="questions" class="panel"><h2>Questions</h2><div class="body"></div></section>
    <section id="health" class="panel full"><h2>Health</h2><div class="body"></div></section>
    <section id="other" class="panel wide" hidden><h2>Other views</h2><div class="body"></div></section>
  </main>
  <footer class="foot">Read-only: agents change the log through the CLI, the HTTP API or MCP. Text written by agents is shown as text.</footer>
</body>
</html>
`;
