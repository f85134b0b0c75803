import DSCPipeline
import DSCSearch
import DSCTestSupport
import XCTest

/// `dsc index` streams the database: the blocks it reads in do not change the index.
final class IndexJobTests: XCTestCase {
    let digits = TestFiles.dataset("digits.h5")

    func testStreamedBlocksGiveTheSameCodes() throws {
        let dir = try TestFiles.scratchDirectory(self)
        var whole = IndexJob(input: digits, output: dir.appendingPathComponent("a.h5").path, kind: .itq)
        whole.bits = 16
        var streamed = whole
        streamed.output = dir.appendingPathComponent("b.h5").path
        streamed.blockRows = 100
        _ = try whole.run()
        let outcome = try streamed.run()
        XCTAssertEqual(outcome.count, 1797)
        let a = try IndexFile.read(whole.output).index as? BinaryIndex
        let b = try IndexFile.read(streamed.output).index as? BinaryIndex
        XCTAssertEqual(a?.codes, b?.codes)
        XCTAssertEqual(a?.count, 1797)
    }

    func testLargeDatabasesTrainOnEvenlySpacedRows() throws {
        let dir = try TestFiles.scratchDirectory(self)
        var job = IndexJob(input: digits, output: dir.appendingPathComponent("lsh.h5").path, kind: .lsh)
        job.maxTrainingSamples = 300
        job.blockRows = 512
        XCTAssertEqual(try job.run().count, 1797)
        let index = try XCTUnwrap(try IndexFile.read(job.output).index as? BinaryIndex)
        XCTAssertEqual(index.count, 1797)
        XCTAssertEqual(index.encoder.dimension, 64)
    }
}
