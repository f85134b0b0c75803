import Foundation

/// The human-readable plain-text report, `report.md` (GitHub-flavoured Markdown).
///
/// Sections, in order, each left out when its data is absent: heading and run line, warnings
/// (block quote), metrics table, confusion matrix (only up to ``maxConfusionColumns`` clusters;
/// larger ones are in the HTML only), cluster sizes, eigenvalues with the eigengap marked,
/// timings and peak memory, parameters, versions. All user text is escaped for Markdown.
enum MarkdownReport {
    /// Widest confusion matrix written as a Markdown table.
    static let maxConfusionColumns = 30

    static func render(_ input: ReportInput) -> String {
        var lines: [String] = ["# \(Format.markdown(input.title))", ""]
        lines.append(
            "**Method** \(Format.markdown(input.method)) · **samples** \(Format.grouped(input.samples))"
                + " · **clusters** \(input.clusters) · **seed** \(input.seed)")
        lines.append("")
        if !input.warnings.isEmpty {
            lines += input.warnings.map { "> **Warning:** \(Format.markdown($0))" }.joined(separator: "\n>\n")
                .components(separatedBy: "\n")
            lines.append("")
        }
        if let metrics = input.metrics, !metrics.isEmpty { lines += metricsSection(metrics) }
        if let confusion = input.confusion, confusion.classCount > 0 { lines += confusionSection(confusion) }
        if !input.clusterSizes.isEmpty { lines += sizesSection(input.clusterSizes) }
        if let values = input.eigenvalues, !values.isEmpty { lines += eigenSection(input, values) }
        if !input.timings.isEmpty || input.peakMemoryBytes != nil { lines += timingSection(input) }
        lines += settingsSection("Parameters", [ReportInput.Setting("seed", String(input.seed))] + input.parameters)
        if !input.versions.isEmpty { lines += settingsSection("Versions", input.versions) }
        return lines.joined(separator: "\n")
    }

    private static func table(_ header: [String], _ align: [String], _ rows: [[String]]) -> [String] {
        ["| " + header.joined(separator: " | ") + " |", "| " + align.joined(separator: " | ") + " |"]
            + rows.map { "| " + $0.joined(separator: " | ") + " |" }
    }

    private static func metricsSection(_ metrics: [ReportInput.Metric]) -> [String] {
        let rows = metrics.map { m -> [String] in
            let (label, detail) = Format.metricLabel(m.name)
            return [Format.markdown(label), Format.fixed(m.value, 4), Format.markdown(detail)]
        }
        return ["## Metrics", ""] + table(["Metric", "Value", "Meaning"], ["---", "---:", "---"], rows) + [""]
    }

    private static func confusionSection(_ c: ReportInput.ConfusionMatrix) -> [String] {
        var lines = [
            "## Confusion matrix", "",
            "Rows are true classes, columns predicted clusters, matched by the Hungarian method"
                + " (matched pairs on the diagonal).", "",
        ]
        guard c.clusterCount <= maxConfusionColumns else {
            return lines + ["(\(c.classCount) × \(c.clusterCount): too wide for a table; see report.html.)", ""]
        }
        let header = ["class \\\\ cluster"] + c.clusterNames.map(Format.markdown)
        let align = ["---"] + Array(repeating: "---:", count: c.clusterCount)
        let rows = c.counts.enumerated().map { i, row -> [String] in
            [Format.markdown(c.classNames[i])] + row.enumerated().map { j, v in i == j ? "**\(v)**" : String(v) }
        }
        lines += table(header, align, rows)
        return lines + [""]
    }

    private static func sizesSection(_ sizes: [Int]) -> [String] {
        let total = sizes.reduce(0, +)
        let rows = sizes.enumerated().map { i, n -> [String] in
            [String(i), Format.grouped(n), total > 0 ? Format.fixed(100 * Double(n) / Double(total), 1) + " %" : "–"]
        }
        let empty = sizes.filter { $0 == 0 }.count
        let summary =
            "Smallest \(Format.grouped(sizes.min()!)), largest \(Format.grouped(sizes.max()!))"
            + (empty > 0 ? ", \(empty) empty." : ".")
        return ["## Cluster sizes", "", summary, ""]
            + table(["Cluster", "Size", "Share"], ["---:", "---:", "---:"], rows) + [""]
    }

    private static func eigenSection(_ input: ReportInput, _ values: [Double]) -> [String] {
        var lines = [
            "## Eigenvalues", "",
            "Smallest eigenvalues of the normalised Laplacian, ascending.",
        ]
        if let k = input.markedEigengap {
            lines[2] +=
                " The eigengap after λ\(k) (K = \(input.clusters)) is"
                + " \(Format.compact(values[k] - values[k - 1]))."
        }
        if let best = input.largestEigengap, best != input.markedEigengap {
            lines[2] += " The largest gap is after λ\(best), which would suggest \(best) clusters."
        }
        lines.append("")
        let rows = values.enumerated().map { i, v -> [String] in
            let gap = i + 1 < values.count ? Format.compact(values[i + 1] - v) : ""
            let mark = input.markedEigengap == i + 1 ? "← eigengap (K = \(input.clusters))" : ""
            return ["λ\(i + 1)", Format.compact(v, significant: 4), gap, mark]
        }
        return lines + table(["k", "λ", "gap to next", "note"], ["---:", "---:", "---:", "---"], rows) + [""]
    }

    private static func timingSection(_ input: ReportInput) -> [String] {
        var lines = ["## Timings", ""]
        let total = input.totalSeconds
        if !input.timings.isEmpty {
            var rows = input.stageTimings.map { t -> [String] in
                [
                    Format.markdown(t.stage), Format.fixed(t.seconds, 3),
                    total > 0 ? Format.fixed(100 * t.seconds / total, 1) + " %" : "–",
                ]
            }
            rows.append(["**total**", "**\(Format.fixed(total, 3))**", ""])
            lines += table(["Stage", "Seconds", "Share"], ["---", "---:", "---:"], rows)
            lines.append("")
        }
        if let peak = input.peakMemoryBytes {
            lines += ["Peak memory: **\(Format.bytes(peak))** (\(Format.grouped(peak)) bytes).", ""]
        }
        return lines
    }

    private static func settingsSection(_ title: String, _ settings: [ReportInput.Setting]) -> [String] {
        let rows = settings.map { [Format.markdown($0.key), code($0.value)] }
        return ["## \(title)", ""] + table(["Name", "Value"], ["---", "---"], rows) + [""]
    }

    /// `text` as an inline code span for a table cell (backticks become quotes, pipes are escaped,
    /// line breaks become spaces); an empty text becomes "–".
    private static func code(_ text: String) -> String {
        guard !text.isEmpty else { return "–" }
        let clean = text.replacingOccurrences(of: "`", with: "'").replacingOccurrences(of: "|", with: "\\|")
            .split(whereSeparator: \.isNewline).joined(separator: " ")
        return "`" + clean + "`"
    }
}
