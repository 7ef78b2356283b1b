// Files in a chat and in team chat (docs/console.md): a message's file as a thumbnail or a
// download link, and the composer's paperclip, pasted screenshot and dropped file, which go
// straight to the bucket (progress below the composer) and then into a message by upload_id.
import { addStrings, ApiError, api, el, icon, session, showError, t, toast } from "./core.js";
import { postToBucket } from "../../common/upload.js";

addStrings({
  de: {
    openImage: "Bild {name} groß öffnen",
    downloadFile: "{name} herunterladen",
    attach: "Datei anhängen (Bild, PDF oder Text)",
    uploading: "Datei wird hochgeladen",
    fileTooLarge: "Die Datei ist zu groß (höchstens {max} MB).",
    fileType: "Dieser Dateityp ist nicht erlaubt (nur Bilder, PDF und Text).",
    fileFailed: "Die Datei konnte nicht gesendet werden. Bitte versuchen Sie es noch einmal.",
  },
  en: {
    openImage: "Open image {name} large",
    downloadFile: "Download {name}",
    attach: "Attach a file (image, PDF or text)",
    uploading: "Uploading the file",
    fileTooLarge: "The file is too large (at most {max} MB).",
    fileType: "This type of file is not allowed (only images, PDF and text).",
    fileFailed: "The file could not be sent. Please try again.",
  },
});

/** A message's file: an image as a thumbnail that opens large, else a link that downloads it.
 * Its address is asked for when shown (good for 15 minutes). */
export function fileOf(message) {
  const { file } = message;
  const path = `/rooms/${encodeURIComponent(message.room_id)}/files/${encodeURIComponent(file.upload_id)}`;
  const address = () => api("GET", path).then((found) => found.url);
  const link = el("a", { class: "file", target: "_blank", rel: "noopener noreferrer", href: "#" });
  if (file.content_type.startsWith("image/")) {
    link.setAttribute("aria-label", t("openImage", { name: file.name }));
    const image = el("img", { alt: file.name });
    link.append(image);
    address().then((url) => {
      image.src = url;
      link.href = url;
    });
  } else {
    const size = `${Math.max(1, Math.round(file.size / 1024))} KB`;
    link.append(`${file.name} (${file.content_type}, ${size})`);
    link.setAttribute("aria-label", t("downloadFile", { name: file.name }));
    link.addEventListener("click", async (event) => {
      event.preventDefault();
      window.open(await address(), "_blank", "noopener");
    });
  }
  return link;
}

/** The paperclip (a button and its hidden input) and the progress bar for a composer `form`,
 * which also takes a pasted or dropped file; `send(file)` gets `{upload_id, name}` once the
 * bucket has it. */
export function attachFiles(form, roomId, send) {
  const input = el("input", { type: "file", hidden: true, accept: session.uploadTypes.join(",") });
  const progress = el("progress", { max: 100, value: 0, "aria-label": t("uploading") });
  progress.hidden = true;
  const button = el("button", {
    type: "button",
    class: "icon-button",
    id: "attach",
    "aria-label": t("attach"),
    title: t("attach"),
    onclick: () => input.click(),
  });
  button.append(icon("clip"));

  async function attach(file) {
    if (!session.uploadTypes.includes(file.type)) return toast(t("fileType"), "error");
    const max = session.maxUploadBytes;
    if (file.size > max)
      return toast(t("fileTooLarge", { max: Math.floor(max / 2 ** 20) }), "error");
    // A pasted screenshot has no name of its own.
    const name = file.name || `screenshot-${new Date().toISOString().slice(0, 19)}.png`;
    const body = { name, content_type: file.type, size: file.size };
    try {
      const upload = await api("POST", `/rooms/${roomId}/uploads`, body);
      progress.value = 0;
      progress.hidden = false;
      await postToBucket(upload, file, (percent) => {
        progress.value = percent;
      }).done;
      send({ upload_id: upload.upload_id, name });
    } catch (error) {
      if (error instanceof ApiError) showError(error);
      else toast(t("fileFailed"), "error");
    } finally {
      progress.hidden = true;
    }
  }

  input.addEventListener("change", () => {
    const [file] = input.files;
    input.value = "";
    if (file) attach(file);
  });
  form.addEventListener("paste", (event) => {
    const [file] = event.clipboardData?.files ?? [];
    if (!file) return; // text is pasted as text
    event.preventDefault();
    attach(file);
  });
  form.addEventListener("dragover", (event) => event.preventDefault());
  form.addEventListener("drop", (event) => {
    const [file] = event.dataTransfer?.files ?? [];
    if (!file) return;
    event.preventDefault();
    attach(file);
  });
  return { button, input, progress };
}
