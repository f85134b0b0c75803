import Foundation

extension SVGChart {
    /// Vertical bars, one per value (cluster sizes), on a y axis from 0 with round ticks.
    ///
    /// - `labels[i]` names bar `i` (thinned out when bars are narrow); values are printed above bars
    ///   that are at least 22 px apart. Zero values get a red "0" so empty clusters stand out.
    /// - `reference`, when given, is drawn as a dashed horizontal line, keyed `referenceLabel` above
    ///   the plot (e.g. the uniform size N/K).
    /// - Natural size 520 × 260 px; bars are 72 % of their slot, 1…48 px wide.
    static func verticalBars(
        values: [Int], labels: [String], reference: Double? = nil,
        referenceLabel: String = "", xTitle: String, label: String
    ) -> String {
        precondition(
            labels.count == values.count,
            "verticalBars: labels.count=\(labels.count) != values.count=\(values.count)")
        let width = 520.0
        let height = 260.0
        let left = 52.0
        let right = 12.0
        let top = 30.0
        let bottom = 44.0
        var svg = SVGCanvas(width: width, height: height)
        let maxValue = max(Double(values.max() ?? 0), reference ?? 0, 1)
        let ticks = SVGStyle.ticks(0, maxValue * 1.08, count: 4)
        let yScale = LinearScale(
            domain: (0, max(ticks.last ?? maxValue, maxValue)),
            range: (height - bottom, top))
        for t in ticks {
            svg.line(x1: left, y1: yScale(t), x2: width - right, y2: yScale(t), stroke: SVGStyle.grid)
            svg.text(
                Format.number(t), x: left - 6, y: yScale(t), size: 11, anchor: "end",
                fill: SVGStyle.muted, baseline: "central")
        }
        if let reference, reference > 0 {
            let y = yScale(reference)
            svg.line(x1: left, y1: y, x2: width - right, y2: y, stroke: SVGStyle.warn, width: 1.5, dash: "5 4")
            let keyX = width - right - SVGStyle.textWidth(referenceLabel, size: 11)
            svg.line(x1: keyX - 26, y1: 9, x2: keyX - 6, y2: 9, stroke: SVGStyle.warn, width: 1.5, dash: "5 4")
            svg.text(
                referenceLabel, x: width - right, y: 9, size: 11, anchor: "end", fill: SVGStyle.warn,
                baseline: "central")
        }
        let slot = (width - left - right) / Double(max(values.count, 1))
        let barWidth = min(48, max(1, slot * 0.72))
        let labelStride = max(1, Int(ceil(16 / slot)))
        for (i, v) in values.enumerated() {
            let x = left + Double(i) * slot + (slot - barWidth) / 2
            let y = yScale(Double(v))
            svg.rect(
                x: x, y: y, width: barWidth, height: yScale(0) - y, fill: SVGStyle.accent,
                radius: min(3, barWidth / 4), title: "\(xTitle) \(labels[i]): \(Format.grouped(v))")
            if slot >= 22 || v == 0 {
                svg.text(
                    Format.grouped(v), x: x + barWidth / 2, y: y - 5, size: slot >= 34 ? 11 : 9,
                    anchor: "middle", fill: v == 0 ? SVGStyle.danger : SVGStyle.ink,
                    weight: v == 0 ? "600" : nil)
            }
            if i % labelStride == 0 {
                svg.text(
                    clip(labels[i], width: slot * Double(labelStride) - 2, size: 11),
                    x: x + barWidth / 2, y: height - bottom + 16, size: 11, anchor: "middle",
                    fill: SVGStyle.muted)
            }
        }
        svg.line(x1: left, y1: yScale(0), x2: width - right, y2: yScale(0), stroke: SVGStyle.axis)
        svg.text(
            xTitle, x: left + (width - left - right) / 2, y: height - 8, size: 12, anchor: "middle",
            fill: SVGStyle.muted)
        return svg.render(label: label)
    }

    /// Horizontal bars, one row per item (stage timings), longest value = full width.
    ///
    /// Each row shows the item's name on the left, a bar proportional to `value` on a light track,
    /// and `valueText` right of the track. Rows are 28 px; the natural width is 440 px; names wider than 160 px are
    /// shortened with "…" (full name in the tooltip). Negative or non-finite values draw no bar.
    static func horizontalBars(items: [(name: String, value: Double, valueText: String)], label: String) -> String {
        let width = 440.0
        let row = 28.0
        let top = 6.0
        let nameWidth = min(160, items.map { SVGStyle.textWidth($0.name, size: 12) }.max() ?? 0) + 16
        let textWidth = (items.map { SVGStyle.textWidth($0.valueText, size: 11) }.max() ?? 0) + 10
        let barMax = max(width - nameWidth - textWidth - 8, 40)
        let maxValue = items.map(\.value).filter { $0.isFinite }.max() ?? 0
        var svg = SVGCanvas(width: width, height: top * 2 + row * Double(items.count))
        for (i, item) in items.enumerated() {
            let y = top + Double(i) * row
            let length = maxValue > 0 && item.value.isFinite ? max(0, item.value / maxValue) * barMax : 0
            svg.text(
                clip(item.name, width: 160, size: 12), x: nameWidth - 10, y: y + row / 2, size: 12,
                anchor: "end", baseline: "central", title: item.name)
            svg.rect(x: nameWidth, y: y + 5, width: barMax, height: row - 10, fill: "#f1f5f9", radius: 3)
            if length > 0 {
                svg.rect(
                    x: nameWidth, y: y + 5, width: max(length, 2), height: row - 10, fill: SVGStyle.accent,
                    radius: 3, title: "\(item.name): \(item.valueText)")
            }
            svg.text(
                item.valueText, x: nameWidth + barMax + 8, y: y + row / 2, size: 11,
                fill: SVGStyle.muted, baseline: "central")
        }
        return svg.render(label: label)
    }
}
