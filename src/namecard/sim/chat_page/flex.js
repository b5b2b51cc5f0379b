/* Flex Message JSON -> DOM, as the LINE app lays it out: bubbles and carousels of boxes
 * (vertical, horizontal, baseline), texts and spans, buttons, images, icons, separators,
 * fillers and spacers, with LINE's keyword sizes, spacing, margins, flex ratios and colours.
 * Plain JS, no build step: exposes window.NamecardFlex.render(contents, onAction). */
"use strict";
(function (global) {
  const TEXT_SIZES = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29,
    "3xl": 35, "4xl": 48, "5xl": 74 };
  const SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  const IMAGE_SIZES = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160,
    "3xl": 180, "4xl": 200, "5xl": 220 };
  const BUBBLE_WIDTHS = { nano: 120, micro: 160, deca: 220, hecto: 241, kilo: 260,
    mega: 300, giga: 386 };
  const BORDER_WIDTHS = { none: 0, light: 0.5, normal: 1, medium: 2, semiBold: 3, bold: 4 };
  const BLOCK_PADDING = { header: 20, hero: 0, body: 20, footer: 10 };
  const ALIGN = { start: "flex-start", center: "center", end: "flex-end" };
  const JUSTIFY = { "flex-start": "flex-start", center: "center", "flex-end": "flex-end",
    "space-between": "space-between", "space-around": "space-around",
    "space-evenly": "space-evenly" };
  const LINK_SCHEMES = /^(https?:|tel:|mailto:|line:)/i;
  const IMAGE_SCHEMES = /^(https:|data:image\/|blob:)/i;

  function length(value, table) {
    if (typeof value !== "string") return null;
    if (table && Object.prototype.hasOwnProperty.call(table, value)) return table[value] + "px";
    return /^\d+(\.\d+)?(px|%)$/.test(value) ? value : null;
  }

  function node(tag, className) {
    const element = document.createElement(tag);
    if (className) element.className = className;
    return element;
  }

  function colour(value) {
    return typeof value === "string" && /^#[0-9a-fA-F]{6}([0-9a-fA-F]{2})?$/.test(value)
      ? value : null;
  }

  /* ---- layout shared by every component inside a box ---------------------------------- */

  function placeChild(element, component, parentLayout, index, spacing) {
    const vertical = parentLayout === "vertical";
    const gap = component.margin !== undefined ? length(component.margin, SPACING)
      : (index > 0 ? length(spacing, SPACING) : null);
    if (gap) element.style[vertical ? "marginTop" : "marginLeft"] = gap;
    const fallback = component.type === "filler" ? 1 : (vertical ? 0 : 1);
    const grow = Number.isInteger(component.flex) ? component.flex : fallback;
    const fixed = component.type === "separator" || component.type === "icon"
      || component.type === "spacer";
    element.style.flex = grow > 0 && !fixed ? `${grow} 0 0` : "0 0 auto";
    if (!vertical && grow > 0 && !fixed) element.style.minWidth = "0";
    const gravity = component.gravity && ALIGN[{ top: "start", bottom: "end" }[component.gravity]
      || component.gravity];
    if (gravity && !vertical) element.style.alignSelf = gravity;
    const sides = { offsetTop: "top", offsetBottom: "bottom", offsetStart: "left",
      offsetEnd: "right" };
    for (const [key, css] of Object.entries(sides)) {
      const offset = length(component[key], SPACING);
      if (offset) element.style[css] = offset;
      if (offset && component.position !== "absolute") element.style.position = "relative";
    }
    if (component.position === "absolute") element.style.position = "absolute";
  }

  /* ---- components --------------------------------------------------------------------- */

  function box(component, onAction) {
    const layout = ["horizontal", "baseline"].includes(component.layout)
      ? component.layout : "vertical";
    const element = node("div", `flex-box flex-${layout}`);
    const style = element.style;
    style.backgroundColor = colour(component.backgroundColor) || "";
    if (component.background && component.background.type === "linearGradient") {
      const start = colour(component.background.startColor);
      const end = colour(component.background.endColor);
      const angle = /^\d+(\.\d+)?deg$/.test(component.background.angle || "")
        ? component.background.angle : "0deg";
      if (start && end) style.backgroundImage = `linear-gradient(${angle}, ${start}, ${end})`;
    }
    const border = length(component.borderWidth, BORDER_WIDTHS);
    if (border) style.border = `${border} solid ${colour(component.borderColor) || "#000000"}`;
    const radius = length(component.cornerRadius, SPACING);
    if (radius) style.borderRadius = radius;
    const all = length(component.paddingAll, SPACING);
    if (all) style.padding = all;
    for (const [key, css] of [["paddingTop", "paddingTop"], ["paddingBottom", "paddingBottom"],
      ["paddingStart", "paddingLeft"], ["paddingEnd", "paddingRight"]]) {
      const value = length(component[key], SPACING);
      if (value) style[css] = value;
    }
    for (const key of ["width", "height", "maxWidth", "maxHeight"]) {
      const value = length(component[key]);
      if (value) style[key] = value;
    }
    if (JUSTIFY[component.justifyContent]) style.justifyContent = component.justifyContent;
    if (JUSTIFY[component.alignItems] || component.alignItems === "stretch") {
      style.alignItems = component.alignItems;
    }
    (component.contents || []).forEach((child, index) => {
      const rendered = renderComponent(child, onAction, layout);
      if (!rendered) return;
      placeChild(rendered, child, layout, index, component.spacing);
      element.appendChild(rendered);
    });
    clickable(element, component.action, onAction);
    return element;
  }

  function textStyle(element, component) {
    const size = length(component.size, TEXT_SIZES);
    if (size) element.style.fontSize = size;
    const tint = colour(component.color);
    if (tint) element.style.color = tint;
    if (component.weight === "bold") element.style.fontWeight = "700";
    if (component.style === "italic") element.style.fontStyle = "italic";
    if (component.decoration === "underline") element.style.textDecoration = "underline";
    if (component.decoration === "line-through") element.style.textDecoration = "line-through";
  }

  function text(component, onAction) {
    const element = node("p", "flex-text");
    element.style.fontSize = TEXT_SIZES.md + "px";
    textStyle(element, component);
    if (Array.isArray(component.contents) && component.contents.length) {
      for (const part of component.contents) {
        if (part.type !== "span") continue;
        const span = node("span", "flex-span");
        span.textContent = String(part.text || "");
        textStyle(span, part);
        element.appendChild(span);
      }
    } else {
      element.textContent = String(component.text || "");
    }
    element.classList.add(component.wrap ? "flex-wrap" : "flex-nowrap");
    if (component.wrap && Number.isInteger(component.maxLines) && component.maxLines > 0) {
      element.classList.add("flex-clamp");
      element.style.webkitLineClamp = String(component.maxLines);
    }
    if (ALIGN[component.align]) element.style.textAlign = component.align;
    const spacing = length(component.lineSpacing);
    if (spacing) element.style.lineHeight = `calc(1.4em + ${spacing})`;
    clickable(element, component.action, onAction);
    return element;
  }

  function button(component, onAction) {
    const action = component.action || {};
    const style = ["primary", "secondary"].includes(component.style) ? component.style : "link";
    const link = action.type === "uri";
    const element = node(link ? "a" : "button", `flex-button flex-button-${style}`);
    if (link) {
      if (LINK_SCHEMES.test(String(action.uri || ""))) element.href = action.uri;
      element.target = "_blank";
      element.rel = "noopener noreferrer";
    } else {
      element.type = "button";
      element.addEventListener("click", () => onAction(action));
    }
    element.textContent = String(action.label || "");
    element.classList.add(component.height === "sm" ? "flex-button-sm" : "flex-button-md");
    const tint = colour(component.color);
    if (tint && style === "link") element.style.color = tint;
    if (tint && style !== "link") element.style.backgroundColor = tint;
    return element;
  }

  function image(component, onAction) {
    const wrapper = node("div", "flex-image");
    wrapper.style.justifyContent = ALIGN[component.align] || "center";
    const frame = node("div", "flex-image-frame");
    const size = component.size === "full" ? "100%"
      : (length(component.size, IMAGE_SIZES) || IMAGE_SIZES.md + "px");
    frame.style.width = size;
    const [w, h] = String(component.aspectRatio || "1:1").split(":").map(Number);
    frame.style.paddingBottom = (w > 0 && h > 0 ? (100 * h) / w : 100) + "%";
    frame.style.backgroundColor = colour(component.backgroundColor) || "";
    const url = String(component.url || "");
    if (IMAGE_SCHEMES.test(url)) {
      const picture = node("img", "flex-image-picture");
      picture.src = url;
      picture.alt = "";
      picture.style.objectFit = component.aspectMode === "cover" ? "cover" : "contain";
      frame.appendChild(picture);
    }
    wrapper.appendChild(frame);
    clickable(wrapper, component.action, onAction);
    return wrapper;
  }

  function icon(component) {
    const element = node("img", "flex-icon");
    const url = String(component.url || "");
    if (IMAGE_SCHEMES.test(url)) element.src = url;
    element.alt = "";
    const size = length(component.size, TEXT_SIZES) || TEXT_SIZES.md + "px";
    const [w, h] = String(component.aspectRatio || "1:1").split(":").map(Number);
    element.style.height = size;
    element.style.width = w > 0 && h > 0 ? `calc(${size} * ${w / h})` : size;
    return element;
  }

  function separator(component, parentLayout) {
    const element = node("div", parentLayout === "vertical"
      ? "flex-separator flex-separator-h" : "flex-separator flex-separator-v");
    element.style.backgroundColor = colour(component.color) || "";
    return element;
  }

  function spacer(component, parentLayout) {
    const element = node("div", "flex-spacer");
    const size = length(component.size, SPACING) || SPACING.md + "px";
    element.style[parentLayout === "vertical" ? "height" : "width"] = size;
    return element;
  }

  function renderComponent(component, onAction, parentLayout) {
    if (!component || typeof component !== "object") return null;
    switch (component.type) {
      case "box": return box(component, onAction);
      case "text": return text(component, onAction);
      case "button": return button(component, onAction);
      case "image": return image(component, onAction);
      case "icon": return icon(component);
      case "separator": return separator(component, parentLayout);
      case "spacer": return spacer(component, parentLayout);
      case "filler": return node("div", "flex-filler");
      case "video": {
        const element = node("div", "flex-unsupported");
        element.textContent = "[影片]";
        return element;
      }
      default: return null;
    }
  }

  function clickable(element, action, onAction) {
    if (!action || typeof action !== "object") return;
    element.classList.add("flex-tappable");
    element.addEventListener("click", (event) => {
      if (event.target.closest("a, button") && event.target !== element) return;
      onAction(action);
    });
  }

  /* ---- bubble and carousel ------------------------------------------------------------ */

  function bubble(contents, onAction) {
    const element = node("div", "flex-bubble");
    const width = BUBBLE_WIDTHS[contents.size] || BUBBLE_WIDTHS.mega;
    element.style.width = width + "px";
    if (contents.direction === "rtl") element.dir = "rtl";
    const styles = contents.styles || {};
    let first = true;
    for (const name of ["header", "hero", "body", "footer"]) {
      const block = contents[name];
      if (!block) continue;
      const blockStyle = styles[name] || {};
      if (!first && blockStyle.separator) {
        const line = node("div", "flex-separator flex-separator-h");
        line.style.backgroundColor = colour(blockStyle.separatorColor) || "";
        element.appendChild(line);
      }
      first = false;
      const holder = node("div", `flex-block flex-${name}`);
      holder.style.padding = BLOCK_PADDING[name] + "px";
      const ownPadding = ["paddingAll", "paddingTop", "paddingBottom", "paddingStart",
        "paddingEnd"].some((key) => block[key] !== undefined);
      if (name === "hero" || block.type !== "box" || ownPadding) holder.style.padding = "0";
      holder.style.backgroundColor = colour(blockStyle.backgroundColor) || "";
      const rendered = renderComponent(block, onAction, "vertical");
      if (rendered) holder.appendChild(rendered);
      element.appendChild(holder);
    }
    clickable(element, contents.action, onAction);
    return element;
  }

  function render(contents, onAction) {
    if (contents && contents.type === "carousel") {
      const element = node("div", "flex-carousel");
      for (const item of contents.contents || []) element.appendChild(bubble(item, onAction));
      return element;
    }
    return bubble(contents || {}, onAction);
  }

  global.NamecardFlex = { render };
})(window);
