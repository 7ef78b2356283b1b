// A file straight to the bucket: the presigned POST's fields, then the file, as a form (what the
// chat window and the console both do). XMLHttpRequest, not fetch: only it reports the upload's
// progress. Resolves when the bucket took it; rejects with "cancelled" after `abort()`.

export function postToBucket({ url, fields }, file, onProgress) {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  form.append("file", file);
  const request = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    request.upload.addEventListener("progress", (event) => {
      if (event.lengthComputable) onProgress((100 * event.loaded) / event.total);
    });
    request.addEventListener("load", () =>
      request.status < 300 ? resolve() : reject(new Error(`upload ${request.status}`))
    );
    request.addEventListener("error", () => reject(new Error("upload failed")));
    request.addEventListener("abort", () => reject("cancelled"));
    request.open("POST", url);
    request.send(form);
  });
  return { done, abort: () => request.abort() };
}
