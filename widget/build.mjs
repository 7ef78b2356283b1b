// Builds the visitor widget from widget/src/ into the files the snippet and the iframe load:
//   widget/loader.js   the snippet (minified; its size is printed and budgeted by the tests)
//   widget/button.js   the chat button, which the snippet loads once someone can answer
//   widget/check.js    the diagnosis box of a page opened with #livechat-check
//   widget/chat.html   the chat window, with chat.js and chat.css (minified, cache-busted)
//   widget/console/    the agent console: index.html, console.js, console.css (same treatment)
// Usage: node widget/build.mjs            (make runs it whenever a source changed)
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";
import * as esbuild from "esbuild";

const here = dirname(fileURLToPath(import.meta.url));
const src = (name) => join(here, "src", name);
const consoleSrc = (name) => join(here, "console", "src", name);
const out = (name) => join(here, name);
const version = (text) => createHash("sha256").update(text).digest("hex").slice(0, 10);
// Browsers of the last few years (2022 on); nothing newer than what they all run.
const target = ["chrome100", "edge100", "firefox100", "safari15"];

async function bundle(entryPath, define = {}) {
  const result = await esbuild.build({
    entryPoints: [entryPath],
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

async function stylesheet(path) {
  const result = await esbuild.build({
    entryPoints: [path],
    minify: true,
    target,
    charset: "utf8",
    write: false,
  });
  return result.outputFiles[0].text;
}

/** The page with its script and stylesheet named by content, so that caches never mix versions. */
function page(htmlPath, name, js, css) {
  return readFileSync(htmlPath, "utf8")
    .replace(`href="${name}.css"`, `href="${name}.css?v=${version(css)}"`)
    .replace(`src="${name}.js"`, `src="${name}.js?v=${version(js)}"`);
}

const css = await stylesheet(src("chat.css"));
const chatJs = await bundle(src("chat.js"));
const html = page(src("chat.html"), "chat", chatJs, css);
// The snippet's parts are self-contained functions already: minified as they are, no wrapper.
async function script(path, define) {
  const result = await esbuild.transform(readFileSync(path, "utf8"), {
    minify: true,
    target,
    define: Object.fromEntries(Object.entries(define).map(([k, v]) => [k, JSON.stringify(v)])),
    legalComments: "none",
    charset: "utf8",
  });
  return result.code;
}
const buttonJs = await script(src("button.js"), {
  __CHAT__: `chat.html?v=${version(html + css + chatJs)}`,
});
const checkJs = await script(src("check.js"), {});
const loader = await script(src("loader.js"), {
  __BUTTON__: `button.js?v=${version(buttonJs)}`,
  __CHECK__: `check.js?v=${version(checkJs)}`,
});

writeFileSync(out("chat.css"), css);
writeFileSync(out("chat.js"), chatJs);
writeFileSync(out("chat.html"), html);
writeFileSync(out("loader.js"), loader);
writeFileSync(out("button.js"), buttonJs);
writeFileSync(out("check.js"), checkJs);

const consoleCss = await stylesheet(consoleSrc("console.css"));
const consoleJs = await bundle(consoleSrc("console.js"));
mkdirSync(out("console"), { recursive: true });
writeFileSync(out("console/console.css"), consoleCss);
writeFileSync(out("console/console.js"), consoleJs);
writeFileSync(
  out("console/index.html"),
  page(consoleSrc("index.html"), "console", consoleJs, consoleCss)
);
// The installable console: its service worker (one fixed name: a browser updates the worker it
// registered when the file changes), the web app manifest and the icons.
writeFileSync(out("console/sw.js"), await bundle(consoleSrc("sw.js")));
for (const name of ["manifest.webmanifest", "icon.svg", "icon-192.png", "icon-512.png"]) {
  copyFileSync(consoleSrc(name), out(`console/${name}`));
}

const bytes = Buffer.from(loader);
const gzip = gzipSync(bytes, { level: 9 }).length;
const brotli = brotliCompressSync(bytes, {
  params: { [constants.BROTLI_PARAM_QUALITY]: 11 },
}).length;
console.log(
  `widget: loader.js ${bytes.length} B raw, ${gzip} B gzip, ${brotli} B brotli; ` +
    `button.js ${gzipSync(buttonJs, { level: 9 }).length} B gzip; ` +
    `chat.js ${Buffer.byteLength(chatJs)} B, chat.css ${Buffer.byteLength(css)} B; ` +
    `console.js ${Buffer.byteLength(consoleJs)} B, console.css ${Buffer.byteLength(consoleCss)} B`
);
