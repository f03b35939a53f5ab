import './style.css';
import { App } from './app';

const app = new App(document);
app.start();
(window as unknown as { __intuition: App }).__intuition = app;
