// A message's text as nodes: addresses that start with http:// or https:// become links that
// open in a new tab without handing it this window (rel="noopener noreferrer"); `@name` of the
// given names is marked as a mention. Nothing else is interpreted: the rest stays text nodes,
// so no markup a writer types can reach the page.
const ADDRESS = /\bhttps?:\/\/[^\s<>"'`]+/gi;
// Punctuation that ends a sentence rather than the address ("see https://x.example/a.").
const TRAILING = /[.,;:!?)\]}»“”]+$/;

/** Nodes of `text` for `document`, links made and `mentions` (names, any case) marked. */
export function textWithLinks(document, text, mentions = []) {
  const nodes = [];
  let from = 0;
  for (const match of text.matchAll(ADDRESS)) {
    const address = match[0].replace(TRAILING, "");
    if (!isWebAddress(address)) continue;
    nodes.push(...marked(document, text.slice(from, match.index), mentions));
    const link = document.createElement("a");
    link.href = address;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.textContent = address;
    nodes.push(link);
    from = match.index + address.length;
  }
  nodes.push(...marked(document, text.slice(from), mentions));
  return nodes;
}

function isWebAddress(address) {
  try {
    const url = new URL(address);
    return (url.protocol === "http:" || url.protocol === "https:") && Boolean(url.hostname);
  } catch {
    return false;
  }
}

function marked(document, text, mentions) {
  const names = mentions.filter(Boolean).map((name) => `@${name}`.toLowerCase());
  if (!names.length || !text.includes("@")) return text ? [text] : [];
  const nodes = [];
  const lower = text.toLowerCase();
  let from = 0;
  for (let at = lower.indexOf("@"); at !== -1; at = lower.indexOf("@", at + 1)) {
    if (at < from) continue;
    const name = names.find(
      (wanted) =>
        lower.startsWith(wanted, at) && !/[\p{L}\p{N}]/u.test(text[at + wanted.length] || "")
    );
    if (!name) continue;
    if (at > from) nodes.push(text.slice(from, at));
    const mark = document.createElement("mark");
    mark.className = "mention";
    mark.textContent = text.slice(at, at + name.length);
    nodes.push(mark);
    from = at + name.length;
  }
  if (from < text.length) nodes.push(text.slice(from));
  return nodes;
}
