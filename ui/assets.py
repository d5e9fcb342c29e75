"""The page's CSS and the one script that makes ``[n]`` citations and "Copy with sources" work.

Gradio's Chatbot sanitizes message HTML (no ``onclick``, no ``data-*``), but keeps plain
``<a href="#id" class="...">`` anchors. So the answer carries ordinary fragment links and one
document-level listener, installed through ``launch(head=...)``, catches clicks on them in the
capture phase: it opens any folded ``<details>`` around the card, scrolls it into view and marks
it active. Catching the click before Gradio does also stops the Chatbot from treating it as a
link to follow.

"Copy with sources" is such a link too (``#kutip-md-T``): it copies turn T's Markdown export,
kept as text in a hidden textarea of the sources panel. The clipboard API needs a secure page
(``localhost`` or https); on plain http over a network the old ``execCommand`` copy still works.
"""

from __future__ import annotations

HEAD = """
<script>
(() => {
  if (window.__kutipCitations) return;
  window.__kutipCitations = true;
  function showSource(id) {
    const card = document.getElementById(id);
    if (!card) return false;
    let fold = card.closest('details');
    while (fold) {
      fold.open = true;
      fold = fold.parentElement && fold.parentElement.closest('details');
    }
    document.querySelectorAll('.kutip-card.kutip-active')
      .forEach((c) => c.classList.remove('kutip-active'));
    card.classList.add('kutip-active');
    card.scrollIntoView({behavior: 'smooth', block: 'center'});
    card.setAttribute('tabindex', '-1');
    card.focus({preventScroll: true});
    return true;
  }
  function fallbackCopy(text) {
    const area = document.createElement('textarea');
    area.value = text;
    area.setAttribute('readonly', '');
    area.style.position = 'fixed';
    area.style.opacity = '0';
    document.body.appendChild(area);
    area.select();
    let ok = false;
    try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    area.remove();
    return ok ? Promise.resolve() : Promise.reject(new Error('copy refused'));
  }
  function copySources(link) {
    const id = (link.getAttribute('href') || '').slice(1);
    const source = document.getElementById(id);
    const label = link.textContent;
    const say = (text) => {
      link.textContent = text;
      setTimeout(() => { link.textContent = label; }, 1500);
    };
    if (!source) { say('Sources not loaded'); return; }
    const text = source.value;
    const copy = navigator.clipboard && window.isSecureContext
      ? navigator.clipboard.writeText(text).catch(() => fallbackCopy(text))
      : fallbackCopy(text);
    copy.then(() => say('Copied ✓'), () => say('Copy failed'));
  }
  document.addEventListener('click', (ev) => {
    const target = ev.target instanceof Element ? ev.target : null;
    const copy = target && target.closest('a.kutip-copy');
    if (copy) {
      ev.preventDefault();
      ev.stopPropagation();
      copySources(copy);
      return;
    }
    const link = target && target.closest('a.kutip-cite');
    if (!link) return;
    const href = link.getAttribute('href') || '';
    if (!href.startsWith('#kutip-src-')) return;
    ev.preventDefault();
    ev.stopPropagation();
    showSource(href.slice(1));
  }, true);
  window.kutipShowSource = showSource;
})();
</script>
"""

CSS = """
#kutip-sources-col { max-height: 78vh; overflow-y: auto; }
.kutip-sources, .kutip-articles, .kutip-viewer { font-size: 0.95rem; line-height: 1.5; }
.kutip-empty { color: var(--body-text-color-subdued); padding: 12px 4px; }
.kutip-turn-head { font-size: 1rem; margin: 4px 0 6px; }
.kutip-q { font-weight: 400; color: var(--body-text-color-subdued); }
.kutip-note { font-size: 0.85rem; color: var(--body-text-color-subdued); margin: 2px 0 6px; }
.kutip-card {
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px;
  margin: 8px 0; background: var(--background-fill-primary);
  transition: box-shadow 0.3s, border-color 0.3s;
}
.kutip-card.kutip-active {
  border-color: var(--color-accent); box-shadow: 0 0 0 3px var(--color-accent-soft); outline: none;
}
.kutip-card-head { display: flex; gap: 6px; align-items: baseline; }
.kutip-n { font-weight: 700; color: var(--color-accent); }
.kutip-title { font-weight: 600; }
.kutip-meta { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.kutip-para { margin: 6px 0 0; }
mark.kutip-hit { background: #fff1a8; color: inherit; padding: 0 2px; border-radius: 3px; }
del.kutip-flagged { color: #a33; text-decoration: line-through; cursor: help; }
.kutip-card.kutip-active mark.kutip-hit { background: #ffd23f; }
.dark mark.kutip-hit { background: #5c4d00; }
.dark .kutip-card.kutip-active mark.kutip-hit { background: #8a7200; }
.kutip-label { color: var(--color-accent); font-weight: 700; }
.kutip-gone { font-size: 0.85rem; color: var(--body-text-color-subdued); }
.kutip-whole, .kutip-older { margin: 8px 0; }
.kutip-whole summary, .kutip-older summary, .kutip-details summary {
  cursor: pointer; color: var(--body-text-color-subdued);
}
.kutip-article-text { white-space: pre-wrap; margin-top: 6px; }
a.kutip-cite {
  text-decoration: none; font-weight: 700; padding: 0 3px; border-radius: 4px;
  background: var(--color-accent-soft); cursor: pointer;
}
a.kutip-copy {
  display: inline-block; font-size: 0.8rem; text-decoration: none; padding: 1px 8px;
  border: 1px solid var(--border-color-primary); border-radius: 999px;
  color: var(--body-text-color-subdued); cursor: pointer;
}
a.kutip-copy:hover { border-color: var(--color-accent); color: var(--color-accent); }
.kutip-summary { font-size: 0.9rem; color: var(--body-text-color-subdued); margin: 0 0 6px; }
.kutip-rewrite, .kutip-closest { color: var(--body-text-color-subdued); }
.kutip-refusal { border-left: 3px solid #d97706; padding-left: 8px; }
.kutip-error { border-left: 3px solid #dc2626; padding-left: 8px; }
.kutip-pending { color: var(--body-text-color-subdued); font-style: italic; }
.kutip-status { font-size: 0.9rem; padding: 2px 4px; min-height: 1.4em; }
.kutip-status-busy { color: var(--body-text-color-subdued); }
.kutip-status-ok { color: #15803d; }
.kutip-status-error { color: #b91c1c; white-space: pre-wrap; }
.kutip-articles table { width: 100%; border-collapse: collapse; }
.kutip-articles th, .kutip-articles td {
  text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--border-color-primary);
}
.kutip-viewer {
  border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 8px 12px;
}
#kutip-quote-view-col { max-height: 78vh; overflow-y: auto; }
.kutip-quote-view, .kutip-timeline { font-size: 0.95rem; line-height: 1.5; }
.kutip-quote-who { margin: 0 0 4px; }
.kutip-speaker { font-weight: 600; }
.kutip-cue, .kutip-undated { color: var(--body-text-color-subdued); }
.kutip-timeline h4 { margin: 4px 0 6px; }
.kutip-timeline ol { list-style: none; padding: 0; margin: 0; }
.kutip-timeline-item {
  display: flex; gap: 12px; padding: 6px 0 6px 12px;
  border-left: 3px solid var(--color-accent-soft);
}
.kutip-timeline-date { flex: 0 0 6.5em; font-variant-numeric: tabular-nums; }
.kutip-timeline-body { flex: 1; }
"""
