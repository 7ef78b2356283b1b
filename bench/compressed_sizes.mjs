// Prints {"<path>": {"raw", "gzip", "brotli"}} for each file named on the command line, with
// the settings of widget/build.mjs (gzip level 9, brotli quality 11), what a CDN serves at best.
// Usage: node bench/compressed_sizes.mjs FILE...
import { readFileSync } from "node:fs";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const sizes = {};
for (const path of process.argv.slice(2)) {
  const bytes = readFileSync(path);
  sizes[path] = {
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, {
      params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
    }).length,
  };
}
console.log(JSON.stringify(sizes));
