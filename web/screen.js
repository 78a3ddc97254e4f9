// A live session's screen, read-only, in xterm.js. What it is given is
// escortd's own repaint of the screen libvterm keeps on the broker (cursor
// positions, colours and attributes as SGR sequences escortd makes, and the
// printable characters of the cells, controls and bidirectional or
// invisible characters already replaced): no byte the operator wrote
// reaches this terminal, so none of their escape sequences acts here. It
// takes no input (disableStdin) and has no addons (no links).
//
// xterm.js's DOM renderer adds <style> elements; the page's policy allows
// only those carrying the nonce escortd made for this response (in the
// style-nonce <meta>), so the <style> elements made on this page get it.

const nonce = document.querySelector('meta[name="style-nonce"]')?.content ?? "";
const createElement = document.createElement.bind(document);
document.createElement = (name, options) => {
  const made = createElement(name, options);
  if (String(name).toLowerCase() === "style") made.nonce = nonce;
  return made;
};

let xterm = null; // the module, loaded at the first screen watched

// Shows session id's screen in box (box.term is the Terminal: the tests read
// its buffer); calls ended(why) when the stream ends. Returns the stream.
export async function watchScreen(id, box, ended) {
  xterm ??= await import("/xterm.mjs");
  const term = new xterm.Terminal({
    disableStdin: true, cursorBlink: false, scrollback: 0, cols: 80, rows: 24,
    fontSize: 13, convertEol: false,
  });
  term.open(box);
  box.term = term;
  const source = new EventSource(`/api/screen?session=${encodeURIComponent(id)}`);
  source.addEventListener("screen", (e) => {
    const data = JSON.parse(e.data);
    if (data.cols !== term.cols || data.rows !== term.rows) term.resize(data.cols, data.rows);
    term.write(data.paint);
  });
  for (const name of ["ended", "refused", "signed-out"]) {
    source.addEventListener(name, (e) => {
      source.close();
      ended(JSON.parse(e.data));
    });
  }
  return source;
}
