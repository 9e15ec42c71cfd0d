// Draws per-minute completions and failures as an inline SVG bar chart.
const SVG = "http://www.w3.org/2000/svg";
const WIDTH = 600;
const HEIGHT = 160;
const LEFT = 36;
const BOTTOM = 20;

function svgElement(name, attributes) {
  const element = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

function label(x, y, text, anchor) {
  const element = svgElement("text", { x, y, class: "axis-label", "text-anchor": anchor });
  element.textContent = text;
  return element;
}

/**
 * Replaces the content of `container` with a chart of `minutes`, an array of
 * { minutesAgo, completed, failed } ordered oldest first. Each minute has a
 * completed bar with its failed bar stacked on top.
 */
export function renderHistoryChart(container, minutes) {
  const max = Math.max(1, ...minutes.map((minute) => minute.completed + minute.failed));
  const plotWidth = WIDTH - LEFT;
  const plotHeight = HEIGHT - BOTTOM;
  const step = plotWidth / Math.max(1, minutes.length);
  const scale = (count) => (count / max) * (plotHeight - 10);

  const svg = svgElement("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "img" });
  const total = minutes.reduce((sum, minute) => sum + minute.completed, 0);
  const failed = minutes.reduce((sum, minute) => sum + minute.failed, 0);
  const title = svgElement("title", {});
  title.textContent = `${total} completed and ${failed} failed in the last ${minutes.length} minutes`;
  svg.append(title);

  const bars = svgElement("g", { class: "bars" });
  minutes.forEach((minute, index) => {
    const x = LEFT + index * step + 1;
    const width = Math.max(1, step - 2);
    const completedHeight = scale(minute.completed);
    const failedHeight = scale(minute.failed);
    const tip = `${minute.minutesAgo} min ago: ${minute.completed} completed, ${minute.failed} failed`;
    const completedBar = svgElement("rect", { x, y: plotHeight - completedHeight, width, height: completedHeight, class: "bar-completed" });
    const failedBar = svgElement("rect", { x, y: plotHeight - completedHeight - failedHeight, width, height: failedHeight, class: "bar-failed" });
    for (const bar of [completedBar, failedBar]) {
      const barTitle = svgElement("title", {});
      barTitle.textContent = tip;
      bar.append(barTitle);
    }
    bars.append(completedBar, failedBar);
  });
  svg.append(bars);

  svg.append(svgElement("line", { x1: LEFT, y1: plotHeight, x2: WIDTH, y2: plotHeight, class: "axis" }));
  svg.append(svgElement("line", { x1: LEFT, y1: 0, x2: LEFT, y2: plotHeight, class: "axis" }));
  svg.append(label(LEFT - 4, 12, String(max), "end"));
  svg.append(label(LEFT - 4, plotHeight, "0", "end"));
  svg.append(label(LEFT, HEIGHT - 4, `${minutes.length} min ago`, "start"));
  svg.append(label(WIDTH, HEIGHT - 4, "now", "end"));
  svg.append(svgElement("rect", { x: LEFT + 8, y: 4, width: 8, height: 8, class: "bar-completed" }));
  svg.append(label(LEFT + 20, 12, "completed", "start"));
  svg.append(svgElement("rect", { x: LEFT + 88, y: 4, width: 8, height: 8, class: "bar-failed" }));
  svg.append(label(LEFT + 100, 12, "failed (last attempt)", "start"));
  container.replaceChildren(svg);
}
