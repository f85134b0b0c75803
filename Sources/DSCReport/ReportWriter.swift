import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A report that could not be written. The message is one line and names the path.
public enum ReportError: LocalizedError, Equatable {
    /// `path` (the directory or a file in it) could not be created or written; `reason` says why.
    case cannotWrite(path: String, reason: String)
    /// The input could not be serialised (e.g. to JSON).
    case cannotEncode(file: String, reason: String)

    public var errorDescription: String? {
        switch self {
        case .cannotWrite(let path, let reason): return "cannot write report to \(path): \(oneLine(reason))"
        case .cannotEncode(let file, let reason): return "cannot encode \(file): \(oneLine(reason))"
        }
    }

    private func oneLine(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

/// Writes the three report files into a directory.
public enum ReportWriter {
    /// The file names written, in the order they are put in place.
    public static let fileNames = ["metrics.json", "report.md", "report.html"]

    /// Renders `input` and writes `report.md`, `report.html` and `metrics.json` into `directory`.
    ///
    /// - The directory (and missing parents) is created if needed.
    /// - Every file is first written in full to a hidden temporary file in the same directory and
    ///   then renamed over its final name (`rename(2)`, atomic on POSIX file systems), so a reader
    ///   never sees a half-written file.
    /// - Nothing is renamed until all three temporary files are written, and a final name taken by
    ///   a directory is refused up front. On failure every temporary file is removed, and a
    ///   directory this call created is removed again, so a failed call leaves nothing behind.
    ///   (A rename failing after an earlier one succeeded, which needs the directory to change
    ///   under us, can leave the earlier files replaced.)
    /// - Throws: ``ReportError/cannotWrite(path:reason:)`` naming the directory or file.
    public static func write(_ input: ReportInput, to directory: URL) throws {
        let contents: [(name: String, data: Data)] = [
            ("metrics.json", try encoded("metrics.json") { try MetricsJSON.render(input) }),
            ("report.md", Data(MarkdownReport.render(input).utf8)),
            ("report.html", Data(HTMLReport.render(input).utf8)),
        ]
        let fm = FileManager.default
        let dirPath = directory.standardizedFileURL.path
        var isDir: ObjCBool = false
        let existed = fm.fileExists(atPath: dirPath, isDirectory: &isDir)
        if existed && !isDir.boolValue {
            throw ReportError.cannotWrite(path: dirPath, reason: "a file with this name exists and is not a directory")
        }
        var createdRoot: URL? = nil
        if !existed {
            createdRoot = topmostMissingAncestor(of: directory.standardizedFileURL)
            do { try fm.createDirectory(at: directory, withIntermediateDirectories: true) } catch {
                if let root = createdRoot, fm.fileExists(atPath: root.path) { try? fm.removeItem(at: root) }
                throw ReportError.cannotWrite(path: dirPath, reason: describe(error))
            }
        }
        for file in contents {
            let final = directory.appendingPathComponent(file.name)
            var finalIsDir: ObjCBool = false
            if fm.fileExists(atPath: final.path, isDirectory: &finalIsDir) && finalIsDir.boolValue {
                throw ReportError.cannotWrite(path: final.path, reason: "a directory with this name exists")
            }
        }
        var temporaries: [(temp: URL, final: URL)] = []
        func rollBack() {
            for t in temporaries { try? fm.removeItem(at: t.temp) }
            if let root = createdRoot { try? fm.removeItem(at: root) }
        }
        let tag = UUID().uuidString.prefix(8)
        for file in contents {
            let final = directory.appendingPathComponent(file.name)
            let temp = directory.appendingPathComponent(".\(file.name).\(tag).tmp")
            do {
                try file.data.write(to: temp, options: [.withoutOverwriting])
                temporaries.append((temp, final))
            } catch {
                try? fm.removeItem(at: temp)
                rollBack()
                throw ReportError.cannotWrite(path: final.path, reason: describe(error))
            }
        }
        for (i, t) in temporaries.enumerated() {
            if rename(t.temp.path, t.final.path) == 0 { continue }
            let reason = String(cString: strerror(errno))
            for rest in temporaries[i...] { try? fm.removeItem(at: rest.temp) }
            if i == 0, let root = createdRoot { try? fm.removeItem(at: root) }
            throw ReportError.cannotWrite(path: t.final.path, reason: reason)
        }
    }

    /// Runs an encoder, turning its failure into ``ReportError/cannotEncode(file:reason:)``.
    private static func encoded(_ file: String, _ body: () throws -> Data) throws -> Data {
        do { return try body() } catch { throw ReportError.cannotEncode(file: file, reason: describe(error)) }
    }

    /// The highest ancestor of `url` (or `url` itself) that does not exist yet: the directory to
    /// remove to undo `createDirectory(withIntermediateDirectories:)`.
    private static func topmostMissingAncestor(of url: URL) -> URL {
        var missing = url
        var parent = url.deletingLastPathComponent()
        while parent.path != missing.path && !FileManager.default.fileExists(atPath: parent.path) {
            missing = parent
            parent = parent.deletingLastPathComponent()
        }
        return missing
    }

    /// The most specific one-line description of a Foundation/POSIX error.
    private static func describe(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError,
            underlying.domain == NSPOSIXErrorDomain, let code = Int32(exactly: underlying.code)
        {
            return String(cString: strerror(code))
        }
        if ns.domain == NSPOSIXErrorDomain, let code = Int32(exactly: ns.code) {
            return String(cString: strerror(code))
        }
        return ns.localizedDescription
    }
}
