// What a reader hears of new statuses while the tab is in the background, as BusyBird's
// viewer did: the unacked count on the tab's icon, and (opted in with the bar's button)
// a desktop notification when statuses at or above the level filter arrive.

const iconSize = 32;

// The page's icon with `count` on it (none for 0). Drawn on a canvas: a data: URL, which
// the page's Content-Security-Policy allows for images.
export function makeFaviconBadge() {
  const link = document.querySelector('link[rel="icon"]');
  if (!link) return () => {};
  const plain = link.getAttribute('href');
  const image = new Image();
  image.src = plain;
  let shown = 0;
  const draw = (count) => {
    shown = count;
    if (count <= 0) {
      link.setAttribute('href', plain);
      link.removeAttribute('data-count');
      return;
    }
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = iconSize;
    const g = canvas.getContext('2d');
    if (!g) return;
    if (image.complete && image.naturalWidth > 0) g.drawImage(image, 0, 0, iconSize, iconSize);
    const text = count > 99 ? '99+' : String(count);
    g.font = 'bold 15px sans-serif';
    const width = Math.max(16, g.measureText(text).width + 6);
    g.fillStyle = '#a4530f';
    if (typeof g.roundRect === 'function') {
      g.beginPath();
      g.roundRect(iconSize - width, iconSize - 17, width, 17, 8);
      g.fill();
    } else {
      g.fillRect(iconSize - width, iconSize - 17, width, 17);
    }
    g.fillStyle = '#ffffff';
    g.textAlign = 'center';
    g.textBaseline = 'middle';
    g.fillText(text, iconSize - width / 2, iconSize - 8);
    link.setAttribute('href', canvas.toDataURL('image/png'));
    link.setAttribute('data-count', String(count));
  };
  image.addEventListener('load', () => draw(shown), { once: true });
  return draw;
}

// The bar's notification button: asks for permission when pressed, and says whether
// notifications are on. Returns notify(title, body), which shows one only when they are
// on and the page is not in front.
export function setUpNotifications(button) {
  const supported = typeof window.Notification === 'function';
  const key = 'roost.notify';
  let wanted = false;
  try {
    wanted = window.localStorage.getItem(key) === 'on';
  } catch (e) {
    wanted = false;
  }
  const on = () => supported && wanted && window.Notification.permission === 'granted';
  const label = () => {
    if (!button) return;
    if (!supported) {
      button.hidden = true;
      return;
    }
    button.textContent = on() ? 'Notifications: on' : 'Notify me';
    button.setAttribute('aria-pressed', on() ? 'true' : 'false');
  };
  if (button && supported) {
    button.hidden = false;
    button.addEventListener('click', async () => {
      if (on()) {
        wanted = false;
      } else {
        const permission = window.Notification.permission === 'granted'
          ? 'granted'
          : await window.Notification.requestPermission();
        wanted = permission === 'granted';
      }
      try {
        window.localStorage.setItem(key, wanted ? 'on' : 'off');
      } catch (e) {
        // for this page only
      }
      label();
    });
  }
  label();
  return (title, body) => {
    if (!on() || document.visibilityState === 'visible' && document.hasFocus()) return;
    try {
      new window.Notification(title, { body, tag: 'roost:' + title, icon: '/static/roost.svg' });
    } catch (e) {
      // a browser that refuses (no permission after all): nothing to show
    }
  };
}
