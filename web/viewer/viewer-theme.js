// Light or dark: the system's choice by default, or the one the reader picks with the
// bar's theme button (system → light → dark → system), kept in the browser. The choice is
// the `data-theme` attribute of <html>, which viewer.css reads.

const key = 'roost.theme';
const choices = ['system', 'light', 'dark'];

function stored() {
  try {
    const value = window.localStorage.getItem(key);
    return choices.includes(value) ? value : 'system';
  } catch (e) {
    return 'system';
  }
}

function apply(choice) {
  if (choice === 'system') document.documentElement.removeAttribute('data-theme');
  else document.documentElement.setAttribute('data-theme', choice);
}

// Applies the stored choice and wires the page's #theme-button, if it has one.
export function setUpTheme() {
  let choice = stored();
  apply(choice);
  const button = document.getElementById('theme-button');
  if (!button) return;
  const label = () => {
    button.textContent = 'Theme: ' + choice;
    button.setAttribute('aria-label', 'Colour theme: ' + choice + ' (change)');
  };
  label();
  button.addEventListener('click', () => {
    choice = choices[(choices.indexOf(choice) + 1) % choices.length];
    apply(choice);
    label();
    try {
      window.localStorage.setItem(key, choice);
    } catch (e) {
      // kept for this page only
    }
  });
}
