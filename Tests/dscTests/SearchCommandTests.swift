import DSCIO
import DSCTestSupport
import Foundation
import XCTest

/// `dsc index` and `dsc search` end to end, and their bad input.
final class SearchCommandTests: XCTestCase {
    let digits = TestFiles.dataset("digits.h5")

    func testIndexAndSearchDigitsWithScores() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let index = dir.appendingPathComponent("itq.h5").path
        let results = dir.appendingPathComponent("results.h5").path
        let built = try CLI.run(["index", digits, "-o", index, "--kind", "itq", "--bits", "16", "--json"])
        XCTAssertEqual(built.status, 0, built.stderr)
        XCTAssertTrue(built.stdout.contains("\"bits\":16"), built.stdout)
        let searched = try CLI.run(["search", index, digits, "--top", "5", "-o", results, "--json"])
        XCTAssertEqual(searched.status, 0, searched.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(searched.stdout.utf8)) as? [String: Any])
        let metrics = try XCTUnwrap(json["metrics"] as? [String: Double])
        // Digits searched by themselves: well above chance (0.1) at every score.
        XCTAssertGreaterThan(metrics["map_at_5000"] ?? 0, 0.5)
        XCTAssertGreaterThan(metrics["precision_within_radius_2"] ?? 0, 0.5)
        XCTAssertNotNil((json["seconds"] as? [String: Double])?["search"])
        let reader = try HDF5Reader(path: results)
        XCTAssertEqual(try reader.shape(of: "ids"), [1797, 5])
        XCTAssertEqual(try reader.elementType(of: "ids"), .int64)
        XCTAssertEqual(try reader.elementType(of: "distances"), .int32)
        let flat = dir.appendingPathComponent("flat.h5").path
        XCTAssertEqual(try CLI.run(["index", digits, "-o", flat]).status, 0)
        let exact = try CLI.run(["search", flat, digits, "--top", "3", "-o", results, "--json"])
        XCTAssertEqual(exact.status, 0, exact.stderr)
        XCTAssertEqual(try HDF5Reader(path: results).elementType(of: "distances"), .float32)
        // Every digit finds itself at distance 0; an identical digit of a smaller row may come first.
        let ids = try HDF5Reader(path: results).readWords("ids").values
        XCTAssertEqual((0..<1797).filter { ids[$0 * 3] <= UInt64($0) }.count, 1797)
        XCTAssertGreaterThan((0..<1797).filter { ids[$0 * 3] == UInt64($0) }.count, 1700)
    }

    func testTopAboveTheDatabaseIsClampedAndSaid() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let index = dir.appendingPathComponent("flat.h5").path
        XCTAssertEqual(try CLI.run(["index", digits, "-o", index]).status, 0)
        let r = try CLI.run(["search", index, digits, "--top", "5000", "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"top\":1797"), r.stdout)
        XCTAssertTrue(r.stderr.contains("--top 5000 is above the 1797 database rows; clamped to 1797"), r.stderr)
    }

    func testBadInputGetsOneLineAndLeavesNothing() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let index = dir.appendingPathComponent("lsh.h5").path
        let out = dir.appendingPathComponent("out.h5").path
        XCTAssertEqual(try CLI.run(["index", digits, "-o", index, "--kind", "lsh", "--bits", "8"]).status, 0)
        func fails(
            _ args: [String], status: Int32 = 1, _ text: String, file: StaticString = #filePath, line: UInt = #line
        ) throws {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, status, r.stderr, file: file, line: line)
            XCTAssertTrue(r.stderr.contains(text), r.stderr, file: file, line: line)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)", file: file, line: line)
        }
        try fails(["search", index, digits, "--top", "0", "-o", out], status: 64, "--top 0 must be at least 1")
        try fails(
            ["index", digits, "-o", out, "--kind", "lsh", "--bits", "0"], status: 64, "--bits 0 must be in 1...4096")
        try fails(
            ["index", digits, "-o", out, "--kind", "itq", "--bits", "65"],
            "--bits 65 must be at most the 64 values per sample")
        try fails(["index", digits, "-o", out, "--kind", "pq"], status: 64, "pq")
        try fails(["search", digits, digits, "--top", "3", "-o", out], "not an index written by dsc index")
        try fails(["search", TestFiles.fixture("not_hdf5.h5"), digits, "--top", "3", "-o", out], "not_hdf5.h5")
        try fails(["search", TestFiles.fixture("truncated.h5"), digits, "--top", "3", "-o", out], "truncated.h5")
        try fails(["search", index, TestFiles.fixture("bad_nan.h5"), "--top", "3", "-o", out], "bad_nan.h5")
        try fails(
            ["search", index, dir.appendingPathComponent("missing.h5").path, "--top", "3", "-o", out], "missing.h5")
        let other = dir.appendingPathComponent("other.h5").path
        try HDF5Writer.writeFile(other) {
            try $0.write([Float](repeating: 0.5, count: 30), shape: [10, 3], to: "features")
        }
        try fails(["search", index, other, "--top", "3", "-o", out], "holds samples of shape [3], but")
    }
}
