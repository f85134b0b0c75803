import Foundation
import XCTest

/// Where the tests find the repository's files, and scratch space they clean up.
public enum TestFiles {
    /// The repository root (this file is `Tests/DSCTestSupport/TestFiles.swift`).
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // DSCTestSupport
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // repository root

    /// `datasets/` (the committed digits, and MNIST when `make datasets` has built it).
    public static let datasets = root.appendingPathComponent("datasets")

    /// `Tests/Fixtures/`, the files made by `Tests/Fixtures/make_fixtures.py`.
    public static let fixtures = root.appendingPathComponent("Tests/Fixtures")

    /// The path of `datasets/name`.
    public static func dataset(_ name: String) -> String { datasets.appendingPathComponent(name).path }

    /// The path of `Tests/Fixtures/name`.
    public static func fixture(_ name: String) -> String { fixtures.appendingPathComponent(name).path }

    /// A new empty folder under the system's temporary directory, removed when `test` ends.
    public static func scratchDirectory(_ test: XCTestCase) throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("dsc-tests-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        return url
    }
}
