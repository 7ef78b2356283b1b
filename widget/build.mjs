// Builds the visitor widget from widget/src/ into the files the snippet and the iframe load:
//   widget/loader.js   the snippet (minified; its size is printed and budgeted by the tests)
//   widget/chat.html   the chat window, with chat.js and chat.css (minified, cache-busted)
// Usage: node widget/build.mjs            (make runs it whenever a source changed)
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const src = (name) => join(here, "src", name);
const out = (name) => join(here, name);
const version = (text) => createHash("sha256").update(text).digest("hex").slice(0, 10);
// Browsers of the last few years (2022 on); nothing newer than what they all run.
const target = ["chrome100", "edge100", "firefox100", "safari15"];

async function bundle(entry, define = {}) {
  const result = await esbuild.build({
    entryPoints: [src(entry)],
    bundle: true,
    minify: true,
    format: "iife",
    target,
    define,
    legalComments: "none",
    charset: "utf8",
    write: false,
  });
  return result.outputFiles[0].text;
}

const css = (
  await esbuild.build({
    entryPoints: [src("chat.css")],
    minify: true,
    target,
    charset: "utf8",
    write: false,
  })
).outputFiles[0].text;
const chatJs = await bundle("chat.js");
const html = readFileSync(src("chat.html"), "utf8")
  .replace('href="chat.css"', `href="chat.css?v=${version(css)}"`)
  .replace('src="chat.js"', `src="chat.js?v=${version(chatJs)}"`);
// The loader is one self-contained function already: minified as it is, without a wrapper.
const loader = (
  await esbuild.transform(readFileSync(src("loader.js"), "utf8"), {
    minify: true,
    target,
    define: { __CHAT__: JSON.stringify(`chat.html?v=${version(html + css + chatJs)}`) },
    legalComments: "none",
    charset: "utf8",
  })
).code;

writeFileSync(out("chat.css"), css);
writeFileSync(out("chat.js"), chatJs);
writeFileSync(out("chat.html"), html);
writeFileSync(out("loader.js"), loader);

const bytes = Buffer.from(loader);
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
console.log(
  `widget: loader.js ${bytes.length} B raw, ${gzip} B gzip, ${brotli} B brotli; ` +
    `chat.js ${Buffer.byteLength(chatJs)} B, chat.css ${Buffer.byteLength(css)} B`
);
