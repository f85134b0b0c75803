import DSCTestSupport
import Foundation
import XCTest

/// `dsc train`, `--resume` (also after a kill), `dsc cluster --model`, and the errors of a model
/// that does not fit the data.
final class TrainCommandTests: XCTestCase {
    var digits: String { CLI.root.appendingPathComponent("datasets/digits.h5").path }

    func json(_ text: String) throws -> [String: Any] {
        let data = try XCTUnwrap(text.trimmingCharacters(in: .whitespacesAndNewlines).data(using: .utf8))
        return try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], text)
    }

    /// digits has 7 batches an epoch, so an epoch's checkpoint is written before the budget is
    /// judged after 9 steps: a refused run still leaves no model behind.
    func testTrainBudgetTooSmallLeavesNoModel() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let model = dir.appendingPathComponent("model.h5").path
        let t = try CLI.run(["train", digits, "--output", model, "--time-budget", "0.0001", "--quiet"])
        XCTAssertEqual(t.status, 1, t.stderr)
        XCTAssertEqual(t.stderr.split(separator: "\n").count, 1, t.stderr)
        XCTAssertTrue(t.stderr.contains(digits) && t.stderr.contains("--time-budget"), t.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: model))
    }

    func testTrainResumeAndClusterWithTheModel() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let model = dir.appendingPathComponent("model.h5").path
        let t = try CLI.run(["train", digits, "--output", model, "--epochs", "2", "--json", "--quiet"])
        XCTAssertEqual(t.status, 0, t.stderr)
        let tj = try json(t.stdout)
        XCTAssertEqual(tj["n"] as? Int, 1797)
        XCTAssertEqual(tj["input"] as? String, "features[64]")
        XCTAssertEqual(tj["steps"] as? Int, 14, "2 epochs of 7 full batches of 256")
        XCTAssertEqual((tj["epochs"] as? [Any])?.count, 2)
        // Two more epochs from the checkpoint.
        let r = try CLI.run([
            "train", digits, "--output", model, "--epochs", "4", "--resume", model, "--json", "--quiet",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rj = try json(r.stdout)
        XCTAssertEqual(rj["resumed_at"] as? Int, 14)
        XCTAssertEqual(rj["steps"] as? Int, 28)
        // Cluster with the trained model: no training, the scores are there.
        let c = try CLI.run(["cluster", digits, "-k", "10", "--model", model, "--json", "--quiet"])
        XCTAssertEqual(c.status, 0, c.stderr)
        let cj = try json(c.stdout)
        XCTAssertEqual(cj["method"] as? String, "ebsc")
        let seconds = try XCTUnwrap(cj["seconds"] as? [String: Double])
        XCTAssertNil(seconds["train"], "a given model is not trained again")
        for stage in ["embed", "coefficients", "eigen", "kmeans"] { XCTAssertNotNil(seconds[stage], stage) }
        XCTAssertGreaterThan(try XCTUnwrap((cj["metrics"] as? [String: Double])?["acc"]), 0.5)
        // The same samples again, out of sample: each is its own strongest atom, so the labels
        // and scores follow the fit's.
        let out = dir.appendingPathComponent("result.h5").path
        let p = try CLI.run([
            "cluster", digits, "-k", "10", "--model", model, "--predict", digits, "-o", out, "--json", "--quiet",
        ])
        XCTAssertEqual(p.status, 0, p.stderr)
        let pj = try json(p.stdout)
        let predicted = try XCTUnwrap(pj["predicted"] as? [String: Any])
        XCTAssertEqual(predicted["n"] as? Int, 1797)
        XCTAssertEqual(predicted["input"] as? String, digits)
        let fitAcc = try XCTUnwrap((pj["metrics"] as? [String: Double])?["acc"])
        let predictedAcc = try XCTUnwrap((predicted["metrics"] as? [String: Double])?["acc"])
        XCTAssertEqual(predictedAcc, fitAcc, accuracy: 0.02)
        XCTAssertNotNil((try XCTUnwrap(pj["seconds"] as? [String: Double]))["predict"])
    }

    /// A run killed with SIGKILL leaves a usable checkpoint, and `--resume` finishes the run.
    func testResumeAfterKill() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let model = dir.appendingPathComponent("model.h5").path
        let process = Process()
        process.executableURL = CLI.binary
        process.arguments = ["train", digits, "--output", model, "--epochs", "8", "--quiet"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        // Wait for the first checkpoint (written after every epoch), then kill the run.
        var waited = 0
        while !FileManager.default.fileExists(atPath: model) && waited < 600 && process.isRunning {
            Thread.sleep(forTimeInterval: 0.1)
            waited += 1
        }
        Thread.sleep(forTimeInterval: 0.5)
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertTrue(FileManager.default.fileExists(atPath: model), "a checkpoint was written before the kill")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0 != "model.h5" }
        XCTAssertEqual(leftovers.filter { !$0.hasPrefix(".") }, [], "no half-written files beside the checkpoint")
        let r = try CLI.run([
            "train", digits, "--output", model, "--epochs", "8", "--resume", model, "--json", "--quiet",
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let rj = try json(r.stdout)
        let resumedAt = try XCTUnwrap(rj["resumed_at"] as? Int)
        XCTAssertGreaterThan(resumedAt, 0)
        XCTAssertEqual(rj["steps"] as? Int, 56)
    }

    func testModelThatDoesNotFitTheData() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let model = dir.appendingPathComponent("model.h5").path
        XCTAssertEqual(try CLI.run(["train", digits, "--output", model, "--epochs", "1", "--quiet"]).status, 0)
        let out = dir.appendingPathComponent("out.h5").path
        let c = try CLI.run([
            "cluster", digits, "-k", "10", "--features-dataset", "images", "--model", model,
            "--output", out, "--quiet",
        ])
        XCTAssertEqual(c.status, 1)
        XCTAssertEqual(c.stderr.split(separator: "\n").count, 1, c.stderr)
        XCTAssertTrue(c.stderr.contains("features[64]") && c.stderr.contains("images[1,8,8]"), c.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out))
        // A checkpoint of another configuration: names the setting.
        let r = try CLI.run([
            "train", digits, "--output", dir.appendingPathComponent("m2.h5").path, "--embedding", "32",
            "--resume", model, "--quiet",
        ])
        XCTAssertEqual(r.status, 1)
        XCTAssertTrue(r.stderr.contains("embedding=64") && r.stderr.contains("embedding=32"), r.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("m2.h5").path))
        // Not a model file at all.
        let n = try CLI.run(["cluster", digits, "-k", "10", "--model", digits, "--quiet"])
        XCTAssertEqual(n.status, 1)
        XCTAssertEqual(n.stderr.split(separator: "\n").count, 1, n.stderr)
        XCTAssertTrue(n.stderr.contains(digits), n.stderr)
    }
}
