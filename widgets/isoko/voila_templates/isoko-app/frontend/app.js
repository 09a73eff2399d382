// Isoko's front end for the gallery's Voilà app pages: the app's widgets and nothing else
// (no maths, no Output widget: learners' servers, which render any notebook, keep Voilà's).
//
// Voilà's front end is a JupyterLab application: it brings the notebook, the code editor
// and the console whatever the page shows, about 760 kB compressed of a 1,080 kB first
// load. An app page only ever shows an app's outputs, so this script does only what that
// needs: connect to the kernel Voilà started for the page, fetch the widgets' state over
// one control comm, and draw each widget output where Voilà's page left it.
// Built at install (`make install`) with esbuild into the `isoko-app` page template.

import * as base from "@jupyter-widgets/base";
import { ManagerBase } from "@jupyter-widgets/base-manager";
import * as controls from "@jupyter-widgets/controls";
import { ServerConnection } from "@jupyterlab/services";
import { KernelConnection } from "@jupyterlab/services/lib/kernel/default";
import { Widget } from "@lumino/widgets";
import { formatDefaultLocale } from "d3-format";

import "@jupyter-widgets/base/css/index.css";
import "@jupyter-widgets/controls/css/widgets.css";
import "./app.css";

const WIDGET_VIEW = "application/vnd.jupyter.widget-view+json";
const CELL_OUTPUT = 'script[type="application/vnd.voila.cell-output+json"]';
const WIDGET_TARGET = "jupyter.widget";
// A warm kernel draws in well under a second, a cold start on a busy machine in seconds.
const START_SECONDS = 60;

// Numbers in the page's language (French: 10,00 and 7 000), as the apps' own text has
// them: the sliders' readouts are formatted with d3-format's default locale, and a number
// typed into a readout is read the same way.
function numberSymbols(language) {
  const part = (parts, type, fallback) => parts.find((p) => p.type === type)?.value ?? fallback;
  const plain = new Intl.NumberFormat(language).formatToParts(12345.6);
  const percent = new Intl.NumberFormat(language, { style: "percent" }).formatToParts(0.5);
  const sign = percent.findIndex((p) => p.type === "percentSign");
  const beforeSign = sign > 0 && percent[sign - 1].type === "literal" ? percent[sign - 1].value : "";
  return {
    decimal: part(plain, "decimal", "."),
    thousands: part(plain, "group", ","),
    percent: beforeSign + part(percent, "percentSign", "%"),
  };
}

const NUMBERS = numberSymbols(document.documentElement.lang || "en");
formatDefaultLocale({
  decimal: NUMBERS.decimal,
  thousands: NUMBERS.thousands,
  grouping: [3],
  currency: ["", ""],
  percent: NUMBERS.percent,
});

function plainNumber(text) {
  return text
    .split(NUMBERS.thousands)
    .join("")
    .split(NUMBERS.decimal)
    .join(".")
    .replace(/\u2212/g, "-");
}

function readingLocalNumbers(View) {
  return class extends View {
    stringToValue(text) {
      return super.stringToValue(text === null ? null : plainNumber(text));
    }
  };
}

const LOCAL_VIEWS = Object.fromEntries(
  ["IntSliderView", "FloatSliderView", "IntRangeSliderView", "FloatRangeSliderView"].map(
    (name) => [name, readingLocalNumbers(controls[name])],
  ),
);

// The widget classes an app may use; any other is reported, not fetched from elsewhere.
const MODULES = {
  "@jupyter-widgets/base": base,
  "@jupyter-widgets/controls": { ...controls, ...LOCAL_VIEWS },
};

class AppWidgetManager extends ManagerBase {
  constructor(kernel) {
    super();
    this.kernel = kernel;
    // Widgets the kernel makes later (an app that adds a control) arrive as comm opens.
    kernel.registerCommTarget(WIDGET_TARGET, (comm, message) => {
      this.handle_comm_open(new base.shims.services.Comm(comm), message);
    });
  }

  async loadClass(className, moduleName) {
    const found = MODULES[moduleName]?.[className];
    if (!found) {
      throw new Error(`${moduleName} ${className} is not part of the gallery's page`);
    }
    return found;
  }

  async _create_comm(targetName, modelId, data, metadata, buffers) {
    const comm = this.kernel.createComm(targetName, modelId);
    if (data || metadata) {
      comm.open(data, metadata, buffers);
    }
    return new base.shims.services.Comm(comm);
  }

  async _get_comm_info() {
    const reply = await this.kernel.requestCommInfo({ target_name: WIDGET_TARGET });
    return reply.content.status === "ok" ? reply.content.comms : {};
  }

  // Every widget's state in one request (ipywidgets' control comm).
  async loadFromKernel() {
    await this._loadFromKernel();
  }
}

function pageConfig() {
  return JSON.parse(document.getElementById("jupyter-config-data").textContent);
}

function cookie(name) {
  const match = document.cookie.match(new RegExp(`(?:^|; )${name}=([^;]*)`));
  return match ? decodeURIComponent(match[1]) : "";
}

function connect(config) {
  const baseUrl = new URL(config.baseUrl, window.location.href).href;
  const serverSettings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, "ws"),
    appendToken: false,
  });
  const kernel = new KernelConnection({
    model: { id: config.kernelId, name: "python3" },
    serverSettings,
    handleComms: true,
  });
  return { kernel, baseUrl };
}

// Voilà stops the page's kernel when asked; without it the kernel waits for a sweep of
// abandoned kernels (the gallery's, a minute), holding memory and a place under the cap.
function stopKernelOnLeave(baseUrl, kernelId) {
  window.addEventListener("pagehide", () => {
    fetch(`${baseUrl}voila/api/shutdown/${kernelId}`, {
      method: "POST",
      keepalive: true,
      credentials: "same-origin",
      headers: { "X-XSRFToken": cookie("_xsrf") },
    });
  });
}

async function drawOutput(manager, output, host) {
  const data = output.data || {};
  if (data[WIDGET_VIEW]) {
    const model = await manager.get_model(data[WIDGET_VIEW].model_id);
    const view = await manager.create_view(model);
    Widget.attach(view.luminoWidget, host);
  } else if (data["text/html"]) {
    // The course's app notebook's own output (Voilà ran it for this page): trusted as
    // Voilà's page trusts it.
    host.innerHTML = data["text/html"];
  } else if (output.output_type === "stream" || data["text/plain"]) {
    const text = document.createElement("pre");
    text.textContent = output.text || data["text/plain"];
    host.append(text);
  }
}

function showApp() {
  document.getElementById("loading")?.remove();
  const cells = document.getElementById("rendered_cells");
  if (cells) {
    cells.style.display = "";
  }
}

// What the page says, above the picture, when the app cannot start: in the page's
// language where the gallery wrote it on <html>, else this.
const FAILED = "This simulator could not start. Reload the page to try again.";

function showFailure(error) {
  console.error("The app could not start:", error);
  if (document.body.hasAttribute("data-isoko-app-failed")) {
    return;
  }
  document.body.setAttribute("data-isoko-app-failed", "");
  const notice = document.createElement("p");
  notice.className = "isoko-failed";
  notice.setAttribute("role", "alert");
  notice.textContent = document.documentElement.dataset.isokoFailed || FAILED;
  const loading = document.getElementById("loading");
  (loading || document.body).prepend(notice);
}

// A page opened again from the browser's history, or kept open past the gallery's idle
// limit, names a kernel that is gone: say so at once rather than wait on it.
async function failIfKernelGone(baseUrl, kernelId) {
  const reply = await fetch(`${baseUrl}api/kernels/${kernelId}`, {
    credentials: "same-origin",
  });
  if (reply.status === 404) {
    throw new Error(`kernel ${kernelId} is gone`);
  }
}

async function drawApp(kernel) {
  const manager = new AppWidgetManager(kernel);
  await manager.loadFromKernel();
  const outputs = [...document.querySelectorAll(CELL_OUTPUT)];
  for (const script of outputs) {
    const host = document.createElement("div");
    host.className = "isoko-output";
    script.replaceWith(host);
    await drawOutput(manager, JSON.parse(script.textContent), host);
  }
  showApp();
}

async function start() {
  const config = pageConfig();
  const { kernel, baseUrl } = connect(config);
  stopKernelOnLeave(baseUrl, config.kernelId);
  let drawn = false;
  failIfKernelGone(baseUrl, config.kernelId).catch((error) => drawn || showFailure(error));
  const late = setTimeout(() => {
    showFailure(new Error(`no app after ${START_SECONDS} s`));
  }, START_SECONDS * 1000);
  await drawApp(kernel);
  drawn = true;
  clearTimeout(late);
}

start().catch(showFailure);
