import DSCIO
import DSCNNIO
import DSCTensor
import Foundation
import XCTest

@testable import DSCNN

/// `HDF5Samples` and `DataLoader(hdf5:)`: shapes, labels, in-memory versus streamed reading.
final class DataHDF5Tests: XCTestCase {
    private func scratchFile(_ name: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("dscnn-data-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        return directory.appendingPathComponent(name).path
    }

    /// 23 images [23, 5, 6] whose pixel (h, w) of image i is i + h/10 + w/100, labels i % 4.
    private func imageFile() throws -> String {
        let path = try scratchFile("images.h5")
        var values: [Float] = []
        for i in 0..<23 {
            for p in 0..<30 {
                let h = Float(p / 6)
                let w = Float(p % 6)
                values.append(Float(i) + h / 10 + w / 100)
            }
        }
        try HDF5Writer.writeFile(path) { out in
            try out.write(values, shape: [23, 5, 6], to: "images")
            try out.write((0..<23).map { $0 % 4 }, to: "labels")
            try out.write(values.map(Double.init), shape: [23, 30], to: "vectors")
        }
        return path
    }

    func testImagesAreReadAsSingleChannelBatchesInMemoryAndStreamed() throws {
        let path = try imageFile()
        let inMemory = try HDF5Samples(path: path, dataset: "images", labels: "labels")
        let streamed = try HDF5Samples(path: path, dataset: "images", labels: "labels", inMemoryLimit: 0)
        XCTAssertTrue(inMemory.isInMemory)
        XCTAssertFalse(streamed.isInMemory)
        XCTAssertEqual(inMemory.sampleShape, [1, 5, 6])
        XCTAssertEqual(streamed.count, 23)
        // Unsorted indices with runs and a repeat.
        let indices = [7, 3, 4, 5, 22, 0, 4]
        var a = [Float](repeating: 0, count: indices.count * 30)
        var b = a
        try a.withUnsafeMutableBufferPointer { try inMemory.read(indices, into: $0) }
        try b.withUnsafeMutableBufferPointer { try streamed.read(indices, into: $0) }
        XCTAssertEqual(a, b)
        XCTAssertEqual(a[30 * 4 + 7], 22 + 0.1 + 0.01, accuracy: 1e-5)

        for limit in [HDF5Samples.defaultInMemoryLimit, 0] {
            let loader = try DataLoader(
                hdf5: path, dataset: "images", labels: "labels", batchSize: 10,
                seed: 3, inMemoryLimit: limit)
            var seen: [Int] = []
            try loader.forEachBatch(epoch: 1) { batch in
                XCTAssertEqual(Array(batch.inputs.shape.dropFirst()), [1, 5, 6])
                XCTAssertEqual(batch.labels, batch.indices.map { $0 % 4 })
                for (k, i) in batch.indices.enumerated() {
                    XCTAssertEqual(batch.inputs[k, 0, 2, 3], Float(i) + 0.2 + 0.03, accuracy: 1e-5)
                }
                seen += batch.indices
            }
            XCTAssertEqual(seen, loader.order(epoch: 1))
        }
    }

    func testStreamedSourcesAreBlockShuffledAndReadEachBlockOncePerEpoch() throws {
        let path = try imageFile()
        let samples = try HDF5Samples(
            path: path, dataset: "images", labels: "labels", inMemoryLimit: 0,
            blockRows: 4, windowBlocks: 2)
        XCTAssertEqual(samples.shuffleBlocks, ShuffleBlocks(rows: 4, window: 2))
        let loader = DataLoader(samples, batchSize: 5, seed: 11)
        let order = loader.order(epoch: 0)
        XCTAssertEqual(order.sorted(), Array(0..<23))
        XCTAssertNotEqual(order, Array(0..<23))
        // Locality: the rows of a block lie within one window of two blocks (< 8 positions apart).
        for b in 0..<6 {
            let positions = order.indices.filter { order[$0] / 4 == b }
            XCTAssertLessThan(positions.max()! - positions.min()!, 8, "block \(b)")
        }
        var seen: [Int] = []
        try loader.forEachBatch(epoch: 0) { batch in
            for (k, i) in batch.indices.enumerated() {
                XCTAssertEqual(batch.inputs[k, 0, 4, 5], Float(i) + 0.4 + 0.05, accuracy: 1e-5)
            }
            seen += batch.indices
        }
        XCTAssertEqual(seen, order)
        XCTAssertEqual(samples.blockReads, 6, "23 rows in blocks of 4, each read once")
        XCTAssertEqual(loader.order(epoch: 0), order)
        XCTAssertNotEqual(loader.order(epoch: 1), order)
    }

    func testFeatureVectorsFromFloat64() throws {
        let path = try imageFile()
        let samples = try HDF5Samples(path: path, dataset: "vectors", inMemoryLimit: 0)
        XCTAssertEqual(samples.sampleShape, [30])
        XCTAssertNil(samples.labels)
        let loader = DataLoader(samples, batchSize: 8, shuffle: false, dropLast: true)
        let batches = Array(loader.epoch(0))
        XCTAssertEqual(batches.map { $0.inputs.shape }, [[8, 30], [8, 30]])
        XCTAssertEqual(batches[1].inputs[0, 0], 8, accuracy: 1e-6)
    }

    func testBadFilesThrowHDF5Errors() throws {
        let path = try imageFile()
        XCTAssertThrowsError(try HDF5Samples(path: path, dataset: "missing")) { XCTAssertTrue($0 is HDF5Error) }
        XCTAssertThrowsError(try HDF5Samples(path: path + ".nope")) { XCTAssertTrue($0 is HDF5Error) }
        XCTAssertThrowsError(try HDF5Samples(path: path, dataset: "labels")) { XCTAssertTrue($0 is HDF5Error) }
    }
}
