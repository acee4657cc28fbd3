import { mount } from 'svelte';

import './app.css';
import App from './App.svelte';
import { language } from './lib/i18n.svelte';

document.documentElement.lang = language();

const target = document.getElementById('app');
if (!target) throw new Error('#app missing from index.html');

export default mount(App, { target });
