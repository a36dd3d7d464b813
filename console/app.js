// The console's shell: the API key, who it belongs to, the views its roles may open, errors.
import { apiKey, ApiError, get } from './api.js';
import { el } from './format.js';
import { initialWeekStart } from './week.js';
import * as mapView from './views/map.js';
import * as energyView from './views/energy.js';
import * as ordersView from './views/orders.js';
import * as statementsView from './views/statements.js';
import * as auditView from './views/audit.js';

/** Each view, and the roles whose key may read what it shows. */
const VIEWS = {
  map: { module: mapView, roles: null },
  energy: { module: energyView, roles: null },
  orders: { module: ordersView, roles: ['buyer', 'operator'] },
  statements: { module: statementsView, roles: ['operator', 'buyer', 'producer', 'host'] },
  audit: { module: auditView, roles: ['auditor'] },
};

const state = { me: null, weekStart: initialWeekStart(), siteId: null, rendering: 0 };

const main = document.getElementById('main');
const errorBox = document.getElementById('error');
const nav = document.getElementById('views-nav');
const whoami = document.getElementById('whoami');
const keyInput = document.getElementById('api-key');

export function showError(error) {
  const message =
    error instanceof ApiError
      ? `${error.status === 401 ? 'The API key was refused' : `The API answered ${error.status}`}: ${error.message}`
      : `Something went wrong: ${error?.message ?? error}`;
  errorBox.textContent = message;
  errorBox.hidden = false;
}

function clearError() {
  errorBox.hidden = true;
  errorBox.textContent = '';
}

const allowed = (view) =>
  !VIEWS[view].roles || VIEWS[view].roles.some((role) => state.me?.roles.includes(role));

function currentView() {
  const requested = location.hash.replace(/^#\/?/, '').split('?')[0];
  if (VIEWS[requested] && allowed(requested)) return requested;
  return Object.keys(VIEWS).find(allowed);
}

async function render() {
  if (!state.me) return;
  const view = currentView();
  for (const link of nav.querySelectorAll('a[data-view]')) {
    const name = link.dataset.view;
    link.parentElement.hidden = !allowed(name);
    if (name === view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  clearError();
  const ticket = ++state.rendering;
  const section = el('section', {
    class: 'view',
    'aria-labelledby': `${view}-title`,
    'data-view': view,
  });
  main.replaceChildren(section);
  try {
    await VIEWS[view].module.render(section, {
      state,
      // A slower earlier render must not paint over the current one.
      isCurrent: () => ticket === state.rendering,
      navigate: (target) => {
        location.hash = `#${target}`;
      },
      showError,
    });
  } catch (error) {
    if (ticket === state.rendering) showError(error);
  }
}

async function signIn(key) {
  apiKey.set(key);
  clearError();
  try {
    state.me = await get('/v1/participants/me');
  } catch (error) {
    apiKey.clear();
    state.me = null;
    signedOut();
    showError(error);
    return;
  }
  whoami.textContent = `Signed in as ${state.me.id} (${state.me.roles.join(', ')})`;
  nav.hidden = false;
  await render();
  main.focus();
}

function signedOut() {
  whoami.textContent = '';
  nav.hidden = true;
  main.replaceChildren(
    el(
      'section',
      { class: 'welcome' },
      el('h2', {}, 'Paste an API key to start'),
      el('p', {}, "Paste a participant's API key to see what its roles may see."),
    ),
  );
}

document.getElementById('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const key = keyInput.value.trim();
  keyInput.value = '';
  if (key) void signIn(key);
});

document.getElementById('forget-key').addEventListener('click', () => {
  apiKey.clear();
  state.me = null;
  clearError();
  signedOut();
});

window.addEventListener('hashchange', () => void render());

const stored = apiKey.get();
if (stored) void signIn(stored);
