/**
 * GET /docs: a self-contained page (no CDN) that fetches /openapi.json, lists the operations and
 * offers a "try it" form per operation that sends the request with fetch and shows the answer.
 */
const SCRIPT = String.raw`
const root = document.getElementById('ops');
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
fetch('/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('title').textContent = doc.info.title + ' ' + doc.info.version;
  document.getElementById('desc').textContent = doc.info.description || '';
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const el = document.createElement('details');
      const body = op.requestBody && op.requestBody.content['application/json'];
      const example = body && body.example ? JSON.stringify(body.example, null, 2) : '';
      const params = [...(item.parameters || []), ...(op.parameters || [])].filter((p) => p.in === 'path');
      el.innerHTML = '<summary><b>' + method.toUpperCase() + '</b> <code>' + esc(path) + '</code> ' +
        esc(op.summary || '') + '</summary><p>' + esc(op.description || '') + '</p>' +
        params.map((p) => '<label>' + esc(p.name) + ' <input name="' + esc(p.name) + '"></label> ').join('') +
        (body ? '<textarea rows="10">' + esc(example) + '</textarea>' : '') +
        '<button>Try it</button><pre class="out"></pre>';
      el.querySelector('button').onclick = async () => {
        let url = path;
        for (const p of params) url = url.replace('{' + p.name + '}', encodeURIComponent(el.querySelector('input[name="' + p.name + '"]').value));
        const init = { method: method.toUpperCase(), headers: {} };
        if (body) { init.headers['content-type'] = 'application/json'; init.body = el.querySelector('textarea').value; }
        const out = el.querySelector('.out');
        out.textContent = 'sending…';
        const res = await fetch(url, init);
        const text = await res.text();
        let shown = text;
        try { shown = JSON.stringify(JSON.parse(text), null, 2); } catch { /* not JSON */ }
        out.textContent = res.status + ' ' + res.statusText + '\n' + shown;
      };
      root.appendChild(el);
    }
  }
});
`;

export const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Strata API</title>
<style>
body { font: 15px system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem; }
details { border: 1px solid #ccc; border-radius: 4px; margin: .5rem 0; padding: .5rem; }
textarea { width: 100%; font: 13px monospace; }
pre { background: #f6f6f6; padding: .5rem; overflow: auto; max-height: 30rem; }
</style>
</head>
<body>
<h1 id="title">Strata API</h1>
<p id="desc"></p>
<p>Contract: <a href="/openapi.json">/openapi.json</a></p>
<div id="ops"></div>
<script>${SCRIPT}</script>
</body>
</html>
`;
