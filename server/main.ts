/** The only module that listens. */
import { loadConfig } from './config.ts';
import { buildServer } from './app.ts';
import { prepareDocuments } from './documents/pdf/prepare.ts';

const config = loadConfig();
const server = await buildServer(config).catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const hint = /address already in use/.test(message)
    ? `a port is taken (HTTP ${config.port}, RTC ${config.media.rtcPort}+): stop the other server or set PORT / RTC_PORT`
    : /mediasoup-worker not found/.test(message)
      ? 'run "npm run setup" first'
      : undefined;
  console.error(`Yunting could not start: ${message}${hint ? `\n  → ${hint}` : ''}`);
  process.exit(1);
});
const log = server.app.log;
// A last line of defence, not the way errors are handled: every background task catches and logs its
// own errors. Should one slip through, log it with its stack instead of ending every live hearing.
process.on('unhandledRejection', (reason) => log.error({ err: reason }, 'unhandled promise rejection (a bug: the task should have caught it)'));
const url = await server.listen();
// In the background: the first signing after a start should not pay for loading the CJK fonts.
prepareDocuments().catch((error: unknown) => log.warn({ err: error }, 'could not prepare the document pipeline (fonts); the first document will load them'));
log.info(`云庭 Yunting is listening on ${url}`);
log.info(`Staff console: ${url}/console`);
if (server.generatedAdminPassword) {
  // Shown once: the first admin's password was generated because ADMIN_PASSWORD was not set.
  console.log(`\n  First admin account — username: ${config.adminUsername}  password: ${server.generatedAdminPassword}\n`);
}

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) process.exit(1);
    stopping = true;
    log.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
