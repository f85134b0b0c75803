import DSCTestSupport
import Foundation
import XCTest

/// Every bad input gives one line on stderr naming the file, dataset and value, exit status 1,
/// no stack trace, and no output file left behind.
final class BadInputTests: XCTestCase {
    /// Runs `dsc cluster` with `--output` and `--report` into a temp folder and checks the failure
    /// contract; returns the error line.
    @discardableResult
    func assertFails(
        _ args: [String], mentions fragments: [String], status: Int32 = 1,
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> String {
        let dir = try TestFiles.scratchDirectory(self)
        let out = dir.appendingPathComponent("out.h5").path
        let report = dir.appendingPathComponent("report").path
        let r = try CLI.run(["cluster"] + args + ["--output", out, "--report", report, "--quiet"])
        XCTAssertEqual(r.status, status, "stderr: \(r.stderr)", file: file, line: line)
        let lines = r.stderr.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "expected one line, got: \(r.stderr)", file: file, line: line)
        for fragment in fragments {
            XCTAssertTrue(
                r.stderr.contains(fragment), "\"\(fragment)\" missing from: \(r.stderr)", file: file, line: line)
        }
        XCTAssertFalse(r.stderr.contains("Fatal error"), file: file, line: line)
        XCTAssertEqual(r.stdout, "", file: file, line: line)
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        XCTAssertEqual(left, [], "files left behind: \(left)", file: file, line: line)
        return String(lines.first ?? "")
    }

    func testPredictFileOfAnotherShapeOrMethod() throws {
        let digits = CLI.root.appendingPathComponent("datasets/digits.h5").path
        let small = CLI.fixture("small_float64.h5")
        try assertFails([digits, "-k", "10", "--predict", small], mentions: [small, "\"features\"", "[64]"])
        try assertFails(
            [digits, "-k", "10", "--method", "spectral", "--predict", digits], mentions: ["--predict", "spectral"])
        try assertFails(
            [digits, "-k", "10", "--predict", "/nonexistent/new.h5"], mentions: ["/nonexistent/new.h5", "no such file"])
    }

    func testMissingFile() throws {
        try assertFails(["/nonexistent/data.h5", "-k", "3"], mentions: ["/nonexistent/data.h5", "no such file"])
    }

    func testNotHDF5() throws {
        let f = CLI.fixture("not_hdf5.h5")
        try assertFails([f, "-k", "2"], mentions: [f, "not an HDF5 file"])
    }

    func testTruncated() throws {
        let f = CLI.fixture("truncated.h5")
        try assertFails([f, "-k", "2"], mentions: [f])
    }

    func testMissingDataset() throws {
        let f = CLI.fixture("small_float64.h5")
        try assertFails([f, "-k", "2", "--features-dataset", "nope"], mentions: [f, "\"nope\"", "not found"])
    }

    func testMissingLabelsDatasetNamedExplicitly() throws {
        let f = CLI.fixture("small_float64.h5")
        try assertFails(
            [f, "-k", "2", "--neighbors", "2", "--labels-dataset", "truth"], mentions: [f, "\"truth\"", "not found"])
    }

    func testWrongRank() throws {
        let f = CLI.fixture("wrong_rank.h5")
        try assertFails([f, "-k", "2"], mentions: [f, "\"features\"", "rank 1"])
    }

    func testWrongType() throws {
        let f = CLI.fixture("strings.h5")
        try assertFails([f, "-k", "2"], mentions: [f, "\"features\""])
    }

    func testZeroRows() throws {
        let f = CLI.fixture("empty.h5")
        try assertFails([f, "-k", "2"], mentions: [f, "\"features\"", "0 rows"])
    }

    func testNaN() throws {
        let f = CLI.fixture("bad_nan.h5")
        try assertFails([f, "-k", "2", "--neighbors", "2"], mentions: [f, "\"features\"", "row 2", "column 1", "NaN"])
    }

    func testInfinity() throws {
        let f = CLI.fixture("bad_nan.h5")
        try assertFails(
            [f, "-k", "2", "--neighbors", "2", "--features-dataset", "with_inf"],
            mentions: [f, "\"with_inf\"", "row 1", "inf"])
    }

    func testLabelLengthMismatch() throws {
        let f = CLI.fixture("mismatch_labels.h5")
        try assertFails([f, "-k", "2", "--neighbors", "2"], mentions: [f, "\"labels\"", "10", "12"])
    }

    func testMoreClustersThanSamples() throws {
        let f = CLI.fixture("small_float64.h5")
        try assertFails([f, "-k", "7"], mentions: [f, "7", "6 samples", "\"features\""])
    }

    func testFewerThanTwoClustersIsAUsageError() throws {
        let f = CLI.fixture("small_float64.h5")
        let r = try CLI.run(["cluster", f, "-k", "1"])
        XCTAssertEqual(r.status, 64)
        XCTAssertTrue(r.stderr.contains("--clusters 1 must be at least 2"), r.stderr)
    }

    /// A time budget of 0, below 0 or not a number is a usage error naming the value.
    func testTimeBudgetMustBeAPositiveNumberOfMinutes() throws {
        let f = CLI.fixture("small_float64.h5")
        for value in ["0", "-1", "abc", "nan", "inf"] {
            let r = try CLI.run(["cluster", f, "-k", "2", "--time-budget=\(value)", "--quiet"])
            XCTAssertEqual(r.status, 64, value)
            XCTAssertTrue(
                r.stderr.contains("--time-budget \(value) must be a positive number of minutes"), r.stderr)
        }
    }

    /// A budget too small for one epoch and the clustering is refused after the first steps, in
    /// one line naming the file and the minimum, and nothing is written.
    func testTimeBudgetTooSmallNamesTheMinimum() throws {
        let digits = TestFiles.dataset("digits.h5")
        let line = try assertFails(
            [digits, "-k", "10", "--time-budget", "0.0001"], mentions: [digits, "--time-budget"])
        XCTAssertTrue(line.contains("min here: give --time-budget"), line)
    }

    func testTooManyNeighbors() throws {
        let f = CLI.fixture("small_float64.h5")
        try assertFails([f, "-k", "2", "--method", "spectral", "--neighbors", "6"], mentions: [f, "--neighbors 6"])
    }

    func testUnwritableOutput() throws {
        let f = CLI.fixture("small_float64.h5")
        let r = try CLI.run([
            "cluster", f, "-k", "2", "--neighbors", "2", "--output", "/nonexistent-dir/out.h5", "--quiet",
        ])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("/nonexistent-dir/out.h5"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/nonexistent-dir/out.h5"))
    }

    func testOutputIsAFolder() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let f = CLI.fixture("small_float64.h5")
        let r = try CLI.run(["cluster", f, "-k", "2", "--neighbors", "2", "--output", dir.path, "--quiet"])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains(dir.path), r.stderr)
    }

    func testEvaluateMismatchedLengths() throws {
        let r = try CLI.run([
            "evaluate", "--truth", CLI.fixture("mismatch_labels.h5"), "--pred", CLI.fixture("small_float64.h5"),
        ])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("small_float64.h5"), r.stderr)
    }
}
