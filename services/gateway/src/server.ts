import { runService } from '@dj/service-kit';
import { buildGateway, parseTrustedProxies } from './app';

function required(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`environment variable ${name} is required`);
  return v;
}

const app = await buildGateway(
  { identity: required('IDENTITY_URL'), inbox: required('INBOX_URL'), cases: required('CASES_URL'), noticeBoard: required('NOTICE_BOARD_URL'), console: required('CONSOLE_URL') },
  { logLevel: process.env.LOG_LEVEL ?? 'info', jwtSecret: process.env.JWT_SECRET, trustedProxies: parseTrustedProxies(process.env.TRUSTED_PROXIES) },
);
await runService(app, { host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 8080) });
