import DSCIO
import DSCNeighbors
import DSCSearch
import DSCTensor
import DSCTestSupport
import XCTest

final class SearchIndexTests: XCTestCase {
    /// Three well-separated Gaussian blobs in 12 dimensions.
    func blobs(_ perClass: Int, seed: UInt64) -> (values: [Float], labels: [Int]) {
        var g = SeededGenerator(seed: seed)
        var values: [Float] = []
        var labels: [Int] = []
        for i in 0..<(3 * perClass) {
            let c = i % 3
            values += (0..<12).map { j in Float(g.nextGaussian()) * 0.3 + (j % 3 == c ? 3 : 0) }
            labels.append(c)
        }
        return (values, labels)
    }

    func testITQRotationIsOrthogonalAndCodesSeparateTheBlobs() throws {
        let (x, labels) = blobs(100, seed: 1)
        let encoder = try BinaryEncoder.itq(training: x, dimension: 12, bits: 4, seed: 3)
        let r = encoder.rotation
        var rtr = [Float](repeating: 0, count: 16)
        BLAS.sgemm(transposeA: true, m: 4, n: 4, k: 4, a: r, lda: 4, b: r, ldb: 4, c: &rtr, ldc: 4)
        assertClose(rtr, (0..<16).map { $0 / 4 == $0 % 4 ? 1 : 0 }, accuracy: 1e-4, "RᵀR")
        let codes = encoder.encode(x)
        // Samples of one blob share a code far more often than samples of two blobs.
        for i in 0..<30 {
            for j in 0..<30 where labels[i] != labels[j] {
                XCTAssertGreaterThan(codes.distance(i, to: codes, j), 0)
            }
        }
    }

    func testEncodersAreSeededAndEncodeLikeTheirProjection() throws {
        let (x, _) = blobs(20, seed: 2)
        XCTAssertEqual(
            BinaryEncoder.lsh(training: x, dimension: 12, bits: 16, seed: 5),
            BinaryEncoder.lsh(training: x, dimension: 12, bits: 16, seed: 5))
        XCTAssertNotEqual(
            BinaryEncoder.lsh(training: x, dimension: 12, bits: 16, seed: 5).projection,
            BinaryEncoder.lsh(training: x, dimension: 12, bits: 16, seed: 6).projection)
        let e = try BinaryEncoder.itq(training: x, dimension: 12, bits: 8, seed: 1)
        XCTAssertEqual(e, try BinaryEncoder.itq(training: x, dimension: 12, bits: 8, seed: 1))
        let projected = e.project(x)
        let codes = e.encode(x)
        for i in 0..<60 { for j in 0..<8 { XCTAssertEqual(codes.bit(i, j), projected[i * 8 + j] > 0) } }
    }

    func testFlatIndexFindsItselfFirstAndMatchesAllDistances() {
        let (x, _) = blobs(30, seed: 3)
        var index = FlatIndex(dimension: 12)
        index.add(Array(x[0..<(45 * 12)]))
        index.add(Array(x[(45 * 12)...]))
        XCTAssertEqual(index.count, 90)
        let results = index.search(Array(x[0..<(5 * 12)]), k: 3)
        let all = index.allDistances(Array(x[0..<(5 * 12)]))
        guard case .squaredEuclidean(let d) = results.distances else { return XCTFail("float distances expected") }
        for i in 0..<5 {
            XCTAssertEqual(results.ids[i * 3], Int64(i))
            let row = Array(all[(i * 90)..<((i + 1) * 90)])
            let order = row.indices.sorted { (row[$0], $0) < (row[$1], $1) }
            XCTAssertEqual(results.ids[(i * 3)..<(i * 3 + 3)].map(Int.init), Array(order.prefix(3)))
            XCTAssertEqual(Double(d[i * 3 + 1]), Double(row[order[1]]), accuracy: 1e-3)
        }
    }

    func testIndexFilesRoundTripAndRefuseOtherFiles() throws {
        let dir = try TestFiles.scratchDirectory(self)
        let (x, labels) = blobs(20, seed: 4)
        var binary = try BinaryIndex.train(.itq, bits: 8, samples: x, dimension: 12, seed: 2)
        binary.add(x)
        let path = dir.appendingPathComponent("itq.h5").path
        try IndexFile.write(binary, metadata: IndexMetadata(sampleShape: [3, 4], labels: labels, seed: 2), to: path)
        let (back, metadata) = try IndexFile.read(path)
        XCTAssertEqual((back as? BinaryIndex)?.codes, binary.codes)
        XCTAssertEqual((back as? BinaryIndex)?.encoder as? BinaryEncoder, binary.encoder as? BinaryEncoder)
        XCTAssertEqual(metadata, IndexMetadata(sampleShape: [3, 4], labels: labels, seed: 2))
        XCTAssertEqual(back.search(x, k: 4), binary.search(x, k: 4))

        var flat = FlatIndex(dimension: 12)
        flat.add(x)
        let flatPath = dir.appendingPathComponent("flat.h5").path
        try IndexFile.write(flat, metadata: IndexMetadata(sampleShape: [12]), to: flatPath)
        XCTAssertEqual((try IndexFile.read(flatPath).index as? FlatIndex)?.vectors, x)

        // A data file, and an index of another version.
        XCTAssertThrowsError(try IndexFile.read(TestFiles.dataset("digits.h5"))) {
            XCTAssertTrue("\($0.localizedDescription)".contains("not an index written by dsc index"), "\($0)")
        }
        let other = dir.appendingPathComponent("v2.h5").path
        try HDF5Writer.writeFile(other) { out in
            try out.setAttribute("format", IndexFile.format)
            try out.setAttribute("version", 2)
        }
        XCTAssertThrowsError(try IndexFile.read(other)) {
            XCTAssertEqual($0 as? SearchError, .unsupportedVersion(file: other, version: 2, supported: 1))
        }
    }
}
