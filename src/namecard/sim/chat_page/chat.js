/* The web chat: plays one LINE user. Sends texts, photos (picker, drag and drop, paste; several
 * at once as one image set) and button taps to /sim/chat/api/*, and shows the transcript the
 * long-polled feed returns: the user's messages on the right, the bot's on the left (text,
 * Flex, quick replies) and its typing dots. Plain JS, no build step. */
"use strict";
(function () {
  const API = "/sim/chat/api/";
  const MAX_PHOTOS = 50;
  const RETRY_MS = 1000;
  const userId = new URLSearchParams(window.location.search).get("user") || "";
  const log = document.getElementById("log");
  const quick = document.getElementById("quick");
  const composer = document.getElementById("composer");
  const input = document.getElementById("text");
  const files = document.getElementById("files");
  const drop = document.getElementById("drop");
  const status = document.getElementById("status");
  const photoUrls = new Map(); // simulator content id -> object URL of the photo sent
  let cursor = 0;
  let loadingShown = false;
  let lastSet = null; // the grid of the image set being shown

  /* ---- sending ------------------------------------------------------------------------ */

  function query(extra) {
    const params = new URLSearchParams(extra || {});
    if (userId) params.set("userId", userId);
    return params.toString();
  }

  async function post(path, body, contentType, extra) {
    const response = await fetch(API + path + "?" + query(extra), {
      method: "POST", headers: { "Content-Type": contentType }, body,
    });
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) notice(answer.message || `HTTP ${response.status}`);
    else if (answer.webhookStatus !== 200) notice(`webhook: HTTP ${answer.webhookStatus}`);
    return answer;
  }

  function postJson(path, body) {
    return post(path, JSON.stringify(body), "application/json");
  }

  function sendText(text) {
    if (text.trim()) return postJson("text", { text });
    return Promise.resolve();
  }

  function sendPostback(data, displayText) {
    return postJson("postback", { data: String(data || ""), displayText: displayText || "" });
  }

  async function sendPhotos(list) {
    const photos = Array.from(list || []).filter((f) => /^image\//.test(f.type));
    if (!photos.length) return;
    const chosen = photos.slice(0, MAX_PHOTOS);
    const set = chosen.length > 1 ? randomHex(32) : "";
    for (let i = 0; i < chosen.length; i += 1) {
      const extra = set ? { set, index: String(i + 1), total: String(chosen.length) } : {};
      const answer = await post("photo", chosen[i], chosen[i].type, extra);
      if (answer.messageId) showPhoto(answer.messageId, URL.createObjectURL(chosen[i]));
    }
  }

  function randomHex(length) {
    const bytes = new Uint8Array(length / 2);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("").toUpperCase();
  }

  function act(action) {
    if (!action || typeof action !== "object") return;
    hideQuick();
    switch (action.type) {
      case "message": return sendText(String(action.text || ""));
      case "postback": return sendPostback(action.data, action.displayText || action.text);
      case "camera": case "cameraRoll": return files.click();
      case "clipboard":
        return navigator.clipboard && navigator.clipboard.writeText(action.clipboardText || "");
      default: return notice(`這個模擬器不支援「${action.type}」動作`);
    }
  }

  /* ---- the transcript ----------------------------------------------------------------- */

  function atBottom() {
    return log.scrollHeight - log.scrollTop - log.clientHeight < 80;
  }

  function append(row) {
    const follow = atBottom();
    const dots = log.querySelector(".row-loading");
    log.insertBefore(row, dots);
    if (follow) log.scrollTop = log.scrollHeight;
  }

  function row(side, at) {
    const element = document.createElement("div");
    element.className = `row row-${side}`;
    if (side === "bot") {
      const avatar = document.createElement("span");
      avatar.className = "avatar";
      avatar.textContent = "名";
      element.appendChild(avatar);
    }
    const column = document.createElement("div");
    column.className = "column";
    element.appendChild(column);
    if (at) {
      const time = document.createElement("time");
      time.className = "stamp";
      time.textContent = new Date(at * 1000).toTimeString().slice(0, 5);
      element.appendChild(time);
    }
    return element;
  }

  function bubbleText(text, side) {
    const element = document.createElement("div");
    element.className = `msg msg-text msg-${side}`;
    element.textContent = text;
    return element;
  }

  function notice(text) {
    const element = document.createElement("div");
    element.className = "notice";
    element.textContent = text;
    append(element);
  }

  function showUser(item) {
    if (item.kind === "image") return showUserPhoto(item);
    lastSet = null;
    const line = row("user", item.at);
    line.querySelector(".column").appendChild(bubbleText(item.text, "user"));
    append(line);
  }

  function showUserPhoto(item) {
    const picture = photoElement(item.messageId);
    if (item.imageSet && lastSet && lastSet.dataset.set === item.imageSet) {
      lastSet.appendChild(picture);
      return;
    }
    const line = row("user", item.at);
    const grid = document.createElement("div");
    grid.className = "msg msg-photos";
    grid.dataset.set = item.imageSet || "";
    grid.appendChild(picture);
    line.querySelector(".column").appendChild(grid);
    lastSet = item.imageSet ? grid : null;
    append(line);
  }

  /* A photo sent from this page shows itself; one sent before a reload, a placeholder. */
  function photoElement(messageId) {
    const url = photoUrls.get(messageId);
    const picture = document.createElement(url ? "img" : "div");
    picture.className = url ? "photo" : "photo photo-missing";
    picture.dataset.messageId = messageId;
    if (url) {
      picture.src = url;
      picture.alt = "照片";
    } else {
      picture.textContent = "照片";
    }
    return picture;
  }

  function showPhoto(messageId, url) {
    photoUrls.set(messageId, url);
    for (const old of log.querySelectorAll(".photo-missing")) {
      if (old.dataset.messageId === messageId) old.replaceWith(photoElement(messageId));
    }
  }

  function showBot(item) {
    lastSet = null;
    const line = row("bot", item.at);
    const column = line.querySelector(".column");
    for (const message of item.messages || []) column.appendChild(botMessage(message));
    append(line);
    const messages = item.messages || [];
    const last = messages[messages.length - 1];
    if (last && last.quickReply && Array.isArray(last.quickReply.items)) {
      showQuick(last.quickReply.items);
    } else {
      hideQuick();
    }
  }

  function botMessage(message) {
    switch (message.type) {
      case "text": case "textV2": return bubbleText(textOf(message), "bot");
      case "flex": {
        const holder = document.createElement("div");
        holder.className = "msg msg-flex";
        holder.title = String(message.altText || "");
        holder.appendChild(window.NamecardFlex.render(message.contents, act));
        return holder;
      }
      case "image": {
        const picture = document.createElement("img");
        picture.className = "msg photo";
        picture.alt = "圖片";
        if (/^https:/.test(message.previewImageUrl || "")) picture.src = message.previewImageUrl;
        return picture;
      }
      case "sticker": return bubbleText("[貼圖]", "bot");
      default: return bubbleText(String(message.altText || `[${message.type}]`), "bot");
    }
  }

  function textOf(message) {
    const text = String(message.text || "");
    if (message.type !== "textV2" || !message.substitution) return text;
    return text.replace(/\{([^{}]+)\}/g, (whole, key) => {
      const part = message.substitution[key];
      if (!part) return whole;
      return part.type === "mention" ? "@" + (part.mentionee && part.mentionee.type === "all"
        ? "All" : "user") : "[emoji]";
    });
  }

  /* ---- quick replies and the typing dots ---------------------------------------------- */

  function showQuick(items) {
    const follow = atBottom(); // the bar takes room from the transcript: keep its end in view
    quick.replaceChildren();
    for (const item of items) {
      const action = item.action || {};
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = String(action.label || action.text || "");
      chip.addEventListener("click", () => act(action));
      quick.appendChild(chip);
    }
    quick.hidden = !items.length;
    if (follow) log.scrollTop = log.scrollHeight;
  }

  function hideQuick() {
    quick.hidden = true;
    quick.replaceChildren();
  }

  function setLoading(on) {
    loadingShown = on;
    const dots = log.querySelector(".row-loading");
    if (on && !dots) {
      const line = row("bot", 0);
      line.classList.add("row-loading");
      const bubble = document.createElement("div");
      bubble.className = "msg msg-loading";
      bubble.setAttribute("aria-label", "對方正在輸入");
      for (let i = 0; i < 3; i += 1) bubble.appendChild(document.createElement("i"));
      line.querySelector(".column").appendChild(bubble);
      const follow = atBottom();
      log.appendChild(line);
      if (follow) log.scrollTop = log.scrollHeight;
    } else if (!on && dots) {
      dots.remove();
    }
  }

  /* ---- the feed ----------------------------------------------------------------------- */

  async function follow() {
    let first = true; // the history at once, then wait for what comes next
    for (;;) {
      try {
        const params = { after: String(cursor), loading: String(loadingShown),
          wait: String(!first) };
        const response = await fetch(API + "feed?" + query(params), { cache: "no-store" });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        const page = await response.json();
        for (const item of page.items) {
          if (item.from === "user") showUser(item);
          else showBot(item);
        }
        cursor = page.cursor;
        setLoading(page.loading);
        status.className = "bar-status online";
        first = false;
      } catch (error) {
        status.className = "bar-status offline";
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /* ---- the composer and drag and drop ------------------------------------------------- */

  composer.addEventListener("submit", (event) => {
    event.preventDefault();
    const text = input.value;
    input.value = "";
    hideQuick();
    sendText(text);
  });
  files.addEventListener("change", () => {
    const chosen = Array.from(files.files || []);
    files.value = "";
    hideQuick();
    sendPhotos(chosen);
  });
  let dragDepth = 0;
  document.addEventListener("dragenter", (event) => {
    event.preventDefault();
    dragDepth += 1;
    drop.hidden = false;
  });
  document.addEventListener("dragover", (event) => event.preventDefault());
  document.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (!dragDepth) drop.hidden = true;
  });
  document.addEventListener("drop", (event) => {
    event.preventDefault();
    dragDepth = 0;
    drop.hidden = true;
    hideQuick();
    sendPhotos(event.dataTransfer && event.dataTransfer.files);
  });
  document.addEventListener("paste", (event) => {
    const pasted = Array.from((event.clipboardData && event.clipboardData.files) || []);
    if (pasted.length) {
      event.preventDefault();
      sendPhotos(pasted);
    }
  });

  follow();
})();
