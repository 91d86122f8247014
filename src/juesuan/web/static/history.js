// A department's history charts (Apache ECharts, vendored: echarts.min.js). Reads the page's JSON
// (#history-data); a figure the document does not print is null and left out of the line.
(function () {
  "use strict";
  var el = document.getElementById("history-data");
  if (!el || !window.echarts) return;
  var data = JSON.parse(el.textContent);
  var years = data.years.map(function (y) { return String(y.year) + (y.kind && y.kind !== "决算" ? y.kind : ""); });
  function num(k) { return data.years.map(function (y) { return y[k] === null || y[k] === undefined ? null : Number(y[k]); }); }
  function chart(id, title, unit, series, stack) {
    var node = document.getElementById(id);
    if (!node) return;
    var c = echarts.init(node, null, { renderer: "canvas" });
    c.setOption({
      animation: false,
      title: { text: title, left: 10, top: 6, textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      legend: { top: 30, left: 10 },
      grid: { left: 60, right: 20, top: 78, bottom: 30 },
      xAxis: { type: "category", data: years },
      yAxis: { type: "value", name: unit },
      series: series.map(function (s) {
        return { name: s[0], type: s[2] || "bar", data: num(s[1]), stack: stack ? "all" : undefined, connectNulls: false,
                 itemStyle: s[3] ? { color: s[3] } : undefined,
                 label: { show: years.length <= 6 && !stack, position: "top", fontSize: 10 } };
      })
    });
    window.addEventListener("resize", function () { c.resize(); });
  }
  chart("chart-totals", "收入、支出总额", "万元", [["收入合计", "income_total"], ["支出合计", "expenditure_total"]]);
  chart("chart-three", "“三公”经费与机关运行经费", "万元",
        [["三公决算", "three_public_final"], ["三公预算", "three_public_budget", "line"], ["机关运行经费", "admin_cost_final"]]);
  chart("chart-findings", "审核发现的问题", "条", [["错误", "errors", "bar", "#c62828"], ["警告", "warnings", "bar", "#c77700"]], true);
  chart("chart-score", "透明度评分", "分", [["评分", "score", "line"]]);
})();
