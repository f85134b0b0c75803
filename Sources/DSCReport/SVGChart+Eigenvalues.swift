import Foundation

extension SVGChart {
    /// The eigenvalue spectrum λ₁ ≤ λ₂ ≤ … as points joined by a line, index (1-based) on x.
    ///
    /// - `markedGap = k` (1 ≤ k < values.count) shades the interval between λ_k and λ_{k+1}, draws
    ///   a bracket spanning the gap and annotates it `eigengap λ_{k+1} − λ_k = …`; points 1…k (the
    ///   eigenvectors used) are drawn in the accent colour, the rest in grey.
    /// - `largestGap`, when it differs from `markedGap`, gets a thin dashed marker labelled
    ///   "largest gap", since it suggests another cluster count.
    /// - Non-finite values are skipped. The y axis starts at min(0, λ_min). Natural size 520 × 260 px.
    static func eigenvalues(_ values: [Double], markedGap: Int?, largestGap: Int?, label: String) -> String {
        let width = 520.0
        let height = 260.0
        let left = 52.0
        let right = 14.0
        let top = 30.0
        let bottom = 40.0
        var svg = SVGCanvas(width: width, height: height)
        let finite = values.filter { $0.isFinite }
        let lo = min(0, finite.min() ?? 0)
        let hi = max(finite.max() ?? 1, lo + 1e-12)
        let ticks = SVGStyle.ticks(lo, hi + (hi - lo) * 0.08, count: 4)
        let yScale = LinearScale(domain: (ticks.first ?? lo, max(ticks.last ?? hi, hi)), range: (height - bottom, top))
        let xScale = LinearScale(domain: (0.5, Double(values.count) + 0.5), range: (left, width - right))

        if let k = markedGap, k >= 1, k < values.count {
            let x0 = xScale(Double(k))
            let x1 = xScale(Double(k + 1))
            svg.rect(x: x0, y: top - 8, width: x1 - x0, height: height - bottom - top + 8, fill: SVGStyle.warnSoft)
        }
        for t in ticks {
            svg.line(x1: left, y1: yScale(t), x2: width - right, y2: yScale(t), stroke: SVGStyle.grid)
            svg.text(
                Format.compact(t), x: left - 6, y: yScale(t), size: 11, anchor: "end",
                fill: SVGStyle.muted, baseline: "central")
        }
        let xStride = max(1, Int(ceil(Double(values.count) / 20)))
        for i in stride(from: 1, through: values.count, by: xStride) {
            svg.text(
                String(i), x: xScale(Double(i)), y: height - bottom + 16, size: 11, anchor: "middle",
                fill: SVGStyle.muted)
        }
        svg.line(x1: left, y1: height - bottom, x2: width - right, y2: height - bottom, stroke: SVGStyle.axis)
        svg.text(
            "index k", x: left + (width - left - right) / 2, y: height - 6, size: 12, anchor: "middle",
            fill: SVGStyle.muted)
        svg.text("λ", x: 14, y: top + (height - top - bottom) / 2, size: 13, anchor: "middle", fill: SVGStyle.muted)

        if let g = largestGap, g != markedGap, g >= 1, g < values.count {
            let x = xScale(Double(g) + 0.5)
            svg.line(x1: x, y1: top - 4, x2: x, y2: height - bottom, stroke: SVGStyle.muted, dash: "3 3")
            svg.text("largest gap", x: x + 4, y: height - bottom - 6, size: 10, fill: SVGStyle.muted)
        }
        let points = values.enumerated().filter { $0.element.isFinite }
            .map { (xScale(Double($0.offset + 1)), yScale($0.element), $0.offset) }
        svg.polyline(points.map { ($0.0, $0.1) }, stroke: SVGStyle.accentSoft, width: 2)
        if let k = markedGap, k >= 1, k < values.count, values[k - 1].isFinite, values[k].isFinite {
            drawGapBracket(&svg, k: k, values: values, xScale: xScale, yScale: yScale, plotRight: width - right)
        }
        let radius = values.count > 60 ? 2.5 : 4
        for p in points {
            let used = markedGap.map { p.2 < $0 } ?? true
            svg.circle(
                x: p.0, y: p.1, radius: radius, fill: used ? SVGStyle.accent : SVGStyle.muted,
                title: "λ\(p.2 + 1) = \(Format.compact(values[p.2], significant: 5))")
        }
        return svg.render(label: label)
    }

    /// The bracket spanning λ_k … λ_{k+1} halfway between the two points, and its caption above the
    /// plot, kept inside the drawing.
    private static func drawGapBracket(
        _ svg: inout SVGCanvas, k: Int, values: [Double], xScale: LinearScale,
        yScale: LinearScale, plotRight: Double
    ) {
        let x = xScale(Double(k) + 0.5)
        let yLow = yScale(values[k - 1])
        let yHigh = yScale(values[k])
        svg.line(x1: x, y1: yLow, x2: x, y2: yHigh, stroke: SVGStyle.warn, width: 2)
        svg.line(x1: x - 4, y1: yLow, x2: x + 4, y2: yLow, stroke: SVGStyle.warn, width: 2)
        svg.line(x1: x - 4, y1: yHigh, x2: x + 4, y2: yHigh, stroke: SVGStyle.warn, width: 2)
        let caption = "eigengap λ\(k + 1) − λ\(k) = \(Format.compact(values[k] - values[k - 1]))"
        let w = SVGStyle.textWidth(caption, size: 12)
        let cx = min(max(x, 56 + w / 2), plotRight - w / 2)
        svg.text(caption, x: cx, y: 14, size: 12, anchor: "middle", fill: SVGStyle.warn, weight: "600")
    }
}
