import Foundation
import XCTest

/// `--help` is part of the interface: its text is kept as golden files in Tests/dscTests/Golden.
/// After an intended change, regenerate them with `DSC_UPDATE_GOLDEN=1 swift test --filter HelpTests`
/// and review the diff.
final class HelpTests: XCTestCase {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    func assertGolden(_ args: [String], _ name: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(args)
        XCTAssertEqual(r.status, 0, r.stderr, file: file, line: line)
        let url = Self.golden.appendingPathComponent(name)
        if ProcessInfo.processInfo.environment["DSC_UPDATE_GOLDEN"] == "1" {
            try r.stdout.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOf: url, encoding: .utf8)
        XCTAssertEqual(
            r.stdout, expected, "help text of `dsc \(args.joined(separator: " "))` changed", file: file, line: line)
    }

    func testRootHelp() throws { try assertGolden(["--help"], "help-root.txt") }

    /// The short help teaches in a screenful: at most 25 options; the research switches are
    /// hidden from it and listed by `--help-hidden`.
    func testClusterHelpHidesResearchSwitches() throws {
        let short = try CLI.run(["cluster", "--help"]).stdout
        let options = short.split(separator: "\n").filter { $0.hasPrefix("  -") }
        XCTAssertLessThanOrEqual(options.count, 25, short)
        let hidden = try CLI.run(["cluster", "--help-hidden"])
        XCTAssertEqual(hidden.status, 0, hidden.stderr)
        for flag in [
            "--affinity", "--row-normalization", "--restarts", "--candidates", "--no-ldfr", "--raw-features",
            "--se-weight",
        ] {
            XCTAssertFalse(short.contains(flag), "\(flag) in the short help")
            XCTAssertTrue(hidden.stdout.contains(flag), "\(flag) missing from --help-hidden")
        }
    }
    func testClusterHelp() throws { try assertGolden(["cluster", "--help"], "help-cluster.txt") }
    func testTrainHelp() throws { try assertGolden(["train", "--help"], "help-train.txt") }
    func testEvaluateHelp() throws { try assertGolden(["evaluate", "--help"], "help-evaluate.txt") }
    func testReportHelp() throws { try assertGolden(["report", "--help"], "help-report.txt") }
    func testDemoHelp() throws { try assertGolden(["demo", "--help"], "help-demo.txt") }
    func testIndexHelp() throws { try assertGolden(["index", "--help"], "help-index.txt") }
    func testSearchHelp() throws { try assertGolden(["search", "--help"], "help-search.txt") }
    func testEmbedHelp() throws { try assertGolden(["embed", "--help"], "help-embed.txt") }

    func testVersion() throws {
        let r = try CLI.run(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "0.1.0")
    }

    func testUsageErrorsExitWith64() throws {
        for args in [
            ["cluster"], ["cluster", "x.h5"], ["cluster", "x.h5", "-k", "abc"], ["nosuchcommand"],
            ["cluster", "x.h5", "-k", "3", "--method", "nope"], ["evaluate", "--truth", "a.h5"],
        ] {
            let r = try CLI.run(args)
            XCTAssertEqual(r.status, 64, "dsc \(args): \(r.stderr)")
            XCTAssertFalse(r.stderr.isEmpty)
        }
    }
}
