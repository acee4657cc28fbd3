// First: the desk's start is asked for before the rest of the script is evaluated.
import './lib/first-startup';
import { mount } from 'svelte';

import './app.css';
import App from './App.svelte';
import { loadLanguage } from './lib/i18n.svelte';

const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');

// The saved language first (English is a chunk of its own), then the first screen.
export default loadLanguage().then(() => mount(App, { target }));
