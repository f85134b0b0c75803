import Foundation

/// The visual report, `report.html`: one self-contained HTML5 page.
///
/// It has no external resources (no scripts, fonts, images or links): the style sheet is inline
/// and every chart is an inline SVG (the only URL in the file is the SVG namespace). All text from
/// the input is HTML-escaped. Sections, each left out when its data is absent:
/// 1. header: title, method, N, K, seed, total time;
/// 2. warnings, in an amber box;
/// 3. metrics as large numbers with a 0…1 meter (or a one-line note when there are no labels);
/// 4. the confusion matrix heatmap (``SVGChart/heatmap(counts:rowNames:columnNames:)``);
/// 5. cluster sizes (bars, with the uniform size N/K dashed) and the eigenvalue spectrum with the
///    eigengap, side by side on wide screens;
/// 6. stage timings (horizontal bars) with the peak memory, and run details (seed, parameters,
///    versions).
enum HTMLReport {
    static func render(_ input: ReportInput) -> String {
        var body: [String] = [header(input)]
        if !input.warnings.isEmpty { body.append(warnings(input.warnings)) }
        if let metrics = input.metrics, !metrics.isEmpty {
            body.append(metricCards(metrics))
        } else {
            body.append("<p class=\"note\">No ground-truth labels were given, so there are no scores.</p>")
        }
        if let c = input.confusion, c.classCount > 0, c.clusterCount > 0 { body.append(confusion(c)) }
        let pair = [sizes(input), eigen(input)].compactMap { $0 }
        if !pair.isEmpty { body.append("<div class=\"grid\">" + pair.joined() + "</div>") }
        body.append("<div class=\"grid\">" + [timings(input), details(input)].compactMap { $0 }.joined() + "</div>")
        body.append("<footer>DeepSubspace report · the same numbers are in metrics.json and report.md</footer>")
        return """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>\(Format.html(input.title))</title>
            <style>
            \(HTMLStyle.css)
            </style>
            </head>
            <body>
            <main>
            \(body.joined(separator: "\n"))
            </main>
            </body>
            </html>

            """
    }

    private static func card(_ title: String, note: String? = nil, _ content: String) -> String {
        "<section class=\"card\"><h2>\(Format.html(title))</h2>"
            + (note.map { "<p class=\"note\">\(Format.html($0))</p>" } ?? "") + content + "</section>"
    }

    private static func header(_ input: ReportInput) -> String {
        var run = [
            "method <b>\(Format.html(input.method))</b>",
            "<b>\(Format.grouped(input.samples))</b> samples",
            "<b>\(input.clusters)</b> clusters", "seed <b>\(input.seed)</b>",
        ]
        if !input.timings.isEmpty { run.append("total <b>\(Format.html(Format.duration(input.totalSeconds)))</b>") }
        return "<header><div class=\"eyebrow\">DeepSubspace · clustering report</div>"
            + "<h1>\(Format.html(input.title))</h1><p class=\"run\">\(run.joined(separator: " · "))</p></header>"
    }

    private static func warnings(_ items: [String]) -> String {
        let title = items.count == 1 ? "Warning" : "\(items.count) warnings"
        return "<section class=\"warnings\" role=\"alert\"><h2>⚠ \(title)</h2><ul>"
            + items.map { "<li>\(Format.html($0))</li>" }.joined() + "</ul></section>"
    }

    private static func metricCards(_ metrics: [ReportInput.Metric]) -> String {
        let cards = metrics.map { m -> String in
            let (label, detail) = Format.metricLabel(m.name)
            let fill = m.value.isFinite ? min(max(m.value, 0), 1) * 100 : 0
            return "<div class=\"metric\" title=\"\(Format.html(m.name)) = \(Format.html(String(m.value)))\">"
                + "<div class=\"name\">\(Format.html(label))</div>"
                + "<div class=\"value\">\(Format.html(Format.fixed(m.value, 3)))</div>"
                + "<div class=\"meter\"><span style=\"width: \(SVGCanvas.n(fill))%\"></span></div>"
                + "<div class=\"detail\">\(Format.html(detail))</div></div>"
        }
        return "<section class=\"metrics\" aria-label=\"Metrics\">" + cards.joined() + "</section>"
    }

    private static func confusion(_ c: ReportInput.ConfusionMatrix) -> String {
        let matched = (0..<min(c.classCount, c.clusterCount)).reduce(0) { $0 + c.counts[$1][$1] }
        let total = c.counts.reduce(0) { $0 + $1.reduce(0, +) }
        let share =
            total > 0
            ? " — \(Format.grouped(matched)) of \(Format.grouped(total)) samples"
                + " (\(Format.fixed(100 * Double(matched) / Double(total), 1)) %) on the diagonal" : ""
        let note =
            "Rows: true classes; columns: predicted clusters, reordered by Hungarian matching so"
            + " matched pairs lie on the diagonal. Colour = share of the class\(share)."
        let svg = SVGChart.heatmap(counts: c.counts, rowNames: c.classNames, columnNames: c.clusterNames)
        return card("Confusion matrix", note: note, "<div class=\"chart\">\(svg)</div>")
    }

    private static func sizes(_ input: ReportInput) -> String? {
        let sizes = input.clusterSizes
        guard !sizes.isEmpty else { return nil }
        let total = sizes.reduce(0, +)
        let empty = sizes.filter { $0 == 0 }.count
        let uniform = Double(total) / Double(sizes.count)
        var note = "Smallest \(Format.grouped(sizes.min()!)), largest \(Format.grouped(sizes.max()!))"
        note += empty > 0 ? ", \(empty) empty." : "."
        let svg = SVGChart.verticalBars(
            values: sizes, labels: sizes.indices.map(String.init), reference: uniform,
            referenceLabel: "uniform N/K = \(Format.number(uniform.rounded()))",
            xTitle: "cluster", label: "Cluster sizes")
        return card("Cluster sizes", note: note, "<div class=\"chart\">\(svg)</div>")
    }

    private static func eigen(_ input: ReportInput) -> String? {
        guard let values = input.eigenvalues, !values.isEmpty else { return nil }
        var note = "Smallest eigenvalues of the normalised Laplacian."
        if let k = input.markedEigengap {
            note += " K = \(input.clusters) uses λ1…λ\(k); the gap after λ\(k) is shaded."
        }
        if let g = input.largestEigengap, g != input.markedEigengap {
            note += " The largest gap, after λ\(g), would suggest K = \(g)."
        }
        let svg = SVGChart.eigenvalues(
            values, markedGap: input.markedEigengap, largestGap: input.largestEigengap,
            label: "Laplacian eigenvalues")
        return card("Eigenvalues", note: note, "<div class=\"chart\">\(svg)</div>")
    }

    private static func timings(_ input: ReportInput) -> String? {
        guard !input.timings.isEmpty || input.peakMemoryBytes != nil else { return nil }
        var content = ""
        let stages = input.stageTimings
        let total = input.totalSeconds
        if !stages.isEmpty {
            let items = stages.map { t -> (name: String, value: Double, valueText: String) in
                let share = total > 0 ? " · " + Format.percent(t.seconds, of: total) : ""
                return (t.stage, t.seconds, Format.duration(t.seconds) + share)
            }
            content +=
                "<div class=\"chart\">" + SVGChart.horizontalBars(items: items, label: "Stage timings") + "</div>"
        }
        if !input.timings.isEmpty {
            content +=
                "<div class=\"stat\"><span class=\"big\">\(Format.html(Format.duration(total)))</span>"
                + "<span class=\"label\">total wall-clock time</span></div>"
        }
        if let peak = input.peakMemoryBytes {
            content +=
                "<div class=\"stat\"><span class=\"big\">\(Format.html(Format.bytes(peak)))</span>"
                + "<span class=\"label\">peak memory (\(Format.grouped(peak)) bytes)</span></div>"
        }
        return card(input.timings.isEmpty ? "Resources" : "Timings", content)
    }

    private static func details(_ input: ReportInput) -> String {
        func table(_ rows: [ReportInput.Setting]) -> String {
            "<table class=\"kv\">"
                + rows.map { "<tr><th>\(Format.html($0.key))</th><td>\(Format.html($0.value))</td></tr>" }
                .joined() + "</table>"
        }
        var content = table([
            .init("seed", String(input.seed)), .init("method", input.method),
            .init("samples", Format.grouped(input.samples)), .init("clusters", String(input.clusters)),
        ])
        if !input.parameters.isEmpty { content += "<h3>Parameters</h3>" + table(input.parameters) }
        if !input.versions.isEmpty { content += "<h3>Versions</h3>" + table(input.versions) }
        return card("Run details", content)
    }
}
