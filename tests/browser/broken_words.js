// Words in table cells that wrap inside themselves; date cells on more than one line.
// Evaluated in the page by tests/browser/page_checks.py.
(() => {
  // A word may end a line only after a hyphen or a slash; a date cell never wraps.
  const broken = [];
  const lineOf = (node, i) => {
    const r = document.createRange(); r.setStart(node, i); r.setEnd(node, i + 1);
    const rect = [...r.getClientRects()].find(x => x.width > 0);
    return rect ? Math.round(rect.top) : null;
  };
  for (const cell of document.querySelectorAll('th, td')) {
    if (!cell.getClientRects().length) continue;
    if (cell.matches('.date')) {  // the date itself, not the column name a card shows
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); let node; const tops = new Set();
      while ((node = walker.nextNode())) {
        if (node.parentElement.closest('.cell-label, .visually-hidden')) continue;
        const r = document.createRange(); r.selectNodeContents(node);
        [...r.getClientRects()].filter(x => x.width > 0).forEach(x => tops.add(Math.round(x.top)));
      }
      if (tops.size > 1) broken.push(`date cell "${cell.innerText.trim()}"`);
      continue;
    }
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT); let node;
    while ((node = walker.nextNode())) {
      if (!node.parentElement || !node.parentElement.getClientRects().length) continue;
      if (node.parentElement.closest('.visually-hidden')) continue;
      const re = /\S+/g; let m;
      while ((m = re.exec(node.data))) {
        let previous = lineOf(node, m.index);
        for (let i = m.index + 1; i < m.index + m[0].length; i++) {
          const line = lineOf(node, i);
          if (line !== null && previous !== null && line !== previous && !'-/\u2010\u2013\u2014'.includes(node.data[i - 1])) {
            broken.push(`"${m[0]}" in <${cell.tagName.toLowerCase()}>`); break;
          }
          if (line !== null) previous = line;
        }
      }
    }
  }
  return [...new Set(broken)];
})
