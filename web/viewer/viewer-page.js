// What both pages share: building their own elements, messages, and the bar's logout form.
// Text from outside (timeline names, messages) only ever goes in as textContent.

// <tag class=cls name=value...>text</tag>; `text` is optional.
export function el(tag, cls, attributes, text) {
  const e = document.createElement(tag);
  if (cls) e.setAttribute('class', cls);
  if (attributes) for (const [name, value] of attributes) e.setAttribute(name, value);
  if (text !== undefined) e.textContent = text;
  return e;
}

// Shows `text` in `node`, or hides the node for none.
export function showMessage(node, text) {
  node.textContent = text || '';
  node.hidden = !text;
}

// Logged in through the login page: who, and the way out.
export function showUser(config) {
  if (!config.user) return;
  const logout = document.getElementById('logout');
  const userName = document.getElementById('user-name');
  if (logout && userName) {
    userName.textContent = config.user;
    logout.hidden = false;
  }
}
