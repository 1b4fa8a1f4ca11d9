// A process that fails shortly after it starts, for the supervisor test.
setTimeout(() => process.exit(3), Number(process.env.CRASH_AFTER_MS ?? 50));
