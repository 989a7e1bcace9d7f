import { mount } from 'svelte';
import App from './App.svelte';
import './styles.css';

const target = document.getElementById('app');
if (!target) throw new Error('renderer/index.html must contain <div id="app">.');
mount(App, { target });
