import { runService } from '@dj/service-kit';
import { buildConsoleApp } from './app';

const app = await buildConsoleApp({ distDir: process.env.CONSOLE_DIST_DIR, logLevel: process.env.LOG_LEVEL ?? 'info' });
await runService(app, { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8085) });
