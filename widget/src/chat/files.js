// Files in the chat: the paperclip, a dropped file or a pasted screenshot goes straight to the
// bucket (a presigned POST, with a progress bar and cancel), then into a message by its
// upload_id. Files in messages show as a thumbnail (images) or a card with a download button;
// their addresses are asked for when shown and are good for 15 minutes.
import { newClientId } from "../../common/ids.js";
import { postToBucket } from "../../common/upload.js";
import { el, isActive, roomPath, t, ui } from "./context.js";

const MB = 1024 * 1024;
const IMAGE = /^image\//;

/** The file tools of the chat window's `state`; `outbox` sends the message that carries one. */
export class Attachments {
  constructor(state, { call, outbox, view }) {
    Object.assign(this, { state, call, outbox, view });
    this.request = null; // the upload running, to cancel it
  }

  setup() {
    ui.attach.addEventListener("click", () => ui.file.click());
    ui.file.addEventListener("change", () => {
      const [file] = ui.file.files;
      ui.file.value = "";
      if (file) this.send(file);
    });
    ui.text.addEventListener("paste", (event) => {
      const file = [...(event.clipboardData?.files || [])][0];
      if (!file || !this.usable()) return;
      event.preventDefault();
      this.send(file);
    });
    ui.card.addEventListener("dragover", (event) => {
      if (this.usable()) event.preventDefault();
    });
    ui.card.addEventListener("drop", (event) => {
      const file = event.dataTransfer?.files?.[0];
      if (!file || !this.usable()) return;
      event.preventDefault();
      this.send(file);
    });
    ui.uploadCancel.addEventListener("click", () => this.request?.abort());
  }

  usable() {
    const { config, room } = this.state;
    return Boolean(config?.upload_types?.length) && isActive(room) && !this.request;
  }

  render() {
    ui.attach.hidden = !this.usable() && !this.request;
    if (this.state.config) ui.file.accept = this.state.config.upload_types.join(",");
  }

  async send(file) {
    const { config, room } = this.state;
    if (!config.upload_types.includes(file.type)) return this.view.showError(t("fileType"));
    if (file.size > config.max_upload_bytes) return this.tooLarge();
    const name = file.name || `screenshot-${new Date().toISOString().slice(0, 19)}.png`;
    const body = { name, content_type: file.type, size: file.size };
    try {
      const { data } = await this.call("POST", roomPath(room.room_id, "/uploads"), body);
      ui.uploadProgress.value = 0;
      ui.upload.hidden = false;
      this.request = postToBucket(data, file, (percent) => {
        ui.uploadProgress.value = percent;
      });
      this.render();
      await this.request.done;
      this.outbox.queueMessage("", newClientId("v"), { upload_id: data.upload_id, name });
    } catch (error) {
      if (error === "cancelled") return;
      if (error.code === "file_too_large") this.tooLarge();
      else if (error.code === "unsupported_type") this.view.showError(t("fileType"));
      else if (error.code === "uploads_off") this.view.showError(t("filesOff"));
      else this.view.showError(t("fileFailed"));
    } finally {
      this.request = null;
      ui.upload.hidden = true;
      this.render();
    }
  }

  tooLarge() {
    this.view.showError(
      t("fileTooLarge", { max: Math.floor(this.state.config.max_upload_bytes / MB) })
    );
  }

  /** A message's file: an image as a thumbnail that opens large, anything else as a card. */
  node(file) {
    return IMAGE.test(file.content_type) ? this.thumbnail(file) : this.card(file);
  }

  thumbnail(file) {
    const link = el("a", "file-image");
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.setAttribute("aria-label", t("openImage", { name: file.name }));
    const image = el("img");
    image.alt = file.name;
    link.append(image);
    this.address(file).then((url) => {
      image.src = url;
      link.href = url;
    });
    return link;
  }

  card(file) {
    const card = el("div", "file-card");
    const size =
      file.size >= MB ? `${(file.size / MB).toFixed(1)} MB` : `${Math.ceil(file.size / 1024)} KB`;
    card.append(
      el("span", "file-name", file.name),
      el("span", "file-meta", `${file.content_type} · ${size}`)
    );
    const download = el("a", "file-download", "⬇");
    download.setAttribute("aria-label", t("downloadFile", { name: file.name }));
    download.title = download.getAttribute("aria-label");
    download.rel = "noopener noreferrer";
    download.target = "_blank";
    download.href = "#";
    download.addEventListener("click", async (event) => {
      event.preventDefault();
      window.open(await this.address(file), "_blank", "noopener");
    });
    card.append(download);
    return card;
  }

  async address(file) {
    const path = roomPath(this.state.room.room_id, `/files/${encodeURIComponent(file.upload_id)}`);
    const { data } = await this.call("GET", path);
    return data.url;
  }
}
