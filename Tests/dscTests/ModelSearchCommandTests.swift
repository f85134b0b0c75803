import DSCIO
import DSCTestSupport
import Foundation
import XCTest

/// `dsc embed`, and `dsc index` / `dsc search` over a model's embeddings: the same sample gets the
/// same vector in any file, the queries are embedded by the index's model, and a changed or
/// missing model is refused.
final class ModelSearchCommandTests: XCTestCase {
    let digits = TestFiles.dataset("digits.h5")

    /// A digits model of one epoch, and the first `rows` digits as a file of their own.
    func setUpModel(_ dir: URL, rows: Int = 60) throws -> (model: String, subset: String) {
        let model = dir.appendingPathComponent("model.h5").path
        let t = try CLI.run(["train", digits, "-o", model, "--epochs", "1", "--quiet"])
        XCTAssertEqual(t.status, 0, t.stderr)
        return (model, try setUpSubset(dir, rows: rows))
    }

    /// The first `rows` digits (features and labels) as a file of their own.
    func setUpSubset(_ dir: URL, rows: Int = 60) throws -> String {
        let reader = try HDF5Reader(path: digits)
        let all = try reader.readMatrix("features", checkFinite: true)
        let labels = try reader.readLabels("labels")
        let subset = dir.appendingPathComponent("subset.h5").path
        try HDF5Writer.writeFile(subset) { out in
            try out.write(Array(all.values[0..<(rows * all.columns)]), shape: [rows, all.columns], to: "features")
            try out.write(Array(labels[0..<rows]), to: "labels")
        }
        return subset
    }

    func testEmbedWritesUnitRowsAndLabelsTheSameInAnyFile() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let (model, subset) = try setUpModel(dir)
        let whole = dir.appendingPathComponent("whole.h5").path
        let part = dir.appendingPathComponent("part.h5").path
        let r = try CLI.run(["embed", model, digits, "-o", whole, "--json", "--quiet"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("\"n\":1797"), r.stdout)
        XCTAssertEqual(try CLI.run(["embed", model, subset, "-o", part, "--quiet"]).status, 0)
        let (shape, z) = try HDF5Reader(path: whole).readArray("embeddings")
        XCTAssertEqual(shape.count, 2)
        XCTAssertEqual(shape[0], 1797)
        let d = shape[1]
        for i in stride(from: 0, to: 1797, by: 97) {
            let norm = (0..<d).reduce(Float(0)) { $0 + z[i * d + $1] * z[i * d + $1] }
            XCTAssertEqual(norm, 1, accuracy: 1e-4)
        }
        XCTAssertEqual(
            try HDF5Reader(path: whole).readLabels("labels"), try HDF5Reader(path: digits).readLabels("labels"))
        let zPart = try HDF5Reader(path: part).readArray("embeddings").values
        assertClose(zPart, Array(z[0..<(60 * d)]), accuracy: 1e-5, "the first 60 rows, embedded alone")
    }

    func testIndexWithAModelEmbedsTheQueriesAndRefusesAChangedModel() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let (model, subset) = try setUpModel(dir)
        let index = dir.appendingPathComponent("index.h5").path
        let built = try CLI.run(["index", digits, "-o", index, "--model", model, "--json", "--quiet"])
        XCTAssertEqual(built.status, 0, built.stderr)
        let results = dir.appendingPathComponent("results.h5").path
        let s = try CLI.run(["search", index, subset, "--top", "1", "-o", results, "--json", "--quiet"])
        XCTAssertEqual(s.status, 0, s.stderr)
        let json = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(s.stdout.utf8)) as? [String: Any])
        XCTAssertNotNil((json["seconds"] as? [String: Double])?["embed"], s.stdout)
        XCTAssertGreaterThan((json["metrics"] as? [String: Double])?["map_at_5000"] ?? 0, 0.3)
        // Each of the first 60 digits finds itself (or an identical digit of a smaller row).
        let ids = try HDF5Reader(path: results).readWords("ids").values
        XCTAssertEqual((0..<60).filter { ids[$0] <= UInt64($0) }.count, 60)
        // Queries of another shape, then a model trained again: refused, nothing written.
        let images = try CLI.run(["search", index, digits, "--features-dataset", "images", "--top", "1", "--quiet"])
        XCTAssertEqual(images.status, 1)
        XCTAssertTrue(images.stderr.contains("[8, 8]") && images.stderr.contains("[64]"), images.stderr)
        XCTAssertEqual(
            try CLI.run(["train", digits, "-o", model, "--epochs", "1", "--seed", "9", "--quiet"]).status, 0)
        try FileManager.default.removeItem(atPath: results)
        let changed = try CLI.run(["search", index, subset, "--top", "1", "-o", results, "--quiet"])
        XCTAssertEqual(changed.status, 1)
        XCTAssertEqual(changed.stderr.split(separator: "\n").count, 1, changed.stderr)
        XCTAssertTrue(changed.stderr.contains("has changed since the index was built"), changed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: results))
        try FileManager.default.removeItem(atPath: model)
        let missing = try CLI.run(["search", index, subset, "--top", "1", "--quiet"])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("does not exist"), missing.stderr)
    }

    func testLDPHAndCIEIndexes() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let (model, _) = try setUpModel(dir)
        let ldph = dir.appendingPathComponent("ldph.h5").path
        let l = try CLI.run(["index", digits, "-o", ldph, "--kind", "ldph", "--bits", "16", "--quiet"])
        XCTAssertEqual(l.status, 0, l.stderr)
        let ls = try CLI.run(["search", ldph, digits, "--top", "5", "--json", "--quiet"])
        XCTAssertEqual(ls.status, 0, ls.stderr)
        let lj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(ls.stdout.utf8)) as? [String: Any])
        XCTAssertGreaterThan((lj["metrics"] as? [String: Double])?["map_at_5000"] ?? 0, 0.5, ls.stdout)
        // A clustering as an extra reference: only for ldph, and only one of the database's length.
        let result = dir.appendingPathComponent("result.h5").path
        XCTAssertEqual(
            try CLI.run(["cluster", digits, "-k", "10", "--method", "spectral", "-o", result, "--quiet"]).status, 0)
        let other = try CLI.run(["index", digits, "-o", ldph, "--kind", "itq", "--pseudo-labels", result])
        XCTAssertEqual(other.status, 64)
        XCTAssertTrue(other.stderr.contains("only with --kind ldph"), other.stderr)
        let subsetLabels = dir.appendingPathComponent("subset-result.h5").path
        XCTAssertEqual(
            try CLI.run(["cluster", setUpSubset(dir), "-k", "3", "--method", "kmeans", "-o", subsetLabels, "--quiet"])
                .status, 0)
        let short = try CLI.run([
            "index", digits, "-o", dir.appendingPathComponent("short.h5").path, "--kind", "ldph", "--bits", "16",
            "--pseudo-labels", subsetLabels, "--quiet",
        ])
        XCTAssertEqual(short.status, 1)
        XCTAssertTrue(short.stderr.contains("labels for the 1797 samples"), short.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("short.h5").path))
        let taught = try CLI.run([
            "index", digits, "-o", ldph, "--kind", "ldph", "--bits", "16", "--pseudo-labels", result, "--quiet",
        ])
        XCTAssertEqual(taught.status, 0, taught.stderr)
        // CIE needs a model; with one, the two spaces agree more after it than before.
        let cie = dir.appendingPathComponent("cie.h5").path
        let refused = try CLI.run(["index", digits, "-o", cie, "--kind", "cie"])
        XCTAssertEqual(refused.status, 64)
        XCTAssertTrue(refused.stderr.contains("needs --model"), refused.stderr)
        let c = try CLI.run(["index", digits, "-o", cie, "--kind", "cie", "--model", model, "--json", "--quiet"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let cj = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(c.stdout.utf8)) as? [String: Any])
        let agreement = try XCTUnwrap(cj["cie_agreement"] as? [Double])
        XCTAssertGreaterThan(agreement.last!, agreement.first!)
        XCTAssertEqual(try CLI.run(["search", cie, digits, "--top", "5", "--quiet"]).status, 0)
    }

    /// With no --epochs, `dsc train` fits the budget `dsc cluster` would give the file (1 minute
    /// for 300 samples: the 30 epochs of feature vectors fit) and says its plan.
    func testTrainWithNoEpochsFitsTheDefaultBudgetAndSaysSo() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let subset = try setUpSubset(dir, rows: 300)
        let model = dir.appendingPathComponent("model.h5").path
        let t = try CLI.run(["train", subset, "-o", model, "--json"])
        XCTAssertEqual(t.status, 0, t.stderr)
        XCTAssertTrue(t.stderr.contains("training: 30 epochs of 1 steps (the most for this input"), t.stderr)
        XCTAssertEqual(
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data(t.stdout.utf8)) as? [String: Any])["steps"] as? Int,
            30, t.stdout)
    }

    /// A --model that is not a model, or does not fit the data: one line, nothing written.
    func testModelThatIsNotOneOrDoesNotFit() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let (model, _) = try setUpModel(dir)
        let out = dir.appendingPathComponent("out.h5").path
        for args in [
            ["index", digits, "-o", out, "--model", digits],
            ["index", digits, "-o", out, "--model", model, "--features-dataset", "images"],
            ["embed", digits, digits, "-o", out],
            ["embed", model, digits, "--features-dataset", "images", "-o", out],
        ] {
            let r = try CLI.run(args + ["--quiet"])
            XCTAssertEqual(r.status, 1, "\(args): \(r.stderr)")
            XCTAssertEqual(r.stderr.split(separator: "\n").count, 1, r.stderr)
            XCTAssertTrue(r.stderr.contains(digits), r.stderr)
            XCTAssertFalse(FileManager.default.fileExists(atPath: out), "\(args)")
        }
    }
}
