// Loaded with `node --expose-gc --require bench/heapProbe.cjs dist/server.js --stdio` by the
// reliability bench (never by the product): on SIGUSR2 the server process collects garbage and
// writes its heap use to stderr, where the bench reads it.
process.on('SIGUSR2', () => {
  global.gc();
  global.gc();
  const m = process.memoryUsage();
  process.stderr.write(`heap-probe ${m.heapUsed} ${m.rss}\n`);
});
