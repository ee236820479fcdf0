// A CSS selector that finds this element again: its id when unique, else the path of tags (with
// :nth-of-type where siblings share a tag) up to the nearest unique id or the root. Shared by
// collect.js and mobile.js (page.py puts it in front of them).
(el) => {
  const cssEscape = (s) => (window.CSS && CSS.escape) ? CSS.escape(s) : s.replace(/[^a-zA-Z0-9_-]/g, "\\$&");
  if (el.id && document.querySelectorAll("#" + cssEscape(el.id)).length === 1) {
    return "#" + cssEscape(el.id);
  }
  const parts = [];
  let node = el;
  while (node && node.nodeType === 1 && node !== document.documentElement) {
    if (node.id && document.querySelectorAll("#" + cssEscape(node.id)).length === 1) {
      parts.unshift("#" + cssEscape(node.id));
      return parts.join(" > ");
    }
    let part = node.tagName.toLowerCase();
    const parent = node.parentElement;
    if (parent) {
      // Walk the siblings rather than list them: a list of 50,000 items made this quadratic.
      let index = 1, sibling = node.previousElementSibling, later = node.nextElementSibling;
      for (; sibling; sibling = sibling.previousElementSibling) if (sibling.tagName === node.tagName) index++;
      while (later && later.tagName !== node.tagName) later = later.nextElementSibling;
      if (index > 1 || later) part += ":nth-of-type(" + index + ")";
    }
    parts.unshift(part);
    node = parent;
  }
  parts.unshift("html");
  return parts.join(" > ");
}
