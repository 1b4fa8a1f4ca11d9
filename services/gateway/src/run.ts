export { runService } from '@dj/service-kit';
