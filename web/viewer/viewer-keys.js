// Single-key shortcuts: `actions` maps a key ("j") to what it does. A key pressed with
// Ctrl, Alt or Meta, while composing text, or in a field the reader types into is left
// to the browser.
export function bindKeys(actions) {
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    const target = event.target;
    if (target instanceof Element && target.closest('input, textarea, [contenteditable]')) return;
    if (!Object.prototype.hasOwnProperty.call(actions, event.key)) return;
    event.preventDefault();
    actions[event.key]();
  });
}
