import { App } from 'cdktf';
import { buildApp } from './app';

const app = new App();
buildApp(app);
app.synth();
