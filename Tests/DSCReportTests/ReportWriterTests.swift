import DSCReport
import Foundation
import XCTest

final class ReportWriterTests: XCTestCase {
    private var scratch: URL!

    override func setUpWithError() throws {
        scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("dscreport-tests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: scratch)
    }

    private func read(_ dir: URL, _ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    private func contents(_ dir: URL) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
    }

    func testWritesThreeFilesIntoNewNestedDirectory() throws {
        let dir = scratch.appendingPathComponent("a/b/report")
        try ReportWriter.write(SampleReport.digits(), to: dir)
        XCTAssertEqual(try contents(dir), ["metrics.json", "report.html", "report.md"])
    }

    func testMetricsJSONHasExpectedValues() throws {
        try ReportWriter.write(SampleReport.digits(), to: scratch)
        let data = try Data(contentsOf: scratch.appendingPathComponent("metrics.json"))
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        XCTAssertEqual(
            Set(object.keys),
            [
                "method", "n", "clusters", "seed", "metrics", "seconds",
                "cluster_sizes", "peak_memory_bytes",
            ])
        XCTAssertEqual(object["method"] as? String, "spectral")
        XCTAssertEqual(object["n"] as? Int, 1797)
        XCTAssertEqual(object["clusters"] as? Int, 10)
        XCTAssertEqual(object["seed"] as? Int, 0)
        XCTAssertEqual(object["peak_memory_bytes"] as? Int, 187_432_960)
        let metrics = try XCTUnwrap(object["metrics"] as? [String: Double])
        XCTAssertEqual(metrics, ["acc": 0.9149, "nmi": 0.8573, "nmi_geometric": 0.8581, "ari": 0.8247, "ami": 0.8559])
        let seconds = try XCTUnwrap(object["seconds"] as? [String: Double])
        XCTAssertEqual(seconds, ["read": 0.0182, "graph": 0.1124, "eigen": 0.0241, "kmeans": 0.0131, "total": 0.1702])
        let sizes = try XCTUnwrap(object["cluster_sizes"] as? [Int])
        XCTAssertEqual(sizes, SampleReport.digits().clusterSizes)
        XCTAssertEqual(sizes.reduce(0, +), 1797)
        let text = try XCTUnwrap(String(data: data, encoding: .utf8))
        XCTAssertTrue(text.hasPrefix("{\"cluster_sizes\":"), "keys are sorted: \(text.prefix(40))")
        XCTAssertTrue(text.hasSuffix("}\n"))
    }

    func testMetricsJSONIsStableAndHandlesNonFiniteValues() throws {
        var input = SampleReport.digits()
        input.metrics = [.init("acc", .nan), .init("ari", .infinity)]
        input.timings = [.init("graph", 1), .init("graph", 0.5)]
        input.seed = .max
        try ReportWriter.write(input, to: scratch)
        let first = try read(scratch, "metrics.json")
        try ReportWriter.write(input, to: scratch)
        XCTAssertEqual(try read(scratch, "metrics.json"), first, "same input, same bytes")
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(first.utf8)) as? [String: Any])
        let metrics = try XCTUnwrap(object["metrics"] as? [String: Any])
        XCTAssertTrue(metrics["acc"] is NSNull)
        XCTAssertTrue(metrics["ari"] is NSNull)
        XCTAssertEqual(object["seconds"] as? [String: Double], ["graph": 1.5], "repeated stages are summed")
        XCTAssertTrue(first.contains("\"seed\":18446744073709551615"), first)
    }

    func testHTMLIsSelfContainedWithOneSVGPerChart() throws {
        try ReportWriter.write(SampleReport.digits(), to: scratch)
        let html = try read(scratch, "report.html")
        XCTAssertTrue(html.hasPrefix("<!DOCTYPE html>"))
        XCTAssertEqual(
            html.components(separatedBy: "<svg ").count - 1, 4,
            "confusion heatmap, cluster sizes, eigenvalues, timings")
        XCTAssertEqual(html.components(separatedBy: "<svg ").count, html.components(separatedBy: "</svg>").count)
        let withoutNamespace = html.replacingOccurrences(of: "xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        XCTAssertFalse(withoutNamespace.lowercased().contains("http"), "no external references")
        for attribute in ["src=", "href=", "url(", "@import", "<script", "<link"] {
            XCTAssertFalse(html.contains(attribute), attribute)
        }
        for text in [
            "Confusion matrix", "digit 8", "c3", "Cluster sizes", "eigengap λ11 − λ10 = 0.175",
            "Timings", "179 MiB", "kmeans", "openblas", "0.915", "iteration limit (300)",
        ] {
            XCTAssertTrue(html.contains(text), text)
        }
    }

    func testHTMLEscapesUserText() throws {
        var input = SampleReport.digits(title: "x <script>alert(\"hi\")</script> & co")
        input.warnings = ["<b>bold</b>"]
        input.parameters = [.init("a<b", "c&d")]
        input.confusion?.classNames[0] = "<img>"
        try ReportWriter.write(input, to: scratch)
        let html = try read(scratch, "report.html")
        XCTAssertFalse(html.contains("<script"))
        XCTAssertFalse(html.contains("<b>bold"))
        XCTAssertFalse(html.contains("<img>"))
        XCTAssertTrue(html.contains("<title>x &lt;script&gt;alert(&quot;hi&quot;)&lt;/script&gt; &amp; co</title>"))
        XCTAssertTrue(html.contains("&lt;b&gt;bold&lt;/b&gt;"))
        XCTAssertTrue(html.contains("<th>a&lt;b</th><td>c&amp;d</td>"))
        XCTAssertTrue(html.contains("&lt;img&gt;"))
        let markdown = try read(scratch, "report.md")
        XCTAssertTrue(markdown.hasPrefix("# x \\<script\\>alert"), String(markdown.prefix(60)))
    }

    func testMarkdownHasMetricsTableAndSections() throws {
        try ReportWriter.write(SampleReport.digits(), to: scratch)
        let md = try read(scratch, "report.md")
        XCTAssertTrue(md.hasPrefix("# digits.h5 — spectral\n"))
        XCTAssertTrue(md.contains("| Metric | Value | Meaning |\n| --- | ---: | --- |\n| ACC | 0.9149 |"), md)
        XCTAssertTrue(md.contains("| NMI (geom.) | 0.8581 |"))
        for heading in [
            "## Metrics", "## Confusion matrix", "## Cluster sizes", "## Eigenvalues", "## Timings",
            "## Parameters", "## Versions",
        ] {
            XCTAssertTrue(md.contains("\n\(heading)\n"), heading)
        }
        XCTAssertTrue(md.contains("| λ10 | 0.0361 | 0.175 | ← eigengap (K = 10) |"), md)
        XCTAssertTrue(md.contains("> **Warning:** k-means restart 4"))
        XCTAssertTrue(md.contains("| digit 1 | 0 | **150** |"))
        XCTAssertTrue(md.contains("Peak memory: **179 MiB**"))
        XCTAssertTrue(md.contains("| **total** | **0.170** |  |"))
    }

    func testNoLabelsOmitsMetricsAndConfusion() throws {
        try ReportWriter.write(SampleReport.unlabelled(), to: scratch)
        let object = try XCTUnwrap(
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: scratch.appendingPathComponent("metrics.json"))) as? [String: Any])
        XCTAssertNil(object["metrics"])
        XCTAssertNil(object["peak_memory_bytes"])
        XCTAssertEqual(object["cluster_sizes"] as? [Int], [2100, 1650, 1250, 0])
        let html = try read(scratch, "report.html")
        let md = try read(scratch, "report.md")
        XCTAssertFalse(html.contains("class=\"metrics\""))
        XCTAssertFalse(html.contains("Confusion matrix"))
        XCTAssertFalse(html.contains("Eigenvalues"))
        XCTAssertEqual(html.components(separatedBy: "<svg ").count - 1, 2, "cluster sizes and timings only")
        XCTAssertTrue(html.contains("No ground-truth labels"))
        XCTAssertFalse(md.contains("## Metrics"))
        XCTAssertFalse(md.contains("## Confusion matrix"))
        XCTAssertTrue(md.contains("## Cluster sizes"))
    }

    func testMinimalInputStillRenders() throws {
        let input = ReportInput(title: "", method: "kmeans", samples: 0, clusters: 0)
        try ReportWriter.write(input, to: scratch)
        XCTAssertEqual(try contents(scratch), ["metrics.json", "report.html", "report.md"])
        XCTAssertFalse(try read(scratch, "report.html").contains("<svg"))
    }

    func testUnwritableDirectoryThrowsNamingPathAndLeavesNothing() throws {
        let blocker = scratch.appendingPathComponent("blocker")
        try Data("x".utf8).write(to: blocker)
        for target in [blocker, blocker.appendingPathComponent("sub/report")] {
            XCTAssertThrowsError(try ReportWriter.write(SampleReport.digits(), to: target)) { error in
                let message = error.localizedDescription
                XCTAssertTrue(message.contains(target.path) || message.contains(blocker.path), message)
                XCTAssertFalse(message.contains("\n"), message)
            }
            XCTAssertEqual(try contents(scratch), ["blocker"])
            XCTAssertEqual(try Data(contentsOf: blocker), Data("x".utf8))
        }
    }

    func testFinalNameTakenByDirectoryThrowsAndLeavesNothing() throws {
        try FileManager.default.createDirectory(
            at: scratch.appendingPathComponent("report.html/x"),
            withIntermediateDirectories: true)
        XCTAssertThrowsError(try ReportWriter.write(SampleReport.digits(), to: scratch)) { error in
            XCTAssertTrue(error.localizedDescription.contains(scratch.appendingPathComponent("report.html").path))
        }
        XCTAssertEqual(try contents(scratch), ["report.html"])
    }

    func testOverwritesPreviousReportWithoutLeftovers() throws {
        try ReportWriter.write(SampleReport.digits(), to: scratch)
        try ReportWriter.write(SampleReport.unlabelled(), to: scratch)
        XCTAssertEqual(try contents(scratch), ["metrics.json", "report.html", "report.md"])
        XCTAssertTrue(try read(scratch, "report.md").hasPrefix("# features.h5 — ebsc"))
    }

    func testInputRoundTripsThroughCodable() throws {
        let input = SampleReport.digits()
        let decoded = try JSONDecoder().decode(ReportInput.self, from: JSONEncoder().encode(input))
        XCTAssertEqual(decoded, input)
    }

    func testDecodingRejectsMisshapenConfusionMatrix() {
        let json = #"{"counts":[[1,2],[3]],"classNames":["a","b"],"clusterNames":["x","y"]}"#
        XCTAssertThrowsError(try JSONDecoder().decode(ReportInput.ConfusionMatrix.self, from: Data(json.utf8)))
    }

    /// Writes the sample report to `$DSC_REPORT_SAMPLE_DIR` (to look at in a browser), else to a temp dir.
    func testWritesSampleReport() throws {
        let env = ProcessInfo.processInfo.environment["DSC_REPORT_SAMPLE_DIR"]
        let dir = env.map { URL(fileURLWithPath: $0) } ?? scratch.appendingPathComponent("sample")
        try ReportWriter.write(SampleReport.digits(), to: dir)
        try ReportWriter.write(SampleReport.unlabelled(), to: dir.appendingPathComponent("unlabelled"))
        try ReportWriter.write(SampleReport.manyClusters(), to: dir.appendingPathComponent("many"))
        XCTAssertTrue(FileManager.default.fileExists(atPath: dir.appendingPathComponent("report.html").path))
    }
}
