import DSCNeighbors
import DSCTensor
import XCTest

final class HammingSearchTests: XCTestCase {
    func randomCodes(_ n: Int, bits: Int, seed: UInt64) -> BinaryCodes {
        var g = SeededGenerator(seed: seed)
        let w = (bits + 63) / 64
        let mask: UInt64 = bits % 64 == 0 ? ~0 : (1 << UInt64(bits % 64)) - 1
        var words = (0..<(n * w)).map { _ in g.next() }
        for i in 0..<n { words[i * w + w - 1] &= mask }
        return BinaryCodes(count: n, bits: bits, storage: words)
    }

    /// Bit j is bit j % 64 of word j / 64, from the signs of the values.
    func testBitOrderFromSigns() {
        var values = [Float](repeating: -1, count: 2 * 70)
        values[0] = 1
        values[63] = 2
        values[64] = 0.5
        values[70 + 69] = 3
        values[70 + 5] = 0  // 0 is not positive
        let codes = BinaryCodes(signs: values, bits: 70)
        XCTAssertEqual(codes.words, 2)
        XCTAssertEqual(codes.storage, [1 | (1 << 63), 1, 0, 1 << 5])
        XCTAssertTrue(codes.bit(0, 63) && codes.bit(1, 69) && !codes.bit(1, 5))
        XCTAssertEqual(codes.distance(0, to: codes, 1), 4)
    }

    /// Every word width against brute force, ties broken by the smaller row.
    func testMatchesBruteForceWithTies() {
        for bits in [5, 16, 24, 32, 64, 100, 192] {
            let db = randomCodes(700, bits: bits, seed: 1)
            let q = randomCodes(45, bits: bits, seed: 2)
            var search = HammingSearch(k: 7)
            search.blockRows = 128
            search.queryChunk = 8
            let (ids, distances) = search.search(q, in: db)
            for i in 0..<45 {
                let expected = (0..<700).map { (q.distance(i, to: db, $0), $0) }.sorted { $0 < $1 }.prefix(7)
                XCTAssertEqual(
                    Array(ids[(i * 7)..<((i + 1) * 7)]), expected.map { Int64($0.1) }, "bits \(bits), query \(i)")
                XCTAssertEqual(Array(distances[(i * 7)..<((i + 1) * 7)]), expected.map { Int32($0.0) })
            }
        }
    }

    func testIdenticalCodesRankByRowAndSmallDatabasesArePadded() {
        let db = BinaryCodes(count: 3, bits: 8, storage: [5, 5, 5])
        let q = BinaryCodes(count: 1, bits: 8, storage: [5])
        let (ids, distances) = HammingSearch(k: 5).search(q, in: db)
        XCTAssertEqual(ids, [0, 1, 2, -1, -1])
        XCTAssertEqual(distances, [0, 0, 0, -1, -1])
        XCTAssertEqual(HammingSearch.distances(from: 0, of: q, to: db), [0, 0, 0])
    }

    /// Short codes take bits / 8 bytes in memory (a power of two up to 4), and the 64-bit word
    /// layout of the files round-trips through them.
    func testShortCodesArePackedInBitsOver8Bytes() {
        XCTAssertEqual(
            [8, 16, 24, 32, 48, 64, 128, 130].map { BinaryCodes.stride(bits: $0) }, [1, 2, 4, 4, 8, 8, 16, 24])
        for bits in [8, 16, 32, 64, 128] {
            let codes = randomCodes(33, bits: bits, seed: UInt64(bits))
            XCTAssertEqual(codes.bytes.count, 33 * bits / 8, "bits \(bits)")
            XCTAssertEqual(BinaryCodes(count: 33, bits: bits, storage: codes.storage), codes)
            let all = HammingSearch.distances(from: 3, of: codes, to: codes)
            XCTAssertEqual(all, (0..<33).map { Int32(codes.distance(3, to: codes, $0)) }, "bits \(bits)")
        }
        let c = BinaryCodes(count: 1, bits: 32, storage: [0x8000_0001])
        XCTAssertEqual(c.bytes, [1, 0, 0, 0x80])
        XCTAssertTrue(c.bit(0, 0) && c.bit(0, 31) && !c.bit(0, 30))
    }
}
