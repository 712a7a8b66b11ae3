#!/usr/bin/env node
/**
 * Run by `npm publish` (prepublishOnly): refuses to publish while package.json names no real
 * repository. jsii requires `repository.url` to build at all (jsii's project-info.ts: "The
 * package.json file must specify the repository.url attribute"), so the field holds a reserved
 * placeholder (RFC 2606 .invalid) until the project has a public home; a published package must
 * not point users at it.
 */
const { repository } = require('../package.json');

const url = typeof repository === 'string' ? repository : repository?.url ?? '';
const host = URL.canParse(url.replace(/^git\+/, '')) ? new URL(url.replace(/^git\+/, '')).hostname : '';
if (host === '' || host === 'invalid' || host.endsWith('.invalid')) {
  console.error(`package.json repository.url is a placeholder (${url || 'empty'}): set the project's real repository before publishing.`);
  process.exit(1);
}
