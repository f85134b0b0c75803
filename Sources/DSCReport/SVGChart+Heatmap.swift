import Foundation

/// The report's charts, each a function from plain values to one `<svg>` element (see ``SVGCanvas``).
enum SVGChart {}

extension SVGChart {
    /// The confusion matrix as a heatmap, `counts` `[rows, columns]` (rows = true classes on the
    /// left, columns = predicted clusters along the bottom).
    ///
    /// - Cell colour is the row-normalised share `counts[i][j] / Σ_j counts[i][j]` (the fraction of a
    ///   class that went to each cluster), so small and large classes are equally readable; the
    ///   raw count is printed in the cell when the cell is large enough for its digits, and every
    ///   cell has a tooltip with count and share. Empty rows are drawn blank.
    /// - Cells are 8…52 px, chosen so the matrix is about 560 px wide; labels are thinned out when
    ///   cells are small and column labels are turned 45° when they do not fit.
    /// - A row-total column at the right and a colour legend below complete it.
    static func heatmap(counts: [[Int]], rowNames: [String], columnNames: [String]) -> String {
        let layout = HeatmapLayout(counts: counts, rowNames: rowNames, columnNames: columnNames)
        let rows = counts.count
        let columns = layout.columns
        var svg = SVGCanvas(width: layout.width, height: layout.height)
        for i in 0..<rows {
            for j in 0..<columns {
                drawCell(
                    &svg, layout, row: i, column: j, count: counts[i][j], rowTotal: layout.totals[i],
                    title: "class \(rowNames[i]) → cluster \(columnNames[j])")
            }
        }
        drawAxes(&svg, layout, rowNames: rowNames, columnNames: columnNames)
        drawLegend(&svg, x: layout.left, y: layout.legendTop)
        return svg.render(label: "Confusion matrix, \(rows) classes by \(columns) clusters")
    }

    /// Sizes and positions of the heatmap's parts, derived from the table's shape and label lengths.
    private struct HeatmapLayout {
        let columns: Int, totals: [Int]
        let cell: Double, labelSize: Double, rowStride: Int, columnStride: Int, rotateColumns: Bool
        let left: Double, top = 8.0, gridW: Double, gridH: Double, columnLabelHeight: Double
        let width: Double, legendTop: Double
        var height: Double { legendTop + 34 }

        init(counts: [[Int]], rowNames: [String], columnNames: [String]) {
            let rows = counts.count
            columns = counts.first?.count ?? 0
            totals = counts.map { $0.reduce(0, +) }
            let cell = min(52, max(8, (560 / Double(max(rows, columns, 1))).rounded(.down)))
            let size = min(12, max(8, cell * 0.45))
            self.cell = cell
            labelSize = size
            rowStride = cell >= size + 1 ? 1 : Int(ceil((size + 1) / cell))
            let rowLabelWidth = min(160, rowNames.map { SVGStyle.textWidth($0, size: size) }.max() ?? 0)
            let columnLabelWidth = min(140, columnNames.map { SVGStyle.textWidth($0, size: size) }.max() ?? 0)
            rotateColumns = columnLabelWidth > cell - 4
            columnStride = rotateColumns ? max(1, Int(ceil((size + 2) / cell))) : 1
            columnLabelHeight = rotateColumns ? columnLabelWidth * 0.72 + size : size + 6
            let totalWidth =
                max(
                    SVGStyle.textWidth(Format.grouped(totals.max() ?? 0), size: size),
                    SVGStyle.textWidth("n", size: size)) + 12
            left = max(26 + rowLabelWidth + 8, rotateColumns ? columnLabelWidth * 0.72 + 4 : 0)
            gridW = cell * Double(columns)
            gridH = cell * Double(rows)
            width = max(left + gridW + totalWidth + 8, left + 260)
            legendTop = top + gridH + 8 + columnLabelHeight + 22
        }
    }

    /// One cell: colour by share of the row, count inside when it fits, tooltip `title: count (share)`.
    private static func drawCell(
        _ svg: inout SVGCanvas, _ l: HeatmapLayout, row i: Int, column j: Int,
        count v: Int, rowTotal: Int, title: String
    ) {
        let x = l.left + Double(j) * l.cell
        let y = l.top + Double(i) * l.cell
        let share = rowTotal > 0 ? Double(v) / Double(rowTotal) : 0
        let tip =
            "\(title): \(Format.grouped(v))"
            + (rowTotal > 0 ? " (\(Format.fixed(100 * share, 1)) % of the class)" : "")
        svg.rect(
            x: x, y: y, width: l.cell, height: l.cell, fill: SVGStyle.sequential(share),
            stroke: "#ffffff", title: tip)
        let digits = Format.grouped(v)
        let countSize = min(13, l.cell * 0.36)
        if l.cell >= 16 && v > 0 && SVGStyle.textWidth(digits, size: countSize) <= l.cell - 3 {
            svg.text(
                digits, x: x + l.cell / 2, y: y + l.cell / 2, size: countSize, anchor: "middle",
                fill: SVGStyle.needsLightText(share) ? "#ffffff" : SVGStyle.ink,
                weight: i == j ? "600" : nil, baseline: "central")
        }
    }

    /// Row names (left), row totals (right, headed "n"), column names (below, maybe turned 45°)
    /// and the two axis titles.
    private static func drawAxes(
        _ svg: inout SVGCanvas, _ l: HeatmapLayout, rowNames: [String],
        columnNames: [String]
    ) {
        for (i, name) in rowNames.enumerated() {
            let y = l.top + (Double(i) + 0.5) * l.cell
            if i % l.rowStride == 0 {
                svg.text(
                    clip(name, width: 160, size: l.labelSize), x: l.left - 6, y: y, size: l.labelSize,
                    anchor: "end", baseline: "central", title: name)
            }
            svg.text(
                Format.grouped(l.totals[i]), x: l.left + l.gridW + 6, y: y, size: l.labelSize,
                fill: SVGStyle.muted, baseline: "central")
        }
        let labelY = l.top + l.gridH + l.labelSize + 4
        svg.text("n", x: l.left + l.gridW + 6, y: labelY, size: l.labelSize, fill: SVGStyle.muted, weight: "600")
        for j in stride(from: 0, to: columnNames.count, by: l.columnStride) {
            let x = l.left + (Double(j) + 0.5) * l.cell
            if l.rotateColumns {
                svg.text(
                    clip(columnNames[j], width: 140, size: l.labelSize), x: x + l.labelSize * 0.3,
                    y: labelY - 2, size: l.labelSize, anchor: "end", rotate: -45, title: columnNames[j])
            } else {
                svg.text(columnNames[j], x: x, y: labelY, size: l.labelSize, anchor: "middle")
            }
        }
        svg.text(
            "predicted cluster", x: l.left + l.gridW / 2, y: l.top + l.gridH + 8 + l.columnLabelHeight + 6,
            size: 12, anchor: "middle", fill: SVGStyle.muted)
        svg.text(
            "true class", x: 12, y: l.top + l.gridH / 2, size: 12, anchor: "middle",
            fill: SVGStyle.muted, rotate: -90)
    }

    /// A ten-step colour key "0 % … 100 % of the class" at (x, y).
    private static func drawLegend(_ svg: inout SVGCanvas, x: Double, y: Double) {
        let steps = 10
        let w = 16.0
        for s in 0..<steps {
            svg.rect(
                x: x + Double(s) * w, y: y, width: w, height: 10,
                fill: SVGStyle.sequential((Double(s) + 0.5) / Double(steps)))
        }
        svg.text("0 %", x: x, y: y + 24, size: 10, fill: SVGStyle.muted)
        svg.text(
            "100 % of the class", x: x + Double(steps) * w, y: y + 24, size: 10, anchor: "end",
            fill: SVGStyle.muted)
    }

    /// `text` shortened with "…" so that it fits `width` px at `size`.
    static func clip(_ text: String, width: Double, size: Double) -> String {
        let fit = Int(width / (size * 0.62))
        return text.count <= fit ? text : String(text.prefix(max(fit - 1, 1))) + "…"
    }
}
