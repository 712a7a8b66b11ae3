import { App } from 'cdktn';
import { buildApp } from './multi-cloud';

const app = new App();
buildApp(app);
app.synth();
