import DSCIO
import DSCTestSupport
import Foundation
import XCTest

/// The data sets under `datasets/`: the committed digits file, and MNIST when it has been built.
final class DatasetFilesTests: XCTestCase {
    private static let datasets = TestFiles.datasets

    /// `datasets/digits.h5` (gzip-compressed chunks) reads as scikit-learn's `load_digits`.
    func testDigits() throws {
        let reader = try HDF5Reader(path: Self.datasets.appendingPathComponent("digits.h5").path)
        let features = try reader.readMatrix("features")
        XCTAssertEqual(features.shape, [1797, 64])
        XCTAssertEqual(try reader.elementType(of: "features"), .float32)
        XCTAssertEqual(features.values.min(), 0)
        XCTAssertEqual(features.values.max(), 16)
        // load_digits().data[0, :8] == [0, 0, 5, 13, 9, 1, 0, 0]
        XCTAssertEqual(Array(features.values.prefix(8)), [0, 0, 5, 13, 9, 1, 0, 0])
        let images = try reader.readMatrix("images")
        XCTAssertEqual(images.shape, [1797, 8, 8])
        XCTAssertEqual(images.values, features.values)
        let labels = try reader.readLabels(matchingRowsOf: "features")
        XCTAssertEqual(try reader.elementType(of: "labels"), .int64)
        var counts = [Int](repeating: 0, count: 10)
        for label in labels { counts[label] += 1 }
        // numpy.bincount(load_digits().target)
        XCTAssertEqual(counts, [178, 182, 177, 183, 181, 182, 181, 179, 174, 180])
        XCTAssertTrue(try reader.stringAttribute("licence").contains("BSD-3-Clause"))
    }

    /// MNIST-70k streamed by blocks; runs only when `datasets/mnist.h5` (or `$DSC_MNIST_H5`) exists.
    func testMNISTIfBuilt() throws {
        let path =
            ProcessInfo.processInfo.environment["DSC_MNIST_H5"]
            ?? Self.datasets.appendingPathComponent("mnist.h5").path
        guard FileManager.default.fileExists(atPath: path) else {
            throw XCTSkip("\(path) not built (python3 datasets/make_mnist.py datasets/mnist.h5)")
        }
        let source = try HDF5RowSource(path: path)
        XCTAssertEqual(source.shape, [70000, 784])
        try source.validateFinite()
        var block = [Float](repeating: 0, count: 1000 * 784)
        try block.withUnsafeMutableBufferPointer { try source.readRows(69000..<70000, into: $0.baseAddress!) }
        XCTAssertEqual(block.min(), 0)
        XCTAssertEqual(block.max(), 1)
        let reader = try HDF5Reader(path: path)
        XCTAssertEqual(try reader.shape(of: "images"), [70000, 28, 28])
        let labels = try reader.readLabels(matchingRowsOf: "features")
        XCTAssertEqual(Array(labels.prefix(5)), [5, 0, 4, 1, 9], "canonical order: training images first")
    }
}
