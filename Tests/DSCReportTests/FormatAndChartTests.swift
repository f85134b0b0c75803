import XCTest

@testable import DSCReport

final class FormatAndChartTests: XCTestCase {
    func testMetricLabelsForOutOfSampleScores() {
        XCTAssertEqual(Format.metricLabel("acc").label, "ACC")
        XCTAssertEqual(Format.metricLabel("predicted_acc").label, "ACC, out of sample")
        XCTAssertEqual(
            Format.metricLabel("predicted_nmi").detail,
            "normalised mutual information, arithmetic mean, of the predicted samples")
        // Unknown keys stay as they are, with or without the prefix.
        XCTAssertEqual(Format.metricLabel("predicted_speed").label, "predicted_speed")
        XCTAssertEqual(Format.metricLabel("predicted_speed").detail, "")
    }

    func testHTMLEscaping() {
        XCTAssertEqual(Format.html("a<b>&\"c'"), "a&lt;b&gt;&amp;&quot;c&#39;")
        XCTAssertEqual(Format.html("λ — ok"), "λ — ok")
        XCTAssertEqual(Format.html(""), "")
    }

    func testMarkdownEscaping() {
        XCTAssertEqual(Format.markdown("a|b_c*d\ne"), "a\\|b\\_c\\*d e")
    }

    func testNumberFormatting() {
        XCTAssertEqual(Format.fixed(0.91486, 3), "0.915")
        XCTAssertEqual(Format.fixed(.nan, 3), "n/a")
        XCTAssertEqual(Format.fixed(-.infinity, 3), "-∞")
        XCTAssertEqual(Format.compact(0), "0")
        XCTAssertEqual(Format.compact(0.17520), "0.175")
        XCTAssertEqual(Format.compact(12.0), "12")
        XCTAssertEqual(Format.compact(2.4e-7), "2.40e-07")
        XCTAssertEqual(Format.compact(-1234.6), "-1235")
        XCTAssertEqual(Format.grouped(1797), "1,797")
        XCTAssertEqual(Format.grouped(-1_000_000), "-1,000,000")
        XCTAssertEqual(Format.grouped(999), "999")
        XCTAssertEqual(Format.number(2000), "2,000")
        XCTAssertEqual(Format.number(0.25), "0.25")
        XCTAssertEqual(Format.percent(1, of: 400), "<1 %")
        XCTAssertEqual(Format.percent(0, of: 400), "0 %")
        XCTAssertEqual(Format.percent(97, of: 100), "97 %")
        XCTAssertEqual(Format.percent(1, of: 0), "–")
    }

    func testDurationAndBytes() {
        XCTAssertEqual(Format.duration(0), "0 s")
        XCTAssertEqual(Format.duration(0.00042), "420 µs")
        XCTAssertEqual(Format.duration(0.0123), "12.3 ms")
        XCTAssertEqual(Format.duration(1.2449), "1.24 s")
        XCTAssertEqual(Format.duration(185), "3 min 05 s")
        XCTAssertEqual(Format.duration(7620), "2 h 07 min")
        XCTAssertEqual(Format.bytes(512), "512 B")
        XCTAssertEqual(Format.bytes(1536), "1.5 KiB")
        XCTAssertEqual(Format.bytes(3 << 30), "3 GiB")
    }

    func testTicksAreRoundAndCoverTheInterval() {
        XCTAssertEqual(SVGStyle.ticks(0, 10, count: 5), [0, 2, 4, 6, 8, 10])
        let fractional = SVGStyle.ticks(0, 0.36, count: 4)
        XCTAssertEqual(fractional.count, 4)
        for (t, e) in zip(fractional, [0, 0.1, 0.2, 0.3]) { XCTAssertEqual(t, e, accuracy: 1e-12) }
        XCTAssertEqual(SVGStyle.ticks(0, 197, count: 4), [0, 50, 100, 150])
        XCTAssertEqual(SVGStyle.ticks(3, 3), [3])
        XCTAssertEqual(SVGStyle.ticks(.nan, 1), [0])
    }

    func testSequentialColourRunsLightToDarkAndClamps() {
        XCTAssertEqual(SVGStyle.sequential(0), "#f6f8fc")
        XCTAssertEqual(SVGStyle.sequential(1), "#103870")
        XCTAssertEqual(SVGStyle.sequential(-3), SVGStyle.sequential(0))
        XCTAssertEqual(SVGStyle.sequential(.nan), SVGStyle.sequential(0))
        XCTAssertEqual(SVGStyle.sequential(7), SVGStyle.sequential(1))
    }

    func testCanvasEscapesAndFormatsNumbers() {
        var svg = SVGCanvas(width: 10.5, height: 20)
        svg.text("a<b", x: 1.234, y: 2, title: "t&t")
        svg.rect(x: 0, y: 0, width: -3, height: 1, fill: "#000")
        let out = svg.render(label: "l\"l")
        XCTAssertTrue(out.hasPrefix("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10.5\" height=\"20\""), out)
        XCTAssertTrue(out.contains("aria-label=\"l&quot;l\""))
        XCTAssertTrue(out.contains("x=\"1.23\""))
        XCTAssertTrue(out.contains("<title>t&amp;t</title>a&lt;b</text>"))
        XCTAssertTrue(out.contains("width=\"0\""), "negative sizes are clamped")
        XCTAssertEqual(SVGCanvas.n(-0.001), "0")
    }

    func testLinearScaleMapsAndHandlesDegenerateDomain() {
        let s = LinearScale(domain: (0, 10), range: (100, 0))
        XCTAssertEqual(s(0), 100)
        XCTAssertEqual(s(10), 0)
        XCTAssertEqual(s(2.5), 75)
        XCTAssertEqual(LinearScale(domain: (1, 1), range: (0, 8))(5), 4)
    }

    func testHeatmapDrawsEveryCellAndScalesToLargeMatrices() {
        let small = SVGChart.heatmap(counts: [[5, 0], [1, 4]], rowNames: ["a", "b"], columnNames: ["x", "y"])
        XCTAssertEqual(small.components(separatedBy: " → cluster ").count - 1, 4)
        XCTAssertTrue(small.contains(">5</text>"))
        XCTAssertTrue(small.contains("class a → cluster y: 0 (0.0 % of the class)"))
        let n = 100
        let big = (0..<n).map { i in (0..<n).map { j in i == j ? 50 : (i + j) % 7 } }
        let svg = SVGChart.heatmap(
            counts: big, rowNames: (0..<n).map { "class \($0)" },
            columnNames: (0..<n).map { "cluster \($0)" })
        XCTAssertEqual(svg.components(separatedBy: " → cluster ").count - 1, n * n)
        XCTAssertFalse(svg.contains(">50</text>"), "no counts in 8 px cells")
    }

    func testEigenvaluePlotMarksGapAndSkipsNonFinite() {
        let svg = SVGChart.eigenvalues([0, 0.01, 0.5, .nan, 0.6], markedGap: 2, largestGap: 2, label: "e")
        XCTAssertTrue(svg.contains("eigengap λ3 − λ2 = 0.49"))
        XCTAssertEqual(svg.components(separatedBy: "<circle").count - 1, 4)
        XCTAssertFalse(svg.contains("largest gap"))
        let other = SVGChart.eigenvalues([0, 0.01, 0.5, 0.6], markedGap: 3, largestGap: 2, label: "e")
        XCTAssertTrue(other.contains("largest gap"))
    }

    func testEigengapPositions() {
        var input = ReportInput(title: "t", method: "m", samples: 10, clusters: 3, eigenvalues: [0, 0.1, 0.2])
        XCTAssertNil(input.markedEigengap, "needs λ(K+1)")
        input.eigenvalues = [0, 0.1, 0.2, 0.9, 0.95]
        XCTAssertEqual(input.markedEigengap, 3)
        XCTAssertEqual(input.largestEigengap, 3)
        input.eigenvalues = [0, 0.8, 0.85, 0.9]
        XCTAssertEqual(input.largestEigengap, 1)
    }
}
