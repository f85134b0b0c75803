import DSCIO
import DSCNN
import DSCTensor
import Foundation
import XCTest

/// Helpers shared by the DSCNN layer, optimizer, checkpoint and training tests.
enum NNTest {
    /// `datasets/` at the repository root.
    static let datasets = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()   // DSCNNTests
        .deletingLastPathComponent()   // Tests
        .deletingLastPathComponent()   // repository root
        .appendingPathComponent("datasets")

    /// Normal samples `std · N(0, 1)`.
    static func randn(_ shape: [Int], seed: UInt64, std: Float = 1, requiresGrad: Bool = false) -> Tensor {
        var g = SeededGenerator(seed: seed)
        return Tensor.randn(shape, std: std, generator: &g, requiresGrad: requiresGrad)
    }

    /// A fresh directory under the system's temporary directory, removed after the test.
    static func scratchDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("dscnn-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}

extension XCTestCase {
    /// Asserts elementwise `|a − b| ≤ accuracy` and equal counts.
    func assertClose(_ a: [Float], _ b: [Float], accuracy: Float = 1e-5, _ what: String = "",
                     file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what): counts", file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() where !(abs(x - y) <= accuracy) {
            XCTFail("\(what)[\(i)]: \(x) vs \(y)", file: file, line: line)
            return
        }
    }

    /// Asserts that the gradients of `f` match central differences (GradCheck, ε = 1e-3, tolerance
    /// 1e-3 absolute and relative unless given).
    func assertGradientsMatch(_ inputs: [Tensor], tolerance: Float = 1e-3, file: StaticString = #filePath,
                              line: UInt = #line, _ f: @escaping () -> Tensor) {
        let report = GradCheck.check(inputs, absoluteTolerance: tolerance, relativeTolerance: tolerance) { _ in f() }
        XCTAssertTrue(report.passed, "\(report)", file: file, line: line)
    }
}
