import DSCTestSupport
import Foundation
import XCTest

/// `dsc cluster`, `evaluate`, `report` and `demo` on real data: the documented outputs appear.
final class ClusterCommandTests: XCTestCase {
    var digits: String { CLI.root.appendingPathComponent("datasets/digits.h5").path }

    func jsonObject(_ text: String) throws -> [String: Any] {
        let data = try XCTUnwrap(text.trimmingCharacters(in: .whitespacesAndNewlines).data(using: .utf8))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], text)
    }

    func testClusterDigitsJSONOutputAndReport() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let out = dir.appendingPathComponent("result.h5").path
        let report = dir.appendingPathComponent("report").path
        let r = try CLI.run([
            "cluster", digits, "--clusters", "10", "--method", "spectral", "--json", "--output", out,
            "--report", report,
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 1, "one JSON object on one line")
        let json = try jsonObject(r.stdout)
        XCTAssertEqual(json["n"] as? Int, 1797)
        XCTAssertEqual(json["clusters"] as? Int, 10)
        XCTAssertEqual(json["method"] as? String, "spectral")
        let seconds = try XCTUnwrap(json["seconds"] as? [String: Double])
        for stage in ["graph", "eigen", "kmeans", "total"] { XCTAssertNotNil(seconds[stage], "seconds.\(stage)") }
        let metrics = try XCTUnwrap(json["metrics"] as? [String: Double])
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(metrics["acc"]), 0.85, "digits spectral ACC")
        XCTAssertGreaterThanOrEqual(try XCTUnwrap(metrics["nmi"]), 0.80)
        for key in ["nmi_geometric", "ari", "ami"] { XCTAssertNotNil(metrics[key], key) }
        for name in ["report.html", "report.md", "metrics.json"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: report + "/" + name), name)
        }
        // The written labels score the same through `dsc evaluate`.
        let e = try CLI.run(["evaluate", "--truth", digits + ":labels", "--pred", out, "--json"])
        XCTAssertEqual(e.status, 0, e.stderr)
        let em = try jsonObject(e.stdout)
        XCTAssertEqual(try XCTUnwrap(em["acc"] as? Double), try XCTUnwrap(metrics["acc"]), accuracy: 1e-12)
        // `dsc report` rebuilds the report from the result file alone.
        let report2 = dir.appendingPathComponent("report2").path
        let rr = try CLI.run(["report", out, "--output", report2])
        XCTAssertEqual(rr.status, 0, rr.stderr)
        let mj = try jsonObject(try String(contentsOfFile: report2 + "/metrics.json", encoding: .utf8))
        let m2 = try XCTUnwrap(mj["metrics"] as? [String: Double])
        XCTAssertEqual(try XCTUnwrap(m2["acc"]), try XCTUnwrap(metrics["acc"]), accuracy: 1e-12)
    }

    func testSameSeedSameLabelsAndHumanSummary() throws {
        let a = try CLI.run(["cluster", digits, "-k", "10", "--method", "spectral", "--seed", "3"])
        let b = try CLI.run(["cluster", digits, "-k", "10", "--method", "spectral", "--seed", "3"])
        XCTAssertEqual(a.status, 0, a.stderr)
        XCTAssertTrue(a.stdout.contains("ACC "), a.stdout)
        XCTAssertTrue(a.stdout.contains("1797 samples × 64 features"), a.stdout)
        // Progress goes to stderr only on a terminal: a pipe gets none.
        XCTAssertEqual(a.stderr, "")
        let strip = { (s: String) in s.split(separator: "\n").filter { !$0.contains("time") && !$0.contains("memory") }
        }
        XCTAssertEqual(strip(a.stdout), strip(b.stdout))
    }

    func testKMeansMethodAndResultFileReadsBackInH5py() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let out = dir.appendingPathComponent("km.h5").path
        let r = try CLI.run(["cluster", digits, "-k", "10", "--method", "kmeans", "--output", out, "--json"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let json = try jsonObject(r.stdout)
        XCTAssertEqual(json["method"] as? String, "kmeans")
        let acc = try XCTUnwrap((json["metrics"] as? [String: Double])?["acc"])
        XCTAssertGreaterThan(acc, 0.6)
        let spectral = dir.appendingPathComponent("sp.h5").path
        XCTAssertEqual(
            try CLI.run(["cluster", digits, "-k", "10", "--method", "spectral", "--output", spectral, "--quiet"])
                .status, 0)
        let check = """
            import h5py, numpy as np, scipy.sparse as sp
            f = h5py.File('\(spectral)', 'r')
            lab = f['labels'][:]; assert lab.dtype == np.int64 and lab.shape == (1797,), lab.dtype
            W = sp.csr_matrix((f['affinity/data'][:], f['affinity/indices'][:], f['affinity/indptr'][:]), shape=(1797, 1797))
            assert abs(W - W.T).max() < 1e-6
            assert f['embedding'].shape == (1797, 10) and f['embedding'].dtype == np.float32
            assert f.attrs['method'] == 'spectral' and f.attrs['seed'] == 0 and f.attrs['version']
            print('ok')
            """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = ["python3", "-c", check]
        let pipe = Pipe()
        p.standardOutput = pipe
        p.standardError = pipe
        try p.run()
        p.waitUntilExit()
        let text = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if text.contains("No module named") { throw XCTSkip("h5py/scipy not installed: \(text)") }
        XCTAssertEqual(p.terminationStatus, 0, text)
    }

    func testDemoPrintsScores() throws {
        let r = try CLI.run(["demo"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("ACC"), r.stdout)
        XCTAssertTrue(r.stdout.contains("NMI"), r.stdout)
        XCTAssertTrue(r.stdout.contains("ARI"), r.stdout)
    }
}
